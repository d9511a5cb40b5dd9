"""Whatever people paste or upload: shown as text, refused with a message when too big, never losing what was saved."""

from __future__ import annotations

import io
import re
import json
import zipfile

import docx
import pytest
from streamlit.testing.v1 import AppTest

from roadmap.document import build_plan_document, to_docx_bytes
from roadmap.plan import District, Plan
from roadmap.sample import sample_plan
from roadmap.session import PlanSession
from roadmap.store import Store
from roadmap.text import MAX_ANSWER_CHARS, clean_text, markdown_literal

from .apptest_helpers import (  # noqa: F401
    add_table_row, as_read, click, database_url, form_button, go_to, key, new_app, open_with_code, start_plan,
    row_action, stored_plan,
)

TIMEOUT = 30

#: What people paste, by name: each goes into a text question through the page.
PASTED = {
    "control characters": "Before\x00NUL, vertical\x0btab, escape\x1b[31m and bell\x07 after",
    "script tag": "<script>alert('x')</script> Maths first",
    "image with onerror": "<img src=x onerror=alert(1)> Retention",
    "javascript link": "[click me](javascript:alert(1)) and <a href=\"javascript:alert(2)\">here</a>",
    "markdown link and image": "[board report](https://example.com/r) ![pixel](https://example.com/p.png) **loud**",
    "windows line breaks": "First line\r\nSecond line\r\n\r\nNew paragraph",
    "right to left": "עברית: מנהיגות מורים — العربية: قيادة المعلمين \u202eevil\u202c",
    "combining characters": "e\u0301cole, Z\u0351\u0338a\u0362l\u0335g\u0358o\u0335, n\u0303",
    "emoji and joiners": "Team 👩🏽‍🏫👨‍👩‍👧 🎉",
}
TWO_MEGABYTES = "x" * 2_000_000


def markdown_shown(at: AppTest) -> list[str]:
    """Return every text the page renders as markdown (alerts, captions, headings, labels of widgets)."""
    bodies = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "success", "info",
                                   "warning", "error") for e in getattr(at, kind)]
    labels = [w.label for kind in ("text_area", "text_input", "button", "radio", "checkbox") for w in getattr(at, kind)]
    cells = [str(cell) for table in at.table for row in table.value.itertuples(index=False) for cell in row]
    return bodies + labels + cells  # st.table renders its cells as markdown too


def reopened_text(plan: Plan, bank) -> str:
    data = to_docx_bytes(build_plan_document(plan, bank))
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# Pasted text ----------------------------------------------------------------


def test_pasted_text_of_every_kind_is_saved_shown_as_text_and_exported(database_url, bank):
    at = start_plan(new_app())
    text_questions = [(step, q.id) for step, area in enumerate(bank.areas, start=1)
                      for q in area.questions if q.kind == "text"]
    assert len(text_questions) >= len(PASTED)
    placed = {}
    for (step, question_id), (name, value) in zip(text_questions, PASTED.items()):
        if at.session_state["step"] != step:
            go_to(at, step)
        at.text_area(key=key(at, question_id)).input(value)
        at.run()
        assert not at.exception, at.exception
        assert not at.error, f"{name}: refused with {at.error[0].value}"
        placed[question_id] = (name, value)

    saved = stored_plan(database_url, at)
    for question_id, (name, value) in placed.items():
        assert saved.answers[question_id] == clean_text(value), name
    assert saved.answers[text_questions[0][1]] == "BeforeNUL, verticaltab, escape[31m and bell after"

    # Back on each step the boxes show exactly what was saved, and nothing is rendered as markup.
    for step in sorted({s for s, _ in text_questions}):
        go_to(at, step)
        for question_id, (name, value) in placed.items():
            if (step, question_id) in text_questions:
                assert at.text_area(key=key(at, question_id)).value == clean_text(value), name
        for shown in markdown_shown(at):
            for marker in ("<script", "<img", "javascript:", "](https://example.com"):
                assert marker not in shown, f"{marker!r} rendered as markdown: {shown[:120]!r}"

    text = reopened_text(saved, bank)
    for name, value in placed.values():
        first_line = clean_text(value).splitlines()[0]
        assert first_line in text, name


def paste(widget, text: str) -> None:
    """Paste as a browser does: it stops at the widget's max_chars, so only the start of a long text arrives."""
    widget.input(text[:widget.max_chars] if widget.max_chars else text)


