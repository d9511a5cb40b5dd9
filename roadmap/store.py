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
start. `schema_info` records the schema's version. To change an existing table,
raise SCHEMA_VERSION and add to MIGRATIONS the step from the version before
(a function of the open connection, run once, in the same transaction that
records the new version). A planner refuses a database a newer one has used.

One Store (one Engine, one connection pool) serves every thread; each call runs
in its own short transaction. Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error
from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
    bindparam, case, create_engine, delete, event, func, insert, select, update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.types import TypeDecorator

from .codes import CodeFormatError, Throttle, code_hash, display_code, new_code, normalise_code
from .plan import AnswerError, AnswerValue, District, Plan, Rating
from .text import clean_text

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "ROADMAP_DATA_DIR"
DATABASE_URL_ENV = "DATABASE_URL"
SQLITE_FILE = "roadmap.sqlite3"

DISTRICT_KEY = "district"
#: How long SQLite waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: How many plans outside any workshop a Store remembers as such (a save then skips the workshop query).
MAX_STANDALONE_REMEMBERED = 100_000
#: A device token not used for this long no longer opens its plan (the resume code still does).
DEVICE_TOKEN_DAYS = 60


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


class SchemaTooNewError(StoreError):
    """The database was last used by a newer planner, whose tables this one may not understand."""

    def __init__(self, url: str, version: int):
        super().__init__(f"The database at {url} was last used by a newer version of the planner (schema "
                         f"{version}; this one knows {SCHEMA_VERSION}). Update the planner before opening it.")
        self.version = version


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

#: The schema this code reads and writes. Databases made before schema_info existed are version 1.
SCHEMA_VERSION = 1
#: version -> the step that brings a database from version - 1 to it (see the module's docstring).
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

schema_info = Table(
    "schema_info", metadata,
    Column("id", Integer, primary_key=True),  # always 1: one row
    Column("version", Integer, nullable=False),
)

