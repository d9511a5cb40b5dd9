"""Workshops: a facilitator runs the roadmap with many teams at once.

A workshop has its own code and a facilitator passphrase (kept only as an argon2
hash); each team is an ordinary plan linked to it, opened with its own resume
code. While a workshop is closed its plans are read-only (plan_is_locked).
Members may also rate actions on their own first (member_ratings); the team's
agreed rating stays the plan's r: entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, NamedTuple

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..codes import CodeFormatError, Throttle, code_hash, keyed, token_digest
from ..plan import District, Plan
from ..text import clean_text
from .errors import (
    StoreError, TryLaterError, UnknownTeamError, UnknownWorkshopError, WorkshopAccessError, WorkshopArchivedError,
    WorkshopNotOpenError,
)
from ..guard import BusyError, ClientGate
from .passphrases import _dummy_hash, hash_passphrase, needs_new_hash, verify_passphrase
from .plan_storage import StoredPlan
from .schema import (
    MAX_WORKSHOP_NAME_CHARS, device_tokens, entries, facilitator_devices, member_ratings, plans, workshop_teams,
    workshops,
)
from .sealing import SealError, derive_key, new_salt, seal, unseal
from .values import _now

WORKSHOP_OPEN, WORKSHOP_CLOSED, WORKSHOP_ARCHIVED = "open", "closed", "archived"
WORKSHOP_STATUSES = (WORKSHOP_OPEN, WORKSHOP_CLOSED, WORKSHOP_ARCHIVED)
#: How many plans outside any workshop a Store remembers as such (a save then skips the workshop query).
MAX_STANDALONE_REMEMBERED = 100_000


@dataclass(frozen=True)
class WorkshopTeam:
    plan_id: str
    team_name: str
    position: int  # 1, 2, ... in the order the teams were added


@dataclass(frozen=True)
class Workshop:
    """A workshop as stored: `status` is open, closed or archived; `bank_yaml` None means the app's bank."""

    workshop_id: str
    name: str
    date: dt.date | None
    status: str
    created_at: datetime
    bank_yaml: str | None
    teams: tuple[WorkshopTeam, ...]
    focus_area: int | None = None  # the area (1, 2, ...) the facilitator points every team to
    hide_member_ratings: bool = False  # members' own ratings hidden until all present rated, or revealed


@dataclass(frozen=True)
class WorkshopSummary:
    """One line of the operator's list of workshops; last_activity is the newest change to a team's plan."""

    workshop_id: str
    name: str
    date: dt.date | None
    status: str
    created_at: datetime
    teams: int
    last_activity: datetime | None


@dataclass(frozen=True)
class TeamCode:
    """A team and its join code (its plan's resume code), known only when the plan is created."""

    team: WorkshopTeam
    code: str


@dataclass(frozen=True)
class KeptCodes:
    """The codes a facilitator can show again: the workshop's, and each team's (None where not kept: made
    before codes were sealed, or with another passphrase since)."""

    code: str | None
    teams: tuple[tuple[WorkshopTeam, str | None], ...]

    @property
    def missing(self) -> list[WorkshopTeam]:
        """Return the teams whose code is not kept (a new code, made after signing in, is)."""
        return [team for team, code in self.teams if code is None]


def _workshop_context(workshop_id: str) -> str:
    return f"workshop:{workshop_id}"


def _team_context(workshop_id: str, plan_id: str) -> str:
    return f"team:{workshop_id}:{plan_id}"


@dataclass(frozen=True)
class CreatedWorkshop:
    workshop: Workshop
    code: str  # the workshop code (display form), known only now
    teams: tuple[TeamCode, ...]
    key: bytes | None = field(default=None, repr=False)  # the sealing key, to show the codes again (see KeptCodes)


@dataclass(frozen=True)
class PlanWorkshop:
    """The workshop a plan belongs to, as its team sees it."""

    workshop_id: str
    name: str
    status: str
    team_name: str
    own_bank: bool
    focus_area: int | None = None
    hide_member_ratings: bool = False


@dataclass(frozen=True)
class MemberRating:
    """One team member's own rating of one action (a level id)."""

    member: str
    action_id: str
    level: str
    updated_at: datetime


class MemberLevel(NamedTuple):
    """One member's own level for one action, without its time: what the dashboard's disagreement board reads."""

    member: str
    action_id: str
    level: str