@pytest.mark.parametrize("sender", ["browser", "client ignoring max_chars"])
def test_two_megabytes_pasted_is_refused_with_a_message_and_the_saved_answer_stays(database_url, bank, sender):
    send = paste if sender == "browser" else (lambda widget, text: widget.set_value(text))
    at = start_plan(new_app())
    at.text_area(key=key(at, "q-priorities")).input("Mathematics first")
    at.run()
    send(at.text_area(key=key(at, "q-priorities")), TWO_MEGABYTES)
    at.run()
    assert not at.exception
    assert "limit of 100,000 characters" in at.error[0].value
    assert at.text_area(key=key(at, "q-priorities")).value == "Mathematics first"

    send(at.text_input(key=key(at, "q-initiative-name")), TWO_MEGABYTES)
    at.run()
    assert any("limit of 500 characters" in e.value for e in at.error)

    send(at.text_input(key=key(at, "act-align-purpose", "note")), TWO_MEGABYTES)
    at.run()
    assert any("100,000" in e.value for e in at.error)

    saved = stored_plan(database_url, at)
    assert saved.answers == {"q-priorities": "Mathematics first"}
    assert "act-align-purpose" not in saved.ratings
    assert "Mathematics first" in reopened_text(saved, bank)


def plan_with_one_measure():
    """A new plan on step 3 whose measures table has one saved row, freshly drawn, that row open to change."""
    at = start_plan(new_app())
    go_to(at, 3)
    add_table_row(at, "q-measures", {"measure": "New teachers returning", "baseline": "74%", "target": "85%"})
    go_to(at, 4)
    go_to(at, 3)
    row_action(at, "q-measures", 1, "Change this row")
    return at


def test_two_megabytes_in_a_table_cell_or_the_district_name_is_refused(database_url, bank):
    at = plan_with_one_measure()
    at.text_input(key=key(at, "q-measures", "edit:target")).set_value(TWO_MEGABYTES)
    form_button(at, "q-measures", "Save row 1").click()
    at.run()
    assert not at.exception
    assert any("not saved" in e.value for e in at.error)

    go_to(at, 0)
    at.text_input(key=key(at, "district", "name")).set_value(TWO_MEGABYTES)
    at.run()
    assert not at.exception

    saved = stored_plan(database_url, at)
    assert saved.answers["q-measures"][0]["target"] == "85%"
    assert saved.district.name == "Springfield Public Schools"


def test_a_table_cell_pasted_up_to_the_limit_is_refused_as_probably_cut_off(database_url, bank):
    # The browser's text box stops at the limit without a word: a cell that arrives full is refused.
    at = plan_with_one_measure()
    at.text_input(key=key(at, "q-measures", "edit:measure")).set_value("m" * MAX_ANSWER_CHARS)
    form_button(at, "q-measures", "Save row 1").click()
    at.run()
    assert not at.exception
    assert any("reached the limit of 100,000 characters" in e.value for e in at.error)
    assert stored_plan(database_url, at).answers["q-measures"][0]["measure"] == "New teachers returning"


def test_names_people_type_are_shown_as_typed_not_as_markdown(database_url):
    hostile = "Evil [site](https://example.com/a) ![pixel](https://example.com/p.png) **bold** :red[red]"
    first = start_plan(new_app(), hostile)
    code = first.session_state["resume_code"]
    assert not first.exception
    for shown in markdown_shown(first):
        assert "[site](" not in shown and "![pixel](" not in shown and "**bold**" not in shown, shown

    # A teammate whose name is markup, changing the same answer: the conflict names them as typed.
    second = open_with_code(code)
    second.sidebar.text_input(key="who").input("Mallory ![x](https://example.com/x.png)")
    second.run()
    second.text_area(key=key(second, "q-priorities")).input("Theirs")
    second.run()
    first.text_area(key=key(first, "q-priorities")).input("Mine")
    first.run()
    assert first.warning, "the conflict was not shown"
    for shown in markdown_shown(first):
        assert "![x](" not in shown, shown

    first.switch_page("app_pages/start.py").run()
    assert not first.exception
    assert "You are working on the plan for Evil" in first.success[0].value
    assert "[site](" not in first.success[0].value


