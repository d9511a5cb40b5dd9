"""A plan's rounds in the database: start a round, rename one, undo the last start, confirm an entry.

The open round's answers and ratings are the plan's entries, saved as ever (versions,
conflicts, history). Starting a round writes, in one transaction holding the plan's
row lock (as every save takes it first): the closed round's snapshot (answers, agreed
ratings, members' own ratings), and the new round with the version of each carried
entry. An entry still at that version is "not yet reviewed this round"; confirming it
("still true") saves the same value as a new version, so who confirmed it is in the
history, and a teammate's change in between is reported like any other conflict. A save
and a round start never interleave: whichever takes the lock first lands first, and the
other builds on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from ..plan import MAX_ROUNDS, ClosedRound, OpenRound, Plan
from ..rounds import RoundError, carried_keys, copy_for_new_plan, round_label
from .errors import StoreError, UnknownPlanError
from .plan_storage import Created
from .schema import entries, history, member_ratings, plans, rounds, workshop_teams
from .values import _blank, _decode, _encode, _now


class StaleRoundError(StoreError):
    """Someone started, undid or renamed a round since this device looked; nothing was changed."""

    def __init__(self, plan_id: str, message: str):
        super().__init__(message, plan_id)


class RoundChangeError(StoreError):
    """A round change the plan's state does not allow (undoing a start after a change); nothing was changed."""

    def __init__(self, plan_id: str, message: str):
        super().__init__(message, plan_id)


@dataclass(frozen=True)
class StoredRound:
    """One round as stored: number 1 is the first; closed_at is None for the open round."""

    number: int
    label: str
    started_at: datetime
    closed_at: datetime | None
    version: int
    copied_from: str = ""


def _stored(row: Row) -> StoredRound:
    return StoredRound(row.number, row.label, row.started_at, row.closed_at, row.version, row.copied_from)


