"""What every AppTest page test does: a fresh app on its own SQLite file, start a plan, press a button,
move between steps, find a question's widget. Import the fixture with
`from .apptest_helpers import database_url  # noqa: F401`."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from roadmap.plan import Plan
from roadmap.store import Store

from .conftest import ROOT

TIMEOUT = 30


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """The app's database for this test: a new SQLite file, through DATABASE_URL as in production."""
    url = f"sqlite:///{tmp_path / 'roadmap.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("ROADMAP_PUBLIC_URL", raising=False)
    return url


@pytest.fixture
def store(database_url):
    """The store the app under test uses (its DATABASE_URL), for a test to set up or read back."""
    opened = Store(database_url)
    yield opened
    opened.close()


def as_read(markdown: str) -> str:
    """Return markdown the page escaped (`text.markdown_literal`) as a reader sees it: the backslashes gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def key(at: AppTest, item_id: str, part: str = "") -> str:
    """The widget key of a question or action (part: e.g. "note") in this run's widget generation."""
    gen = at.session_state["widget_gen"]
    return f"_w{gen}:{item_id}:{part}" if part else f"_w{gen}:{item_id}"


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def click(at: AppTest, label: str) -> AppTest:
    button(at, label).click()
    return run(at)


def start_plan(at: AppTest, name: str = "Springfield Public Schools") -> AppTest:
    at.run()
    at.text_input(key="_new:name").input(name)
    return click(at, "Start the plan")


def open_with_code(code: str) -> AppTest:
    """Another device: the start page, the resume code typed into its box, "Open the plan" pressed."""
    at = run(new_app())
    at.text_input(key="_resume:code").input(code)
    return click(at, "Open the plan")


def go_to(at: AppTest, step: int) -> None:
    at.button(key=f"_nav:{step}").click()
    run(at)


def answer(at: AppTest, question_id: str, text: str) -> None:
    at.text_area(key=key(at, question_id)).input(text)
    run(at)


def session_of(at: AppTest):
    return at.session_state["plan_session"]


def stored_plan(url: str, at: AppTest) -> Plan:
    """The plan as the database holds it (not as this session remembers it)."""
    return Store(url).load(session_of(at).plan_id).plan


def open_table_part(at: AppTest, question_id: str, part: str) -> AppTest:
    """Open one of a table question's expanders ("addopen": "Add a row", "changeopen": "Change or delete
    a row", "pasteopen": "Paste rows from a spreadsheet"), whose insides are drawn only while open."""
    if not at.session_state.get(key(at, question_id, part)):
        at.session_state[key(at, question_id, part)] = True
        run(at)
    return at


def add_table_row(at: AppTest, question_id: str, row: dict[str, str]) -> AppTest:
    """Type row into a table question's "Add a row" form (column id -> text) and press "Add row"
    (opening "Add a row" first if it is closed: it is while the table already has rows)."""
    open_table_part(at, question_id, "addopen")
    for column, text in row.items():
        at.text_input(key=key(at, question_id, f"cell:{column}")).input(text)
    form_button(at, question_id, "Add row").click()
    return run(at)


def row_action(at: AppTest, question_id: str, row: int, action: str) -> AppTest:
    """Choose row (counted from 1) in a table question's "Row to change or delete" box, then press
    action ("Change this row" or "Delete this row")."""
    open_table_part(at, question_id, "changeopen")
    at.selectbox(key=key(at, question_id, "pick")).set_value(row - 1)
    run(at)
    form_button(at, question_id, action).click()
    return run(at)


def open_paste(at: AppTest, question_id: str) -> AppTest:
    """Open a table question's "Paste rows from a spreadsheet" (its box is drawn only while it is open)."""
    assert not [t for t in at.text_area if t.key == key(at, question_id, "paste")], "the paste box was drawn closed"
    return open_table_part(at, question_id, "pasteopen")


def tables_shown(at: AppTest) -> list[list[str]]:
    """Every row of every table of rows on the page, each cell as a reader sees it (the table renders
    markdown, so the page escapes a person's text; the escapes are taken out again here)."""
    return [[as_read(str(cell)) for cell in row] for t in at.table for row in t.value.itertuples(index=False)]


def form_button(at: AppTest, question_id: str, label: str):
    """The button labelled label among a table question's buttons (its forms' and its rows')."""
    prefix = key(at, question_id)
    matches = [b for b in at.button if b.label == label and (b.form_id or b.key or "").startswith(prefix)]
    assert matches, f"no button {label!r} for {question_id} among {[(b.label, b.form_id, b.key) for b in at.button]}"
    return matches[0]
