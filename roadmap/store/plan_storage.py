"""Plans, their answers and their history: saved as you go, resumable by code, safe with several devices at once.

A save names the version its author last saw; if someone saved in between, the
save is refused with `StaleEntryError` instead of overwriting, so teammates
editing different questions never collide and one editing a stale copy of the
same answer is told. Every change is also a row in `history`, so every earlier
version can be read back and restored.
"""

from __future__ import annotations

import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..codes import WRONG_CODES_PER_MINUTE, CodeFormatError, Throttle, code_hash, new_code
from ..plan import AnswerValue, District, Plan, Rating
from ..guard import BusyError, ClientGate
from .errors import (
    PlanLockedError, StaleEntryError, StoreError, TryLaterError, UnknownCodeError, UnknownPlanError, UnknownVersionError,
)
from .schema import device_tokens, entries, history, plans, wrong_codes
from .values import DISTRICT_KEY, _blank, _decode, _encode, _filled, _now, answer_key, rating_key

_CODE_GATE = ClientGate("Your last code is still being checked; wait for its answer, then try again.")

@dataclass(frozen=True)
class Created:
    """A newly stored plan: its internal id, its resume code (display form) and its entries' versions."""

    plan_id: str
    code: str
    versions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredPlan:
    """A plan as stored. `versions` and `updated_by` are keyed by entry key; pass
    `version_of(key)` as seen_version when saving that entry."""

    plan_id: str
    plan: Plan
    versions: dict[str, int]
    updated_at: datetime
    updated_by: dict[str, str] = field(default_factory=dict)
    round_versions: dict[int, int] = field(default_factory=dict)  # round number -> version (renames)

    def version_of(self, key: str) -> int:
        """Return the stored version of key, 0 when it has never been saved."""
        return self.versions.get(key, 0)


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of an entry. `value` is an answer value, a Rating or a District."""

    value: Any
    version: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class PlanSummary:
    """One line of the operator's list: answered counts non-empty answers, rated counts ratings with a level."""

    plan_id: str
    district_name: str
    created_at: datetime
    updated_at: datetime
    answered: int
    rated: int

# The statements of a save, built once: SQLAlchemy then skips building and keying them on every save
# (three quarters of a save's time on SQLite). Parameters named p_* are the WHERE clause's; the others are values.
_TOUCH_PLAN = update(plans).where(plans.c.id == bindparam("p_id")).values(updated_at=bindparam("updated_at"))
_UPDATE_ENTRY = update(entries).where(
    entries.c.plan_id == bindparam("p_plan_id"), entries.c.key == bindparam("p_key"),
    entries.c.version == bindparam("p_seen"),
).values({c: bindparam(c) for c in ("value", "version", "filled", "updated_by", "updated_at")})
_INSERT_HISTORY = insert(history)


