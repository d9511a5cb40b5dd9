"""Rounds: a plan is a cycle. The team closes a round and starts another, reviews what it carried
forward, and compares readiness, ratings and answers from round to round.

A plan has one open round (`Plan.round`) and any number of closed ones (`Plan.rounds`,
oldest first), each kept as it was. Starting a round carries every answer and rating
forward, each "not yet reviewed this round" until someone confirms it ("still true") or
changes it. Everything here is pure: the store (round_storage.py) does the same to
stored plans in one transaction, and documents and pages draw what these return.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .bank import Bank
from .plan import ClosedRound, OpenRound, Plan, Rating, is_answered
from .scoring import AreaScore, score_areas
from .text import clean_text

NOT_REVIEWED = "Not yet reviewed this round"
STILL_TRUE = "Still true"


class RoundError(ValueError):
    """A round change that cannot be made; the message is one plain sentence."""


def answer_key(question_id: str) -> str:
    return f"q:{question_id}"


def rating_key(action_id: str) -> str:
    return f"r:{action_id}"


def carried_keys(plan: Plan | ClosedRound) -> list[str]:
    """Return the keys of what a new round carries forward: every answer, every rating with a level or note."""
    return [answer_key(q) for q in plan.answers] + [rating_key(a) for a in plan.ratings]


def round_label(label: str | None, when: datetime) -> str:
    """Return label cleaned, or the date (2027-03-14) when it is empty; raise RoundError past 200 characters."""
    text = clean_text(label or "").strip()
    if len(text) > 200:
        raise RoundError(f"A round's name is at most 200 characters; this one has {len(text):,}.")
    return text or when.date().isoformat()


def start_round(plan: Plan, label: str | None = None, member_ratings: dict[str, dict[str, str]] | None = None,
                now: datetime | None = None) -> Plan:
    """Return a copy of plan whose open round is closed as it is and a new round begun with everything
    carried forward, each entry not yet reviewed. plan itself is not changed."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    new = plan.model_copy(deep=True)
    closed = ClosedRound(label=plan.round.label, started_at=plan.round.started_at, closed_at=now,
                         answers=plan.answers, ratings=plan.ratings, member_ratings=member_ratings or {})
    new.rounds = [*new.rounds, closed]
    new.round = OpenRound(label=round_label(label, now), started_at=now, unreviewed=carried_keys(plan))
    return new


def unchanged_since_start(plan: Plan) -> bool:
    """Return True if nothing was confirmed or changed since the open round began (so its start can be undone)."""
    if not plan.rounds:
        return False
    last = plan.rounds[-1]
    return (plan.answers == last.answers and plan.ratings == last.ratings
            and sorted(plan.round.unreviewed) == sorted(carried_keys(plan)))


def undo_start(plan: Plan) -> Plan:
    """Return a copy of plan with the last round start undone: the last closed round open again.

    Raises RoundError when there is no closed round or something changed since the start.
    """
    if not plan.rounds:
        raise RoundError("This plan has only one round; there is no round start to undo.")
    if not unchanged_since_start(plan):
        raise RoundError("Something was reviewed or changed in this round, so its start cannot be undone.")
    new = plan.model_copy(deep=True)
    last = new.rounds.pop()
    new.round = OpenRound(label=last.label, started_at=last.started_at)
    return new


@dataclass(frozen=True)
class ReviewCount:
    """What this round has reviewed of what it carried forward."""

    reviewed: int
    carried: int

    @property
    def label(self) -> str:
        """'5 of 31 reviewed this round' ('' when nothing was carried forward, in a plan's first round)."""
        return f"{self.reviewed} of {self.carried} reviewed this round" if self.carried else ""


def review_count(plan: Plan, carried: int | None = None) -> ReviewCount:
    """Return how much of what the open round carried forward has been reviewed (confirmed or changed)."""
    if not plan.rounds:
        return ReviewCount(0, 0)
    total = len(carried_keys(plan.rounds[-1])) if carried is None else carried
    total = max(total, len(plan.round.unreviewed))
    return ReviewCount(total - len(plan.round.unreviewed), total)


def is_unreviewed(plan: Plan, key: str) -> bool:
    return key in plan.round.unreviewed


# Comparing rounds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundView:
    """One round as comparisons see it: its label, dates and contents (the open round's: the plan's own)."""

    label: str
    started_at: datetime
    closed_at: datetime | None
    answers: dict[str, Any]
    ratings: dict[str, Rating]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def all_rounds(plan: Plan) -> list[RoundView]:
    """Return every round of plan, oldest first, the open one last."""
    views = [RoundView(r.label, r.started_at, r.closed_at, r.answers, r.ratings) for r in plan.rounds]
    views.append(RoundView(plan.round.label, plan.round.started_at, None, plan.answers, plan.ratings))
    return views


def distinct_labels(rounds: list[RoundView]) -> list[str]:
    """Return each round's label, with its number added where two rounds share a label."""
    labels = [r.label for r in rounds]
    return [f"{label} (round {i})" if labels.count(label) > 1 else label for i, label in enumerate(labels, 1)]


def scores_by_round(plan: Plan, bank: Bank) -> list[tuple[str, list[AreaScore]]]:
    """Return (round label, each area's score) per round, oldest first."""
    rounds = all_rounds(plan)
    return [(label, score_areas(Plan(ratings=r.ratings), bank)) for label, r in zip(distinct_labels(rounds), rounds)]


