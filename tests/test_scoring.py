"""Readiness scoring: mean of rated actions, not-applicable left out, halves rounded up."""

import pytest

from roadmap.plan import Plan
from roadmap.scoring import percent_of_top, score_areas

AREA_4 = ["act-support-principals", "act-train-teacher-leaders", "act-define-roles", "act-select-teacher-leaders"]


def _score(bank, levels):
    plan = Plan()
    for action_id, level in zip(AREA_4, levels):
        if level is not None:
            plan.set_rating(bank, action_id, level)
    return {s.area_id: s for s in score_areas(plan, bank)}["build-strategically"]


@pytest.mark.parametrize("levels,mean,percent,label", [
    (["emerging", "developing", "developing", "not-applicable"], 8 / 3, 67, "67%"),
    (["not-started"] * 4, 1.0, 25, "25%"),
    (["established"] * 4, 4.0, 100, "100%"),
    (["not-applicable"] * 4, None, None, "Not rated"),
    ([None] * 4, None, None, "Not rated"),
    (["emerging", None, None, None], 2.0, 50, "50%"),
    (["not-started", "emerging", "emerging", "emerging"], 1.75, 44, "44%"),
])
def test_area_score(bank, levels, mean, percent, label):
    score = _score(bank, levels)
    assert score.mean == (pytest.approx(mean) if mean is not None else None)
    assert score.percent == percent
    assert score.label == label


@pytest.mark.parametrize("values,top,expected", [
    ([1, 2], 4, 38),  # 37.5 rounds up, not to even
    ([1, 1, 1, 2], 4, 31),  # 31.25
    ([3, 3, 2, 3, 3, 2, 3, 3], 4, 69),  # 68.75
    ([2, 3, 3], 4, 67),
    ([1, 2, 2, 2, 2, 2, 2, 2], 8, 23),  # 23.4375
    ([1], 8, 13),  # 12.5 rounds up
])
def test_percent_rounds_halves_up(values, top, expected):
    assert percent_of_top(values, top) == expected


def test_no_values_cannot_be_scored():
    with pytest.raises(ValueError):
        percent_of_top([], 4)


def test_sample_scores_every_area(bank, sample):
    scores = score_areas(sample, bank)
    assert [s.area_id for s in scores] == [a.id for a in bank.areas]
    assert all(s.percent is not None for s in scores)
    build = scores[3]
    assert (build.rated, build.not_applicable, build.actions) == (3, 1, 4)