# The statements of a save, built once: SQLAlchemy then skips building and keying them on every save
# (three quarters of a save's time on SQLite). Parameters named p_* are the WHERE clause's; the others are values.
_TOUCH_PLAN = update(plans).where(plans.c.id == bindparam("p_id")).values(updated_at=bindparam("updated_at"))
_UPDATE_ENTRY = update(entries).where(
    entries.c.plan_id == bindparam("p_plan_id"), entries.c.key == bindparam("p_key"),
    entries.c.version == bindparam("p_seen"),
).values({c: bindparam(c) for c in ("value", "version", "filled", "updated_by", "updated_at")})
_INSERT_HISTORY = insert(history)


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
        self._standalone: set[str] = set()  # plan ids known to be in no workshop (see _is_locked)
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
                    self._migrate(conn)
                return
            except (DatabaseUnavailableError, SchemaTooNewError):
                raise
            except StoreError:
                # Another process may have been creating the same tables at the same moment.
                if attempt:
                    raise

    def _migrate(self, conn: Connection) -> None:
        """Bring the schema to SCHEMA_VERSION; refuse a database a newer planner has used."""
        found = conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()
        if found is None:
            conn.execute(insert(schema_info).values(id=1, version=SCHEMA_VERSION))
            return
        if found > SCHEMA_VERSION:
            raise SchemaTooNewError(safe_url(self.url), found)
        for version in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
        if found != SCHEMA_VERSION:
            conn.execute(update(schema_info).where(schema_info.c.id == 1).values(version=SCHEMA_VERSION))

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
            code = self._unused_code(conn)
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

    def issue_device_token(self, plan_id: str, code: str | None = None, step: int = 0) -> str:
        """Return a new secret token linking one browser to the plan, open at wizard step step;
        only its hash is stored.

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
                                                      created_at=now, last_seen=now, revoked=False,
                                                      step=max(int(step), 0),
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
        """Return the id of the plan token links to, or None if the token is unknown, revoked, or has not
        been used for DEVICE_TOKEN_DAYS."""
        if not token:
            return None
        wanted = _hash_token(token)
        with self._transaction(write=True) as conn:
            row = conn.execute(select(device_tokens.c.token_hash, device_tokens.c.plan_id,
                                      device_tokens.c.last_seen).where(
                device_tokens.c.token_hash == wanted, device_tokens.c.revoked.is_(False))).first()
            if row is None or not hmac.compare_digest(row.token_hash, wanted):
                return None
            if row.last_seen < _now() - timedelta(days=DEVICE_TOKEN_DAYS):
                return None  # unused too long: the browser needs the resume code again
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

    # Workshops ------------------------------------------------------------------
    # A workshop groups team plans under one facilitator. Its tables, results and errors
    # are in the "Workshops" section at the end of this module.

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
        workshop_id, now = uuid.uuid4().hex, _now()
        with self._transaction(write=True) as conn:
            code = self._unused_code(conn, workshops)
            conn.execute(insert(workshops).values(
                id=workshop_id, code_hash=code_hash(code), name=name, date=day, bank_yaml=bank_yaml,
                passphrase_hash=secret, status=WORKSHOP_OPEN, created_at=now))
            teams = self._insert_teams(conn, workshop_id, names, day, who, first_position=1)
        return CreatedWorkshop(self.workshop(workshop_id), code, tuple(teams))

    def add_teams(self, workshop_id: str, team_names: list[str], who: str = "") -> list[TeamCode]:
        """Add teams (each with a new plan) to an open workshop; return their join codes.

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
            return self._insert_teams(conn, workshop_id, names, head.date, who, first_position=first)

    def _insert_teams(self, conn: Connection, workshop_id: str, names: list[str], day: dt.date | None,
                      who: str, first_position: int) -> list[TeamCode]:
        teams = []
        for position, team_name in enumerate(names, start=first_position):
            plan_id, code = self._insert_plan(conn, Plan(district=District(name=team_name, date=day)), who)
            conn.execute(insert(workshop_teams).values(workshop_id=workshop_id, plan_id=plan_id,
                                                       team_name=team_name, position=position))
            teams.append(TeamCode(WorkshopTeam(plan_id, team_name, position), code))
        return teams

    @staticmethod
    def _unused_code(conn: Connection, table: Table = plans) -> str:
        """A new code no plan (or workshop) has: a clash is one in 2**50, but would open the wrong one."""
        code = new_code()
        while conn.execute(select(table.c.id).where(table.c.code_hash == code_hash(code))).first():
            code = new_code()
        return code

    def _insert_plan(self, conn: Connection, plan: Plan, who: str) -> tuple[str, str]:
        """Store a plan holding only its district inside conn's transaction; return (plan id, code)."""
        plan_id, now = uuid.uuid4().hex, _now()
        code = self._unused_code(conn)
        conn.execute(insert(plans).values(id=plan_id, code_hash=code_hash(code), district_name=plan.district.name,
                                          created_at=plan.created_at, updated_at=plan.updated_at))
        data = plan.district.model_dump(mode="json")
        row = dict(plan_id=plan_id, key=DISTRICT_KEY, value=_encode(data), version=1, updated_by=who, updated_at=now)
        conn.execute(insert(entries).values(**row, filled=_filled(DISTRICT_KEY, data)))
        conn.execute(insert(history).values(**row))
        return plan_id, code

    def _lock_workshop(self, conn: Connection, workshop_id: str):
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id).with_for_update()).first()
        if row is None:
            raise UnknownWorkshopError()
        return row

    def open_workshop(self, code: str, passphrase: str, client: str = "") -> Workshop:
        """Return the workshop with this code when passphrase is its facilitator passphrase.

        Raises WorkshopAccessError, the same for a wrong code and a wrong passphrase,
        each time from the same client a little later (codes.Throttle); and
        WorkshopArchivedError once the workshop is archived. The passphrase is never
        stored, logged or put in an error.
        """
        try:
            wanted: str | None = code_hash(code)
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
        self.throttle.succeeded(key)
        if row.status == WORKSHOP_ARCHIVED:
            raise WorkshopArchivedError()
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
                        tuple(WorkshopTeam(t.plan_id, t.team_name, t.position) for t in teams))

    def set_workshop_status(self, workshop_id: str, status: str) -> Workshop:
        """Close (teams can read, not change, their plans), reopen or archive a workshop; return it.

        Archiving is for good: the teams carry on alone with their codes and the
        facilitator can no longer open it. Raises UnknownWorkshopError, and StoreError
        for a change an archived workshop cannot make.
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

    def reissue_team_code(self, workshop_id: str, plan_id: str) -> TeamCode:
        """Give a team that lost its join code a new one; return it. The old code stops opening the plan.

        Devices already in the plan stay in it (the team carries on) but no longer show the old code.
        Raises UnknownWorkshopError, and UnknownTeamError if the plan is not one of the workshop's teams.
        """
        with self._transaction(write=True) as conn:
            self._lock_workshop(conn, workshop_id)
            team = conn.execute(select(workshop_teams).where(workshop_teams.c.workshop_id == workshop_id,
                                                             workshop_teams.c.plan_id == plan_id)).first()
            if team is None:
                raise UnknownTeamError()
            code = self._unused_code(conn)
            conn.execute(update(plans).where(plans.c.id == plan_id).values(code_hash=code_hash(code)))
            conn.execute(update(device_tokens).where(device_tokens.c.plan_id == plan_id).values(sealed_code=None))
        return TeamCode(WorkshopTeam(plan_id, team.team_name, team.position), code)

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
        with self._transaction(plan_id=plan_id) as conn:
            row = conn.execute(
                select(workshops.c.id, workshops.c.name, workshops.c.status, workshop_teams.c.team_name,
                       workshops.c.bank_yaml.is_not(None).label("own_bank"))
                .select_from(workshop_teams.join(workshops, workshops.c.id == workshop_teams.c.workshop_id))
                .where(workshop_teams.c.plan_id == plan_id)).first()
        if row is None:
            return None
        return PlanWorkshop(row.id, row.name, row.status, row.team_name, bool(row.own_bank))

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
        query = (select(workshop_teams.c.plan_id, workshop_teams.c.team_name, workshop_teams.c.position,
                        plans.c.district_name, plans.c.updated_at, members.c.raters, members.c.last_rated,
                        *[counts.c[f"g{i}"] for i in range(len(names))])
                 .select_from(workshop_teams.join(plans, plans.c.id == workshop_teams.c.plan_id)
                              .outerjoin(counts, counts.c.plan_id == workshop_teams.c.plan_id)
                              .outerjoin(members, members.c.plan_id == workshop_teams.c.plan_id))
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
                             ratings.get(r.plan_id, {}), int(r.raters or 0), r.last_rated)
                for r in rows]

    def workshop_plans(self, workshop_id: str) -> list[tuple[WorkshopTeam, StoredPlan]]:
        """Return every team with its whole stored plan, in order (for collecting them at the end)."""
        return [(team, self.load(team.plan_id)) for team in self.workshop(workshop_id).teams]


def _reason(exc: DBAPIError) -> str:
    """Return the first line of the driver's message, which is the useful part."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or ["unknown error"])[0]


