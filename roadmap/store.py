"""Plans in a database: saved as you go, resumable by code, safe with several devices at once.

This is the one module that knows SQL (SQLAlchemy Core). The database is
`DATABASE_URL` (PostgreSQL via psycopg) or, by default, the SQLite file
`data/roadmap.sqlite3` under the repository (folder: `ROADMAP_DATA_DIR`).

Every piece of a plan a person can save is its own row in `entries`, keyed
`q:<question id>` (an answer), `r:<action id>` (a rating) or `district` (the
district and team), with a version. A save names the version its author last
saw; if someone saved in between, the save is refused with `StaleEntryError`
instead of overwriting, so teammates editing different questions never collide
and one editing a stale copy of the same answer is told. Every change is also
a row in `history`, so every earlier version can be read back and restored.

The schema is made with `metadata.create_all()` when a Store opens: it creates
missing tables and leaves existing ones alone, so it is safe to run on every
start. A change to existing tables will need a migration; there is none yet.

One Store (one Engine, one connection pool) serves every thread; each call runs
in its own short transaction. Nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import (
    Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
    case, create_engine, delete, event, func, insert, select, update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.types import TypeDecorator

from .codes import CodeFormatError, Throttle, code_hash, display_code, new_code, normalise_code
from .plan import AnswerValue, District, Plan, Rating

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "ROADMAP_DATA_DIR"
DATABASE_URL_ENV = "DATABASE_URL"
SQLITE_FILE = "roadmap.sqlite3"

DISTRICT_KEY = "district"
#: How long SQLite waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def answer_key(question_id: str) -> str:
    """Return the entry key of the answer to question_id."""
    return f"q:{question_id}"


def rating_key(action_id: str) -> str:
    """Return the entry key of the rating of action_id."""
    return f"r:{action_id}"


# Errors ---------------------------------------------------------------------


class StoreError(Exception):
    """A storage problem; `plan_id` and `key` say where, when known. The message is plain English."""

    def __init__(self, message: str, plan_id: str | None = None, key: str | None = None):
        super().__init__(message)
        self.plan_id = plan_id
        self.key = key


class DatabaseUnavailableError(StoreError):
    """The database cannot be reached. `url` is its address without the password."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"Cannot reach the database at {url}: {reason}")
        self.url = url
        self.reason = reason


class UnknownPlanError(StoreError, LookupError):
    """No plan has this id (it may have been deleted)."""

    def __init__(self, plan_id: str):
        super().__init__("This plan is no longer stored; it may have been deleted.", plan_id)


class UnknownCodeError(StoreError, LookupError):
    """No plan has the resume code given (or the text given cannot be a code)."""

    def __init__(self, message: str = "No plan has that code. Check it and try again."):
        super().__init__(message)


class UnknownVersionError(StoreError, LookupError):
    """History has no such version of the entry."""

    def __init__(self, plan_id: str, key: str, version: int):
        super().__init__(f"There is no version {version} of {key} in this plan's history.", plan_id, key)
        self.version = version


class UnknownDeviceError(StoreError, LookupError):
    """The device token is unknown or revoked."""

    def __init__(self) -> None:
        super().__init__("This device is no longer linked to a plan. Enter the plan's resume code to continue.")


class StaleEntryError(StoreError):
    """Someone saved this entry since the version the writer saw; nothing was saved.

    Carries both sides so a page can show them: `attempted_value` (what this
    writer tried to save) and `current_value`, `current_version`, `updated_by`,
    `updated_at` (what is stored now; version 0 and value None if nothing is).
    """

    def __init__(self, plan_id: str, key: str, seen_version: int, attempted_value: Any,
                 current_value: Any, current_version: int, updated_by: str, updated_at: datetime | None):
        by = f" by {updated_by}" if updated_by else ""
        super().__init__(
            f"{key} was changed{by} since you opened it (you had version {seen_version}, "
            f"it is now version {current_version}); your change was not saved.",
            plan_id, key,
        )
        self.seen_version = seen_version
        self.attempted_value = attempted_value
        self.current_value = current_value
        self.current_version = current_version
        self.updated_by = updated_by
        self.updated_at = updated_at


# Results --------------------------------------------------------------------


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


# Schema ---------------------------------------------------------------------


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back as an aware UTC datetime (SQLite keeps none)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


metadata = MetaData()

