"""Readiness scores: per area, the mean of its rated actions and that mean as a percentage.

An action rated "not applicable" (a level without a value) or not rated at all is
left out. An area with nothing rated has no score (None), which is not zero.
Percentages round halves up (66.5 -> 67), never to even as Python's round() does.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .bank import Bank
from .plan import Plan


@dataclass(frozen=True)
class AreaScore:
    area_id: str
    title: str
    mean: float | None  # on the levels' own scale (1-4 in the shipped bank)
    percent: int | None  # mean / top level x 100, rounded half up
    rated: int  # actions with a scored level
    not_applicable: int
    actions: int

    @property
    def label(self) -> str:
        """Return the score as a reader sees it: '67%' or 'Not rated'."""
        return "Not rated" if self.percent is None else f"{self.percent}%"

    @property
    def mean_label(self) -> str:
        return "-" if self.mean is None else f"{self.mean:.1f}"


def percent_of_top(values: list[int], top: int) -> int:
    """Return mean(values) / top x 100 rounded half up; raise ValueError on no values."""
    if not values:
        raise ValueError("no rated values to score")
    exact = Fraction(sum(values) * 100, len(values) * top)
    return floor(exact + Fraction(1, 2))


def score_areas(plan: Plan, bank: Bank) -> list[AreaScore]:
    """Return one AreaScore per area, in the bank's order."""
    top = bank.top_value
    levels = bank.levels_by_id
    scores = []
    for area in bank.areas:
        values: list[int] = []
        not_applicable = 0
        for action in area.actions:
            rating = plan.ratings.get(action.id)
            level = levels.get(rating.level) if rating and rating.level else None
            if level is None:
                continue
            if level.value is None:
                not_applicable += 1
            else:
                values.append(level.value)
        mean = sum(values) / len(values) if values else None
        percent = percent_of_top(values, top) if values else None
        scores.append(AreaScore(area.id, area.title, mean, percent, len(values), not_applicable, len(area.actions)))
    return scores
