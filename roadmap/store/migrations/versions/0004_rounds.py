"""Rounds: a plan has one open round and any number of closed ones.

- `rounds` holds each plan's rounds (see schema.py). Every plan already stored becomes a
  plan of one open round, labelled with the day the plan was made and begun then; its
  answers, ratings and history are untouched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('rounds',
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snapshot', sa.Text(), nullable=True),
    sa.Column('baseline', sa.Text(), nullable=False),
    sa.Column('history_mark', sa.Integer(), nullable=False),
    sa.Column('copied_from', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'number')
    )
    conn = op.get_bind()
    stored = conn.execute(sa.text("SELECT id, created_at FROM plans")).all()
    # The label is the day the plan was made: str() gives 'YYYY-MM-DD ...' from SQLite's text and PostgreSQL's
    # datetimes alike. Plain SQL passes created_at back exactly as the database gave it.
    insert = sa.text(
        "INSERT INTO rounds (plan_id, number, label, started_at, closed_at, snapshot, baseline, history_mark, "
        "copied_from, version, updated_by, updated_at) VALUES (:plan_id, 1, :label, :created, NULL, NULL, '{}', "
        "0, '', 1, '', :created)")
    for plan_id, created in stored:
        conn.execute(insert, {"plan_id": plan_id, "label": str(created)[:10], "created": created})


def downgrade() -> None:
    op.drop_table('rounds')
