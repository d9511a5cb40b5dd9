"""The plan checkup: one test per rule (flags what is wrong, passes the sample), the command and the document."""

import datetime as dt
import io
import json
import subprocess
import sys

import docx
import pytest

from roadmap.checkup import check_plan, read_date
from roadmap.document import DocumentOptions, build_plan_document, to_docx_bytes
from roadmap.sample import sample_plan

from .conftest import ROOT

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def plan(bank):
    plan = sample_plan(bank, today=DAY)
    assert check_plan(plan, bank) == []  # each test below breaks one thing only
    return plan


def rules(plan, bank):
    return [(f.rule, f.question_id, f.row) for f in check_plan(plan, bank)]


def test_a_priority_without_a_measure_is_flagged(bank, plan):
    priorities = plan.answers["q-priorities"] + "\n- Strengthen family partnerships in every elementary school"
    plan.set_answer(bank, "q-priorities", priorities)
    findings = check_plan(plan, bank)
    assert [(f.rule, f.question_id) for f in findings] == [("priority-measure", "q-priorities")]
    assert "Strengthen family partnerships" in findings[0].message
    assert findings[0].step == 1 and findings[0].area_title == "Design for impact"


def test_priorities_with_no_measures_at_all_are_flagged(bank, plan):
    plan.set_answer(bank, "q-measures", [])
    assert ("priority-measure", "q-measures", None) in rules(plan, bank)


def test_a_measure_without_baseline_target_or_date_is_flagged_by_row(bank, plan):
    rows = [dict(r) for r in plan.answers["q-measures"]]
    rows[1]["baseline"] = ""
    rows[2].update(target="", **{"by-when": ""})
    plan.set_answer(bank, "q-measures", rows)
    findings = [f for f in check_plan(plan, bank) if f.rule == "measure-complete"]
    assert [(f.row, f.message) for f in findings] == [
        (2, "\u201cEarly-career teachers returning for a third year\u201d has no baseline."),
        (3, "\u201cTeachers who say coaching improved their teaching\u201d has no target or date."),
    ]
    assert findings[0].about == "Our measures of success, row 2"
    assert findings[0].step == 3


def test_a_decision_without_rationale_or_choice_is_flagged(bank, plan):
    plan.set_answer(bank, "q-tight-loose", {"pole": "tight", "rationale": ""})
    plan.set_answer(bank, "q-system-vs-school", None)
    found = {(f.question_id, f.message) for f in check_plan(plan, bank)}
    assert found == {("q-tight-loose", "The choice is made but has no rationale: say why, for the board."),
                     ("q-system-vs-school", "This decision is not made yet.")}


def test_more_than_a_career_pathway_must_be_answered(bank, plan):
    plan.set_answer(bank, "q-beyond-career-pathway", "   ")
    assert rules(plan, bank) == [("career-pathway", "q-beyond-career-pathway", None)]


def test_an_action_rated_not_started_needs_a_next_step_with_owner_and_date(bank, plan):
    steps = [r for r in plan.answers["q-next-steps"] if "principals" not in r["step"]]
    steps = [dict(r, owner="") if "summer institute" in r["step"] else r for r in steps]
    plan.set_answer(bank, "q-next-steps", steps)
    messages = [f.message for f in check_plan(plan, bank) if f.rule == "low-rating-step"]
    # Both the principals' action (Not started) and training (Emerging) lost their step; the design
    # workshop step also covered stakeholders, so that action is flagged too.
    assert any(m.startswith("\u201csupporting principals and principal managers") and "Not started" in m
               for m in messages)
    assert any(m.startswith("\u201ctraining teacher leaders") and "Emerging" in m for m in messages)


def test_a_step_naming_the_area_covers_its_low_rated_actions(bank, plan):
    plan.set_answer(bank, "q-next-steps", [{"step": "Work on Define the measures, then Build strategically, "
                                                    "Know the context and Design for impact",
                                            "owner": "Maria Delgado", "due": "1 March 2027"}])
    assert [r for r in rules(plan, bank) if r[0] == "low-rating-step"] == []


def test_roles_need_selection_training_and_principal_support(bank, plan):
    plan.set_answer(bank, "q-training", "")
    plan.set_answer(bank, "q-principal-support", "")
    assert rules(plan, bank) == [("role-support", "q-training", None), ("role-support", "q-principal-support", None)]
    plan.set_answer(bank, "q-roles", [])
    assert all(r[0] != "role-support" for r in rules(plan, bank))


