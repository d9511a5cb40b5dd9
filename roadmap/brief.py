"""What the school board reads first: the plan's figures and answers gathered for a one-page brief.

`board_brief(plan, bank)` returns a `Brief`: plain data that the Word plan's brief page
(document_brief.py) and the slide deck (deck.py) both lay out, so the two never disagree. Totals
are computed here from the tables' number columns (`type: number` in the bank): the
roles' posts and cost a year, and the funding per school year. A cell that is not a
number (a plan saved before the column had a type) is left out of a total, and the
total says so (`Money.complete` is False).

`shorten` cuts a long answer at a word and points to where the full text is:
"... (continued in section 1)"; `clip` cuts a table cell to one line. With the row limits
below they keep the brief to one Letter page whatever the plan holds;
tests/test_brief.py renders it with LibreOffice to prove it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .bank import Bank
from .plan import Plan, format_number, is_answered, number_value
from .rounds import area_change_label, scores_by_round
from .scoring import AreaScore, score_areas
from .text import clean_text

#: The question ids the brief draws on (the shipped bank's; a bank without one shows it as not answered).
NAME, PURPOSE, PRIORITIES = "q-initiative-name", "q-purpose-statement", "q-priorities"
ROLES, MEASURES, FUNDING = "q-roles", "q-measures", "q-funding"
ASK, NEXT_STEPS = "q-board-ask", "q-next-steps"

#: Most rows of each table the brief shows; the table's heading counts the rest ("3 of 7").
MAX_ROWS = {ROLES: 3, MEASURES: 3, FUNDING: 3, ASK: 2, NEXT_STEPS: 3}
MAX_DECISIONS = 3

DEFAULT_NAME = "Teacher leadership initiative"


def _plain(value: object) -> str:
    """Return value as one line of text: line breaks and runs of spaces become single spaces."""
    return " ".join(clean_text(value if isinstance(value, str) else str(value or "")).split())


def clip(text: str, limit: int) -> str:
    """Return text on one line, cut at a word (and ended with "\u2026") when longer than limit characters."""
    text = _plain(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(",;:.- ") + "\u2026"


def shorten(text: str, limit: int, where: str | None) -> str:
    """Return text on one line, at most `limit` characters and, when cut, a pointer to the full text:
    "\u2026 (continued in section 2)", or "\u2026 (shortened)" when `where` is None."""
    text = _plain(text)
    if len(text) <= limit:
        return text
    pointer = f" (continued in {where})" if where else " (shortened)"
    return clip(text, max(limit - len(pointer), 10)) + pointer


@dataclass(frozen=True)
class Role:
    name: str
    does: str
    posts: Decimal | None
    cost_per_post: Decimal | None

    @property
    def cost(self) -> Decimal | None:
        return None if self.posts is None or self.cost_per_post is None else self.posts * self.cost_per_post


@dataclass(frozen=True)
class Money:
    """A total and whether every row counted in it held a number."""

    total: Decimal
    complete: bool

    @property
    def label(self) -> str:
        """'$288,000', or '$180,000 (some amounts are not numbers)'."""
        return f"${format_number(self.total)}" + ("" if self.complete else " (some amounts are not numbers)")

    @property
    def count_label(self) -> str:
        """'18', or '6 (some entries are not numbers)': a total of things, not of money."""
        return format_number(self.total) + ("" if self.complete else " (some entries are not numbers)")


@dataclass(frozen=True)
class Brief:
    """The brief's contents as one-line texts, not yet cut to fit: each layout cuts to its own room."""

    name: str
    purpose: str
    priorities: str
    priority_items: list[str]  # the priorities typed as a list, if they were
    asks: list[tuple[str, str]]  # (what to approve, by when)
    roles: list[Role]
    posts: Money | None  # None when no role is listed
    roles_cost: Money | None  # a year; None when no role has a cost
    measures: list[tuple[str, str, str, str]]  # measure, baseline, target, by when
    funding_by_year: list[tuple[str, Money]]
    funding_sources: list[str]
    decisions: list[tuple[str, str, str]]  # (choice, rationale, question id)
    next_steps: list[tuple[str, str, str]]  # step, owner, due
    scores: list[AreaScore] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # question id -> "section 2"
    since_last_round: str = ""  # "Since Autumn 2026: Define the measures 1.3 -> 2.0", "" with one round


_LIST_LINE = re.compile(r"^[ \t]*(?:[-*\u2022]|\d{1,3}[.)])[ \t]+(\S.*)$", re.MULTILINE)


def list_items(text: str) -> list[str]:
    """Return the lines of text typed as a list ("- item", "1. item"), without their markers."""
    return [item.strip() for item in _LIST_LINE.findall(clean_text(text or ""))]


