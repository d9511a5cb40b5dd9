"""How Alembic reaches the database: through the Store's own connection, inside its transaction.

The planner runs this (migrate.py passes its connection in config.attributes) each
time a database is behind. Run by hand, for `alembic revision --autogenerate`, it
opens DATABASE_URL (else data/roadmap.sqlite3) itself. SQLite cannot alter most
of a table in place, so operations run in batch mode (copy, change, swap).
"""

from alembic import context

from roadmap.store.engine import default_database_url, make_engine, normalise_url
from roadmap.store.schema import UTCDateTime, metadata
from roadmap.store.secret import load_secret


def render_item(kind, item, autogen_context):
    """Write a UTCDateTime column in a revision as what the database holds; reading it as UTC is Python's job."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      render_item=render_item)
    with context.begin_transaction():  # nothing to begin when the planner's transaction is open
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = normalise_url(context.config.get_main_option("sqlalchemy.url") or default_database_url())
    context.config.attributes.setdefault("secret", load_secret(url))  # for revisions that key hashes
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()
