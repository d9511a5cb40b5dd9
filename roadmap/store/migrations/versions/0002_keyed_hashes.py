"""Codes and device tokens keyed with the server's secret; the budget of wrong codes in the database.

- `plans.code_hash`, `workshops.code_hash` and `device_tokens.token_hash` held plain
  SHA-256 digests; each becomes HMAC-SHA256(secret, that digest) (codes.keyed), so a copy
  of the database cannot be searched for codes without the secret. Every existing code
  and device token keeps working.
- `server_secret` records the secret's fingerprint (secret.py); `wrong_codes` holds the
  last minute's wrong resume codes from every server on the database.
- `device_tokens.sealed_code` is dropped: a cookie no longer brings its plan's code back.
- `schema_info` goes to 2: a planner from before Alembic would look codes up by their plain
  digest and tell every team its code is wrong, so it must refuse this database instead.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import context, op

from roadmap.codes import keyed
from roadmap.store.secret import fingerprint

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _rekey(table: str, column: str, secret: bytes) -> None:
    conn = op.get_bind()
    digests = [row[0] for row in conn.execute(sa.text(f"SELECT {column} FROM {table}"))]
    for digest in digests:
        conn.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old"),
                     {"new": keyed(secret, digest), "old": digest})


def upgrade() -> None:
    secret = context.config.attributes["secret"]  # migrate.py and env.py put the server's secret here
    server_secret = op.create_table('server_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('wrong_codes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_wrong_codes_at', 'wrong_codes', ['at'], unique=False)
    for table, column in (("plans", "code_hash"), ("workshops", "code_hash"), ("device_tokens", "token_hash")):
        _rekey(table, column, secret)
    with op.batch_alter_table('device_tokens', schema=None) as batch_op:
        batch_op.drop_column('sealed_code')
    op.bulk_insert(server_secret, [{"id": 1, "fingerprint": fingerprint(secret)}])
    op.execute(sa.text("UPDATE schema_info SET version = 2 WHERE id = 1"))


def downgrade() -> None:
    raise NotImplementedError("Keyed hashes cannot be turned back into plain digests.")
