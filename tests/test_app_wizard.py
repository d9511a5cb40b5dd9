"""The wizard, page by page in AppTest: start a plan, answer every kind of question, move around, review."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from roadmap.plan import progress
from roadmap.scoring import score_areas
from roadmap.store import Store

from .apptest_helpers import (  # noqa: F401
    add_table_row, button, database_url, form_button, go_to, key, new_app, open_paste, open_with_code, row_action, run, session_of,
    start_plan, stored_plan, tables_shown,
)

def test_start_page_says_what_the_team_will_have_at_the_end(database_url):
    at = new_app().run()
    assert at.title[0].value == "Teacher leadership plan"
    assert "planning document" in at.markdown[0].value
    assert [t.label for t in at.tabs] == ["Start a new plan", "Resume with a code", "Open a plan file", "Try the sample"]


def test_starting_a_plan_needs_a_district_name(database_url):
    at = new_app().run()
    button(at, "Start the plan").click()
    at.run()
    assert "district's name" in at.error[0].value
    assert "plan_session" not in at.session_state


def test_new_plan_opens_on_the_first_area_with_a_resume_code(database_url, bank):
    at = start_plan(new_app())
    assert at.header[0].value == "1. Design for impact"
    code = at.session_state["resume_code"]
    assert len(code.replace("-", "")) == 10
    stored = Store(database_url).open_by_code(code)
    assert stored.plan.district.name == "Springfield Public Schools"
    labels = [b.label for b in at.sidebar.button]
    assert labels[0] == "Your team"
    assert labels[1].startswith("1. Design for impact (0/")
    assert "required missing" in labels[1]
    assert labels[-1] == "Review and export"


def answer_every_kind(at: AppTest, bank) -> dict:
    """Answer one question of each kind and rate actions, moving through the steps; return what was entered."""
    entered = {}
    # Area 1: text, short text, ratings with a note.
    at.text_area(key=key(at, "q-priorities")).input("Mathematics in grades 6-8 🎉 <script>alert(1)</script>")
    at.run()
    at.text_input(key=key(at, "q-initiative-name")).input("Lead from the Classroom")
    at.run()
    at.radio(key=key(at, "act-align-purpose", "level")).set_value("developing")
    at.run()
    at.text_input(key=key(at, "act-align-purpose", "note")).input("Purpose drafted at the workshop")
    at.run()
    at.radio(key=key(at, "act-engage-stakeholders", "level")).set_value("not-applicable")
    at.run()
    entered["q-priorities"] = "Mathematics in grades 6-8 🎉 <script>alert(1)</script>"
    entered["q-initiative-name"] = "Lead from the Classroom"
    # Area 3: a choice; area 4: decision, domains, multi choice.
    go_to(at, 3)
    at.radio(key=key(at, "q-review-cadence")).set_value("quarterly")
    at.run()
    entered["q-review-cadence"] = "quarterly"
    go_to(at, 4)
    at.radio(key=key(at, "q-tight-loose", "pole")).set_value("tight")
    at.run()
    at.text_area(key=key(at, "q-tight-loose", "rationale")).input("Selection and training are tight.")
    at.run()
    entered["q-tight-loose"] = {"pole": "tight", "rationale": "Selection and training are tight."}
    at.checkbox(key=key(at, "q-domains", "tlms-4")).check()
    at.run()
    at.checkbox(key=key(at, "q-domains", "tlms-1")).check()
    at.run()
    entered["q-domains"] = ["tlms-1", "tlms-4"]
    at.checkbox(key=key(at, "q-recognition", "stipend")).check()
    at.run()
    entered["q-recognition"] = ["stipend"]
    for action in bank.areas[3].actions:
        at.radio(key=key(at, action.id, "level")).set_value("emerging")
        at.run()
    return entered


def test_every_kind_of_answer_survives_going_back_and_forth(database_url, bank):
    at = start_plan(new_app())
    entered = answer_every_kind(at, bank)
    for step in (0, 1, 2, 3, 4, 5, 2, 1, 4):
        go_to(at, step)
    plan = session_of(at).plan
    for question_id, value in entered.items():
        assert plan.answers[question_id] == value
    assert plan.ratings["act-align-purpose"].level == "developing"
    assert plan.ratings["act-align-purpose"].note == "Purpose drafted at the workshop"
    # The widgets show the saved answers again after all that moving about.
    assert at.text_area(key=key(at, "q-tight-loose", "rationale")).value == "Selection and training are tight."
    assert at.checkbox(key=key(at, "q-domains", "tlms-4")).value is True
    go_to(at, 1)
    assert at.text_area(key=key(at, "q-priorities")).value == entered["q-priorities"]
    # And the database has them too: a new device opening the code sees the same plan.
    stored = Store(database_url).open_by_code(at.session_state["resume_code"])
    assert {k: stored.plan.answers[k] for k in entered} == entered


def test_user_text_is_shown_as_text_never_as_html(database_url):
    at = start_plan(new_app())
    at.text_area(key=key(at, "q-priorities")).input("<script>alert('x')</script>")
    at.run()
    go_to(at, 2)
    go_to(at, 1)
    assert at.text_area(key=key(at, "q-priorities")).value == "<script>alert('x')</script>"
    assert not any("<script>" in m.value for m in at.markdown)


def test_an_answer_over_the_limit_is_refused_and_the_saved_one_stays(database_url):
    at = start_plan(new_app())
    at.text_area(key=key(at, "q-priorities")).input("Mathematics first")
    at.run()
    at.text_area(key=key(at, "q-priorities")).input("x" * 100_000)
    at.run()
    assert "limit of 100,000 characters" in at.error[0].value
    assert session_of(at).plan.answers["q-priorities"] == "Mathematics first"
    assert at.text_area(key=key(at, "q-priorities")).value == "Mathematics first"


def test_sidebar_progress_counts_what_is_answered(database_url, bank):
    at = start_plan(new_app())
    at.text_area(key=key(at, "q-priorities")).input("Maths")
    at.run()
    at.radio(key=key(at, "act-align-purpose", "level")).set_value("emerging")
    at.run()
    total = len(bank.areas[0].questions) + len(bank.areas[0].actions)
    first = at.sidebar.button[1].label
    assert first.startswith(f"1. Design for impact (2/{total}, 2 required missing")


def test_review_scores_match_the_scoring_functions_and_list_what_is_missing(database_url, bank):
    at = start_plan(new_app())
    answer_every_kind(at, bank)
    go_to(at, len(bank.areas) + 1)
    assert at.header[0].value == "Review and export"
    plan = session_of(at).plan
    scores = score_areas(plan, bank)
    table = at.table[0].value
    assert list(table["Mean level (1-4)"]) == [s.mean_label for s in scores]
    # Developing (3); the other action is not applicable, and the count says so as the document does.
    assert (table["Mean level (1-4)"].iloc[0], table["Nearest level"].iloc[0]) == ("3.0", "Developing")
    assert table["Actions rated"].iloc[0] == "1 of 2 rated, 1 not applicable"
    missing_areas = [a for a in progress(plan, bank) if not a.complete]
    go_buttons = [b.label for b in at.button if b.label.startswith("Go to ")]
    assert go_buttons == [f"Go to {a.title}" for a in missing_areas]
    required_lines = [t.value for t in at.text if t.value.startswith("Required: ")]
    assert f"Required: {bank.questions['q-beyond-career-pathway'].text}" in required_lines
    assert f"Required: {bank.questions['q-priorities'].text}" not in required_lines
    button(at, "Go to Know the context").click()
    at.run()
    assert at.header[0].value == "2. Know the context"


def test_sample_plan_opens_on_the_review_complete(database_url, bank):
    at = new_app().run()
    button(at, "Open the sample plan").click()
    at.run()
    assert at.header[0].value == "Review and export"
    assert at.success[0].value == "Every question is answered and every action rated."
    downloads = [d.label for d in at.get("download_button")]
    assert "Download the plan (.docx)" in str(downloads) or downloads


def test_a_fifth_area_and_extra_question_appear_without_code_changes(database_url, bank_with_fifth_area, monkeypatch):
    _, path = bank_with_fifth_area
    monkeypatch.setenv("ROADMAP_BANK", str(path))
    at = start_plan(new_app())
    labels = [b.label for b in at.sidebar.button]
    assert any(label.startswith("5. Sustain the work") for label in labels)
    go_to(at, 5)
    assert at.header[0].value == "5. Sustain the work"
    at.text_area(key=key(at, "q-after-pilot")).input("A line in the district budget")
    at.run()
    assert session_of(at).plan.answers["q-after-pilot"] == "A line in the district budget"


def test_resume_code_opens_the_plan_and_a_wrong_code_is_refused(database_url):
    first = start_plan(new_app())
    first.text_area(key=key(first, "q-priorities")).input("Retention of new teachers")
    first.run()
    code = first.session_state["resume_code"]

    other = new_app().run()
    other.text_input(key="_resume:code").input("ZZZZ-ZZZZ-ZZ")
    button(other, "Open the plan").click()
    other.run()
    assert "No plan has that code" in other.error[0].value
    other.text_input(key="_resume:code").input(code.lower().replace("-", " "))
    button(other, "Open the plan").click()
    other.run()
    assert session_of(other).plan.answers["q-priorities"] == "Retention of new teachers"


def test_team_details_are_saved_from_the_team_step(database_url):
    at = start_plan(new_app())
    go_to(at, 0)
    assert at.header[0].value == "Your team"
    at.text_input(key=key(at, "district", "name")).input("Springfield Unified")
    at.run()
    at.date_input(key=key(at, "district", "date")).set_value(dt.date(2026, 12, 1))
    at.run()
    stored = Store(database_url).open_by_code(at.session_state["resume_code"])
    assert stored.plan.district.name == "Springfield Unified"
    assert stored.plan.district.date == dt.date(2026, 12, 1)


def test_teammates_answers_appear_when_moving_between_steps(database_url, bank):
    first = start_plan(new_app())
    code = first.session_state["resume_code"]
    second = open_with_code(code)
    go_to(second, 2)
    second.text_area(key=key(second, "q-identify-top-teachers")).input("Not yet: ratings do not separate teachers")
    second.run()
    go_to(first, 2)
    assert first.text_area(key=key(first, "q-identify-top-teachers")).value == "Not yet: ratings do not separate teachers"


def test_two_people_changing_one_answer_see_both_versions(database_url, bank):
    first = start_plan(new_app())
    code = first.session_state["resume_code"]
    second = open_with_code(code)
    second.text_area(key=key(second, "q-priorities")).input("Theirs: mathematics")
    second.run()
    first.text_area(key=key(first, "q-priorities")).input("Mine: retention")
    first.run()
    assert "after you opened it" in first.warning[0].value
    shown = {t.label: t.value for t in first.text_area if t.label in ("Your version", "a teammate's version")
             or t.label.endswith("'s version")}
    assert "Mine: retention" in shown.values() and "Theirs: mathematics" in shown.values()
    assert Store(database_url).open_by_code(code).plan.answers["q-priorities"] == "Theirs: mathematics"
    button(first, "Keep my version").click()
    first.run()
    assert Store(database_url).open_by_code(code).plan.answers["q-priorities"] == "Mine: retention"


def test_table_rows_added_changed_and_deleted_are_saved(database_url, bank):
    at = start_plan(new_app())
    go_to(at, 3)
    add_table_row(at, "q-measures", {"measure": "Students meeting growth targets", "baseline": "41%", "target": "55%"})
    add_table_row(at, "q-measures", {"measure": "New teachers returning", "baseline": "74%", "target": "85%"})
    rows = stored_plan(database_url, at).answers["q-measures"]
    assert [r["measure"] for r in rows] == ["Students meeting growth targets", "New teachers returning"]
    assert rows[0]["by-when"] == ""
    assert at.text_input(key=key(at, "q-measures", "cell:measure")).value == ""  # the form is empty again
    go_to(at, 4)
    go_to(at, 3)
    shown = tables_shown(at)
    assert [row[:3] for row in shown] == [["Students meeting growth targets", "41%", "55%"],
                                         ["New teachers returning", "74%", "85%"]]
    assert "None" not in str(shown)
    row_action(at, "q-measures", 2, "Change this row")
    assert at.text_input(key=key(at, "q-measures", "edit:target")).value == "85%"
    at.text_input(key=key(at, "q-measures", "edit:target")).input("90%")
    form_button(at, "q-measures", "Save row 2").click()
    run(at)
    row_action(at, "q-measures", 1, "Delete this row")
    assert stored_plan(database_url, at).answers["q-measures"] == [
        {"measure": "New teachers returning", "baseline": "74%", "target": "90%", "by-when": "",
         "data-source": "", "owner": ""}]


def test_a_tables_form_and_row_box_are_drawn_when_wanted(database_url, bank):
    at = start_plan(new_app())
    go_to(at, 3)
    cells = lambda: [t for t in at.text_input if t.key == key(at, "q-measures", "cell:measure")]  # noqa: E731
    picks = lambda: [s for s in at.selectbox if s.key == key(at, "q-measures", "pick")]  # noqa: E731
    assert cells(), "an empty table's \"Add a row\" is open by itself"
    assert not [e for e in at.expander if e.label == "Change or delete a row"], "nothing to change yet"
    add_table_row(at, "q-measures", {"measure": "Students meeting growth targets"})
    assert cells(), "the first row added leaves the form open under the person typing"
    assert not picks(), "the row box is drawn only when \"Change or delete a row\" is opened"
    go_to(at, 4)
    go_to(at, 3)
    assert not cells(), "a table with rows opens with its form closed"
    assert [e.label for e in at.expander if e.label in ("Add a row", "Change or delete a row")] == [
        "Add a row", "Change or delete a row"]
    at.session_state[key(at, "q-measures", "addopen")] = True  # opened (the cursor landing in it: a browser test)
    run(at)
    assert cells()
    add_table_row(at, "q-measures", {"measure": "New teachers returning"})
    assert [r["measure"] for r in stored_plan(database_url, at).answers["q-measures"]] == [
        "Students meeting growth targets", "New teachers returning"]
    row_action(at, "q-measures", 1, "Delete this row")
    assert [r["measure"] for r in stored_plan(database_url, at).answers["q-measures"]] == ["New teachers returning"]
    go_to(at, 4)
    go_to(at, 3)
    assert not cells()
    row_action(at, "q-measures", 1, "Delete this row")
    assert not stored_plan(database_url, at).answers.get("q-measures")
    assert cells(), "a table emptied by deleting its last row offers its form again"


def test_rows_pasted_from_a_spreadsheet_are_added_in_column_order(database_url, bank):
    at = start_plan(new_app())
    go_to(at, 3)
    add_table_row(at, "q-measures", {"measure": "Typed first"})
    pasted = ("Measure\tBaseline\tTarget\tBy when\n"  # the header row copied with the cells is left out
              "Growth on interim assessments\t41%\t55%\tJune 2026\n\n"
              "New teachers returning\t74%\t85%\n")
    open_paste(at, "q-measures")
    at.text_area(key=key(at, "q-measures", "paste")).input(pasted)
    form_button(at, "q-measures", "Add the pasted rows").click()
    run(at)
    rows = stored_plan(database_url, at).answers["q-measures"]
    assert [(r["measure"], r["baseline"], r["target"], r["by-when"]) for r in rows] == [
        ("Typed first", "", "", ""), ("Growth on interim assessments", "41%", "55%", "June 2026"),
        ("New teachers returning", "74%", "85%", "")]
    assert at.text_area(key=key(at, "q-measures", "paste")).value == ""


def test_an_empty_row_is_not_added_and_says_why(database_url, bank):
    at = start_plan(new_app())
    go_to(at, 3)
    form_button(at, "q-measures", "Add row").click()
    run(at)
    assert any("Type something in at least one box" in e.value for e in at.error)
    assert "q-measures" not in stored_plan(database_url, at).answers


def test_team_members_are_saved_from_the_team_table(database_url):
    at = start_plan(new_app())
    go_to(at, 0)
    at.session_state[key(at, "team")] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"name": "Maria Delgado", "role": "Assistant Superintendent"}, {"name": "Tom Becker", "role": "Teacher"}]}
    at.run()
    stored = Store(database_url).open_by_code(at.session_state["resume_code"])
    assert [(m.name, m.role) for m in stored.plan.district.team] == [
        ("Maria Delgado", "Assistant Superintendent"), ("Tom Becker", "Teacher")]


def test_a_number_column_is_stored_as_a_number_and_shown_with_thousands(database_url, bank):
    at = start_plan(new_app())
    go_to(at, 2)
    add_table_row(at, "q-funding", {"source": "Local levy", "year": "2027-28", "amount": "$40,000"})
    assert stored_plan(database_url, at).answers["q-funding"][0]["amount"] == "40000"
    assert ["Local levy", "2027-28", "40,000", "", ""] in tables_shown(at)
