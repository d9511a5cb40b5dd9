"""Faults while the server runs: the question bank edited, broken, deleted and mended under a working team."""

from __future__ import annotations

import os

import pytest

from .apptest_helpers import answer, database_url, go_to, key, new_app, start_plan, stored_plan  # noqa: F401
from .conftest import BANK_TEXT

NEW_QUESTION = """      - id: q-added-while-running
        text: Which schools will pilot the roles first?
        kind: text
        source: planner
"""


@pytest.fixture
def bank_file(tmp_path, monkeypatch):
    """A copy of questions.yaml the app reads (ROADMAP_BANK), for the test to break and mend."""
    path = tmp_path / "questions.yaml"
    path.write_text(BANK_TEXT, encoding="utf-8")
    monkeypatch.setenv("ROADMAP_BANK", str(path))
    return path


def rewrite(path, text: str) -> None:
    """Write text to path so the app notices: a new size, or failing that a new modification time."""
    before = path.stat()
    path.write_text(text, encoding="utf-8")
    after = path.stat()
    if (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size):
        os.utime(path, ns=(after.st_atime_ns, after.st_mtime_ns + 1_000_000))


def saved_answers(url: str, at) -> dict:
    return stored_plan(url, at).answers


BROKEN_BANKS = {
    "a wrong question kind": (BANK_TEXT.replace("kind: decision", "kind: decisoin", 1), "kind"),
    "YAML that does not parse": (BANK_TEXT.replace("areas:", "areas: [", 1), "line"),
    "a duplicated key": (BANK_TEXT.replace("kind: text", "kind: text\n        kind: text", 1), "twice"),
    "an empty file": ("", ""),
}


@pytest.mark.parametrize("breakage", list(BROKEN_BANKS))
def test_a_bank_broken_while_running_shows_what_is_wrong_and_the_team_carries_on(database_url, bank_file, breakage):
    at = start_plan(new_app())
    answer(at, "q-priorities", "Saved before the bank broke")

    text, hint = BROKEN_BANKS[breakage]
    rewrite(bank_file, text)
    at.run()
    assert not at.exception, at.exception
    warning = at.warning[0].value
    assert "keeps using the last good version" in warning
    assert hint.lower() in warning.lower()
    assert at.header[0].value == "1. Design for impact"

    answer(at, "q-purpose-statement", "Saved while the bank was broken")
    go_to(at, 4)
    at.radio(key=key(at, "q-tight-loose", "pole")).set_value("tight")
    at.run()
    go_to(at, 5)
    assert at.header[0].value == "Review and export"
    assert not at.exception

    # A teammate arriving now can still start a plan on the last good bank.
    other = start_plan(new_app())
    assert other.warning and other.header[0].value == "1. Design for impact"

    rewrite(bank_file, BANK_TEXT)
    at.run()
    assert not [w.value for w in at.warning if "last good version" in w.value]  # the checkup may still warn
    answers = saved_answers(database_url, at)
    assert answers["q-priorities"] == "Saved before the bank broke"
    assert answers["q-purpose-statement"] == "Saved while the bank was broken"
    assert answers["q-tight-loose"]["pole"] == "tight"


def test_a_bank_deleted_while_running_is_reported_and_the_last_good_one_kept(database_url, bank_file):
    at = start_plan(new_app())
    bank_file.unlink()
    at.run()
    assert "file not found" in at.warning[0].value
    answer(at, "q-priorities", "Still saving")
    assert saved_answers(database_url, at)["q-priorities"] == "Still saving"


def test_a_bank_broken_before_the_first_start_stops_with_a_plain_message(database_url, tmp_path, monkeypatch):
    path = tmp_path / "never-good.yaml"
    path.write_text(BANK_TEXT.replace("kind: decision", "kind: decisoin", 1), encoding="utf-8")
    monkeypatch.setenv("ROADMAP_BANK", str(path))
    at = new_app().run()
    assert not at.exception
    assert "cannot be used" in at.error[0].value and "kind" in at.error[0].value
    assert not at.button


def test_a_question_added_while_running_can_be_answered_by_teams_already_working(database_url, bank_file):
    at = start_plan(new_app())
    answer(at, "q-priorities", "Before the edit")
    marker = "      - id: q-beyond-career-pathway\n"
    assert marker in BANK_TEXT
    rewrite(bank_file, BANK_TEXT.replace(marker, NEW_QUESTION + marker, 1))
    at.run()
    assert not at.warning
    answer(at, "q-added-while-running", "Lincoln and Roosevelt")
    assert not at.error
    assert saved_answers(database_url, at)["q-added-while-running"] == "Lincoln and Roosevelt"


