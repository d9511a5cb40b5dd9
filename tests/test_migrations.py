"""Opening a database brings it to the newest schema revision: a new one, one made before Alembic (kept
row for row), one a newer planner used (refused). SQLite always; PostgreSQL, in a schema of its own, when
TEST_POSTGRES_URL is set."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
    create_engine, func, insert, select, text,
)

from roadmap.codes import code_digest, new_code
from roadmap.store import (
    HEAD_REVISION, SchemaTooNewError, Store, answer_key, current_revision, device_tokens, entries, history,
    normalise_url, plans, rating_key,
)

from .conftest import ROOT
from .test_store import database_url  # noqa: F401 - the fixture shared with test_store

# The tables as the planner made them before Alembic (its store.py, schema_info at version 1), kept
# here as they were so these tests do not depend on the code under test.
before_alembic = MetaData()
Table("plans", before_alembic,
      Column("id", String(32), primary_key=True),
      Column("code_hash", String(64), nullable=False, unique=True),
      Column("district_name", Text, nullable=False, default=""),
      Column("created_at", DateTime(timezone=True), nullable=False),
      Column("updated_at", DateTime(timezone=True), nullable=False))
Table("entries", before_alembic,
      Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
      Column("key", String(200), primary_key=True),
      Column("value", Text, nullable=False),
      Column("version", Integer, nullable=False),
      Column("filled", Boolean, nullable=False),
      Column("updated_by", Text, nullable=False, default=""),
      Column("updated_at", DateTime(timezone=True), nullable=False))
Table("history", before_alembic,
      Column("id", Integer, primary_key=True, autoincrement=True),
      Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
      Column("key", String(200), nullable=False),
      Column("value", Text, nullable=False),
      Column("version", Integer, nullable=False),
      Column("updated_by", Text, nullable=False, default=""),
      Column("updated_at", DateTime(timezone=True), nullable=False),
      UniqueConstraint("plan_id", "key", "version", name="history_one_row_per_version"))
old_tokens = Table(
    "device_tokens", before_alembic,
    Column("token_hash", String(64), primary_key=True),
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("step", Integer, nullable=False, default=0),
    Column("sealed_code", String(40), nullable=True))
Index("device_tokens_by_plan", old_tokens.c.plan_id)
Table("schema_info", before_alembic,
      Column("id", Integer, primary_key=True),
      Column("version", Integer, nullable=False))
Table("workshops", before_alembic,
      Column("id", String(32), primary_key=True),
      Column("code_hash", String(64), nullable=False, unique=True),
      Column("name", Text, nullable=False),
      Column("date", Date, nullable=True),
      Column("bank_yaml", Text, nullable=True),
      Column("passphrase_hash", Text, nullable=False),
      Column("status", String(16), nullable=False),
      Column("created_at", DateTime(timezone=True), nullable=False))
Table("workshop_teams", before_alembic,
      Column("workshop_id", String(32), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
      Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True, unique=True),
      Column("team_name", Text, nullable=False),
      Column("position", Integer, nullable=False))
Table("member_ratings", before_alembic,
      Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
      Column("member", String(200), primary_key=True),
      Column("action_id", String(200), primary_key=True),
      Column("level", String(200), nullable=False),
      Column("updated_at", DateTime(timezone=True), nullable=False))

PLAN_ID = "0123456789abcdef0123456789abcdef"
TOKEN = "a-device-token-from-before-alembic"


def make_database_before_alembic(url: str, schema_version: int = 1) -> str:
    """Make the database at url as the planner before Alembic left it, with one plan; return its code."""
    code = new_code()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    earlier = now - timedelta(days=1)
    if url.startswith("sqlite"):
        now, earlier = now.replace(tzinfo=None), earlier.replace(tzinfo=None)  # as the planner stored them
    t = before_alembic.tables
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        before_alembic.create_all(conn)
        conn.execute(insert(t["schema_info"]).values(id=1, version=schema_version))
        conn.execute(insert(t["plans"]).values(id=PLAN_ID, code_hash=code_digest(code), district_name="Riverbend",
                                               created_at=earlier, updated_at=now))
        values = {"district": {"name": "Riverbend", "team": [{"name": "Ana", "role": "Principal"}], "date": None},
                  answer_key("q-priorities"): "Mentoring first",
                  rating_key("act-align-purpose"): {"level": "developing", "note": "Started in March"}}
        for key, value in values.items():
            version = 2 if key == answer_key("q-priorities") else 1
            row = dict(plan_id=PLAN_ID, key=key, value=json.dumps(value), version=version, updated_by="Ana",
                       updated_at=now)
            conn.execute(insert(t["entries"]).values(**row, filled=True))
            conn.execute(insert(t["history"]).values(**row))
        conn.execute(insert(t["history"]).values(plan_id=PLAN_ID, key=answer_key("q-priorities"),
                                                 value=json.dumps("Coaching first"), version=1, updated_by="Ben",
                                                 updated_at=earlier))
        conn.execute(insert(t["device_tokens"]).values(
            token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(), plan_id=PLAN_ID, created_at=earlier,
            last_seen=now, revoked=False, step=3, sealed_code=None))
    engine.dispose()
    return code


def count(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_a_database_made_before_alembic_keeps_every_plan_answer_version_and_device(database_url):
    code = make_database_before_alembic(database_url)
    store = Store(database_url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD_REVISION
            assert conn.execute(text("SELECT version FROM schema_info")).scalar() == 2  # 0002 keys the codes: a planner from before Alembic must refuse it
        stored = store.open_by_code(code)
        assert stored.plan_id == PLAN_ID
        assert stored.plan.district.name == "Riverbend"
        assert stored.plan.district.team[0].name == "Ana"
        assert stored.plan.answers == {"q-priorities": "Mentoring first"}
        assert stored.plan.ratings["act-align-purpose"].level == "developing"
        assert stored.version_of(answer_key("q-priorities")) == 2
        assert [h.value for h in store.history(PLAN_ID, answer_key("q-priorities"))] == [
            "Mentoring first", "Coaching first"]
        assert store.plan_for_device(TOKEN) == PLAN_ID
        assert store.step_for_device(TOKEN) == 3
        assert (count(store, plans), count(store, entries), count(store, history), count(store, device_tokens)) == (
            1, 3, 4, 1)
        assert store.save_answer(PLAN_ID, "q-priorities", "Mentoring, then coaching", 2) == 3
    finally:
        store.close()
    again = Store(database_url)  # already at the newest revision: nothing to do
    assert again.load(PLAN_ID).plan.answers["q-priorities"] == "Mentoring, then coaching"
    again.close()


def test_a_database_a_newer_planner_changed_before_alembic_is_refused(database_url):
    make_database_before_alembic(database_url, schema_version=2)
    with pytest.raises(SchemaTooNewError, match="newer version of the planner"):
        Store(database_url)
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as conn:  # nothing was changed by the refusal
        assert current_revision(conn) is None
        assert conn.execute(text("SELECT count(*) FROM plans")).scalar() == 1
    engine.dispose()


def test_a_database_at_a_revision_this_planner_does_not_know_is_refused_in_one_line(database_url):
    Store(database_url).close()
    engine = create_engine(normalise_url(database_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dcafe1234'")
    engine.dispose()
    with pytest.raises(SchemaTooNewError) as refused:
        Store(database_url)
    message = str(refused.value)
    assert "\n" not in message
    assert "newer version of the planner (schema f00dcafe1234;" in message
    assert "Update the planner" in message


def test_the_revisions_make_exactly_the_tables_the_code_uses(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from roadmap.store import metadata

    store = Store(database_url)
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    store.close()


def test_the_newest_revision_is_the_one_the_store_expects():
    from alembic.script import ScriptDirectory

    from roadmap.store.migrate import alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD_REVISION]


def test_the_command_line_brings_a_database_up_to_date_from_any_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    make_database_before_alembic(url)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "roadmap", "plans", "list", "--database", url],
                            capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Riverbend" in result.stdout
    engine = create_engine(url)
    with engine.connect() as conn:
        assert current_revision(conn) == HEAD_REVISION
    engine.dispose()


REBUILD_PLANS = '''
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{previous}"


def upgrade():
    with op.batch_alter_table("plans", recreate="{recreate}") as batch:
        batch.alter_column("district_name", existing_type=sa.Text(), nullable=True)
'''


def test_a_revision_that_rebuilds_the_plans_table_keeps_every_answer_and_device(database_url, monkeypatch,
                                                                                tmp_path):
    import shutil

    from roadmap.store import migrate

    code = make_database_before_alembic(database_url)
    later = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, later, ignore=shutil.ignore_patterns("__pycache__"))
    # On SQLite batch mode copies the table and drops the old one, which with foreign keys on would take
    # every entry, version and device of every plan with it.
    recreate = "always" if database_url.startswith("sqlite") else "auto"
    (later / "versions" / "9001_rebuild_plans.py").write_text(
        REBUILD_PLANS.format(previous=HEAD_REVISION, recreate=recreate))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", later)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9001")
    store = Store(database_url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == "9001"
        assert store.open_by_code(code).plan.answers == {"q-priorities": "Mentoring first"}
        assert len(store.history(PLAN_ID, answer_key("q-priorities"))) == 2
        assert store.plan_for_device(TOKEN) == PLAN_ID
        store.delete_plan(PLAN_ID)  # foreign keys are back on: the plan's rows go with it
        assert (count(store, entries), count(store, history), count(store, device_tokens)) == (0, 0, 0)
    finally:
        store.close()


def test_a_workshop_from_revision_0002_opens_after_0003_and_its_old_codes_show_as_not_kept(database_url):
    from alembic import command

    from roadmap.store.migrate import alembic_config

    store = Store(database_url)
    made = store.create_workshop("Spring Institute", "blue heron at the lake", ["Riverbend", "Lakeside"])
    secret = store._secret
    # Back to how the workshop was stored before revision 0003 (foreign keys off on SQLite, as migrate.py
    # runs every revision, or batch mode's table copy would take the teams with it).
    with store._transaction(schema_change=True) as conn:
        command.downgrade(alembic_config(conn, secret), "0002")
        assert current_revision(conn) == "0002"
    store.close()
    store = Store(database_url)  # brought up to date again on opening
    try:
        workshop, key = store.sign_in_workshop(made.code, "blue heron at the lake")
        assert [t.team_name for t in workshop.teams] == ["Riverbend", "Lakeside"]
        assert workshop.hide_member_ratings is False and workshop.focus_area is None  # unpaced, as before
        kept = store.workshop_codes(workshop.workshop_id, key)
        assert kept.code is None and [t.team_name for t in kept.missing] == ["Riverbend", "Lakeside"]
        assert store.open_by_code(made.teams[0].code).plan_id == made.teams[0].team.plan_id
    finally:
        store.close()
