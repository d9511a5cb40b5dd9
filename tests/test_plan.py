"""The plan: answers by kind, the plan file round trip, and plain messages for bad files."""

import json
import re

import pytest

from roadmap.plan import (
    AnswerError, Plan, PlanFileError, is_answered, orphan_answers, overall_percent, plan_from_json, progress,
)
from roadmap.text import MAX_ANSWER_CHARS, TextTooLongError, clean_text

from .conftest import NASTY_STRINGS


@pytest.mark.parametrize("text", NASTY_STRINGS)
def test_plan_file_round_trip_keeps_every_answer_exactly(bank, text):
    plan = Plan()
    plan.set_answer(bank, "q-priorities", text)
    plan.set_answer(bank, "q-tight-loose", {"pole": "loose", "rationale": text})
    plan.set_answer(bank, "q-measures", [{"measure": text, "owner": "Ana"}])
    plan.set_rating(bank, "act-funding", "developing", text)
    again = plan_from_json(plan.to_json())
    assert again.answers["q-priorities"] == text
    assert again.answers["q-tight-loose"] == {"pole": "loose", "rationale": text}
    assert again.answers["q-measures"][0]["measure"] == text
    assert again.ratings["act-funding"].note == text
    assert again == plan


def test_sample_plan_round_trips_through_its_file(sample):
    assert plan_from_json(sample.to_json().encode("utf-8")) == sample


def test_control_characters_and_lone_surrogates_are_removed_and_nothing_else(bank):
    plan = Plan()
    stored = plan.set_answer(bank, "q-priorities", "a\x00b\x0bc\x1bd\ud800e\tf\ng\r\nh")
    assert stored == "abcde\tf\ng\r\nh"
    assert clean_text("שלום 🎉 <b>") == "שלום 🎉 <b>"


def test_lone_surrogate_escaped_in_a_plan_file_is_removed_on_load():
    raw = '{"format": "teacher-leadership-plan", "version": 1, "answers": {"q-priorities": "ok\\ud800 fine"}}'
    assert plan_from_json(raw).answers["q-priorities"] == "ok fine"


def test_answer_over_the_limit_is_refused_and_the_previous_answer_stays(bank):
    plan = Plan()
    plan.set_answer(bank, "q-priorities", "Mathematics first")
    with pytest.raises(TextTooLongError, match="the limit is 100,000"):
        plan.set_answer(bank, "q-priorities", "x" * 2_000_000)
    assert plan.answers["q-priorities"] == "Mathematics first"


def test_answer_exactly_at_the_limit_is_kept_whole(bank):
    plan = Plan()
    plan.set_answer(bank, "q-priorities", "y" * MAX_ANSWER_CHARS)
    assert len(plan_from_json(plan.to_json()).answers["q-priorities"]) == MAX_ANSWER_CHARS


@pytest.mark.parametrize("question_id,value,message", [
    ("q-review-cadence", "weekly", "not one of the choices"),
    ("q-recognition", ["stipend", "a-car"], "a-car is not one of the choices"),
    ("q-domains", ["tlms-9"], "tlms-9 is not one of the choices"),
    ("q-tight-loose", {"pole": "medium", "rationale": ""}, "not one of the two choices"),
    ("q-measures", "a string", "must be a table"),
    ("q-priorities", ["a", "list"], "must be text"),
    ("q-nonexistent", "x", "no question q-nonexistent"),
])
def test_answers_that_do_not_fit_their_question_are_refused_plainly(bank, question_id, value, message):
    plan = Plan()
    with pytest.raises(AnswerError, match=message):
        plan.set_answer(bank, question_id, value)
    assert question_id not in plan.answers


def test_choices_are_stored_in_the_banks_order_once_each(bank):
    plan = Plan()
    assert plan.set_answer(bank, "q-domains", ["tlms-4", "tlms-1", "tlms-4"]) == ["tlms-1", "tlms-4"]


def test_blank_table_rows_are_dropped_and_missing_cells_become_empty(bank):
    plan = Plan()
    rows = plan.set_answer(bank, "q-next-steps", [{"step": "Tell the board"}, {"step": "  ", "owner": ""}, {}])
    assert rows == [{"step": "Tell the board", "owner": "", "due": ""}]


def test_emptying_an_answer_removes_it_so_it_counts_as_unanswered(bank):
    plan = Plan()
    plan.set_answer(bank, "q-priorities", "Something")
    plan.set_answer(bank, "q-priorities", "   ")
    assert "q-priorities" not in plan.answers
    assert not is_answered(bank.questions["q-priorities"], plan.answers.get("q-priorities"))


def test_ratings_accept_bank_levels_only(bank):
    plan = Plan()
    plan.set_rating(bank, "act-funding", "emerging", "Grant in progress")
    with pytest.raises(AnswerError, match="not a readiness level"):
        plan.set_rating(bank, "act-funding", "brilliant")
    assert plan.ratings["act-funding"].level == "emerging"
    plan.set_rating(bank, "act-funding", None)
    assert plan.ratings["act-funding"].note == "Grant in progress"


def test_answers_to_questions_no_longer_in_the_bank_are_kept(bank):
    raw = json.loads(Plan().to_json())
    raw["answers"]["q-retired-question"] = "Written last year"
    plan = plan_from_json(json.dumps(raw))
    assert orphan_answers(plan, bank) == {"q-retired-question": "Written last year"}
    assert json.loads(plan.to_json())["answers"]["q-retired-question"] == "Written last year"


def test_progress_counts_what_is_actually_answered(bank, sample):
    areas = progress(Plan(), bank)
    assert overall_percent(areas) == 0
    assert "q-priorities" in areas[0].missing_required
    done = progress(sample, bank)
    assert overall_percent(done) == 100
    assert all(a.complete and not a.missing_required for a in done)
    partial = Plan()
    partial.set_answer(bank, "q-priorities", "Maths")
    first = progress(partial, bank)[0]
    assert (first.answered, first.questions) == (1, len(bank.areas[0].questions))
    assert "q-priorities" not in first.missing_required


@pytest.mark.parametrize("data,message", [
    ("{not json", "not valid JSON (line 1, column 2"),
    ("[1, 2]", "not a teacher leadership plan file"),
    ('{"format": "something-else", "version": 1}', "not a teacher leadership plan file"),
    ('{"format": "teacher-leadership-plan", "version": 7}', "version 7"),
    ('{"format": "teacher-leadership-plan", "version": 1, "answers": {"q-priorities": 42}}', "answers"),
    ('{"format": "teacher-leadership-plan", "version": 1, "district": {"name": ["x"]}}', "district.name"),
    ('{"format": "teacher-leadership-plan", "version": 1, "ratings": {"act-funding": {"level": 3}}}', "ratings.act-funding.level"),
    ('{"format": "teacher-leadership-plan", "version": 1, "surprise": true}', "surprise"),
    (b"PK\x03\x04rest-of-a-zip", "zip file"),
    (b"\xff\xfe\x00binary", "not text"),
    ("[" * 100_000, "nested too deeply"),
])
def test_malformed_plan_files_get_one_plain_message(data, message):
    with pytest.raises(PlanFileError, match=re.escape(message)) as caught:
        plan_from_json(data)
    assert "\n" not in str(caught.value)


def test_a_50_mb_file_is_refused_before_parsing():
    with pytest.raises(PlanFileError, match="50.0 MB"):
        plan_from_json(b" " * 50_000_000)