class RoundsMixin:
    """The Store's rounds (see Store)."""

    def list_rounds(self, plan_id: str) -> list[StoredRound]:
        """Return the plan's rounds, first to open; raise UnknownPlanError."""
        with self._transaction(plan_id=plan_id) as conn:
            head = conn.execute(select(plans.c.created_at).where(plans.c.id == plan_id)).first()
            if head is None:
                raise UnknownPlanError(plan_id)
            rows = self._round_rows(conn, plan_id)
        return [_stored(r) for r in rows] or [StoredRound(1, head.created_at.date().isoformat(), head.created_at,
                                                          None, 0)]

    def open_round_number(self, plan_id: str) -> int:
        """Return the number of the plan's open round (1 for a plan made before rounds); one cheap query."""
        with self._transaction(plan_id=plan_id) as conn:
            number = conn.execute(select(func.max(rounds.c.number)).where(rounds.c.plan_id == plan_id)).scalar()
        return number or 1

    def workshop_round_count(self, workshop_id: str) -> int:
        """Return the most rounds any team of the workshop has (1 before a follow-up session); one cheap query."""
        with self._transaction() as conn:
            number = conn.execute(select(func.max(rounds.c.number)).select_from(
                rounds.join(workshop_teams, workshop_teams.c.plan_id == rounds.c.plan_id))
                .where(workshop_teams.c.workshop_id == workshop_id)).scalar()
        return number or 1

    def start_round(self, plan_id: str, label: str | None = None, seen_round: int | None = None,
                    who: str = "") -> StoredRound:
        """Close the open round as it is and begin the next, carrying every answer and rating forward; return it.

        label: the new round's name (default: today's date). seen_round: the number of the round this device
        thinks is open; if someone started or undid a round since, StaleRoundError and nothing changes.
        Raises RoundError for a label too long, UnknownPlanError, PlanLockedError while its workshop is closed.
        """
        with self._transaction(write=True, plan_id=plan_id) as conn:
            return self._start_round(conn, plan_id, label, seen_round, who)

    def start_workshop_round(self, workshop_id: str, label: str | None = None,
                             who: str = "") -> list[tuple[str, StoredRound]]:
        """Start a new round for every team of the workshop at once, all or none; return (team name, its new
        round) in the teams' order. Raises UnknownWorkshopError, PlanLockedError while the workshop is closed,
        RoundError, RoundChangeError (a team at its rounds' limit: no team's round starts)."""
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)  # as closing does: first the workshop, then its plans
            teams = conn.execute(select(workshop_teams.c.plan_id, workshop_teams.c.team_name)
                                 .where(workshop_teams.c.workshop_id == workshop_id)
                                 .order_by(workshop_teams.c.position)).all()
            return [(t.team_name, self._start_round(conn, t.plan_id, label, None, who)) for t in teams]

    def _start_round(self, conn: Connection, plan_id: str, label: str | None, seen_round: int | None,
                     who: str) -> StoredRound:
        self._touch(conn, plan_id)  # the plan row's lock: saves wait for the start, or it for them
        current = self._open_round(conn, plan_id, who)
        if seen_round is not None and current.number != seen_round:
            raise StaleRoundError(plan_id, "A teammate started a new round a moment ago; this page now "
                                           "shows it.")
        if current.number > MAX_ROUNDS:
            raise RoundChangeError(plan_id, f"A plan holds at most {MAX_ROUNDS} rounds; copy it into a new "
                                            "plan to carry on.")
        now = _now().replace(microsecond=0)
        name = round_label(label, now)
        rows = conn.execute(select(entries.c.key, entries.c.value, entries.c.version)
                            .where(entries.c.plan_id == plan_id)).all()
        answers, ratings, baseline = {}, {}, {}
        for row in rows:
            value = json.loads(row.value)
            if row.key.startswith("q:") and not _blank(value):
                answers[row.key[2:]] = value
            elif row.key.startswith("r:") and (value.get("level") is not None or value.get("note")):
                ratings[row.key[2:]] = value
            else:
                continue
            baseline[row.key] = row.version
        members: dict[str, dict[str, str]] = {}
        for m in conn.execute(select(member_ratings).where(member_ratings.c.plan_id == plan_id)):
            members.setdefault(m.member, {})[m.action_id] = m.level
        snapshot = _encode({"answers": answers, "ratings": ratings, "member_ratings": members})
        conn.execute(update(rounds).where(rounds.c.plan_id == plan_id, rounds.c.number == current.number)
                     .values(closed_at=now, snapshot=snapshot, updated_by=who, updated_at=now))
        new = dict(plan_id=plan_id, number=current.number + 1, label=name, started_at=now, closed_at=None,
                   snapshot=None, baseline=_encode(baseline), history_mark=self._history_mark(conn, plan_id),
                   copied_from="", version=1, updated_by=who, updated_at=now)
        conn.execute(insert(rounds).values(**new))
        return StoredRound(new["number"], name, now, None, 1)

    def rename_round(self, plan_id: str, number: int, label: str | None, seen_version: int, who: str = "") -> int:
        """Rename round number (empty: its start date); return its new version.

        Raises StaleRoundError if it was renamed since seen_version, RoundError for a label too long,
        UnknownPlanError (also for a round the plan does not have).
        """
        with self._transaction(write=True, plan_id=plan_id) as conn:
            self._touch(conn, plan_id)
            self._open_round(conn, plan_id, who)  # a plan from before rounds gets its row
            row = conn.execute(select(rounds).where(rounds.c.plan_id == plan_id, rounds.c.number == number)).first()
            if row is None:
                raise UnknownPlanError(plan_id)
            name = round_label(label, row.started_at)
            done = conn.execute(update(rounds).where(
                rounds.c.plan_id == plan_id, rounds.c.number == number, rounds.c.version == seen_version)
                .values(label=name, version=seen_version + 1, updated_by=who, updated_at=_now()))
            if done.rowcount == 0:
                raise StaleRoundError(plan_id, f"A teammate renamed this round \"{row.label}\" a moment ago; "
                                               "nothing was changed.")
            return seen_version + 1

    def undo_round_start(self, plan_id: str, seen_round: int, who: str = "") -> StoredRound:
        """Undo the last round start: the open round goes and the round before it is open again, as it was;
        return that round.

        Allowed only while nothing has been saved, confirmed or rated by a member since the start; else
        RoundChangeError. Raises StaleRoundError if the open round is not seen_round, UnknownPlanError.
        """
        with self._transaction(write=True, plan_id=plan_id) as conn:
            self._touch(conn, plan_id)
            current = self._open_round(conn, plan_id, who)
            if current.number != seen_round:
                raise StaleRoundError(plan_id, "A teammate started or undid a round a moment ago; this page "
                                               "now shows the plan as it is.")
            if current.number == 1:
                raise RoundChangeError(plan_id, "This is the plan's first round; there is no round start to undo.")
            rated_since = conn.execute(select(func.count()).select_from(member_ratings).where(
                member_ratings.c.plan_id == plan_id, member_ratings.c.updated_at >= current.started_at)).scalar()
            if self._history_mark(conn, plan_id) != current.history_mark or rated_since:
                raise RoundChangeError(plan_id, "Something was reviewed or changed since this round began, so "
                                                "its start can no longer be undone.")
            conn.execute(delete(rounds).where(rounds.c.plan_id == plan_id, rounds.c.number == current.number))
            conn.execute(update(rounds).where(rounds.c.plan_id == plan_id, rounds.c.number == current.number - 1)
                         .values(closed_at=None, snapshot=None, updated_by=who, updated_at=_now()))
            row = conn.execute(select(rounds).where(rounds.c.plan_id == plan_id,
                                                    rounds.c.number == current.number - 1)).one()
        return _stored(row)

    def confirm_entry(self, plan_id: str, key: str, seen_version: int, who: str = "") -> int:
        """Record that the entry key is still true this round: its value saved again as a new version; return it.

        Raises StaleEntryError (with both values) if someone changed it since seen_version, UnknownPlanError,
        PlanLockedError.
        """
        with self._transaction(write=True, plan_id=plan_id, key=key) as conn:
            self._touch(conn, plan_id)
            text = conn.execute(select(entries.c.value).where(entries.c.plan_id == plan_id,
                                                              entries.c.key == key)).scalar()
            if text is None:
                raise self._stale(conn, plan_id, key, seen_version, None)
            return self._write_entry(conn, plan_id, key, json.loads(text), _decode(plan_id, key, text),
                                     seen_version, who)

    def copy_into_new_plan(self, plan_id: str, who: str = "") -> Created:
        """Store a new plan (its own resume code) with this plan's district, answers and open round's ratings,
        its first round saying where it came from; nothing of this plan changes. Raises UnknownPlanError."""
        return self.create_plan(copy_for_new_plan(self.load(plan_id).plan), who)

    # Inside the Store's other calls ------------------------------------------------------------

    def _round_rows(self, conn: Connection, plan_id: str) -> list[Row]:
        return conn.execute(select(rounds).where(rounds.c.plan_id == plan_id).order_by(rounds.c.number)).all()

    def _history_mark(self, conn: Connection, plan_id: str) -> int:
        return conn.execute(select(func.max(history.c.id)).where(history.c.plan_id == plan_id)).scalar() or 0

    def _open_round(self, conn: Connection, plan_id: str, who: str) -> Row:
        """Return the plan's open round's row, first writing it for a plan made before rounds."""
        row = conn.execute(select(rounds).where(rounds.c.plan_id == plan_id, rounds.c.closed_at.is_(None))
                           .order_by(rounds.c.number.desc())).first()
        if row is not None:
            return row
        created = conn.execute(select(plans.c.created_at).where(plans.c.id == plan_id)).scalar()
        conn.execute(insert(rounds).values(
            plan_id=plan_id, number=1, label=created.date().isoformat(), started_at=created, closed_at=None,
            snapshot=None, baseline="{}", history_mark=0, copied_from="", version=1, updated_by=who,
            updated_at=_now()))
        return conn.execute(select(rounds).where(rounds.c.plan_id == plan_id, rounds.c.number == 1)).one()

    def _insert_rounds(self, conn: Connection, plan_id: str, plan: Plan, who: str) -> None:
        """Store plan's closed rounds and its open one (its entries just stored at version 1). A "not yet
        reviewed" key for an entry the plan does not hold (a hand-edited file) is dropped."""
        now = _now()
        carried = set(carried_keys(plan))
        rows = [dict(plan_id=plan_id, number=n, label=r.label, started_at=r.started_at, closed_at=r.closed_at,
                     snapshot=_encode(r.model_dump(mode="json", include={"answers", "ratings", "member_ratings"})),
                     baseline="{}", history_mark=0, copied_from="", version=1, updated_by=who, updated_at=now)
                for n, r in enumerate(plan.rounds, start=1)]
        rows.append(dict(plan_id=plan_id, number=len(plan.rounds) + 1, label=plan.round.label,
                         started_at=plan.round.started_at, closed_at=None, snapshot=None,
                         baseline=_encode({k: 1 for k in plan.round.unreviewed if k in carried}),
                         history_mark=self._history_mark(conn, plan_id), copied_from=plan.round.copied_from,
                         version=1, updated_by=who, updated_at=now))
        conn.execute(insert(rounds), rows)

    def _attach_rounds(self, plan: Plan, rows: list[Row], versions: dict[str, int]) -> dict[str, Any]:
        """Put the stored rounds into plan (loaded from its entries); return {round number: version}.

        Raises StoreError if a closed round's snapshot cannot be read.
        """
        if not rows:  # a plan made before rounds: one round, begun when the plan was
            plan.round = OpenRound(label=plan.created_at.date().isoformat(), started_at=plan.created_at)
            return {}
        closed = []
        for row in rows[:-1]:
            try:
                closed.append(ClosedRound(label=row.label, started_at=row.started_at, closed_at=row.closed_at,
                                          **json.loads(row.snapshot)))
            except (ValueError, TypeError) as exc:
                raise StoreError(f"Round {row.number} of the stored plan cannot be read: {exc}") from exc
        last = rows[-1]
        try:
            baseline = json.loads(last.baseline)
            plan.rounds = closed
            plan.round = OpenRound(label=last.label, started_at=last.started_at, copied_from=last.copied_from,
                                   unreviewed=[k for k, v in baseline.items() if versions.get(k, 0) <= v])
        except (ValueError, TypeError) as exc:
            raise StoreError(f"The rounds of the stored plan cannot be read: {exc}") from exc
        return {row.number: row.version for row in rows}


__all__ = ["RoundChangeError", "RoundError", "RoundsMixin", "StaleRoundError", "StoredRound"]
