"""A district's plan: team details, answers keyed by question id, ratings keyed by action id.

The plan is plain data. It checks each answer against its question's kind when
set (`set_answer`), keeps answers to questions the bank no longer has, and saves
to and loads from the plan file format (`to_json` / `plan_from_json`).

Every string a plan holds has passed `text.clean_text`, so whatever reaches the
store or a document can be written as XML and stored in PostgreSQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
import datetime as dt
from datetime import datetime, timezone
from typing import Any, Literal

from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .bank import Bank, Question
from .text import MAX_ANSWER_CHARS, MAX_SHORT_CHARS, check_length, clean_text, excerpt

PLAN_FORMAT = "teacher-leadership-plan"
PLAN_VERSION = 2
#: The versions of the plan file this planner reads: 1 (before rounds, read as a plan of one round) and 2.
READABLE_VERSIONS = (1, 2)
#: The most rounds one plan may hold (a round a term for many years).
MAX_ROUNDS = 100
#: A plan file bigger than this is refused before it is parsed.
MAX_PLAN_FILE_BYTES = 10_000_000
MAX_TABLE_ROWS = 200
#: The most columns one table row may carry (the planner's widest table has five).
MAX_TABLE_COLUMNS = 50
MAX_TEAM_MEMBERS = 60
#: The most answers, and separately the most ratings, one plan may hold: many times any real
#: bank (the planner's has 26 questions and 12 actions), few enough that opening or exporting a
#: plan is quick whatever a file holds.
MAX_PLAN_ENTRIES = 2_000
#: The longest id a plan may use for a question, an action or a table column (the store's column size).
MAX_KEY_CHARS = 200
#: The keys of a decision's answer, the only answer that is a mapping.
DECISION_KEYS = ("pole", "rationale")

# An answer as it appears in the plan file: text, a list of option ids, a list of
# table rows, or a decision {"pole": id, "rationale": text}.
AnswerValue = str | list[str] | list[dict[str, str]] | dict[str, str]


class PlanFileError(ValueError):
    """A plan file that cannot be opened; the message is one plain sentence."""


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is one plain sentence."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _clean_short(value: str) -> str:
    return check_length(clean_text(value), MAX_SHORT_CHARS, "This entry").strip()


def clean_value(value: Any, what: str = "This answer") -> Any:
    """Return an answer value with every string cleaned; raise AnswerError if it is not one."""
    if isinstance(value, str):
        return check_length(clean_text(value), MAX_ANSWER_CHARS, what)
    if isinstance(value, list):
        if len(value) > MAX_TABLE_ROWS:
            raise AnswerError(f"{what} has {len(value):,} entries; the limit is {MAX_TABLE_ROWS}.")
        if all(isinstance(v, str) for v in value):
            return [check_length(clean_text(v), MAX_ANSWER_CHARS, what) for v in value]
        if all(isinstance(v, dict) for v in value):
            return [_clean_row(v, what) for v in value]
        raise AnswerError(f"{what} mixes kinds of entries.")
    if isinstance(value, dict):
        unknown = [k for k in value if k not in DECISION_KEYS]
        if unknown:
            raise AnswerError(f"{what} is a decision, which holds only \"pole\" and \"rationale\", "
                              f"not \"{excerpt(unknown[0], 40)}\".")
        return _clean_row(value, what)
    raise AnswerError(f"{what} must be text, a list or a table, not {type(value).__name__}.")


def _clean_row(row: dict, what: str) -> dict[str, str]:
    """Return a table row (or a decision) with every key and cell cleaned; raise AnswerError if it is not one."""
    if len(row) > MAX_TABLE_COLUMNS:
        raise AnswerError(f"{what} has a row of {len(row):,} columns; the limit is {MAX_TABLE_COLUMNS}.")
    out = {}
    for k, v in row.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise AnswerError(f"{what} must hold only text.")
        out[check_key(k, "A column id")] = check_length(clean_text(v), MAX_ANSWER_CHARS, what)
    return out


def check_key(key: object, what: str) -> str:
    """Return key cleaned; raise AnswerError if it is not text or longer than MAX_KEY_CHARS."""
    if not isinstance(key, str):
        raise AnswerError(f"{what} must be text.")
    if len(key) > MAX_KEY_CHARS:
        raise AnswerError(f"{what} is {len(key):,} characters long; the limit is {MAX_KEY_CHARS}.")
    return clean_text(key)


def check_entries(entries: object, kind: str) -> None:
    """Raise AnswerError if a plan's answers or ratings are more than MAX_PLAN_ENTRIES or have a key too long.

    Runs before anything in them is looked at, so a file of a million answers costs almost nothing.
    """
    if not isinstance(entries, dict):
        return
    if len(entries) > MAX_PLAN_ENTRIES:
        raise AnswerError(f"This plan has {len(entries):,} {kind}; a plan holds at most {MAX_PLAN_ENTRIES:,}.")
    for key in entries:
        check_key(key, f"An id in its {kind}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Member(_Model):
    name: str
    role: str = ""

    _clean = field_validator("name", "role")(_clean_short)


def check_team_size(count: int) -> None:
    """Raise AnswerError if a planning team of count members is more than a plan can list."""
    if count > MAX_TEAM_MEMBERS:
        raise AnswerError(f"The planning team has {count:,} members; a plan can list at most {MAX_TEAM_MEMBERS}. "
                          "List the core team and name groups (\"Principals\") for the rest.")


def team_from_rows(rows: Any) -> list[Member]:
    """Return the members in a team table's rows ({"name", "role"}), leaving out rows without a name.

    Raises AnswerError past MAX_TEAM_MEMBERS, and TextTooLongError for a name or role over its limit.
    """
    named = [r for r in rows if str(r.get("name") or "").strip()]
    check_team_size(len(named))
    return [Member(name=str(r["name"]), role=str(r.get("role") or "")) for r in named]


class District(_Model):
    name: str = ""
    team: list[Member] = Field(default_factory=list, max_length=MAX_TEAM_MEMBERS)
    date: dt.date | None = None

    _clean = field_validator("name")(_clean_short)


class Rating(_Model):
    """A team's rating of one action: a level id (or None, not yet rated) and a note."""

    level: str | None = None
    note: str = ""

    @field_validator("note")
    @classmethod
    def _clean_note(cls, value: str) -> str:
        return check_length(clean_text(value), MAX_ANSWER_CHARS, "This note")