def test_a_question_removed_while_running_keeps_its_saved_answer(database_url, bank_file):
    at = start_plan(new_app())
    answer(at, "q-purpose-statement", "Kept even when the question goes")
    start = BANK_TEXT.index("      - id: q-purpose-statement\n")
    end = BANK_TEXT.index("      - id:", start + 10)
    rewrite(bank_file, BANK_TEXT[:start] + BANK_TEXT[end:])
    at.run()
    assert not at.exception and not at.warning
    go_to(at, 2)
    go_to(at, 1)
    answer(at, "q-priorities", "Another answer")
    go_to(at, 5)
    assert not at.exception
    assert saved_answers(database_url, at)["q-purpose-statement"] == "Kept even when the question goes"


def test_a_database_outage_while_typing_says_not_saved_and_keeps_the_text(database_url, monkeypatch):
    from roadmap import store as store_module

    at = start_plan(new_app())
    answer(at, "q-priorities", "Saved before the outage")
    working_save = store_module.Store._save

    def unreachable(self, plan_id, key, *args, **kwargs):
        raise store_module.DatabaseUnavailableError("postgresql+psycopg://planner@db/plans", "connection refused")

    monkeypatch.setattr(store_module.Store, "_save", unreachable)
    answer(at, "q-priorities", "Typed during the outage")
    assert "Not saved: the database did not answer" in at.error[0].value
    assert at.text_area(key=key(at, "q-priorities")).value == "Typed during the outage"
    at.radio(key=key(at, "act-align-purpose", "level")).set_value("developing")
    at.run()
    assert not at.exception
    assert "Saved before the outage" in saved_answers(database_url, at)["q-priorities"]

    monkeypatch.setattr(store_module.Store, "_save", working_save)
    answer(at, "q-priorities", "Typed during the outage, saved after")
    at.radio(key=key(at, "act-align-purpose", "level")).set_value("emerging")
    at.run()
    assert not at.error
    assert saved_answers(database_url, at)["q-priorities"] == "Typed during the outage, saved after"


def test_moving_between_steps_while_the_database_is_down_says_so_and_keeps_every_answer(database_url, monkeypatch):
    from contextlib import contextmanager

    from roadmap import store as store_module

    at = start_plan(new_app())
    answer(at, "q-priorities", "Saved before the outage")

    @contextmanager
    def unreachable(self, *args, **kwargs):
        raise store_module.DatabaseUnavailableError("postgresql+psycopg://planner@db/plans", "connection refused")
        yield  # pragma: no cover - never reached

    working = store_module.Store._transaction
    monkeypatch.setattr(store_module.Store, "_transaction", unreachable)
    for step in (2, 1, 5, 0, 3):
        go_to(at, step)
        assert at.session_state["step"] == step
        shown = " ".join(e.value for e in list(at.warning) + list(at.error))
        assert "database did not answer" in shown, f"step {step} does not say the database is down: {shown!r}"
    go_to(at, 1)
    assert at.text_area(key=key(at, "q-priorities")).value == "Saved before the outage"

    monkeypatch.setattr(store_module.Store, "_transaction", working)
    go_to(at, 2)
    assert not at.warning and not at.error
    answer(at, "q-data-systems", "Saved after the outage")
    assert saved_answers(database_url, at)["q-data-systems"] == "Saved after the outage"


def test_a_database_down_when_the_page_opens_says_so_in_plain_words(database_url, monkeypatch):
    from contextlib import contextmanager

    from roadmap import store as store_module

    @contextmanager
    def unreachable(self, *args, **kwargs):
        raise store_module.DatabaseUnavailableError("postgresql+psycopg://planner@db/plans", "connection refused")
        yield  # pragma: no cover - never reached

    at = start_plan(new_app())
    monkeypatch.setattr(store_module.Store, "_transaction", unreachable)
    at.switch_page("app_pages/consensus.py")
    at.run()
    assert not at.exception
    assert "The database did not answer" in at.error[0].value
    assert any(b.label == "Try again" for b in at.button)


def test_a_plan_deleted_on_another_device_says_so_and_keeps_the_text(database_url):
    from roadmap.store import Store

    at = start_plan(new_app())
    answer(at, "q-priorities", "Saved before the plan was deleted")
    Store(database_url).delete_plan(at.session_state["plan_session"].plan_id)  # a teammate, elsewhere
    answer(at, "q-priorities", "Typed after it was deleted")
    assert "this plan is no longer stored" in at.error[0].value
    assert at.text_area(key=key(at, "q-priorities")).value == "Typed after it was deleted"
    go_to(at, 5)  # the review still opens, with the plan file to download
    assert "no longer stored" in at.error[0].value
    assert any(b.label.startswith("Plan file") for b in at.get("download_button"))
