"""Readiness scoring: mean of rated actions, not-applicable left out, halves rounded up."""

import pytest

from roadmap.plan import Plan
from roadmap.scoring import level_name, one_decimal, percent_of_range, score_areas, scored_levels

AREA_4 = ["act-support-principals", "act-train-teacher-leaders", "act-define-roles", "act-select-teacher-leaders"]


def _score(bank, levels):
    plan = Plan()
    for action_id, level in zip(AREA_4, levels):
        if level is not None:
            plan.set_rating(bank, action_id, level)
    return {s.area_id: s for s in score_areas(plan, bank)}["build-strategically"]


@pytest.mark.parametrize("levels,mean,percent,label,counts", [
    (["emerging", "developing", "developing", "not-applicable"], 8 / 3, 56, "2.7: near Developing",
     "3 of 4 rated, 1 not applicable"),
    (["not-started"] * 4, 1.0, 0, "1.0: Not started", "4 of 4 rated"),  # nothing done reads as nothing
    (["established"] * 4, 4.0, 100, "4.0: Established", "4 of 4 rated"),
    (["not-applicable"] * 4, None, None, "Not rated", "none of 4 rated, 4 not applicable"),
    ([None] * 4, None, None, "Not rated", "none of 4 rated"),
    (["emerging", None, None, None], 2.0, 33, "2.0: Emerging", "1 of 4 rated"),
    (["emerging", "developing", None, None], 2.5, 50, "2.5: between Emerging and Developing", "2 of 4 rated"),
    (["not-started", "emerging", "emerging", "emerging"], 1.75, 25, "1.8: near Emerging", "4 of 4 rated"),
])
def test_area_score(bank, levels, mean, percent, label, counts):
    score = _score(bank, levels)
    assert score.mean == (pytest.approx(mean) if mean is not None else None)
    assert score.percent == percent
    assert score.label == label
    assert score.count_label == counts


@pytest.mark.parametrize("values,expected", [
    ([1, 2], 17),  # 16.67
    ([1, 1, 1, 2], 8),  # 8.33
    ([2, 3], 50),
    ([1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 29),  # 29.17
    ([1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 32),  # 32.29
    ([1, 2, 2, 2, 2, 2, 3, 3], 38),  # 37.5 rounds up, not to even
    ([1, 1, 1, 1, 1, 2, 2, 2], 13),  # 12.5 rounds up, not to even
])
def test_percent_runs_from_bottom_level_to_top(values, expected):
    assert percent_of_range(values, 1, 4) == expected


def test_no_values_cannot_be_scored():
    with pytest.raises(ValueError):
        percent_of_range([], 1, 4)


@pytest.mark.parametrize("mean,text", [(2.25, "2.3"), (2.35, "2.4"), (1.05, "1.1"), (3.0, "3.0"), (8 / 3, "2.7")])
def test_one_decimal_rounds_halves_up(mean, text):
    assert one_decimal(mean) == text


@pytest.mark.parametrize("mean,name", [
    (1.0, "Not started"), (1.2, "near Not started"), (1.4, "between Not started and Emerging"),
    (1.5, "between Not started and Emerging"), (1.6, "between Not started and Emerging"),
    (1.7, "near Emerging"), (3.96, "Established"), (3.5, "between Developing and Established"),
])
def test_level_name_is_the_rubric_word(bank, mean, name):
    assert level_name(mean, scored_levels(bank)) == name


def test_sample_scores_every_area(bank, sample):
    scores = score_areas(sample, bank)
    assert [s.area_id for s in scores] == [a.id for a in bank.areas]
    assert all(s.percent is not None for s in scores)
    build = scores[3]
    assert (build.rated, build.not_applicable, build.actions) == (3, 1, 4)
