"""A workshop over time: its teams' rounds compared, per team and combined.

A facilitator starts a new round for every team at once (a follow-up session), so the
teams' rounds line up by number: round 1 of every team is the first session. For each
round, an area's combined readiness is the mean of the teams' mean levels (each team
counts once, as on the dashboard), named by the rubric ("2.6: near Developing"). The
same figures feed the dashboard's "Over time" tab, the presenter view and the summary
document, through `round_charts`, the charts a plan's own rounds use.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from docx.document import Document
from docx.shared import Inches

from .bank import Bank
from .plan import Plan
from .round_charts import RoundScores, draw_rounds_chart, rounds_alt_text
from .rounds import scores_by_round
from .scoring import NOT_RATED, AreaScore, level_name, scored_levels
from .text import clean_text

WHOSE = "the mean of the teams' self-assessments"
SECTION_TITLE = "Readiness over time"


@dataclass(frozen=True)
class TeamRounds:
    """One team's readiness per round: (round label, each area's score), oldest first."""

    name: str
    by_round: RoundScores


def team_rounds(bank: Bank, named_plans: Sequence[tuple[str, Plan]]) -> list[TeamRounds]:
    return [TeamRounds(name, scores_by_round(plan, bank)) for name, plan in named_plans]


def round_count(teams: Sequence[TeamRounds]) -> int:
    """The number of rounds of the team with the most (a workshop's follow-up sessions)."""
    return max((len(t.by_round) for t in teams), default=0)


def combined_by_round(bank: Bank, teams: Sequence[TeamRounds]) -> RoundScores:
    """Per round, oldest first: (its label, each area's combined score across the teams that had that round).

    The label is the one most teams gave the round (a facilitator's new round gives them all one). In each
    combined AreaScore, `rated` counts the teams that rated the area and `actions` the teams in the round.
    """
    scale = scored_levels(bank)
    bottom, top = scale[0].value, scale[-1].value
    out: RoundScores = []
    for index in range(round_count(teams)):
        present = [t.by_round[index] for t in teams if len(t.by_round) > index]
        label = Counter(label for label, _ in present).most_common(1)[0][0]
        scores = []
        for a, area in enumerate(bank.areas):
            values = [scores[a].mean for _, scores in present if scores[a].mean is not None]
            mean = sum(values) / len(values) if values else None
            percent = None
            if mean is not None:
                exact = (Fraction(mean).limit_denominator(10**6) - bottom) * 100 / (top - bottom)
                percent = floor(exact + Fraction(1, 2))
            scores.append(AreaScore(area.id, area.title, mean, percent, len(values), 0, len(present),
                                    level_name(mean, scale) if mean is not None else ""))
        out.append((label, scores))
    labels = [label for label, _ in out]
    return [(f"{label} (round {i})" if labels.count(label) > 1 else label, scores)
            for i, (label, scores) in enumerate(out, start=1)]


def _figure(score: AreaScore) -> str:
    return score.mean_label if score.mean is not None else NOT_RATED


def combined_table(by_round: RoundScores) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: one row per area, one column per round with the teams' mean level."""
    headers = ["Area"] + [label for label, _ in by_round]
    areas = by_round[0][1] if by_round else []
    return headers, [[area.title] + [_figure(scores[i]) for _, scores in by_round] for i, area in enumerate(areas)]


def team_change_table(bank: Bank, teams: Sequence[TeamRounds]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: per team, each area's mean level in its first round and its latest ('1.3 -> 2.0')."""
    headers = ["Team"] + [area.title for area in bank.areas]
    rows = []
    for team in teams:
        if len(team.by_round) < 2:
            rows.append([team.name] + ["one round only"] * len(bank.areas))
            continue
        first, latest = team.by_round[0][1], team.by_round[-1][1]
        rows.append([team.name] + [f"{_figure(a)} -> {_figure(b)}" for a, b in zip(first, latest)])
    return headers, rows


def add_rounds_summary(document: Document, bank: Bank, named_plans: Sequence[tuple[str, Plan]],
                       table: Callable[[Document, Sequence[str], Sequence[Sequence[object]]], None]) -> bool:
    """Add "Readiness over time" to a workshop summary when any team has more than one round; return whether
    it was added. table: the summary's own table writer (columns fitted to their text, header repeated)."""
    teams = team_rounds(bank, named_plans)
    if round_count(teams) < 2:
        return False
    by_round = combined_by_round(bank, teams)
    document.add_heading(SECTION_TITLE, 1).paragraph_format.page_break_before = True
    document.add_paragraph(clean_text(
        f"The workshop's {len(by_round)} rounds, oldest first ({', '.join(label for label, _ in by_round)}). Each "
        "bar is an area's readiness in one round: the mean of the teams' mean levels, on the rubric's scale."))
    picture = document.add_paragraph().add_run().add_picture(
        io.BytesIO(draw_rounds_chart(by_round, bank)), width=Inches(6.0))
    picture._inline.docPr.set("descr", clean_text(rounds_alt_text(by_round, WHOSE)))
    headers, rows = combined_table(by_round)
    table(document, headers, rows)
    document.add_heading("Each team, first round to latest", 2)
    headers, rows = team_change_table(bank, teams)
    table(document, headers, rows)
    return True