def _prose(text: str) -> str:
    """Return text on one line, a typed list's items joined by semicolons: "two priorities: A; B. Then..."."""
    out: list[str] = []
    for block in clean_text(text or "").replace("\r", "").split("\n\n"):
        items = list_items(block)
        lead = [line for line in block.split("\n") if line.strip() and not _LIST_LINE.match(line)]
        sentence = " ".join(lead)
        if items:
            sentence = (sentence + " " if sentence else "") + "; ".join(items) + "."
        out.append(sentence)
    return _plain(" ".join(s for s in out if s))


def _rows(plan: Plan, question_id: str) -> list[dict[str, str]]:
    value = plan.answers.get(question_id)
    if not isinstance(value, list):
        return []
    return [r for r in value if isinstance(r, dict) and any(str(v).strip() for v in r.values())]


def _text(plan: Plan, bank: Bank, question_id: str) -> str:
    question = bank.questions.get(question_id)
    value = plan.answers.get(question_id)
    if question is None or not is_answered(question, value) or not isinstance(value, str):
        return ""
    return value


def _sum(values: list[object]) -> Money:
    numbers = [number_value(v) for v in values if str(v or "").strip()]
    return Money(sum((n for n in numbers if n is not None), Decimal(0)), all(n is not None for n in numbers))


def section_numbers(bank: Bank) -> dict[str, str]:
    """Return, for every question id, the section of the Word plan holding it: 'section 2' (areas are numbered)."""
    return {q.id: f"section {n}" for n, area in enumerate(bank.areas, start=1) for q in area.questions}


def funding_by_year(rows: list[dict[str, str]]) -> list[tuple[str, Money]]:
    """Return the funding table's total per school year, in the order the years first appear.

    Rows without a year are totalled as "Each year".
    """
    years: dict[str, list[str]] = {}
    for row in rows:
        year = _plain(row.get("year")) or "Each year"
        years.setdefault(year, []).append(row.get("amount", ""))
    return [(year, _sum(amounts)) for year, amounts in years.items()]


def roles_of(plan: Plan) -> list[Role]:
    """Return every role in the roles table, with its posts and cost per post as numbers (None if not)."""
    return [Role(_plain(r.get("role")), _plain(r.get("responsibilities")), number_value(r.get("posts", "")),
                 number_value(r.get("cost-per-post", ""))) for r in _rows(plan, ROLES)]


def board_brief(plan: Plan, bank: Bank, sections: dict[str, str] | None = None) -> Brief:
    """Return the brief's contents.

    sections maps question ids to where their full text is ("section 2"); by default the
    Word plan's numbered areas. Pass {} when the full text is not in the same document.
    """
    roles = roles_of(plan)
    costs = [r.cost for r in roles]
    posts = _sum([r.get("posts", "") for r in _rows(plan, ROLES)]) if roles else None
    roles_cost = None
    if any(c is not None for c in costs):
        roles_cost = Money(sum((c for c in costs if c is not None), Decimal(0)), all(c is not None for c in costs))
    funding = _rows(plan, FUNDING)
    decisions = []
    for question in (q for a in bank.areas for q in a.questions if q.kind == "decision"):
        value = plan.answers.get(question.id)
        if not isinstance(value, dict) or not is_answered(question, value):
            continue
        pole = str(value.get("pole") or "")
        decisions.append((_plain(question.option_label(pole) if pole else "Choice not yet made"),
                          _plain(value.get("rationale")), question.id))
    return Brief(
        name=_plain(_text(plan, bank, NAME)) or DEFAULT_NAME,
        purpose=_plain(_text(plan, bank, PURPOSE)),
        priorities=_prose(_text(plan, bank, PRIORITIES)),
        priority_items=list_items(_text(plan, bank, PRIORITIES)),
        asks=[(_plain(r.get("ask")), _plain(r.get("by-when"))) for r in _rows(plan, ASK)],
        roles=roles,
        posts=posts,
        roles_cost=roles_cost,
        measures=[tuple(_plain(r.get(k)) for k in ("measure", "baseline", "target", "by-when"))
                  for r in _rows(plan, MEASURES)],
        funding_by_year=funding_by_year(funding),
        funding_sources=list(dict.fromkeys(_plain(r.get("source")) for r in funding if _plain(r.get("source")))),
        decisions=decisions,
        next_steps=[tuple(_plain(r.get(k)) for k in ("step", "owner", "due")) for r in _rows(plan, NEXT_STEPS)],
        scores=score_areas(plan, bank),
        sections=section_numbers(bank) if sections is None else sections,
        since_last_round=since_last_round(plan, bank),
    )


def since_last_round(plan: Plan, bank: Bank) -> str:
    """The change in readiness since the last closed round, in one line; "" for a plan of one round."""
    by_round = scores_by_round(plan, bank)
    if len(by_round) < 2:
        return ""
    (label, before), (_, after) = by_round[-2], by_round[-1]
    moved = [area_change_label(b, a).replace(": ", " ", 1) for b, a in zip(before, after) if b.mean_label != a.mean_label]
    if not moved:
        return f"Since {label}: no area's readiness changed."
    return f"Since {label}: " + "; ".join(moved) + "."
