"""The working surface in page tests: who is typing, history a team can read, 'Saved HH:MM' from the store."""

from __future__ import annotations

from roadmap.store import Store

from .apptest_helpers import (  # noqa: F401
    add_table_row, answer, button, database_url, go_to, key, new_app, open_with_code, run, session_of,
)


def start_with_name(name: str, district: str = "Springfield Public Schools"):
    at = run(new_app())
    at.text_input(key="_new:name").input(district)
    at.text_input(key="_new:who").input(name)
    button(at, "Start the plan").click()
    return run(at)


def history_of(at, question_id: str):
    go_to(at, len(session_of(at).bank.areas) + 1)
    at.selectbox(key="_hist:question").set_value(question_id)
    return run(at)


def test_a_name_given_on_starting_is_shown_in_the_history_and_not_asked_again(database_url):
    at = start_with_name("Maria Delgado")
    assert not [f for f in at.text_input if f.key == "_who:name"], "asked for a name already given"
    answer(at, "q-priorities", "Mathematics first")
    history_of(at, "q-priorities")
    assert any(c.value.startswith("Maria Delgado · ") for c in at.caption)


def test_a_device_that_opens_a_plan_is_asked_once_for_a_name_and_may_skip(database_url):
    first = start_with_name("Maria Delgado")
    other = open_with_code(first.session_state["resume_code"])
    other.text_input(key="_who:name").input("Tom Becker")
    button(other, "Save my name").click()
    run(other)
    assert not [f for f in other.text_input if f.key == "_who:name"]
    assert other.text_input(key="who").value == "Tom Becker"  # and it can be changed in the sidebar
    answer(other, "q-priorities", "Retention")
    history_of(other, "q-priorities")
    assert any(c.value.startswith("Tom Becker · ") for c in other.caption)

    third = open_with_code(first.session_state["resume_code"])
    button(third, "Not now").click()
    run(third)
    assert not [f for f in third.text_input if f.key == "_who:name"]


def test_one_persons_quick_edits_are_one_version_and_table_rows_read_with_their_column_names(database_url):
    at = start_with_name("Maria Delgado")
    for text in ("Math", "Mathematics", "Mathematics in grades 6-8"):
        answer(at, "q-priorities", text)
    go_to(at, 3)
    add_table_row(at, "q-measures", {"measure": "New teachers returning", "by-when": "June 2027"})
    history_of(at, "q-priorities")
    versions = [c.value for c in at.caption if c.value.startswith("Maria Delgado · ")]
    assert len(versions) == 1 and "3 edits from" in versions[0]
    shown = [t.value for t in at.text if not t.value.startswith(("Required: ", "This round: "))]
    assert shown[0] == "Mathematics in grades 6-8"  # the version, then the earlier edits under it
    assert [b.label for b in at.button if b.label == "Restore this version"] == ["Restore this version"] * 2

    at.selectbox(key="_hist:question").set_value("q-measures")
    run(at)
    shown = [t.value for t in at.text]
    assert "Row 1: Measure: New teachers returning · By when: June 2027" in shown
    assert not [t for t in shown if "by-when" in t or "measure:" in t]


def test_saved_shows_the_plans_last_stored_change_on_another_device(database_url):
    first = start_with_name("Maria Delgado")
    answer(first, "q-priorities", "Mathematics first")
    store = Store(database_url)
    (plan,) = store.list_plans()
    when = store.last_change(plan.plan_id).astimezone().strftime("%H:%M")
    other = open_with_code(first.session_state["resume_code"])
    status = [m.value for m in other.markdown if "Saved" in m.value or "saved as you go" in m.value]
    assert status and status[0].startswith(f":material/cloud_done: Saved {when}")
