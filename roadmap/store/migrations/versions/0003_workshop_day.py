"""The workshop day: codes the facilitator can show again, a facilitator's device, pacing.

- `workshops.seal_salt` and `workshops.sealed_code`, `workshop_teams.sealed_code`: the
  workshop's and each team's code sealed with a key derived from the facilitator
  passphrase (sealing.py). Workshops made before keep NULL: their codes were never kept,
  and a new code made after signing in is sealed.
- `facilitator_devices`: a signed-in facilitator's device token (its hash), so a reload on
  the same device needs no passphrase; the sealing key is kept sealed with the token.
- `workshops.focus_area` and `workshops.hide_member_ratings`: the area every team is
  pointed to, and members' own ratings hidden from each other until revealed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('facilitator_devices',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('sealed_key', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_salt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('sealed_code', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('focus_area', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hide_member_ratings', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('workshop_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_code', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workshop_teams', schema=None) as batch_op:
        batch_op.drop_column('sealed_code')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('hide_member_ratings')
        batch_op.drop_column('focus_area')
        batch_op.drop_column('sealed_code')
        batch_op.drop_column('seal_salt')
    op.drop_table('facilitator_devices')