class PlansMixin:
    """The Store's plans, entries and history (see Store, which joins this to the engine and workshops)."""

    throttle: Throttle
    _sleep: Callable[[float], None]
    _secret: bytes

    def create_plan(self, plan: Plan, who: str = "") -> Created:
        """Store plan (district, every answer, every rating, each at version 1) under a new resume code.

        The stored plan keeps plan.created_at and plan.updated_at. Returns Created.
        """
        pieces = {DISTRICT_KEY: plan.district.model_dump(mode="json")}
        pieces.update({answer_key(q): v for q, v in plan.answers.items()})
        pieces.update({rating_key(a): r.model_dump(mode="json") for a, r in plan.ratings.items()})
        plan_id, now = uuid.uuid4().hex, _now()
        with self._transaction(write=True, plan_id=plan_id) as conn:
            code, hashed = self._unused_code(conn)
            conn.execute(insert(plans).values(
                id=plan_id, code_hash=hashed, district_name=plan.district.name,
                created_at=plan.created_at, updated_at=plan.updated_at))
            rows = [dict(plan_id=plan_id, key=k, value=_encode(v), version=1, updated_by=who, updated_at=now)
                    for k, v in pieces.items()]
            conn.execute(insert(entries), [dict(r, filled=_filled(r["key"], pieces[r["key"]])) for r in rows])
            conn.execute(insert(history), rows)
            self._insert_rounds(conn, plan_id, plan, who)
        return Created(plan_id, code, {k: 1 for k in pieces})

    def import_plan(self, plan: Plan, who: str = "") -> Created:
        """Store a plan from a plan file; the same as create_plan."""
        return self.create_plan(plan, who)

    def open_by_code(self, code: str, client: str = "") -> StoredPlan:
        """Return the plan whose resume code is code (any case, spaces and hyphens ignored).

        Raises UnknownCodeError; each wrong code from the same client waits longer
        before the error is raised (see codes.Throttle), and a right code does not
        undo that. Raises TryLaterError at once while the same client (when given) has
        a try under way, so many sessions do not multiply one client's guesses; and
        every wrong code waits the longest while the server has had more than
        codes.WRONG_CODES_PER_MINUTE in the last minute (guessing from many addresses).
        """
        if not client:
            return self._open_by_code(code, client)
        try:
            with _CODE_GATE.one_at_a_time(client):
                return self._open_by_code(code, client)
        except BusyError as exc:
            raise TryLaterError(str(exc)) from None

    def _open_by_code(self, code: str, client: str) -> StoredPlan:
        try:
            wanted = code_hash(code, self._secret)
        except CodeFormatError as exc:
            raise UnknownCodeError(str(exc)) from None
        with self._transaction() as conn:
            row = conn.execute(select(plans.c.id, plans.c.code_hash).where(plans.c.code_hash == wanted)).first()
        if row is None or not hmac.compare_digest(row.code_hash, wanted):
            wait = self.throttle.failed(client)
            if self._wrong_codes_this_minute() > WRONG_CODES_PER_MINUTE:
                wait = self.throttle.most  # someone guessing from many addresses: every wrong code waits
            self._sleep(wait)
            raise UnknownCodeError()
        return self.load(row.id)

    def _wrong_codes_this_minute(self) -> int:
        """Record one wrong code; return how many every server on this database had in the last minute."""
        now = _now()
        with self._transaction(write=True) as conn:
            conn.execute(delete(wrong_codes).where(wrong_codes.c.at < now - timedelta(seconds=60)))
            conn.execute(insert(wrong_codes).values(at=now))
            return conn.execute(select(func.count()).select_from(wrong_codes)).scalar()

    def export_plan(self, code: str, client: str = "") -> Plan:
        """Return the plan whose resume code is code; raise UnknownCodeError."""
        return self.open_by_code(code, client).plan

    def load(self, plan_id: str) -> StoredPlan:
        """Return the stored plan with its entries' versions; raise UnknownPlanError.

        Answers saved empty (cleared) are left out of plan.answers, as Plan.set_answer
        leaves them out, but keep their version in `versions`.
        """
        with self._transaction(plan_id=plan_id) as conn:
            head = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
            if head is None:
                raise UnknownPlanError(plan_id)
            # Entries come back in the order they were first saved, as a Plan keeps its answers.
            first_saved = (select(history.c.key, func.min(history.c.id).label("first"))
                           .where(history.c.plan_id == plan_id).group_by(history.c.key).subquery())
            rows = conn.execute(
                select(entries).outerjoin(first_saved, first_saved.c.key == entries.c.key)
                .where(entries.c.plan_id == plan_id).order_by(first_saved.c.first, entries.c.key)).all()
            round_rows = self._round_rows(conn, plan_id)
        district, answers, ratings = District(), {}, {}
        for row in rows:
            value = _decode(plan_id, row.key, row.value)
            if row.key == DISTRICT_KEY:
                district = value
            elif row.key.startswith("r:"):
                if value.level is not None or value.note:
                    ratings[row.key[2:]] = value
            elif row.key.startswith("q:"):
                if not _blank(value):
                    answers[row.key[2:]] = value
        try:
            plan = Plan(district=district, answers=answers, ratings=ratings,
                        created_at=head.created_at, updated_at=head.updated_at)
        except ValueError as exc:
            raise StoreError(f"The stored plan cannot be read: {exc}", plan_id) from exc
        versions = {r.key: r.version for r in rows}
        round_versions = self._attach_rounds(plan, round_rows, versions)
        return StoredPlan(plan_id, plan, versions, head.updated_at, {r.key: r.updated_by for r in rows},
                          round_versions)

    def delete_plan(self, plan_id: str) -> None:
        """Remove the plan, its entries, its history and its device tokens for good; raise UnknownPlanError,
        and PlanLockedError while its workshop is closed."""
        with self._transaction(write=True, plan_id=plan_id) as conn:
            # Lock the plan row first, as every save does, so a delete and a save never deadlock.
            if conn.execute(select(plans.c.id).where(plans.c.id == plan_id).with_for_update()).first() is None:
                raise UnknownPlanError(plan_id)
            if self._is_locked(conn, plan_id):
                raise PlanLockedError(plan_id)
            for table in (device_tokens, history, entries):
                conn.execute(delete(table).where(table.c.plan_id == plan_id))
            conn.execute(delete(plans).where(plans.c.id == plan_id))

    def list_plans(self) -> list[PlanSummary]:
        """Return every stored plan, most recently changed first (for the server's operator, never for pages)."""
        answered = func.sum(case((entries.c.key.like("q:%") & entries.c.filled, 1), else_=0))
        rated = func.sum(case((entries.c.key.like("r:%") & entries.c.filled, 1), else_=0))
        counts = (select(entries.c.plan_id, answered.label("answered"), rated.label("rated"))
                  .group_by(entries.c.plan_id).subquery())
        query = (select(plans.c.id, plans.c.district_name, plans.c.created_at, plans.c.updated_at,
                        counts.c.answered, counts.c.rated)
                 .select_from(plans.outerjoin(counts, counts.c.plan_id == plans.c.id))
                 .order_by(plans.c.updated_at.desc(), plans.c.id))
        with self._transaction() as conn:
            rows = conn.execute(query).all()
        return [PlanSummary(r.id, r.district_name, r.created_at, r.updated_at, int(r.answered or 0),
                            int(r.rated or 0)) for r in rows]

    # Saving entries -----------------------------------------------------------

    def save_answer(self, plan_id: str, question_id: str, value: AnswerValue, seen_version: int,
                    who: str = "") -> int:
        """Save the answer to question_id as a new version; return that version.

        seen_version is the version the writer last saw (0: none saved yet). Raises
        StaleEntryError, with both texts, if someone saved since; UnknownPlanError.
        An empty value is saved like any other, so history shows the answer was cleared.
        """
        return self._save(plan_id, answer_key(question_id), value, value, seen_version, who)

    def save_rating(self, plan_id: str, action_id: str, rating: Rating, seen_version: int, who: str = "") -> int:
        """Save the rating of action_id as a new version; return it. Raises as save_answer."""
        return self._save(plan_id, rating_key(action_id), rating.model_dump(mode="json"), rating, seen_version, who)

    def save_district(self, plan_id: str, district: District, seen_version: int, who: str = "") -> int:
        """Save the district and team details as a new version; return it. Raises as save_answer."""
        return self._save(plan_id, DISTRICT_KEY, district.model_dump(mode="json"), district, seen_version, who)

    def restore(self, plan_id: str, key: str, version: int, seen_version: int, who: str = "") -> int:
        """Save an earlier version of key back as a new version; return the new version.

        Raises UnknownVersionError if history has no such version, StaleEntryError as save_answer.
        """
        with self._transaction(write=True, plan_id=plan_id, key=key) as conn:
            self._touch(conn, plan_id)
            text = conn.execute(select(history.c.value).where(
                history.c.plan_id == plan_id, history.c.key == key, history.c.version == version)).scalar()
            if text is None:
                raise UnknownVersionError(plan_id, key, version)
            data = json.loads(text)
            return self._write_entry(conn, plan_id, key, data, _decode(plan_id, key, text), seen_version, who)

    def _save(self, plan_id: str, key: str, data: Any, attempted: Any, seen_version: int, who: str) -> int:
        with self._transaction(write=True, plan_id=plan_id, key=key) as conn:
            self._touch(conn, plan_id)
            return self._write_entry(conn, plan_id, key, data, attempted, seen_version, who)

    def _touch(self, conn: Connection, plan_id: str) -> None:
        """Mark the plan changed now; raise UnknownPlanError, or PlanLockedError while its workshop is closed.

        The workshop is checked here, in the save's own transaction, so a change costs one
        transaction rather than a check and then a save; and only after the plan row is locked
        (the update), because closing a workshop locks its teams' plan rows: a save that saw
        "open" lands before the close commits, and one that waited on the lock sees "closed".
        """
        if conn.execute(_TOUCH_PLAN, {"p_id": plan_id, "updated_at": _now()}).rowcount == 0:
            raise UnknownPlanError(plan_id)
        if self._is_locked(conn, plan_id):
            raise PlanLockedError(plan_id)

    def _write_entry(self, conn: Connection, plan_id: str, key: str, data: Any, attempted: Any,
                     seen_version: int, who: str) -> int:
        if isinstance(seen_version, bool) or not isinstance(seen_version, int) or seen_version < 0:
            raise ValueError(f"seen_version must be a whole number 0 or more, not {seen_version!r} ({key}).")
        try:
            text = _encode(data)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{key} of plan {plan_id} cannot be stored: {exc}") from exc
        now, new_version = _now(), seen_version + 1
        values = dict(value=text, version=new_version, filled=_filled(key, data), updated_by=who, updated_at=now)
        if seen_version == 0:
            try:
                with conn.begin_nested():
                    conn.execute(insert(entries).values(plan_id=plan_id, key=key, **values))
            except IntegrityError:  # someone else saved the first version
                raise self._stale(conn, plan_id, key, seen_version, attempted) from None
        else:
            result = conn.execute(_UPDATE_ENTRY, {"p_plan_id": plan_id, "p_key": key, "p_seen": seen_version,
                                                  **values})
            if result.rowcount == 0:
                raise self._stale(conn, plan_id, key, seen_version, attempted)
        if key == DISTRICT_KEY:
            conn.execute(update(plans).where(plans.c.id == plan_id).values(district_name=str(data.get("name", ""))))
        conn.execute(_INSERT_HISTORY, {"plan_id": plan_id, "key": key, "value": text, "version": new_version,
                                       "updated_by": who, "updated_at": now})
        return new_version

    def _stale(self, conn: Connection, plan_id: str, key: str, seen_version: int, attempted: Any) -> StaleEntryError:
        row = conn.execute(select(entries).where(entries.c.plan_id == plan_id, entries.c.key == key)).first()
        if row is None:
            return StaleEntryError(plan_id, key, seen_version, attempted, None, 0, "", None)
        return StaleEntryError(plan_id, key, seen_version, attempted, _decode(plan_id, key, row.value),
                               row.version, row.updated_by, row.updated_at)

    # Reading changes ------------------------------------------------------------

    def history(self, plan_id: str, key: str) -> list[HistoryEntry]:
        """Return every saved version of key, newest first; raise UnknownPlanError."""
        with self._transaction(plan_id=plan_id, key=key) as conn:
            self._must_exist(conn, plan_id)
            rows = conn.execute(select(history).where(history.c.plan_id == plan_id, history.c.key == key)
                                .order_by(history.c.version.desc())).all()
        return [HistoryEntry(_decode(plan_id, key, r.value), r.version, r.updated_by, r.updated_at) for r in rows]

    def last_change(self, plan_id: str) -> datetime:
        """Return when anyone last stored a change to the plan (UTC); raise UnknownPlanError."""
        with self._transaction(plan_id=plan_id) as conn:
            when = conn.execute(select(plans.c.updated_at).where(plans.c.id == plan_id)).scalar()
        if when is None:
            raise UnknownPlanError(plan_id)
        return when

    def changed_since(self, plan_id: str, versions: dict[str, int]) -> dict[str, tuple[Any, int]]:
        """Return {key: (value, version)} for entries whose version differs from versions (missing = 0).

        Cheap when little changed: only changed entries' values are read. Raises UnknownPlanError.
        """
        with self._transaction(plan_id=plan_id) as conn:
            self._must_exist(conn, plan_id)
            current = conn.execute(select(entries.c.key, entries.c.version)
                                   .where(entries.c.plan_id == plan_id)).all()
            changed = [r.key for r in current if versions.get(r.key, 0) != r.version]
            if not changed:
                return {}
            rows = conn.execute(select(entries.c.key, entries.c.value, entries.c.version).where(
                entries.c.plan_id == plan_id, entries.c.key.in_(changed))).all()
        return {r.key: (_decode(plan_id, r.key, r.value), r.version) for r in rows}

    def _must_exist(self, conn: Connection, plan_id: str) -> None:
        if conn.execute(select(plans.c.id).where(plans.c.id == plan_id)).first() is None:
            raise UnknownPlanError(plan_id)


    def _unused_code(self, conn: Connection, table: Table = plans) -> tuple[str, str]:
        """Return (a new code no plan (or workshop) has, its hash): a clash is one in 2**50, but would open
        the wrong one."""
        while True:
            code = new_code()
            hashed = code_hash(code, self._secret)
            if conn.execute(select(table.c.id).where(table.c.code_hash == hashed)).first() is None:
                return code, hashed

    def _insert_plan(self, conn: Connection, plan: Plan, who: str) -> tuple[str, str]:
        """Store a plan holding only its district inside conn's transaction; return (plan id, code)."""
        plan_id, now = uuid.uuid4().hex, _now()
        code, hashed = self._unused_code(conn)
        conn.execute(insert(plans).values(id=plan_id, code_hash=hashed, district_name=plan.district.name,
                                          created_at=plan.created_at, updated_at=plan.updated_at))
        data = plan.district.model_dump(mode="json")
        row = dict(plan_id=plan_id, key=DISTRICT_KEY, value=_encode(data), version=1, updated_by=who, updated_at=now)
        conn.execute(insert(entries).values(**row, filled=_filled(DISTRICT_KEY, data)))
        conn.execute(insert(history).values(**row))
        return plan_id, code
