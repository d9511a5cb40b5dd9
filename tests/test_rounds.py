"""Rounds in a plan, without a database: start, review marks, undo, comparisons, word diffs, plan files."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from roadmap.plan import PlanFileError, plan_from_json
from roadmap.plan_schema import plan_json_schema
from roadmap.rounds import (
    RoundError, changed_answers, diff_markup, moved_ratings, review_count, scores_by_round, start_round, undo_start,
    word_diff,
)
from roadmap.sample import sample_plan

SPRING = datetime(2027, 3, 14, 9, 0, tzinfo=timezone.utc)


def test_a_new_round_carries_everything_forward_not_yet_reviewed(sample, bank):
    new = start_round(sample, "Spring 2027", now=SPRING)
    assert [r.label for r in new.rounds] == [sample.round.label]
    assert new.rounds[0].closed_at == SPRING and new.round.label == "Spring 2027"
    assert new.answers == sample.answers and new.ratings == sample.ratings
    assert len(new.round.unreviewed) == len(sample.answers) + len(sample.ratings)
    assert review_count(new).label == f"0 of {len(new.round.unreviewed)} reviewed this round"
    assert sample.rounds == []  # the plan given is not changed


def test_a_round_without_a_label_is_named_by_its_date(sample):
    assert start_round(sample, "  ", now=SPRING).round.label == "2027-03-14"


def test_changing_an_answer_or_a_rating_reviews_it(sample, bank):
    new = start_round(sample, "Spring", now=SPRING)
    new.set_answer(bank, "q-priorities", "Retention first.")
    new.set_rating(bank, "act-funding", "established")
    assert "q:q-priorities" not in new.round.unreviewed and "r:act-funding" not in new.round.unreviewed
    assert review_count(new).reviewed == 2


def test_undo_brings_the_last_round_back_only_while_nothing_changed(sample, bank):
    new = start_round(sample, "Spring", now=SPRING)
    back = undo_start(new)
    assert back.rounds == [] and back.round.label == sample.round.label and back.round.unreviewed == []
    new.mark_reviewed("q:q-priorities")
    with pytest.raises(RoundError, match="cannot be undone"):
        undo_start(new)
    with pytest.raises(RoundError, match="only one round"):
        undo_start(sample)


def test_readiness_per_round_and_moved_ratings_read_in_the_rubrics_words(sample, bank):
    new = start_round(sample, "Spring 2027", now=SPRING)
    new.set_rating(bank, "act-success-data", "developing", "Survey designed")
    labels = [label for label, _ in scores_by_round(new, bank)]
    assert labels == [sample.round.label, "Spring 2027"]
    [moved] = moved_ratings(new, bank)
    assert (moved.action_id, moved.to_level, moved.to_note) == ("act-success-data", "Developing", "Survey designed")
    assert moved.from_round == sample.round.label and moved.to_round == "Spring 2027"


def test_two_rounds_with_the_same_label_are_told_apart(sample):
    new = start_round(start_round(sample, "Review", now=SPRING), "Review", now=SPRING)
    assert new.rounds[-1].label == new.round.label == "Review"
    from roadmap.rounds import all_rounds, distinct_labels

    assert distinct_labels(all_rounds(new))[1:] == ["Review (round 2)", "Review (round 3)"]


@pytest.mark.parametrize("old, new, marked", [
    ("Mentoring first", "Mentoring and coaching first", "Mentoring [+and coaching+] first"),
    ("Two years of study", "Three years of study", "[-Two-] [+Three+] years of study"),
    ("", "New answer", "[+New answer+]"),
    ("Old answer", "", "[-Old answer-]"),
])
def test_a_word_diff_marks_added_and_removed_words_without_colour(old, new, marked):
    assert diff_markup(word_diff(old, new)) == marked


def test_changed_answers_show_only_questions_whose_answer_moved(sample, bank):
    new = start_round(sample, "Spring", now=SPRING)
    new.set_answer(bank, "q-priorities", sample.answers["q-priorities"] + " Also attendance.")
    [changed] = changed_answers(new, bank)
    assert changed.question_id == "q-priorities"
    assert diff_markup(changed.pieces).endswith("[+Also attendance.+]")


def test_a_version_1_file_is_read_as_a_plan_of_one_round(sample):
    raw = json.loads(sample.to_json())
    raw["version"] = 1
    del raw["round"], raw["rounds"]
    plan = plan_from_json(json.dumps(raw))
    assert plan.version == 2 and plan.rounds == []
    assert plan.round.label == sample.created_at.date().isoformat()
    assert plan.round.started_at == sample.created_at
    assert json.loads(plan.to_json())["version"] == 2


def test_a_version_1_file_with_rounds_is_refused_in_plain_words(sample):
    raw = json.loads(sample.to_json())
    raw["version"] = 1
    with pytest.raises(PlanFileError, match="only version 2 files have"):
        plan_from_json(json.dumps(raw))


def test_a_plan_file_keeps_every_round_and_review_mark(bank):
    plan = sample_plan(bank, rounds=4)
    again = plan_from_json(plan.to_json())
    assert again == plan
    assert [r.label for r in again.rounds] == [r.label for r in plan.rounds]
    assert again.round.unreviewed and again.round.unreviewed == plan.round.unreviewed


def test_the_sample_with_rounds_differs_from_round_to_round(bank):
    plan = sample_plan(bank, rounds=3)
    means = [[s.mean for s in scores] for _, scores in scores_by_round(plan, bank)]
    assert len(means) == 3 and means[0] != means[1] != means[2]
    assert changed_answers(plan, bank)
    assert len({r.label for r in plan.rounds} | {plan.round.label}) == 3


def test_the_schema_describes_both_versions_and_the_rounds():
    schema = plan_json_schema()
    assert schema["properties"]["version"]["enum"] == [1, 2]
    assert {"round", "rounds"} <= set(schema["properties"])
    assert "version 1" in schema["description"]


def test_answers_can_be_compared_between_any_two_rounds(bank):
    plan = sample_plan(bank, rounds=3)
    first_to_last = changed_answers(plan, bank, between=(0, -1))
    assert {(c.from_round, c.to_round) for c in first_to_last} == {(plan.rounds[0].label, plan.round.label)}
    consecutive = changed_answers(plan, bank)
    assert {c.question_id for c in first_to_last} == {c.question_id for c in consecutive}
    assert changed_answers(plan, bank, between=(1, 1)) == []