@dataclass(frozen=True)
class TeamProgress:
    """The dashboard's summary of one team: counts, levels and times, never the text of an answer."""

    team: WorkshopTeam
    district_name: str
    updated_at: datetime
    filled: dict[str, int]  # group name -> filled entries (see Store.workshop_progress)
    ratings: dict[str, str]  # action id -> level id of the team's rating
    raters: int  # members who rated on their own
    last_member_rating: datetime | None
    devices: int = 0  # devices that ever opened the plan (0: the team never joined)
    active_devices: int = 0  # devices that drew a page of the plan in the last ACTIVE_SECONDS
    created_at: datetime | None = None  # when the plan was made (a plan never saved since has no last save)

    @property
    def last_save(self) -> datetime | None:
        """Return when anyone in the team last saved anything, or None if nobody has yet."""
        saved = self.updated_at if self.created_at is None or self.updated_at > self.created_at else None
        moments = [m for m in (saved, self.last_member_rating) if m is not None]
        return max(moments) if moments else None

    @property
    def last_activity(self) -> datetime:
        """Return when anyone in the team last saved anything, their own ratings included."""
        if self.last_member_rating is None:
            return self.updated_at
        return max(self.updated_at, self.last_member_rating)


def _clean_name(value: str, what: str) -> str:
    """Return a name with spaces tidied; raise StoreError if it is empty or too long."""
    text = " ".join(clean_text(str(value)).split())
    if not text:
        raise StoreError(f"{what} is missing.")
    if len(text) > MAX_WORKSHOP_NAME_CHARS:
        raise StoreError(f"{what} is {len(text)} characters long; the limit is {MAX_WORKSHOP_NAME_CHARS}.")
    return text


#: A device that drew a page of its plan this recently counts as active in the room.
ACTIVE_SECONDS = 120
#: How often a device's activity is written (each page run would be a write per keystroke).
SEEN_EVERY_SECONDS = 30
#: A facilitator's device stays signed in this long after its last use (a workshop day and the evening).
FACILITATOR_TOKEN_HOURS = 18


def _token_key(token: str) -> bytes:
    """Return the key a facilitator's device token seals the workshop's sealing key with (the token is
    random and long, so a fast hash suffices)."""
    return hashlib.sha256(b"roadmap facilitator device:" + token.encode("utf-8")).digest()


#: The most teams one workshop may have (a room of 30 is a big one).
MAX_WORKSHOP_TEAMS = 100

_SIGN_IN_GATE = ClientGate("A sign-in from this device is still being checked; wait for its answer, then try again.")


def _check_team_names(new: list[str], existing: list[str]) -> None:
    if not new:
        raise StoreError("A workshop needs at least one team.")
    if len(new) + len(existing) > MAX_WORKSHOP_TEAMS:
        raise StoreError(f"A workshop can have at most {MAX_WORKSHOP_TEAMS} teams; this would make "
                         f"{len(new) + len(existing)}.")
    seen = {n.casefold() for n in existing}
    for name in new:
        if name.casefold() in seen:
            raise StoreError(f"There is already a team called {name}; give each team its own name.")
        seen.add(name.casefold())


