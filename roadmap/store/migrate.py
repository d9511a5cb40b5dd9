"""Bringing a database's schema up to date when a Store opens it.

The schema is made with `metadata.create_all()`: it creates missing tables and
leaves existing ones alone, so it is safe to run on every start. `schema_info`
records the schema's version. To change an existing table, raise SCHEMA_VERSION
(schema.py) and add to MIGRATIONS the step from the version before (a function
of the open connection, run once, in the same transaction that records the new
version). A planner refuses a database a newer one has used.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from . import schema
from .engine import Database, safe_url
from .errors import DatabaseUnavailableError, SchemaTooNewError, StoreError


def bring_up_to_date(database: Database) -> None:
    """Create missing tables and run the migrations the database has not had.

    Raises SchemaTooNewError for a database a newer planner has used, DatabaseUnavailableError.
    """
    for attempt in range(2):
        try:
            with database._transaction(write=True) as conn:
                schema.metadata.create_all(conn)
                _migrate(conn, safe_url(database.url))
            return
        except (DatabaseUnavailableError, SchemaTooNewError):
            raise
        except StoreError:
            # Another process may have been creating the same tables at the same moment.
            if attempt:
                raise


def _migrate(conn: Connection, url: str) -> None:
    """Bring the schema to SCHEMA_VERSION; refuse a database a newer planner has used."""
    schema_info = schema.schema_info
    found = conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()
    if found is None:
        conn.execute(insert(schema_info).values(id=1, version=schema.SCHEMA_VERSION))
        return
    if found > schema.SCHEMA_VERSION:
        raise SchemaTooNewError(url, found, schema.SCHEMA_VERSION)
    for version in range(found + 1, schema.SCHEMA_VERSION + 1):
        schema.MIGRATIONS[version](conn)
    if found != schema.SCHEMA_VERSION:
        conn.execute(update(schema_info).where(schema_info.c.id == 1).values(version=schema.SCHEMA_VERSION))