def area_change_label(before: AreaScore, after: AreaScore) -> str:
    """'Define the measures: 1.3 -> 2.0' in the rubric's own figures ('Not rated' where nothing was)."""
    return f"{after.title}: {before.mean_label if before.mean is not None else 'Not rated'} -> " \
           f"{after.mean_label if after.mean is not None else 'Not rated'}"


@dataclass(frozen=True)
class MovedRating:
    """An action whose agreed rating changed from one round to the next, with both rounds' notes."""

    area_title: str
    action_id: str
    action_text: str
    from_round: str
    to_round: str
    from_level: str
    to_level: str
    from_note: str
    to_note: str


def _level_label(bank: Bank, rating: Rating | None) -> str:
    if rating is None or rating.level is None:
        return "Not rated"
    level = bank.levels_by_id.get(rating.level)
    return level.label if level else rating.level


def moved_ratings(plan: Plan, bank: Bank) -> list[MovedRating]:
    """Return every action whose level changed between two consecutive rounds, oldest change first."""
    rounds = all_rounds(plan)
    labels = distinct_labels(rounds)
    moved = []
    for (a_label, a), (b_label, b) in zip(zip(labels, rounds), list(zip(labels, rounds))[1:]):
        for area in bank.areas:
            for action in area.actions:
                before, after = a.ratings.get(action.id), b.ratings.get(action.id)
                if (before.level if before else None) == (after.level if after else None):
                    continue
                moved.append(MovedRating(area.title, action.id, action.text, a_label, b_label,
                                         _level_label(bank, before), _level_label(bank, after),
                                         before.note if before else "", after.note if after else ""))
    return moved


def answer_text(value: Any, bank: Bank | None = None, question_id: str | None = None) -> str:
    """Return an answer of any kind as plain text, for comparing words: choices by label, table rows one a line."""
    question = bank.questions.get(question_id) if bank is not None and question_id else None
    labels: dict[str, str] = {}
    if question is not None:
        labels.update({o.id: o.label for o in question.options or ()})
        labels.update({p.id: p.label for p in question.poles or ()})
        if question.kind == "domains":
            labels.update({d.id: d.title for d in bank.domains})
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        pole = labels.get(value.get("pole", ""), value.get("pole", ""))
        return "\n".join(x for x in (pole, value.get("rationale", "")) if x)
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            return "\n".join("; ".join(str(c) for c in row.values() if str(c).strip()) for row in value)
        return "\n".join(labels.get(v, v) for v in value)
    return str(value)


_WORDS = re.compile(r"\S+|\n")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return the words of new against old as (kind, text) pieces, kind "same", "added" or "removed"."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            pieces.append(("removed", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("added", " ".join(b[j1:j2])))
    return [(kind, re.sub(r" ?\n ?", "\n", text).strip(" ")) for kind, text in pieces if text.strip(" ")]


def joined(previous: str, text: str) -> str:
    """The space to put between two pieces of a word diff: none at a line break."""
    return "" if not previous or previous.endswith("\n") or text.startswith("\n") else " "


def diff_markup(pieces: list[tuple[str, str]]) -> str:
    """Return a word diff as text marked without colour: [+added+] and [-removed-]."""
    out = ""
    for kind, text in pieces:
        out += joined(out, text) + (text if kind == "same" else f"[+{text}+]" if kind == "added" else f"[-{text}-]")
    return out


@dataclass(frozen=True)
class ChangedAnswer:
    """A question whose answer changed from one round to the next, with the word diff."""

    question_id: str
    question_text: str
    from_round: str
    to_round: str
    pieces: list[tuple[str, str]]


def changed_answers(plan: Plan, bank: Bank, between: tuple[int, int] | None = None) -> list[ChangedAnswer]:
    """Return every answer that differs between two consecutive rounds, in round then bank order; or, with
    between=(earlier, later) round indexes (0 the first, -1 the open one), between those two only."""
    rounds = all_rounds(plan)
    labels = distinct_labels(rounds)
    order = [q for a in bank.areas for q in a.questions]
    if between is None:
        pairs = [(i - 1, i) for i in range(1, len(rounds))]
    else:
        pairs = [tuple(i % len(rounds) for i in between)]
    changed = []
    for earlier, later in pairs:
        before, after = rounds[earlier].answers, rounds[later].answers
        for question in order:
            old, new = before.get(question.id), after.get(question.id)
            if old == new or (not is_answered(question, old) and not is_answered(question, new)):
                continue
            pieces = word_diff(answer_text(old, bank, question.id), answer_text(new, bank, question.id))
            changed.append(ChangedAnswer(question.id, question.text, labels[earlier], labels[later], pieces))
    return changed


def copy_for_new_plan(plan: Plan, now: datetime | None = None) -> Plan:
    """Return a new plan with plan's district, answers and its latest round's ratings, in one fresh round
    whose copied_from says where they came from; plan itself is not changed."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    origin = f"Copied on {now.date().isoformat()} from the plan of {plan.district.name or 'a district'}, " \
             f"round {plan.round.label}"
    return Plan(district=plan.district.model_copy(deep=True), answers=dict(plan.answers),
                ratings={k: v.model_copy() for k, v in plan.ratings.items()}, created_at=now, updated_at=now,
                round=OpenRound(label=now.date().isoformat(), started_at=now, copied_from=origin[:200]))