def test_a_lone_surrogate_cannot_reach_the_store_or_the_document(database_url, bank):
    # Browsers encode text as UTF-8 and cannot send a lone surrogate; a plan file or
    # a direct caller can. Both are cleaned before anything is stored or written.
    store = Store(database_url)
    created = store.create_plan(Plan(district=District(name="Half \ud800 a pair")))
    session = PlanSession.open(store, bank, created.plan_id)
    session.answer("q-priorities", "Before \udfff after")
    plan = store.load(created.plan_id).plan
    assert plan.district.name == "Half  a pair"
    assert plan.answers["q-priorities"] == "Before  after"
    assert "Before  after" in reopened_text(plan, bank)


# Plan files -----------------------------------------------------------------


def _plan_file(**changes) -> bytes:
    raw = json.loads(Plan(district=District(name="Riverbend")).to_json())
    raw.update(changes)
    return json.dumps(raw).encode()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plan.json", _plan_file())
    return buffer.getvalue()


BAD_FILES = {
    "malformed JSON": (b'{"format": "teacher-leadership-plan", "version": 1,', "not valid JSON"),
    "empty file": (b"", "not valid JSON"),
    "JSON that is a list": (b"[1, 2, 3]", "not a teacher leadership plan file"),
    "unknown format": (json.dumps({"format": "spreadsheet", "version": 1}).encode(), "not a teacher leadership plan"),
    "newer version": (_plan_file(version=3), "version 3"),
    "answers of the wrong type": (_plan_file(answers={"q-priorities": 42}), "problem"),
    "answers not a mapping": (_plan_file(answers=["q-priorities"]), "problem at answers"),
    "district name a number": (_plan_file(district={"name": 7}), "problem at district.name"),
    "rating level of the wrong type": (_plan_file(ratings={"act-align-purpose": {"level": ["x"]}}), "problem at"),
    "unknown field": (_plan_file(secret="x"), "problem at secret"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "not text": (b"\xff\xfe\x00\x00\x9c binary", "not text"),
    "a zip renamed .json": (_zip_bytes(), "zip file"),
    "50 MB": (b'{"format": "teacher-leadership-plan", "pad": "' + b"x" * 50_000_000 + b'"}', "50.0 MB"),
}


def test_every_bad_plan_file_gets_a_plain_message_and_nothing_is_saved(database_url):
    keeper = start_plan(new_app(), "Already here")
    keeper.text_area(key=key(keeper, "q-priorities")).input("Saved before the uploads")
    keeper.run()

    at = new_app().run()
    for name, (content, expected) in BAD_FILES.items():
        at.file_uploader(key="_upload").set_value(("plan.json", content, "application/json"))
        at.run()
        click(at, "Open this plan file")
        assert not at.exception, f"{name}: {at.exception}"
        messages = [as_read(e.value) for e in at.error]
        assert len(messages) == 1 and expected in messages[0], f"{name}: {messages}"
        assert "Traceback" not in messages[0] and len(messages[0]) < 400, f"{name}: {messages[0]!r}"
        assert "plan_session" not in at.session_state, name

    plans = Store(database_url).list_plans()
    assert [p.district_name for p in plans] == ["Already here"]
    assert Store(database_url).load(plans[0].plan_id).plan.answers == {"q-priorities": "Saved before the uploads"}


def test_a_good_plan_file_with_hostile_text_opens_cleaned(database_url, bank):
    plan = sample_plan(bank)
    raw = json.loads(plan.to_json())
    raw["district"]["name"] = "Riverbend \ud800<script>x</script>"
    raw["answers"]["q-priorities"] = "Keep\x00this \udfffand this"
    content = json.dumps(raw).encode()  # json escapes the surrogates as \ud800, as other tools may
    at = new_app().run()
    at.file_uploader(key="_upload").set_value(("riverbend.json", content, "application/json"))
    at.run()
    click(at, "Open this plan file")
    opened = stored_plan(database_url, at)
    assert opened.district.name == "Riverbend <script>x</script>"
    assert opened.answers["q-priorities"] == "Keepthis and this"
    assert "Keepthis and this" in reopened_text(opened, bank)


# Other teams and shared caches ------------------------------------------------


def test_one_teams_code_opens_only_its_own_plan(database_url):
    ours = start_plan(new_app(), "Northfield")
    ours.text_area(key=key(ours, "q-priorities")).input("Northfield's private answer")
    ours.run()
    theirs = start_plan(new_app(), "Southbrook")
    theirs.text_area(key=key(theirs, "q-priorities")).input("Southbrook's private answer")
    theirs.run()
    our_code, their_code = ours.session_state["resume_code"], theirs.session_state["resume_code"]
    assert our_code != their_code

    visitor = open_with_code(our_code)
    shown = "\n".join(markdown_shown(visitor) + [t.value for t in visitor.text] + [t.value for t in visitor.text_area])
    assert "Northfield's private answer" in shown
    assert "Southbrook" not in shown
    for step in range(len(visitor.sidebar.button)):
        go_to(visitor, step)
        everything = str(visitor._tree)
        assert "Southbrook" not in everything, f"step {step} shows the other team's plan"

    # A code one character off opens nothing.
    near = our_code[:-1] + ("2" if our_code[-1] != "2" else "3")
    if near != their_code:
        stranger = new_app().run()
        stranger.text_input(key="_resume:code").input(near)
        click(stranger, "Open the plan")
        assert "No plan has that code" in stranger.error[0].value
        assert "plan_session" not in stranger.session_state


def _reachable(roots, limit: int = 500_000):
    """Yield every object reachable from roots through containers and instance attributes.

    Modules, classes and functions are not followed: from them everything in the
    process is reachable, and a cache holding a function holds no team's data.
    Nor is SQLAlchemy's compiled-statement cache: it keeps the statement it first
    compiled for each shape of SQL (bound values included) only as a template; every
    execution binds its own values, so nothing in it is ever read back or shown.
    """
    import gc
    import types

    from sqlalchemy.util import LRUCache

    skip = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
            types.FrameType, types.CodeType)
    seen: set[int] = set()
    stack = list(roots)
    while stack and len(seen) < limit:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, skip) or isinstance(obj, LRUCache):
            continue
        seen.add(id(obj))
        yield obj
        stack.extend(gc.get_referents(obj))


