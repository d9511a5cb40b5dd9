"""Where the database is, the one Engine over it, and the short transaction every call runs in.

The database is `DATABASE_URL` (PostgreSQL via psycopg) or, by default, the
SQLite file `data/roadmap.sqlite3` under the repository (folder:
`ROADMAP_DATA_DIR`). One Engine (one connection pool) serves every thread.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .errors import DatabaseUnavailableError, StorageFaultError, StoreError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR_ENV = "ROADMAP_DATA_DIR"
DATABASE_URL_ENV = "DATABASE_URL"
SQLITE_FILE = "roadmap.sqlite3"
#: How long SQLite waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000



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



def make_engine(url: URL) -> Engine:
    """Return the Engine for url: a pool sized for a room of teams; SQLite in WAL mode with writers
    taking the write lock up front. Raises StoreError for an in-memory SQLite database."""
    # A workshop is ~40 people saving at once; each call holds a connection for
    # milliseconds, so a modest pool with room to overflow serves them all.
    pool = dict(pool_size=10, max_overflow=40, pool_timeout=30)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_recycle=1800, **pool)
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise StoreError("Use a SQLite file for plans (sqlite:///path/to/file.sqlite3), not an in-memory database.")
    engine = create_engine(url, **pool)

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
        options = conn.get_execution_options()
        if options.get("roadmap_schema_change"):
            # A revision in batch mode copies a table and drops the old one; with foreign keys on, dropping
            # plans would delete every row that refers to it. The pragma only works outside a transaction.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        # A writer takes the write lock up front (waiting up to busy_timeout), so it
        # can never fail halfway because another writer committed after it read.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("roadmap_write") else "BEGIN")

    return engine


#: What a driver's message says (lower case) -> the plain words for the person whose save it refused.
_FAULTS = (
    (("readonly", "read-only", "read only"),
     "The planner cannot save: its database is read-only. Everything saved before is safe and can still be "
     "read; the server's operator must make the database writable again."),
    (("disk is full", "no space left", "could not extend file", "disk full"),
     "The planner cannot save: the server's disk is full. Everything saved before is safe; the server's "
     "operator must free some space."),
    (("disk i/o error", "input/output error"),
     "The planner could not read or write its database (a disk error). Everything saved before is safe; the "
     "server's operator should check the server's disk."),
)


def storage_fault(driver_message: str) -> str | None:
    """Return the plain words for a database that cannot take a save (read-only, full, failing disk), or None."""
    text = driver_message.lower()
    return next((words for signs, words in _FAULTS if any(sign in text for sign in signs)), None)


def reason(exc: DBAPIError) -> str:
    """Return the first line of the driver's message, which is the useful part."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or ["unknown error"])[0]


class Database:
    """One database and its Engine; every other part of the Store runs its calls through _transaction.

    url: a SQLAlchemy URL; None means `default_database_url()` (whose folder is
    made if missing). Raises StoreError for a URL that is not a database's.
    """

    def __init__(self, url: str | None = None):
        if url is None and not os.environ.get(DATABASE_URL_ENV, "").strip():
            folder = default_sqlite_path().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"Cannot create the data folder {folder}: {exc.strerror or exc}") from None
        self.url = normalise_url(url if url is not None else default_database_url())
        self.engine = make_engine(self.url)
        self._writer = self.engine.execution_options(roadmap_write=True)
        self._schema_changer = self.engine.execution_options(roadmap_write=True, roadmap_schema_change=True)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _transaction(self, write: bool = False, plan_id: str | None = None, key: str | None = None, *,
                     schema_change: bool = False) -> Iterator[Connection]:
        """Yield a connection in a transaction, committed when the block ends; raise DatabaseUnavailableError,
        and StoreError (saying what plan_id and key were being read or saved) for any other database error.

        write: take the write lock up front. schema_change: a write that changes tables (see migrate.py):
        on SQLite it runs with foreign keys off, checks them before committing, and its connection is
        closed after rather than pooled.
        """
        engine = self._schema_changer if schema_change else self._writer if write else self.engine
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            raise DatabaseUnavailableError(safe_url(self.url), reason(exc)) from exc
        except PoolTimeoutError as exc:
            raise StoreError("The database is busy with other saves; try again in a moment.", plan_id, key) from exc
        foreign_keys_off = schema_change and self.url.get_backend_name() == "sqlite"
        with conn:
            try:
                with conn.begin():
                    yield conn
                    if foreign_keys_off and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise StoreError("Updating the database's tables would leave rows pointing at "
                                         "nothing; nothing was changed.")
            except DBAPIError as exc:
                fault = storage_fault(reason(exc))
                if fault:
                    raise StorageFaultError(fault, plan_id, key) from exc
                doing = "save" if write or schema_change else "read"
                where = ", ".join(x for x in (f"plan {plan_id}" if plan_id else "", key or "") if x)
                raise StoreError(f"The database could not {doing} ({where or 'no plan'}): {reason(exc)}",
                                 plan_id, key) from exc
            finally:
                if foreign_keys_off:
                    conn.invalidate()  # never lend out a connection without its foreign keys
