"""Rounds in the app (AppTest): start a round on the review step, see what is not yet reviewed, confirm it
with "Still true", undo a start, compare rounds, copy into a new plan."""

from __future__ import annotations

from roadmap.store import Store

from .apptest_helpers import (
    answer, button, click, database_url, go_to, new_app, run, session_of, start_plan, stored_plan,  # noqa: F401
)

REVIEW = 5  # the team, four areas, then the review


def rate(at, action_id: str, level: str) -> None:
    from .apptest_helpers import key

    at.radio(key=key(at, action_id, "level")).set_value(level)
    run(at)


def start_round(at, label: str) -> None:
    go_to(at, REVIEW)
    at.text_input(key="_round:new_label").input(label)
    at.checkbox(key="_round:sure").check()
    run(at)
    at.button(key="_round:start").click()
    run(at)


def test_a_new_round_marks_what_it_carried_and_still_true_reviews_it(database_url):
    at = start_plan(new_app())
    answer(at, "q-priorities", "Mathematics first")
    answer(at, "q-beyond-career-pathway", "Yes, each role has a job")
    rate(at, "act-align-purpose", "emerging")
    start_round(at, "Spring 2027")
    assert any("Round \u201cSpring 2027\u201d started" in s.value for s in at.success)
    assert any("0 of 3 reviewed this round" in t.value for t in at.text)
    go_to(at, 1)
    marks = [c.value for c in at.caption if "Not yet reviewed this round" in c.value]
    assert len(marks) == 3
    button_for(at, "q:q-priorities").click()
    run(at)
    rate(at, "act-align-purpose", "developing")
    assert len([c for c in at.caption if "Not yet reviewed this round" in c.value]) == 1
    plan = stored_plan(database_url, at)
    assert plan.round.unreviewed == ["q:q-beyond-career-pathway"]
    assert plan.rounds[0].ratings["act-align-purpose"].level == "emerging"
    assert any(p.text == "2 of 3 reviewed this round" for p in at.sidebar.get("progress"))


def button_for(at, key: str):
    return at.button(key=f"_still:{key}")


def test_the_review_step_compares_the_rounds(database_url):
    at = start_plan(new_app())
    rate(at, "act-align-purpose", "emerging")
    start_round(at, "Spring 2027")
    go_to(at, 1)
    rate(at, "act-align-purpose", "established")
    go_to(at, REVIEW)
    markdown = [m.value for m in at.markdown]
    assert "**Readiness over time**" in markdown and "**Ratings that moved**" in markdown
    table = at.table[-1].value
    assert list(table.columns)[-1] == "Spring 2027"
    assert table.loc["Design for impact", "Spring 2027"].startswith("4.0: Established")
    moved = at.dataframe[-1].value
    assert moved.iloc[0]["To"] == "Established (Spring 2027)" and moved.iloc[0]["From"].startswith("Emerging (")


def test_undo_reopens_the_last_round_while_nothing_changed(database_url):
    at = start_plan(new_app())
    answer(at, "q-priorities", "Mathematics first")
    first = stored_plan(database_url, at).round.label
    start_round(at, "Spring 2027")
    click(at, "Undo starting \u201cSpring 2027\u201d")
    assert any(f"Round \u201c{first}\u201d is open again" in s.value for s in at.success)
    plan = stored_plan(database_url, at)
    assert plan.rounds == [] and plan.round.label == first
    assert not [b for b in at.button if b.label.startswith("Undo starting")]


def test_copy_into_a_new_plan_gives_a_new_code_and_leaves_this_plan_alone(database_url):
    at = start_plan(new_app())
    answer(at, "q-priorities", "Mathematics first")
    go_to(at, REVIEW)
    before = Store(database_url).load(session_of(at).plan_id).versions
    at.button(key="_round:copy").click()
    run(at)
    [code] = [c.value for c in at.code if c.value != at.session_state["resume_code"]]
    copy = Store(database_url).open_by_code(code)
    assert copy.plan_id != session_of(at).plan_id
    assert copy.plan.answers["q-priorities"] == "Mathematics first"
    assert "Copied on" in copy.plan.round.copied_from
    assert Store(database_url).load(session_of(at).plan_id).versions == before


def test_renaming_the_round_shows_the_new_name(database_url):
    at = start_plan(new_app())
    go_to(at, REVIEW)
    at.text_input(key="_round:rename").input("Autumn 2026 workshop")
    run(at)
    at.button(key="_round:rename_button").click()
    run(at)
    assert any(t.value.startswith("This round: Autumn 2026 workshop (since ") for t in at.text)
    assert stored_plan(database_url, at).round.label == "Autumn 2026 workshop"


def test_the_review_step_compares_answers_between_any_two_rounds(database_url, bank):
    from roadmap.sample import sample_plan

    from .apptest_helpers import open_with_code

    plan = sample_plan(bank, rounds=3)
    code = Store(database_url).create_plan(plan).code
    at = open_with_code(code)
    go_to(at, REVIEW)
    at.selectbox(key="_round:from").set_value(0)
    run(at)
    texts = [t.value for t in at.text]
    assert any("[+" in t or "[-" in t for t in texts)
    assert any(c.value.endswith("Added words are marked [+like this+], removed words [-like this-].")
               for c in at.caption)