# Workshops ------------------------------------------------------------------
# A facilitator runs the roadmap with many teams at once. A workshop has its own code
# and a facilitator passphrase (kept only as an argon2 hash); each team is an ordinary
# plan linked to it, opened with its own resume code. While a workshop is closed its
# plans are read-only (plan_is_locked). Members may also rate actions on their own
# first (member_ratings); the team's agreed rating stays the plan's r: entry.

WORKSHOP_OPEN, WORKSHOP_CLOSED, WORKSHOP_ARCHIVED = "open", "closed", "archived"
WORKSHOP_STATUSES = (WORKSHOP_OPEN, WORKSHOP_CLOSED, WORKSHOP_ARCHIVED)
#: The shortest facilitator passphrase accepted.
MIN_PASSPHRASE_CHARS = 10
MAX_PASSPHRASE_CHARS = 1000
#: The longest workshop, team or member name.
MAX_WORKSHOP_NAME_CHARS = 200

workshops = Table(
    "workshops", metadata,
    Column("id", String(32), primary_key=True),  # uuid4 hex, never shown
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("date", Date, nullable=True),
    Column("bank_yaml", Text, nullable=True),  # the workshop's own question bank; NULL: the app's bank
    Column("passphrase_hash", Text, nullable=False),  # argon2id
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

workshop_teams = Table(
    "workshop_teams", metadata,
    Column("workshop_id", String(32), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    # A plan is in one workshop at most; deleting the plan takes it out of its workshop.
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True, unique=True),
    Column("team_name", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

member_ratings = Table(
    "member_ratings", metadata,
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column("member", String(MAX_WORKSHOP_NAME_CHARS), primary_key=True),
    Column("action_id", String(200), primary_key=True),
    Column("level", String(200), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


class UnknownWorkshopError(StoreError, LookupError):
    """No workshop has this id."""

    def __init__(self) -> None:
        super().__init__("This workshop is no longer stored.")


class UnknownTeamError(StoreError, LookupError):
    """The plan is not one of the workshop's teams."""

    def __init__(self) -> None:
        super().__init__("That team is not in this workshop (it may have been removed already).")


class WorkshopAccessError(StoreError):
    """A wrong workshop code or passphrase; which one is not said."""

    def __init__(self) -> None:
        super().__init__("That workshop code and passphrase do not match a workshop. Check both and try again.")


class WorkshopArchivedError(StoreError):
    """The workshop is archived: its teams carry on alone, and it cannot be opened or changed."""

    def __init__(self) -> None:
        super().__init__("This workshop is archived: its teams carry on alone with their own codes, "
                         "and it can no longer be opened or changed.")


class WorkshopNotOpenError(StoreError):
    """Teams can only be added to an open workshop."""

    def __init__(self, status: str):
        super().__init__(f"This workshop is {status}; teams can only be added while it is open.")
        self.status = status


class PlanLockedError(StoreError, AnswerError):
    """The plan's workshop is closed, so the plan can be read but not changed; nothing was saved.

    An AnswerError too, so every page that reports a refused answer reports this one.
    """

    def __init__(self, plan_id: str):
        super().__init__("This workshop has been closed by its facilitator, so the plan is read-only for now.",
                         plan_id)


class WeakPassphraseError(ValueError):
    """A facilitator passphrase too short (or too long) to use; the message says the rule."""


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
class CreatedWorkshop:
    workshop: Workshop
    code: str  # the workshop code (display form), known only now
    teams: tuple[TeamCode, ...]


@dataclass(frozen=True)
class PlanWorkshop:
    """The workshop a plan belongs to, as its team sees it."""

    workshop_id: str
    name: str
    status: str
    team_name: str
    own_bank: bool


@dataclass(frozen=True)
class MemberRating:
    """One team member's own rating of one action (a level id)."""

    member: str
    action_id: str
    level: str
    updated_at: datetime


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

    @property
    def last_activity(self) -> datetime:
        """Return when anyone in the team last saved anything, their own ratings included."""
        if self.last_member_rating is None:
            return self.updated_at
        return max(self.updated_at, self.last_member_rating)


_PASSPHRASES = PasswordHasher()


def check_passphrase(passphrase: str) -> str:
    """Return passphrase unchanged; raise WeakPassphraseError if it is too short or too long to use."""
    if not isinstance(passphrase, str) or len(passphrase.strip()) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphraseError(f"The facilitator passphrase needs at least {MIN_PASSPHRASE_CHARS} characters; "
                                  "a few words you can type in the room work well.")
    if len(passphrase) > MAX_PASSPHRASE_CHARS:
        raise WeakPassphraseError(f"The facilitator passphrase can have at most {MAX_PASSPHRASE_CHARS} characters.")
    return passphrase


def hash_passphrase(passphrase: str) -> str:
    """Return the argon2id hash of a passphrase that passes check_passphrase (raise WeakPassphraseError)."""
    return _PASSPHRASES.hash(check_passphrase(passphrase))


def verify_passphrase(stored_hash: str, passphrase: str) -> bool:
    """Return True if passphrase matches stored_hash; never raises for a wrong or malformed one."""
    try:
        return _PASSPHRASES.verify(stored_hash, passphrase)
    except (Argon2Error, TypeError, ValueError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _PASSPHRASES.hash(secrets.token_urlsafe(16))


def _clean_name(value: str, what: str) -> str:
    """Return a name with spaces tidied; raise StoreError if it is empty or too long."""
    text = " ".join(clean_text(str(value)).split())
    if not text:
        raise StoreError(f"{what} is missing.")
    if len(text) > MAX_WORKSHOP_NAME_CHARS:
        raise StoreError(f"{what} is {len(text)} characters long; the limit is {MAX_WORKSHOP_NAME_CHARS}.")
    return text


def _check_team_names(new: list[str], existing: list[str]) -> None:
    if not new:
        raise StoreError("A workshop needs at least one team.")
    seen = {n.casefold() for n in existing}
    for name in new:
        if name.casefold() in seen:
            raise StoreError(f"There is already a team called {name}; give each team its own name.")
        seen.add(name.casefold())