def test_no_teams_plan_is_held_in_a_shared_cache(database_url, bank):
    from streamlit.runtime.caching.cache_data_api import _data_caches
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    from roadmap.plan import District, Rating
    from roadmap.session import PlanSession
    from roadmap.store import StoredPlan

    secret_answer = "Lowell's answer, never shared 7f3a"
    at = start_plan(new_app(), "Lowell Unified 7f3a")
    code = at.session_state["resume_code"]
    at.text_area(key=key(at, "q-priorities")).input(secret_answer)
    at.run()
    at.radio(key=key(at, "act-align-purpose", "level")).set_value("developing")
    at.run()
    go_to(at, len(bank.areas) + 1)  # the review draws the chart, the tables and the downloads
    at.selectbox(key="_hist:question").set_value("q-priorities")
    at.run()
    assert not at.exception

    found_types, found_text = set(), []
    per_team = (Plan, PlanSession, StoredPlan, District, Rating)
    secrets = ("Lowell Unified 7f3a", secret_answer, code, code.replace("-", ""))
    for obj in _reachable([_resource_caches, _data_caches]):
        if isinstance(obj, per_team):
            found_types.add(type(obj).__name__)
        elif isinstance(obj, str) and any(s in obj for s in secrets):
            found_text.append(obj[:80])
        elif isinstance(obj, (bytes, bytearray)) and any(s.encode() in obj for s in secrets):
            found_text.append(bytes(obj[:80]).decode(errors="replace"))
    assert not found_types, f"a shared cache holds {sorted(found_types)}"
    assert not found_text, f"a shared cache holds a team's text: {found_text[:3]}"


def test_markdown_typed_into_a_table_cell_shows_as_typed(database_url, bank):
    at = start_plan(new_app())
    go_to(at, 3)
    typed = "**Growth** [data](https://example.com) <img src=x onerror=alert(1)> `code`"
    add_table_row(at, "q-measures", {"measure": typed, "baseline": "41%"})
    assert stored_plan(database_url, at).answers["q-measures"][0]["measure"] == typed
    cells = [str(cell) for table in at.table for row in table.value.itertuples(index=False) for cell in row]
    assert markdown_literal(typed) in cells  # escaped, so the table shows the asterisks and brackets as typed
    for shown in markdown_shown(at):  # no markup left unescaped anywhere on the page
        for marker in (r"(?<!\\)<img", r"\]\(https://example", r"(?<!\\)\*\*Growth"):
            assert not re.search(marker, shown), f"{marker!r} rendered as markdown: {shown[:120]!r}"