def _clean_answers(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    check_entries(value, "answers")
    return {check_key(k, "A question id"): clean_value(v, f"The answer to {k}") for k, v in value.items()}


def _bounded_ratings(value: Any) -> Any:
    check_entries(value, "ratings")
    return value


def _today_label() -> str:
    return _now().date().isoformat()


class ClosedRound(_Model):
    """A round the team closed: its answers, agreed ratings and members' own ratings as they were, read-only.
    member_ratings: member name -> action id -> level id."""

    label: str
    started_at: datetime
    closed_at: datetime
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    ratings: dict[str, Rating] = Field(default_factory=dict)
    member_ratings: dict[str, dict[str, str]] = Field(default_factory=dict)

    _label = field_validator("label")(_clean_short)
    _answers = field_validator("answers", mode="before")(_clean_answers)
    _ratings = field_validator("ratings", mode="before")(_bounded_ratings)


class OpenRound(_Model):
    """The round under way. unreviewed: the entry keys ("q:<question id>", "r:<action id>") carried
    forward from the last round that nobody has yet confirmed ("still true") or changed."""

    label: str = Field(default_factory=_today_label)
    started_at: datetime = Field(default_factory=_now)
    unreviewed: list[str] = Field(default_factory=list, max_length=2 * MAX_PLAN_ENTRIES)
    copied_from: str = ""  # where a plan copied from another came from ("Copied on ... from ...")

    _label = field_validator("label", "copied_from")(_clean_short)


class Plan(_Model):
    format: Literal["teacher-leadership-plan"] = PLAN_FORMAT
    version: Literal[2] = PLAN_VERSION
    district: District = Field(default_factory=District)
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    ratings: dict[str, Rating] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    round: OpenRound = Field(default_factory=OpenRound)
    rounds: list[ClosedRound] = Field(default_factory=list, max_length=MAX_ROUNDS)  # closed, oldest first

    _answers = field_validator("answers", mode="before")(_clean_answers)
    _ratings = field_validator("ratings", mode="before")(_bounded_ratings)

    # Changing the plan ------------------------------------------------------

    def touch(self) -> None:
        self.updated_at = _now()

    def set_answer(self, bank: Bank, question_id: str, value: Any) -> Any:
        """Store value as the answer to question_id and return it as stored.

        Raises AnswerError (or TextTooLongError) without changing the plan when
        the value does not fit the question; an empty value removes the answer.
        """
        question = bank.questions.get(question_id)
        if question is None:
            raise AnswerError(f"There is no question {question_id} in this question bank.")
        normalised = normalise_answer(question, value, bank)
        if is_answered(question, normalised):
            self.answers[question_id] = normalised
        else:
            self.answers.pop(question_id, None)
        self.mark_reviewed(f"q:{question_id}")
        self.touch()
        return normalised

    def mark_reviewed(self, key: str) -> None:
        """Take key ("q:<question id>" or "r:<action id>") off this round's "not yet reviewed" list."""
        if key in self.round.unreviewed:
            self.round.unreviewed = [k for k in self.round.unreviewed if k != key]

    def set_rating(self, bank: Bank, action_id: str, level: str | None, note: str | None = None) -> Rating:
        """Store a rating (level id or None) and, if given, its note; return the rating."""
        if action_id not in bank.actions:
            raise AnswerError(f"There is no action {action_id} in this question bank.")
        if level is not None and level not in bank.levels_by_id:
            raise AnswerError(f"{level} is not a readiness level of this question bank.")
        current = self.ratings.get(action_id, Rating())
        rating = Rating(level=level, note=current.note if note is None else note)
        if rating.level is None and not rating.note:
            self.ratings.pop(action_id, None)
        else:
            self.ratings[action_id] = rating
        self.mark_reviewed(f"r:{action_id}")
        self.touch()
        return rating

    # Files ------------------------------------------------------------------

    def to_json(self) -> str:
        """Return the plan file's text (UTF-8 JSON, answers in the bank's order where known)."""
        return self.model_dump_json(indent=2)

    @classmethod
    def blank(cls) -> "Plan":
        return cls()


def plan_from_json(data: str | bytes) -> Plan:
    """Return the plan in a plan file's contents; raise PlanFileError in plain words."""
    if len(data) > MAX_PLAN_FILE_BYTES:
        raise PlanFileError(
            f"This file is {len(data) / 1_000_000:.1f} MB; a plan file is at most "
            f"{MAX_PLAN_FILE_BYTES // 1_000_000} MB. Is it the right file?"
        )
    if isinstance(data, bytes):
        if data[:2] == b"PK":
            raise PlanFileError("This is a zip file (or a Word document), not a plan file (.json).")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanFileError("This file is not text; a plan file is a .json file saved by this planner.") from None
    try:
        raw = json.loads(data)
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"This file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    except RecursionError:
        raise PlanFileError("This file is nested too deeply to be a plan file.") from None
    if not isinstance(raw, dict) or raw.get("format") != PLAN_FORMAT:
        raise PlanFileError("This is not a teacher leadership plan file (its \"format\" is not \"teacher-leadership-plan\").")
    version = raw.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise PlanFileError(
            f"This plan file has version {excerpt(version, 20)}; this planner reads versions 1 to "
            f"{PLAN_VERSION}. It may come from a newer planner."
        )
    if version == 1:
        # Before rounds: the whole plan is one round, begun when the plan was.
        raw = {**raw, "version": PLAN_VERSION}
        if "round" in raw or "rounds" in raw:
            raise PlanFileError("This plan file of version 1 has rounds, which only version 2 files have.")
    try:
        # Counted before anything is validated: a file of a million answers is refused at once.
        check_entries(raw.get("answers"), "answers")
        check_entries(raw.get("ratings"), "ratings")
        team = raw.get("district", {}).get("team") if isinstance(raw.get("district"), dict) else None
        if isinstance(team, list):
            check_team_size(len(team))
    except AnswerError as exc:
        raise PlanFileError(str(exc)) from None
    try:
        plan = Plan.model_validate(raw)
        if version == 1:
            plan.round = OpenRound(label=plan.created_at.date().isoformat(), started_at=plan.created_at)
        return plan
    except ValidationError as exc:
        err = exc.errors()[0]
        where = excerpt(".".join(str(p) for p in err["loc"] if not str(p).startswith("function")), 60)
        msg = _PLAIN_PROBLEMS.get(err["type"]) or str(err.get("ctx", {}).get("error") or err["msg"])
        msg = excerpt(msg.removeprefix("Value error, "), 240)
        more = f" (and {exc.error_count() - 1:,} more problems)" if exc.error_count() > 1 else ""
        raise PlanFileError(f"This plan file has a problem at {where}: {msg.rstrip('.')}{more}.") from None
    except (AnswerError, ValueError) as exc:
        raise PlanFileError(f"This plan file has a problem: {excerpt(str(exc), 240)}") from None


#: Pydantic's words for a plan file's commonest mistakes, said plainly.
_PLAIN_PROBLEMS = {
    "extra_forbidden": "this is not part of a plan file",
    "missing": "this is missing",
    "string_type": "this must be text",
    "dict_type": "this must be a set of named values",
    "list_type": "this must be a list",
}


# Answers by kind ----------------------------------------------------------


def normalise_answer(question: Question, value: Any, bank: Bank | None = None) -> AnswerValue:
    """Return value in the stored form for question's kind; raise AnswerError if it does not fit."""
    kind = question.kind
    if value is None:
        return [] if kind in ("multi_choice", "domains", "table") else ""
    if kind in ("text", "short_text"):
        if not isinstance(value, str):
            raise AnswerError("This answer must be text.")
        limit = question.max_chars or (MAX_SHORT_CHARS if kind == "short_text" else MAX_ANSWER_CHARS)
        return check_length(clean_text(value), limit)
    if kind == "choice":
        ids = {o.id for o in question.options or ()}
        if value not in ids and value != "":
            raise AnswerError(f"{value!r} is not one of the choices.")
        return value
    if kind in ("multi_choice", "domains"):
        ids = [o.id for o in question.options or ()] if kind == "multi_choice" else (
            [d.id for d in bank.domains] if bank is not None else None)
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise AnswerError("This answer must be a list of choices.")
        if ids is not None:
            unknown = [v for v in value if v not in ids]
            if unknown:
                raise AnswerError(f"{', '.join(unknown)} is not one of the choices.")
            return [i for i in ids if i in value]  # the bank's order, each once
        return list(dict.fromkeys(value))
    if kind == "table":
        if not isinstance(value, (list, tuple)):
            raise AnswerError("This answer must be a table.")
        columns = [c.id for c in question.columns or ()]
        numeric = [c for c in question.columns or () if c.type == "number"]
        rows = []
        for row in value:
            if not isinstance(row, dict):
                raise AnswerError("Each row of this table must be a set of columns.")
            cells = {c: clean_text("" if row.get(c) is None else str(row.get(c))) for c in columns}
            for column in numeric:
                cells[column.id] = normalise_number(cells[column.id], column.label)
            for cell in cells.values():
                check_length(cell, MAX_ANSWER_CHARS, "A table cell")
            if any(v.strip() for v in cells.values()):
                rows.append(cells)
        if len(rows) > MAX_TABLE_ROWS:
            raise AnswerError(f"This table has {len(rows)} rows; the limit is {MAX_TABLE_ROWS}.")
        return rows
    if kind == "decision":
        if not isinstance(value, dict):
            raise AnswerError("This answer must be a choice with a rationale.")
        pole = value.get("pole") or ""
        if pole and pole not in {p.id for p in question.poles or ()}:
            raise AnswerError(f"{pole!r} is not one of the two choices.")
        rationale = check_length(clean_text(value.get("rationale") or ""), MAX_ANSWER_CHARS)
        return {"pole": pole, "rationale": rationale}
    raise AnswerError(f"Unknown question kind {kind}.")  # pragma: no cover - Bank forbids it


_NUMBER_NOISE = re.compile(r"[\s,$\u00a0\u202f]|^usd|usd$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def number_value(text: object) -> Decimal | None:
    """Return the number a table cell holds ("$12,000", "12000", "7.5"), or None if it holds none."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return Decimal(str(text))
    if not isinstance(text, str):
        return None
    bare = _NUMBER_NOISE.sub("", text.strip())
    if not _PLAIN_NUMBER.match(bare):
        return None
    try:
        return Decimal(bare)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None


def normalise_number(text: str, label: str) -> str:
    """Return a number cell in its stored form ("$12,000" -> "12000"), "" for an empty cell.

    Raises AnswerError in plain words for anything that is not a number.
    """
    if not text.strip():
        return ""
    number = number_value(text)
    if number is None:
        raise AnswerError(f"\u201c{excerpt(text.strip(), 40)}\u201d under \u201c{excerpt(label, 60)}\u201d is not a "
                          f"number: type digits only, such as 12,000.")
    return format(number.normalize(), "f")


def format_number(number: Decimal | int | float) -> str:
    """Return a number as a reader sees it: 12000 -> '12,000', 7.5 -> '7.5'."""
    number = Decimal(str(number))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def is_answered(question: Question, value: Any) -> bool:
    """Return True if value counts as an answer to question (not empty, not only spaces)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        if question.kind == "table":
            return any(isinstance(r, dict) and any(str(v).strip() for v in r.values()) for r in value)
        return len(value) > 0
    if isinstance(value, dict):
        return bool(value.get("pole")) or bool(str(value.get("rationale", "")).strip())
    return False


# Progress -----------------------------------------------------------------


class DoneOfTotal:
    """What counts as done in an area: its questions answered plus its actions rated."""

    answered: int
    questions: int
    rated: int
    actions: int

    @property
    def done(self) -> int:
        return self.answered + self.rated

    @property
    def total(self) -> int:
        return self.questions + self.actions

    @property
    def complete(self) -> bool:
        return self.done == self.total


@dataclass(frozen=True)
class AreaProgress(DoneOfTotal):
    area_id: str
    title: str
    answered: int
    questions: int
    rated: int
    actions: int
    missing_required: tuple[str, ...] = field(default=())


def progress(plan: Plan, bank: Bank) -> list[AreaProgress]:
    """Return, per area in bank order, what is answered and rated and which required questions are missing."""
    out = []
    for area in bank.areas:
        answered = [q for q in area.questions if is_answered(q, plan.answers.get(q.id))]
        missing = tuple(q.id for q in area.questions if q.required and q not in answered)
        rated = [a for a in area.actions if (r := plan.ratings.get(a.id)) and r.level in bank.levels_by_id]
        out.append(AreaProgress(area.id, area.title, len(answered), len(area.questions),
                                len(rated), len(area.actions), missing))
    return out


def overall_percent(areas: list[AreaProgress]) -> int:
    """Return the share of questions answered and actions rated, 0-100, rounded down."""
    total = sum(a.total for a in areas)
    return 0 if total == 0 else (100 * sum(a.done for a in areas)) // total


def orphan_answers(plan: Plan, bank: Bank) -> dict[str, AnswerValue]:
    """Return answers to questions this bank does not have (kept, never dropped)."""
    return {k: v for k, v in plan.answers.items() if k not in bank.questions}
