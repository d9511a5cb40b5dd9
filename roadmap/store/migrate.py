"""Bringing a database's schema up to date when a Store opens it, with Alembic.

Each change to the schema is a revision under migrations/versions (see README,
Development). Opening a database costs one cheap check when it is already at
HEAD_REVISION; only a database behind it loads Alembic, which then runs the
missing revisions in the Store's own transaction (on SQLite in batch mode), so
a failed step leaves the database as it was. A database whose revision this
planner does not know was used by a newer planner, and is refused.

A database made before Alembic (by the planner that recorded its version in
`schema_info`, and has no `alembic_version`) is the first revision already: it
is stamped as such, not made again, and keeps every row.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from .engine import Database, safe_url
from .errors import DatabaseUnavailableError, SchemaTooNewError, SecretMismatchError, StoreError
from .schema import server_secret
from .secret import check_secret, fingerprint

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
#: The revision made from the tables as they were before Alembic.
FIRST_REVISION = "0001"
#: The newest revision in migrations/versions; a test checks that Alembic agrees. Raise it with each revision.
HEAD_REVISION = "0004"
#: Alembic's own table: the revision the database is at (in the database's own schema on PostgreSQL).
VERSION_TABLE = "alembic_version"


def current_revision(conn: Connection) -> str | None:
    """Return the revision the database is at, None if Alembic has never stamped it."""
    if not conn.dialect.has_table(conn, VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def bring_up_to_date(database: Database, secret: bytes) -> None:
    """Bring the database to HEAD_REVISION: make the tables of a new one, stamp one made before Alembic,
    run the revisions an older one has not had (keying its hashes with secret), and check that its codes
    are keyed with secret.

    Raises SchemaTooNewError for a database a newer planner has used, SecretMismatchError for one keyed
    with another secret, DatabaseUnavailableError.
    """
    url = safe_url(database.url)
    with database._transaction() as conn:
        if current_revision(conn) == HEAD_REVISION and _secret_matches(conn, secret, url):
            return
    for attempt in range(2):
        try:
            with database._transaction(schema_change=True) as conn:
                _upgrade(conn, url, secret)
                check_secret(conn, secret, url)
            return
        except (DatabaseUnavailableError, SchemaTooNewError, SecretMismatchError):
            raise
        except StoreError:
            # Another process may have been creating the same tables at the same moment.
            if attempt:
                raise


def _secret_matches(conn: Connection, secret: bytes, url: str) -> bool:
    """Return True if the database records secret's fingerprint, False if it records none yet;
    raise SecretMismatchError if it records another."""
    if not conn.dialect.has_table(conn, server_secret.name):
        return False
    stored = conn.execute(select(server_secret.c.fingerprint).where(server_secret.c.id == 1)).scalar()
    if stored is not None and stored != fingerprint(secret):
        raise SecretMismatchError(url)
    return stored is not None


def alembic_config(connection: Connection | None = None, secret: bytes | None = None):
    """Return the Alembic Config of the planner's migrations (no alembic.ini needed), run over connection;
    revisions that key hashes read the server's secret from it."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    config.attributes["secret"] = secret
    return config


def _upgrade(conn: Connection, url: str, secret: bytes) -> None:
    # Alembic loads in a tenth of a second: only a database behind HEAD_REVISION pays for it.
    from alembic import command
    from alembic.script import ScriptDirectory

    found = current_revision(conn)  # again, now holding the write lock: another process may have done it
    if found == HEAD_REVISION:
        return
    config = alembic_config(conn, secret)
    if found is None:
        if _made_before_alembic(conn, url):
            command.stamp(config, FIRST_REVISION)
    elif found not in {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}:
        raise SchemaTooNewError(url, found, HEAD_REVISION)
    command.upgrade(config, HEAD_REVISION)


def _made_before_alembic(conn: Connection, url: str) -> bool:
    """Return True if the database has the planner's tables but no Alembic revision.

    Raises SchemaTooNewError if its schema_info says a newer planner changed it.
    """
    if not conn.dialect.has_table(conn, "plans"):
        return False
    if conn.dialect.has_table(conn, "schema_info"):
        version = conn.execute(text("SELECT version FROM schema_info WHERE id = 1")).scalar()
        if version is not None and version > 1:
            raise SchemaTooNewError(url, str(version), HEAD_REVISION)
    return True