def test_funding_short_of_the_roles_cost_is_flagged_per_year(bank, plan):
    funding = [r for r in plan.answers["q-funding"] if not (r["year"] == "2028-29" and "grant" in r["source"])]
    plan.set_answer(bank, "q-funding", funding)
    findings = check_plan(plan, bank)
    assert [f.message for f in findings] == [
        "Funding for 2028-29 is $240,000, less than the roles' cost of $288,000 a year (short by $48,000)."]
    assert findings[0].question_id == "q-funding" and findings[0].step == 2


def test_funding_is_not_judged_when_a_role_has_no_cost(bank, plan):
    plan.set_answer(bank, "q-funding", [{"source": "Grant", "year": "2027-28", "amount": "1"}])
    roles = [dict(r, **{"cost-per-post": ""}) for r in plan.answers["q-roles"]]
    plan.set_answer(bank, "q-roles", roles)
    assert all(r[0] != "funding-covers" for r in rules(plan, bank))


def test_dates_on_or_before_the_plans_date_or_unreadable_are_flagged(bank, plan):
    steps = [dict(r) for r in plan.answers["q-next-steps"]]
    steps[0]["due"] = "1 December 2026"  # the plan's own date
    steps[1]["due"] = "next spring"
    plan.set_answer(bank, "q-next-steps", steps)
    findings = [f for f in check_plan(plan, bank) if f.rule == "date-ahead"]
    assert [(f.row, f.message) for f in findings] == [
        (1, "1 December 2026 is not after the plan's date (December 1, 2026)."),
        (2, "\u201cnext spring\u201d cannot be read as a date; write it as 15 January 2027 or June 2027.")]


@pytest.mark.parametrize("text,day", [("15 January 2027", dt.date(2027, 1, 15)), ("January 15, 2027", dt.date(2027, 1, 15)),
                                      ("2027-01-15", dt.date(2027, 1, 15)), ("June 2029", dt.date(2029, 6, 30)),
                                      ("Feb 2028", dt.date(2028, 2, 29)), ("2029", dt.date(2029, 12, 31)),
                                      ("31 February 2027", None), ("soon", None), ("January", None)])
def test_read_date(text, day):
    assert read_date(text) == day


# The command -------------------------------------------------------------------------------


def run(*args):
    return subprocess.run([sys.executable, "-m", "roadmap", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_checkup_command_exits_0_when_nothing_is_flagged(tmp_path, bank, plan):
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    result = run("checkup", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "Nothing flagged in Riverbend Unified School District.\n", "")


def test_checkup_command_exits_1_with_one_line_per_finding_and_json(tmp_path, bank, plan):
    plan.set_answer(bank, "q-beyond-career-pathway", "")
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    result = run("checkup", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "- Design for impact \u00b7 Does the proposed teacher leadership initiative do more\u2026: Not answered: "
        "say what the roles will change beyond a career step for top teachers. (step 1)",
        "1 thing to look at in Riverbend Unified School District."]
    data = json.loads(run("checkup", str(path), "--json").stdout)
    assert data["flagged"] == 1
    assert data["findings"][0]["question_id"] == "q-beyond-career-pathway"
    assert data["findings"][0]["step"] == 1


@pytest.mark.parametrize("content", ["{}", "not json", None])
def test_checkup_command_exits_2_for_a_bad_file_in_one_line(tmp_path, content):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("checkup", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_checkup_command_exits_2_for_a_bad_bank(tmp_path, plan):
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    result = run("checkup", str(path), "--bank", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and result.stderr.startswith("error: the question bank cannot be used")


# The document ------------------------------------------------------------------------------


def test_the_checkup_is_a_section_of_the_document_only_when_chosen(bank, plan):
    plan.set_answer(bank, "q-beyond-career-pathway", "")

    def headings(options):
        doc = docx.Document(io.BytesIO(to_docx_bytes(build_plan_document(plan, bank, options))))
        return doc, [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]

    assert "Plan checkup" not in headings(DocumentOptions())[1]
    doc, found = headings(DocumentOptions(sections={"checkup"}))
    assert found == ["Plan checkup"]
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1][0].startswith("1. Design for impact: Does the proposed")
    assert rows[1][1].startswith("Not answered")


def test_the_boards_ask_must_be_stated_with_a_date(bank, plan):
    asks = [dict(r) for r in plan.answers["q-board-ask"]]
    asks[1]["by-when"] = ""
    plan.set_answer(bank, "q-board-ask", asks)
    assert rules(plan, bank) == [("board-ask", "q-board-ask", 2)]
    plan.set_answer(bank, "q-board-ask", [])
    findings = check_plan(plan, bank)
    assert [(f.rule, f.step) for f in findings] == [("board-ask", 4)]
    assert findings[0].message.startswith("Not answered: say what the board is asked to approve")
