"""Readiness scores on the rubric's own scale: per area, the mean level of its rated actions.

A score reads as the rubric reads: "2.5: between Emerging and Developing", from 1 (Not
started) to 4 (Established) in the shipped bank, with how many actions were rated
("3 of 4 rated, 1 not applicable"). Where a percentage is shown it is the distance from
the bottom level to the top one, (mean - bottom) / (top - bottom): Not started is 0%,
Established 100%, so a percentage never suggests work that was not done.

An action rated "not applicable" (a level without a value) or not rated at all is left
out of the mean. An area with nothing rated has no score (None), which is not zero.
Means are shown to one decimal and percentages as whole numbers, both rounding halves up
(2.25 -> 2.3, 66.5 -> 67), never to even as Python's round() does. The plan file keeps
ratings, not scores, so a change here needs no change to stored plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .bank import Bank, Level
from .plan import Plan

NOT_RATED = "Not rated"


@dataclass(frozen=True)
class AreaScore:
    area_id: str
    title: str
    mean: float | None  # on the levels' own scale (1-4 in the shipped bank)
    percent: int | None  # (mean - bottom) / (top - bottom) x 100, rounded half up
    rated: int  # actions with a scored level
    not_applicable: int
    actions: int
    level_name: str = ""  # "Developing", "between Emerging and Developing"; "" when not rated

    @property
    def mean_label(self) -> str:
        """The mean to one decimal, '2.5', or '-' when nothing is rated."""
        return "-" if self.mean is None else one_decimal(self.mean)

    @property
    def label(self) -> str:
        """The score as a reader sees it: '2.5: between Emerging and Developing' or 'Not rated'."""
        return NOT_RATED if self.mean is None else f"{self.mean_label}: {self.level_name}"

    @property
    def percent_label(self) -> str:
        """'50%' (of the way from the bottom level to the top one) or 'Not rated'."""
        return NOT_RATED if self.percent is None else f"{self.percent}%"

    @property
    def count_label(self) -> str:
        """How much the score rests on: '3 of 4 rated, 1 not applicable', 'none of 4 rated'."""
        return rated_count_label(self.rated, self.not_applicable, self.actions)


def rated_count_label(rated: int, not_applicable: int, actions: int) -> str:
    """'3 of 4 rated, 1 not applicable' - the one wording for how many actions a score rests on."""
    text = f"{rated or 'none'} of {actions} rated"
    return f"{text}, {not_applicable} not applicable" if not_applicable else text


def _half_up(value: Fraction, places: int) -> Fraction:
    scale = 10 ** places
    return Fraction(floor(value * scale + Fraction(1, 2)), scale)


def one_decimal(mean: float | Fraction) -> str:
    """Return mean to one decimal place, halves rounded up: 2.25 -> '2.3'."""
    return f"{float(_half_up(Fraction(mean).limit_denominator(10**6), 1)):.1f}"


def scored_levels(bank: Bank) -> list[Level]:
    """The levels that count in a score, lowest value first."""
    return sorted((lv for lv in bank.levels if lv.value is not None), key=lambda lv: lv.value)


def level_name(mean: float, levels: list[Level]) -> str:
    """Name the mean by the rubric: 'Developing' on a level, 'between Emerging and Developing' halfway
    or near halfway, else 'near Emerging' for the closer level. `levels` come from scored_levels()."""
    shown = _half_up(Fraction(mean).limit_denominator(10**6), 1)
    for lv in levels:
        if shown == lv.value:
            return lv.label
    lower = max((lv for lv in levels if lv.value < shown), key=lambda lv: lv.value, default=levels[0])
    upper = min((lv for lv in levels if lv.value > shown), key=lambda lv: lv.value, default=levels[-1])
    gap = upper.value - lower.value
    offset = (shown - lower.value) / gap if gap else Fraction(0)
    if Fraction(2, 5) <= offset <= Fraction(3, 5):
        return f"between {lower.label} and {upper.label}"
    return f"near {(lower if offset < Fraction(1, 2) else upper).label}"


def percent_of_range(values: list[int], bottom: int, top: int) -> int:
    """Return (mean(values) - bottom) / (top - bottom) x 100 rounded half up; raise ValueError on no values.

    With one scored level only (bottom == top) every rating is that level: 100%.
    """
    if not values:
        raise ValueError("no rated values to score")
    if top == bottom:
        return 100
    exact = Fraction(sum(values) - bottom * len(values), len(values)) * 100 / (top - bottom)
    return floor(exact + Fraction(1, 2))


def score_areas(plan: Plan, bank: Bank) -> list[AreaScore]:
    """Return one AreaScore per area, in the bank's order."""
    scale = scored_levels(bank)
    bottom, top = scale[0].value, scale[-1].value
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
        percent = percent_of_range(values, bottom, top) if values else None
        name = level_name(mean, scale) if mean is not None else ""
        scores.append(AreaScore(area.id, area.title, mean, percent, len(values), not_applicable,
                                len(area.actions), name))
    return scores