plans = Table(
    "plans", metadata,
    Column("id", String(32), primary_key=True),  # uuid4 hex, never shown
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("district_name", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

entries = Table(
    "entries", metadata,
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("version", Integer, nullable=False),
    # Answered (not empty), rated (has a level) or named: what list_plans counts.
    Column("filled", Boolean, nullable=False),
    Column("updated_by", Text, nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
)

history = Table(
    "history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("value", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", Text, nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("plan_id", "key", "version", name="history_one_row_per_version"),
)

device_tokens = Table(
    "device_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("step", Integer, nullable=False, default=0),
    # The resume code sealed with a key only the token's holder can derive (see _seal_code), or NULL.
    Column("sealed_code", String(40), nullable=True),
)
Index("device_tokens_by_plan", device_tokens.c.plan_id)


# Values ---------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _blank(value: Any) -> bool:
    """True for a value Plan would not keep as an answer: empty text, no choices, only empty cells."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return False


def _decode(plan_id: str, key: str, text: str) -> Any:
    """Return the stored JSON of key as an answer value, a Rating or a District."""
    try:
        raw = json.loads(text)
        if key == DISTRICT_KEY:
            return District.model_validate(raw)
        if key.startswith("r:"):
            return Rating.model_validate(raw)
        return raw
    except (ValueError, TypeError) as exc:
        raise StoreError(f"The stored value of {key} cannot be read: {exc}", plan_id, key) from exc


def _filled(key: str, data: Any) -> bool:
    if key == DISTRICT_KEY:
        return bool(str(data.get("name", "")).strip())
    if key.startswith("r:"):
        return data.get("level") is not None
    return not _blank(data)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _code_key(token: str) -> bytes:
    # Derived apart from _hash_token, so the stored hash says nothing about this key.
    return hashlib.sha256(b"roadmap resume code\0" + token.encode("utf-8")).digest()


def _seal_code(code: str, token: str) -> str:
    """Return the normalised code XOR a key derived from token (a one-time pad: one code per token)."""
    compact = normalise_code(code).encode("ascii")
    return bytes(c ^ k for c, k in zip(compact, _code_key(token))).hex()


def _unseal_code(sealed: str, token: str) -> str:
    return display_code(bytes(c ^ k for c, k in zip(bytes.fromhex(sealed), _code_key(token))).decode("ascii"))


# URLs -----------------------------------------------------------------------


def default_sqlite_path() -> Path:
    """Return the SQLite file used without DATABASE_URL: roadmap.sqlite3 in ROADMAP_DATA_DIR or data/."""
    return Path(os.environ.get(DATA_DIR_ENV, "").strip() or REPO_ROOT / "data") / SQLITE_FILE


def default_database_url() -> str:
    """Return DATABASE_URL if set, else the URL of default_sqlite_path()."""
    return os.environ.get(DATABASE_URL_ENV, "").strip() or f"sqlite:///{default_sqlite_path()}"


def normalise_url(url: str) -> URL:
    """Return url parsed, with postgres:// and postgresql:// meaning PostgreSQL through psycopg 3.

    Raises StoreError when url is not a database URL.
    """
    text = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix):]
    try:
        return make_url(text)
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL (expected sqlite:///FILE or postgresql://...).") from None


def safe_url(url: URL) -> str:
    """Return url as text without its password."""
    return url._replace(password=None).render_as_string(hide_password=True)


# The store ------------------------------------------------------------------


class Store:
    """Plans in one database. Safe to share between threads.

    url: a SQLAlchemy URL; None means `default_database_url()`. sleep: how to
    wait after a wrong resume code (tests pass a recorder instead of time.sleep).
    Raises DatabaseUnavailableError when the database cannot be reached.
    """

    def __init__(self, url: str | None = None, *, sleep: Callable[[float], None] = time.sleep,
                 throttle: Throttle | None = None):
        if url is None and not os.environ.get(DATABASE_URL_ENV, "").strip():
            folder = default_sqlite_path().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"Cannot create the data folder {folder}: {exc.strerror or exc}") from None
        self.url = normalise_url(url if url is not None else default_database_url())
        self._sleep = sleep
        self.throttle = throttle or Throttle()
        self.engine = self._make_engine()
        self._writer = self.engine.execution_options(roadmap_write=True)
        self._create_schema()

    # Engine ---------------------------------------------------------------

    def _make_engine(self) -> Engine:
        # A workshop is ~40 people saving at once; each call holds a connection for
        # milliseconds, so a modest pool with room to overflow serves them all.
        pool = dict(pool_size=10, max_overflow=40, pool_timeout=30)
        if self.url.get_backend_name() != "sqlite":
            return create_engine(self.url, pool_pre_ping=True, pool_recycle=1800, **pool)
        database = self.url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise StoreError("Use a SQLite file for plans (sqlite:///path/to/file.sqlite3), not an in-memory database.")
        engine = create_engine(self.url, **pool)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # A writer takes the write lock up front (waiting up to busy_timeout), so it
            # can never fail halfway because another writer committed after it read.
            immediate = conn.get_execution_options().get("roadmap_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    def _create_schema(self) -> None:
        for attempt in range(2):
            try:
                with self._transaction(write=True) as conn:
                    metadata.create_all(conn)
                return
            except DatabaseUnavailableError:
                raise
            except StoreError:
                # Another process may have been creating the same tables at the same moment.
                if attempt:
                    raise

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _transaction(self, write: bool = False, plan_id: str | None = None,
                     key: str | None = None) -> Iterator[Connection]:
        engine = self._writer if write else self.engine
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            raise DatabaseUnavailableError(safe_url(self.url), _reason(exc)) from exc
        except PoolTimeoutError as exc:
            raise StoreError("The database is busy with other saves; try again in a moment.", plan_id, key) from exc
        with conn:
            try:
                with conn.begin():
                    yield conn
            except DBAPIError as exc:
                doing = "save" if write else "read"
                where = ", ".join(x for x in (f"plan {plan_id}" if plan_id else "", key or "") if x)
                raise StoreError(f"The database could not {doing} ({where or 'no plan'}): {_reason(exc)}",
                                 plan_id, key) from exc

    # Plans ------------------------------------------------------------------

    def create_plan(self, plan: Plan, who: str = "") -> Created:
        """Store plan (district, every answer, every rating, each at version 1) under a new resume code.

        The stored plan keeps plan.created_at and plan.updated_at. Returns Created.
        """
        pieces = {DISTRICT_KEY: plan.district.model_dump(mode="json")}
        pieces.update({answer_key(q): v for q, v in plan.answers.items()})
        pieces.update({rating_key(a): r.model_dump(mode="json") for a, r in plan.ratings.items()})
        plan_id, now = uuid.uuid4().hex, _now()
        with self._transaction(write=True, plan_id=plan_id) as conn:
            code = new_code()
            while conn.execute(select(plans.c.id).where(plans.c.code_hash == code_hash(code))).first():
                code = new_code()  # a 1-in-2**50 clash: draw another
            conn.execute(insert(plans).values(
                id=plan_id, code_hash=code_hash(code), district_name=plan.district.name,
                created_at=plan.created_at, updated_at=plan.updated_at))
            rows = [dict(plan_id=plan_id, key=k, value=_encode(v), version=1, updated_by=who, updated_at=now)
                    for k, v in pieces.items()]
            conn.execute(insert(entries), [dict(r, filled=_filled(r["key"], pieces[r["key"]])) for r in rows])
            conn.execute(insert(history), rows)
        return Created(plan_id, code, {k: 1 for k in pieces})

    def import_plan(self, plan: Plan, who: str = "") -> Created:
        """Store a plan from a plan file; the same as create_plan."""
        return self.create_plan(plan, who)

    def open_by_code(self, code: str, client: str = "") -> StoredPlan:
        """Return the plan whose resume code is code (any case, spaces and hyphens ignored).

        Raises UnknownCodeError; each wrong code from the same client waits longer
        before the error is raised (see codes.Throttle).
        """
        try:
            wanted = code_hash(code)
        except CodeFormatError as exc:
            raise UnknownCodeError(str(exc)) from None
        with self._transaction() as conn:
            row = conn.execute(select(plans.c.id, plans.c.code_hash).where(plans.c.code_hash == wanted)).first()
        if row is None or not hmac.compare_digest(row.code_hash, wanted):
            self._sleep(self.throttle.failed(client))
            raise UnknownCodeError()
        self.throttle.succeeded(client)
        return self.load(row.id)

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
        return StoredPlan(plan_id, plan, {r.key: r.version for r in rows}, head.updated_at,
                          {r.key: r.updated_by for r in rows})

    def delete_plan(self, plan_id: str) -> None:
        """Remove the plan, its entries, its history and its device tokens for good; raise UnknownPlanError."""
        with self._transaction(write=True, plan_id=plan_id) as conn:
            # Lock the plan row first, as every save does, so a delete and a save never deadlock.
            if conn.execute(select(plans.c.id).where(plans.c.id == plan_id).with_for_update()).first() is None:
                raise UnknownPlanError(plan_id)
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
        """Mark the plan changed now; raise UnknownPlanError. Also locks the plan row until commit."""
        if conn.execute(update(plans).where(plans.c.id == plan_id).values(updated_at=_now())).rowcount == 0:
            raise UnknownPlanError(plan_id)

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
            result = conn.execute(update(entries).where(
                entries.c.plan_id == plan_id, entries.c.key == key, entries.c.version == seen_version,
            ).values(**values))
            if result.rowcount == 0:
                raise self._stale(conn, plan_id, key, seen_version, attempted)
        if key == DISTRICT_KEY:
            conn.execute(update(plans).where(plans.c.id == plan_id).values(district_name=str(data.get("name", ""))))
        conn.execute(insert(history).values(plan_id=plan_id, key=key, value=text, version=new_version,
                                            updated_by=who, updated_at=now))
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

    # Devices ------------------------------------------------------------------

    def issue_device_token(self, plan_id: str, code: str | None = None) -> str:
        """Return a new secret token linking one browser to the plan; only its hash is stored.

        Pass the plan's resume code, when this browser knows it, to let code_for_device
        show it again later. It is kept sealed with a key derived from the token, so
        the database alone never reveals a code. Raises UnknownPlanError, and
        UnknownCodeError if code is not this plan's code.
        """
        token = secrets.token_urlsafe(32)
        now = _now()
        with self._transaction(write=True, plan_id=plan_id) as conn:
            stored_hash = conn.execute(select(plans.c.code_hash).where(plans.c.id == plan_id)).scalar()
            if stored_hash is None:
                raise UnknownPlanError(plan_id)
            sealed = None
            if code is not None:
                try:
                    if not hmac.compare_digest(code_hash(code), stored_hash):
                        raise UnknownCodeError()
                except CodeFormatError as exc:
                    raise UnknownCodeError(str(exc)) from None
                sealed = _seal_code(code, token)
            conn.execute(insert(device_tokens).values(token_hash=_hash_token(token), plan_id=plan_id,
                                                      created_at=now, last_seen=now, revoked=False, step=0,
                                                      sealed_code=sealed))
        return token

    def code_for_device(self, token: str) -> str | None:
        """Return the resume code (display form) given when token was issued; None if none was, or the
        token is unknown or revoked."""
        with self._transaction() as conn:
            sealed = conn.execute(select(device_tokens.c.sealed_code).where(
                device_tokens.c.token_hash == _hash_token(token), device_tokens.c.revoked.is_(False))).scalar()
        return None if sealed is None else _unseal_code(sealed, token)

    def plan_for_device(self, token: str) -> str | None:
        """Return the id of the plan token links to, or None if the token is unknown or revoked."""
        if not token:
            return None
        wanted = _hash_token(token)
        with self._transaction(write=True) as conn:
            row = conn.execute(select(device_tokens.c.token_hash, device_tokens.c.plan_id).where(
                device_tokens.c.token_hash == wanted, device_tokens.c.revoked.is_(False))).first()
            if row is None or not hmac.compare_digest(row.token_hash, wanted):
                return None
            conn.execute(update(device_tokens).where(device_tokens.c.token_hash == wanted).values(last_seen=_now()))
        return row.plan_id

    def remember_step(self, token: str, step: int) -> None:
        """Record the wizard step this device is on; raise UnknownDeviceError if the token is unknown or revoked."""
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be a whole number 0 or more, not {step!r}.")
        with self._transaction(write=True) as conn:
            result = conn.execute(update(device_tokens).where(
                device_tokens.c.token_hash == _hash_token(token), device_tokens.c.revoked.is_(False),
            ).values(step=step, last_seen=_now()))
            if result.rowcount == 0:
                raise UnknownDeviceError()

    def step_for_device(self, token: str) -> int:
        """Return the wizard step this device was last on; 0 if the token is unknown or revoked."""
        with self._transaction() as conn:
            step = conn.execute(select(device_tokens.c.step).where(
                device_tokens.c.token_hash == _hash_token(token), device_tokens.c.revoked.is_(False))).scalar()
        return step or 0

    def revoke_device_tokens(self, plan_id: str) -> int:
        """Unlink every device from the plan (they will need the resume code); return how many were linked."""
        with self._transaction(write=True, plan_id=plan_id) as conn:
            result = conn.execute(update(device_tokens).where(
                device_tokens.c.plan_id == plan_id, device_tokens.c.revoked.is_(False)).values(revoked=True))
            return result.rowcount


def _reason(exc: DBAPIError) -> str:
    """Return the first line of the driver's message, which is the useful part."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or ["unknown error"])[0]