class WorkshopsMixin:
    """The Store's workshops, their teams, closing and locking, and members' own ratings (see Store)."""

    throttle: Throttle
    _sleep: Callable[[float], None]
    _secret: bytes
    _standalone: set[str]  # plan ids known to be in no workshop (see _is_locked)

    def create_workshop(self, name: str, passphrase: str, team_names: list[str], *, day: dt.date | None = None,
                        bank_yaml: str | None = None, who: str = "") -> CreatedWorkshop:
        """Store a workshop and one new plan per team; return its code and each team's join code.

        A team's join code is its plan's resume code. Only hashes of the codes and an
        argon2 hash of the passphrase are stored. Each team's plan starts with the team's
        name as its district name and the workshop's date. Raises WeakPassphraseError,
        and StoreError for a missing name, no teams or a team name given twice.
        """
        name = _clean_name(name, "The workshop's name")
        names = [_clean_name(n, "A team's name") for n in team_names]
        _check_team_names(names, [])
        secret = hash_passphrase(passphrase)  # slow on purpose: done before any lock is taken
        salt = new_salt()
        key = derive_key(passphrase, salt)
        workshop_id, now = uuid.uuid4().hex, _now()
        with self._transaction(write=True) as conn:
            code, hashed = self._unused_code(conn, workshops)
            conn.execute(insert(workshops).values(
                id=workshop_id, code_hash=hashed, name=name, date=day, bank_yaml=bank_yaml,
                passphrase_hash=secret, status=WORKSHOP_OPEN, created_at=now, seal_salt=salt, hide_member_ratings=True,
                sealed_code=seal(key, code, _workshop_context(workshop_id))))
            teams = self._insert_teams(conn, workshop_id, names, day, who, first_position=1, key=key)
        return CreatedWorkshop(self.workshop(workshop_id), code, tuple(teams), key)

    def add_teams(self, workshop_id: str, team_names: list[str], who: str = "",
                  key: bytes | None = None) -> list[TeamCode]:
        """Add teams (each with a new plan) to an open workshop; return their join codes (sealed with key,
        the workshop's sealing key, when given, so they can be shown again).

        Raises UnknownWorkshopError, WorkshopNotOpenError, and StoreError for a team name
        the workshop already has.
        """
        names = [_clean_name(n, "A team's name") for n in team_names]
        with self._transaction(write=True) as conn:
            head = self._lock_workshop(conn, workshop_id)
            if head.status != WORKSHOP_OPEN:
                raise WorkshopNotOpenError(head.status)
            existing = conn.execute(select(workshop_teams.c.team_name, workshop_teams.c.position)
                                    .where(workshop_teams.c.workshop_id == workshop_id)).all()
            _check_team_names(names, [r.team_name for r in existing])
            first = max((r.position for r in existing), default=0) + 1
            return self._insert_teams(conn, workshop_id, names, head.date, who, first_position=first, key=key)

    def _insert_teams(self, conn: Connection, workshop_id: str, names: list[str], day: dt.date | None,
                      who: str, first_position: int, key: bytes | None) -> list[TeamCode]:
        teams = []
        for position, team_name in enumerate(names, start=first_position):
            plan_id, code = self._insert_plan(conn, Plan(district=District(name=team_name, date=day)), who)
            sealed = seal(key, code, _team_context(workshop_id, plan_id)) if key is not None else None
            conn.execute(insert(workshop_teams).values(workshop_id=workshop_id, plan_id=plan_id,
                                                       team_name=team_name, position=position, sealed_code=sealed))
            teams.append(TeamCode(WorkshopTeam(plan_id, team_name, position), code))
        return teams
    def _lock_workshop(self, conn: Connection, workshop_id: str):
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id).with_for_update()).first()
        if row is None:
            raise UnknownWorkshopError()
        return row

    def open_workshop(self, code: str, passphrase: str, client: str = "") -> Workshop:
        """Return the workshop with this code when passphrase is its facilitator passphrase.

        Raises WorkshopAccessError, the same for a wrong code and a wrong passphrase,
        each time from the same client a little later (codes.Throttle). An archived
        workshop opens too (read-only: its facilitator can still export it). The passphrase is never
        stored, logged or put in an error. Raises TryLaterError at once while the same
        client (when given) has a sign-in under way, or when the server's passphrase
        checks stay busy (guard.py).
        """
        if not client:
            return self._open_workshop(code, passphrase, client)
        try:
            with _SIGN_IN_GATE.one_at_a_time(client):
                return self._open_workshop(code, passphrase, client)
        except BusyError as exc:
            raise TryLaterError(str(exc)) from None

    def _open_workshop(self, code: str, passphrase: str, client: str) -> Workshop:
        try:
            wanted: str | None = code_hash(code, self._secret)
        except CodeFormatError:
            wanted = None
        row = None
        if wanted is not None:
            with self._transaction() as conn:
                row = conn.execute(select(workshops.c.id, workshops.c.code_hash, workshops.c.passphrase_hash,
                                          workshops.c.status).where(workshops.c.code_hash == wanted)).first()
        # A missing workshop costs one argon2 check too, so timing does not tell codes apart.
        matches = verify_passphrase(row.passphrase_hash if row is not None else _dummy_hash(), passphrase)
        key = f"workshop:{client}"
        if row is None or not matches or not hmac.compare_digest(row.code_hash, wanted or ""):
            self._sleep(self.throttle.failed(key))
            raise WorkshopAccessError()
        if needs_new_hash(row.passphrase_hash):  # made with older argon2 settings: store today's
            fresh = hash_passphrase(passphrase)
            with self._transaction(write=True) as conn:
                conn.execute(update(workshops).where(workshops.c.id == row.id).values(passphrase_hash=fresh))
        return self.workshop(row.id)

    def list_workshops(self) -> list[WorkshopSummary]:
        """Return every workshop, newest first, with its team count and last activity (for the server's
        operator; codes are never stored, so never listed)."""
        teams = (select(workshop_teams.c.workshop_id, func.count().label("teams"),
                        func.max(plans.c.updated_at).label("last_activity"))
                 .select_from(workshop_teams.join(plans, plans.c.id == workshop_teams.c.plan_id))
                 .group_by(workshop_teams.c.workshop_id).subquery())
        query = (select(workshops.c.id, workshops.c.name, workshops.c.date, workshops.c.status,
                        workshops.c.created_at, teams.c.teams, teams.c.last_activity)
                 .select_from(workshops.outerjoin(teams, teams.c.workshop_id == workshops.c.id))
                 .order_by(workshops.c.created_at.desc(), workshops.c.id))
        with self._transaction() as conn:
            rows = conn.execute(query).all()
        return [WorkshopSummary(r.id, r.name, r.date, r.status, r.created_at, int(r.teams or 0),
                                r.last_activity) for r in rows]

    def workshop(self, workshop_id: str) -> Workshop:
        """Return the workshop and its teams in order; raise UnknownWorkshopError."""
        with self._transaction() as conn:
            row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).first()
            if row is None:
                raise UnknownWorkshopError()
            teams = conn.execute(select(workshop_teams).where(workshop_teams.c.workshop_id == workshop_id)
                                 .order_by(workshop_teams.c.position)).all()
        return Workshop(row.id, row.name, row.date, row.status, row.created_at, row.bank_yaml,
                        tuple(WorkshopTeam(t.plan_id, t.team_name, t.position) for t in teams),
                        row.focus_area, bool(row.hide_member_ratings))

    def set_pacing(self, workshop_id: str, focus_area: int | None, hide_member_ratings: bool) -> Workshop:
        """Point every team to an area (None: no area) and hide or reveal members' own ratings; return it.

        Raises UnknownWorkshopError.
        """
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(
                focus_area=focus_area, hide_member_ratings=bool(hide_member_ratings)))
        return self.workshop(workshop_id)

    def set_workshop_status(self, workshop_id: str, status: str) -> Workshop:
        """Close (teams can read, not change, their plans), reopen or archive a workshop; return it.

        Archiving is for good: the teams carry on alone with their codes; the
        facilitator can still open it read-only, to show its codes and export it, until
        they delete it (delete_workshop). Raises UnknownWorkshopError, and
        WorkshopArchivedError for a change an archived workshop cannot make.
        """
        if status not in WORKSHOP_STATUSES:
            raise ValueError(f"status must be one of {', '.join(WORKSHOP_STATUSES)}, not {status!r}")
        with self._transaction(write=True) as conn:
            head = self._lock_workshop(conn, workshop_id)
            if head.status == WORKSHOP_ARCHIVED and status != WORKSHOP_ARCHIVED:
                raise WorkshopArchivedError()
            if status == WORKSHOP_CLOSED:
                # Wait for saves already past their check (they hold their plan row: see _touch).
                conn.execute(select(plans.c.id).where(plans.c.id.in_(
                    select(workshop_teams.c.plan_id).where(workshop_teams.c.workshop_id == workshop_id)))
                    .with_for_update()).all()
            conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(status=status))
        return self.workshop(workshop_id)

    def reissue_team_code(self, workshop_id: str, plan_id: str, key: bytes | None = None) -> TeamCode:
        """Give a team that lost its join code a new one; return it. The old code stops opening the plan.

        The new code is sealed with key (the workshop's sealing key) when given, so it can be shown again.

        Devices already in the plan stay in it (the team carries on) but no longer show the old code.
        Raises UnknownWorkshopError, and UnknownTeamError if the plan is not one of the workshop's teams.
        """
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            team = conn.execute(select(workshop_teams).where(workshop_teams.c.workshop_id == workshop_id,
                                                             workshop_teams.c.plan_id == plan_id)).first()
            if team is None:
                raise UnknownTeamError()
            code, hashed = self._unused_code(conn)
            conn.execute(update(plans).where(plans.c.id == plan_id).values(code_hash=hashed))
            sealed = seal(key, code, _team_context(workshop_id, plan_id)) if key is not None else None
            conn.execute(update(workshop_teams).where(workshop_teams.c.plan_id == plan_id)
                         .values(sealed_code=sealed))
        return TeamCode(WorkshopTeam(plan_id, team.team_name, team.position), code)

    # Codes the facilitator can show again ------------------------------------------

    def sign_in_workshop(self, code: str, passphrase: str, client: str = "") -> tuple[Workshop, bytes]:
        """Open the workshop as open_workshop does; return it and its sealing key (for workshop_codes).

        A workshop made before codes were sealed is given its salt now, so codes made from
        here on are kept. Raises what open_workshop raises.
        """
        workshop = self.open_workshop(code, passphrase, client)
        with self._transaction(write=True) as conn:
            salt = conn.execute(select(workshops.c.seal_salt).where(workshops.c.id == workshop.workshop_id)).scalar()
            if salt is None:
                salt = new_salt()
                conn.execute(update(workshops).where(workshops.c.id == workshop.workshop_id,
                                                     workshops.c.seal_salt.is_(None)).values(seal_salt=salt))
                salt = conn.execute(select(workshops.c.seal_salt)
                                    .where(workshops.c.id == workshop.workshop_id)).scalar()
        return workshop, derive_key(passphrase, salt)

    def workshop_codes(self, workshop_id: str, key: bytes) -> KeptCodes:
        """Return the workshop's code and every team's current join code, opened with key.

        A code not kept (made before codes were sealed) or sealed with another key is
        None. Raises UnknownWorkshopError.
        """
        with self._transaction() as conn:
            sealed = conn.execute(select(workshops.c.sealed_code).where(workshops.c.id == workshop_id)).first()
            if sealed is None:
                raise UnknownWorkshopError()
            teams = conn.execute(select(workshop_teams).where(workshop_teams.c.workshop_id == workshop_id)
                                 .order_by(workshop_teams.c.position)).all()

        def opened(value: str | None, context: str) -> str | None:
            if value is None:
                return None
            try:
                return unseal(key, value, context)
            except SealError:
                return None

        return KeptCodes(opened(sealed.sealed_code, _workshop_context(workshop_id)),
                         tuple((WorkshopTeam(t.plan_id, t.team_name, t.position),
                                opened(t.sealed_code, _team_context(workshop_id, t.plan_id))) for t in teams))

    def change_passphrase(self, code: str, passphrase: str, new_passphrase: str, client: str = "") -> Workshop:
        """Give the workshop a new facilitator passphrase and seal its codes again with it; return it.

        Raises what open_workshop raises for the old passphrase, and WeakPassphraseError
        for a new one too short. Codes the old passphrase could not open stay not kept.
        """
        workshop, old_key = self.sign_in_workshop(code, passphrase, client)
        codes = self.workshop_codes(workshop.workshop_id, old_key)
        fresh_hash = hash_passphrase(new_passphrase)
        salt = new_salt()
        key = derive_key(new_passphrase, salt)
        workshop_id = workshop.workshop_id
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(
                passphrase_hash=fresh_hash, seal_salt=salt,
                sealed_code=seal(key, codes.code, _workshop_context(workshop_id)) if codes.code else None))
            for team, team_code in codes.teams:
                sealed = seal(key, team_code, _team_context(workshop_id, team.plan_id)) if team_code else None
                conn.execute(update(workshop_teams).where(workshop_teams.c.plan_id == team.plan_id)
                             .values(sealed_code=sealed))
            # Devices signed in with the old passphrase keep the old key: sign them out.
            conn.execute(delete(facilitator_devices).where(facilitator_devices.c.workshop_id == workshop_id))
        return self.workshop(workshop_id)

    def delete_workshop(self, workshop_id: str) -> None:
        """Delete the workshop for good: its teams, codes kept and facilitator devices. Every team's plan
        is kept (the team carries on alone with its code). Raises UnknownWorkshopError."""
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            conn.execute(delete(facilitator_devices).where(facilitator_devices.c.workshop_id == workshop_id))
            conn.execute(delete(workshop_teams).where(workshop_teams.c.workshop_id == workshop_id))
            conn.execute(delete(workshops).where(workshops.c.id == workshop_id))

    # A facilitator's device -----------------------------------------------------------

    def issue_facilitator_token(self, workshop_id: str, key: bytes | None) -> str:
        """Return a new token that signs this device in to the workshop again (only its hash is stored);
        the sealing key is kept sealed with the token. Raises UnknownWorkshopError."""
        token = secrets.token_urlsafe(32)
        token_hash = keyed(self._secret, token_digest(token))
        sealed = seal(_token_key(token), key.hex(), _workshop_context(workshop_id)) if key is not None else None
        now = _now()
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            conn.execute(insert(facilitator_devices).values(token_hash=token_hash, workshop_id=workshop_id,
                                                            sealed_key=sealed, created_at=now, last_seen=now))
        return token

    def facilitator_for_device(self, token: str) -> tuple[str, bytes | None] | None:
        """Return (workshop id, sealing key or None) for a facilitator's device token, or None if it is
        unknown, signed out, or unused for FACILITATOR_TOKEN_HOURS."""
        if not token:
            return None
        wanted = keyed(self._secret, token_digest(token))
        with self._transaction(write=True) as conn:
            row = conn.execute(select(facilitator_devices).where(facilitator_devices.c.token_hash == wanted)).first()
            if row is None or not hmac.compare_digest(row.token_hash, wanted):
                return None
            if row.last_seen < _now() - dt.timedelta(hours=FACILITATOR_TOKEN_HOURS):
                conn.execute(delete(facilitator_devices).where(facilitator_devices.c.token_hash == wanted))
                return None
            conn.execute(update(facilitator_devices).where(facilitator_devices.c.token_hash == wanted)
                         .values(last_seen=_now()))
        key = None
        if row.sealed_key is not None:
            try:
                key = bytes.fromhex(unseal(_token_key(token), row.sealed_key, _workshop_context(row.workshop_id)))
            except (SealError, ValueError):
                key = None
        return row.workshop_id, key

    def revoke_facilitator_token(self, token: str) -> None:
        """Sign this facilitator's device out (its token no longer opens the workshop)."""
        wanted = keyed(self._secret, token_digest(token))
        with self._transaction(write=True) as conn:
            conn.execute(delete(facilitator_devices).where(facilitator_devices.c.token_hash == wanted))

    def remove_team(self, workshop_id: str, plan_id: str) -> None:
        """Take a team out of the workshop. Its plan, ratings and code are kept: the team carries on alone.

        Raises UnknownWorkshopError, and UnknownTeamError if the plan is not one of its teams.
        """
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            result = conn.execute(delete(workshop_teams).where(workshop_teams.c.workshop_id == workshop_id,
                                                               workshop_teams.c.plan_id == plan_id))
            if result.rowcount == 0:
                raise UnknownTeamError()

    def workshop_of_plan(self, plan_id: str) -> PlanWorkshop | None:
        """Return the workshop plan_id belongs to (name, status, whether it has its own bank), or None."""
        if plan_id in self._standalone:  # seen outside any workshop: it never joins one (see _is_locked)
            return None
        with self._transaction(plan_id=plan_id) as conn:
            row = conn.execute(
                select(workshops.c.id, workshops.c.name, workshops.c.status, workshop_teams.c.team_name,
                       workshops.c.bank_yaml.is_not(None).label("own_bank"), workshops.c.focus_area,
                       workshops.c.hide_member_ratings)
                .select_from(workshop_teams.join(workshops, workshops.c.id == workshop_teams.c.workshop_id))
                .where(workshop_teams.c.plan_id == plan_id)).first()
        if row is None:
            if len(self._standalone) >= MAX_STANDALONE_REMEMBERED:
                self._standalone.clear()
            self._standalone.add(plan_id)
            return None
        return PlanWorkshop(row.id, row.name, row.status, row.team_name, bool(row.own_bank), row.focus_area,
                            bool(row.hide_member_ratings))

    def workshop_bank_text(self, plan_id: str) -> str | None:
        """Return the question bank (YAML) of the workshop plan_id belongs to, or None if it uses the default."""
        with self._transaction(plan_id=plan_id) as conn:
            return conn.execute(
                select(workshops.c.bank_yaml)
                .select_from(workshop_teams.join(workshops, workshops.c.id == workshop_teams.c.workshop_id))
                .where(workshop_teams.c.plan_id == plan_id)).scalar()

    def plan_is_locked(self, plan_id: str) -> bool:
        """Return True while plan_id belongs to a closed workshop: its team can read it but not change it."""
        with self._transaction(plan_id=plan_id) as conn:
            return self._is_locked(conn, plan_id)

    def _is_locked(self, conn: Connection, plan_id: str) -> bool:
        if plan_id in self._standalone:
            return False
        status = conn.execute(
            select(workshops.c.status)
            .select_from(workshop_teams.join(workshops, workshops.c.id == workshop_teams.c.workshop_id))
            .where(workshop_teams.c.plan_id == plan_id)).scalar()
        if status is None:
            # A plan joins a workshop only in the transaction that makes it (_insert_teams), so one
            # seen outside any workshop never joins one: its saves need not ask again.
            if len(self._standalone) >= MAX_STANDALONE_REMEMBERED:
                self._standalone.clear()
            self._standalone.add(plan_id)
            return False
        return status == WORKSHOP_CLOSED

    # Each member's own ratings --------------------------------------------------

    def save_member_rating(self, plan_id: str, member: str, action_id: str, level: str | None) -> None:
        """Save one team member's own rating of an action (None removes it); the plan's rating is untouched.

        Raises UnknownPlanError, PlanLockedError while its workshop is closed, and
        StoreError for a member without a name.
        """
        member = _clean_name(member, "Your name")
        with self._transaction(write=True, plan_id=plan_id, key=f"member:{action_id}") as conn:
            self._touch(conn, plan_id)  # a member's rating is activity on the plan too
            where = (member_ratings.c.plan_id == plan_id, member_ratings.c.member == member,
                     member_ratings.c.action_id == action_id)
            if level is None:
                conn.execute(delete(member_ratings).where(*where))
                return
            now = _now()
            if conn.execute(update(member_ratings).where(*where).values(level=level, updated_at=now)).rowcount:
                return
            try:
                with conn.begin_nested():
                    conn.execute(insert(member_ratings).values(plan_id=plan_id, member=member, action_id=action_id,
                                                               level=level, updated_at=now))
            except IntegrityError:  # the same person saved from a second device at the same moment
                conn.execute(update(member_ratings).where(*where).values(level=level, updated_at=now))

    def member_ratings(self, plan_id: str) -> list[MemberRating]:
        """Return every member's own ratings of the plan's actions, by member then action."""
        with self._transaction(plan_id=plan_id) as conn:
            rows = conn.execute(select(member_ratings).where(member_ratings.c.plan_id == plan_id)
                                .order_by(member_ratings.c.member, member_ratings.c.action_id)).all()
        return [MemberRating(r.member, r.action_id, r.level, r.updated_at) for r in rows]

    def workshop_member_ratings(self, workshop_id: str) -> dict[str, list[MemberRating]]:
        """Return the members' own ratings of each of the workshop's plans, keyed by plan id."""
        team_plans = select(workshop_teams.c.plan_id).where(workshop_teams.c.workshop_id == workshop_id)
        with self._transaction() as conn:
            rows = conn.execute(select(member_ratings).where(member_ratings.c.plan_id.in_(team_plans))
                                .order_by(member_ratings.c.plan_id, member_ratings.c.member,
                                          member_ratings.c.action_id)).all()
        out: dict[str, list[MemberRating]] = {}
        for r in rows:
            out.setdefault(r.plan_id, []).append(MemberRating(r.member, r.action_id, r.level, r.updated_at))
        return out

    def workshop_member_levels(self, workshop_id: str) -> dict[str, list[MemberLevel]]:
        """Return the members' own levels of each of the workshop's plans, keyed by plan id (no times: the
        dashboard reads this every few seconds)."""
        team_plans = select(workshop_teams.c.plan_id).where(workshop_teams.c.workshop_id == workshop_id)
        with self._transaction() as conn:
            rows = conn.execute(select(member_ratings.c.plan_id, member_ratings.c.member, member_ratings.c.action_id,
                                       member_ratings.c.level).where(member_ratings.c.plan_id.in_(team_plans))).all()
        out: dict[str, list[MemberLevel]] = {}
        for r in rows:
            out.setdefault(r.plan_id, []).append(MemberLevel(r.member, r.action_id, r.level))
        return out

    # The facilitator's summary --------------------------------------------------

    def workshop_progress(self, workshop_id: str, groups: dict[str, list[str]]) -> list[TeamProgress]:
        """Return one summary per team, in order, without reading any answer's text.

        groups maps a name to entry keys (say, the answer keys of one area); each
        summary counts its plan's filled entries in every group. It also holds the
        plan's rating levels (the r: entries only), last change, and how many members
        have rated on their own and when last. Raises UnknownWorkshopError.
        """
        names = list(groups)
        team_plans = select(workshop_teams.c.plan_id).where(workshop_teams.c.workshop_id == workshop_id)
        sums = [func.sum(case((entries.c.key.in_(list(groups[n])) & entries.c.filled, 1), else_=0)).label(f"g{i}")
                for i, n in enumerate(names)]
        counts = (select(entries.c.plan_id, *sums).where(entries.c.plan_id.in_(team_plans))
                  .group_by(entries.c.plan_id).subquery())
        members = (select(member_ratings.c.plan_id, func.count(func.distinct(member_ratings.c.member)).label("raters"),
                          func.max(member_ratings.c.updated_at).label("last_rated"))
                   .where(member_ratings.c.plan_id.in_(team_plans)).group_by(member_ratings.c.plan_id).subquery())
        active_since = _now() - dt.timedelta(seconds=ACTIVE_SECONDS + SEEN_EVERY_SECONDS)
        devices = (select(device_tokens.c.plan_id, func.count().label("devices"),
                          func.sum(case((device_tokens.c.last_seen >= active_since, 1), else_=0)).label("active"))
                   .where(device_tokens.c.plan_id.in_(team_plans)).group_by(device_tokens.c.plan_id).subquery())
        query = (select(workshop_teams.c.plan_id, workshop_teams.c.team_name, workshop_teams.c.position,
                        plans.c.district_name, plans.c.updated_at, plans.c.created_at, members.c.raters,
                        members.c.last_rated, devices.c.devices, devices.c.active,
                        *[counts.c[f"g{i}"] for i in range(len(names))])
                 .select_from(workshop_teams.join(plans, plans.c.id == workshop_teams.c.plan_id)
                              .outerjoin(counts, counts.c.plan_id == workshop_teams.c.plan_id)
                              .outerjoin(members, members.c.plan_id == workshop_teams.c.plan_id)
                              .outerjoin(devices, devices.c.plan_id == workshop_teams.c.plan_id))
                 .where(workshop_teams.c.workshop_id == workshop_id).order_by(workshop_teams.c.position))
        with self._transaction() as conn:
            if conn.execute(select(workshops.c.id).where(workshops.c.id == workshop_id)).first() is None:
                raise UnknownWorkshopError()
            rows = conn.execute(query).all()
            levels = conn.execute(select(entries.c.plan_id, entries.c.key, entries.c.value).where(
                entries.c.plan_id.in_(team_plans), entries.c.key.like("r:%"), entries.c.filled)).all()
        ratings: dict[str, dict[str, str]] = {}
        for r in levels:
            level = json.loads(r.value).get("level")
            if level is not None:
                ratings.setdefault(r.plan_id, {})[r.key[2:]] = level
        return [TeamProgress(WorkshopTeam(r.plan_id, r.team_name, r.position), r.district_name, r.updated_at,
                             {n: int(r._mapping[f"g{i}"] or 0) for i, n in enumerate(names)},
                             ratings.get(r.plan_id, {}), int(r.raters or 0), r.last_rated,
                             int(r.devices or 0), int(r.active or 0), r.created_at)
                for r in rows]

    def note_device_active(self, token: str) -> None:
        """Record that the device with this plan token just drew a page (the room status counts it active).

        Callers write at most every SEEN_EVERY_SECONDS per device; an unknown token changes nothing.
        """
        if not token:
            return
        with self._transaction(write=True) as conn:
            conn.execute(update(device_tokens).where(device_tokens.c.token_hash == keyed(
                self._secret, token_digest(token))).values(last_seen=_now()))

    def workshop_plans(self, workshop_id: str) -> list[tuple[WorkshopTeam, StoredPlan]]:
        """Return every team with its whole stored plan, in order (for collecting them at the end)."""
        return [(team, self.load(team.plan_id)) for team in self.workshop(workshop_id).teams]
