"""The tables: every plan, answer, version, device and workshop the planner stores.

Each piece of a plan a person can save is its own row in `entries`, keyed
`q:<question id>` (an answer), `r:<action id>` (a rating) or `district` (the
district and team), with a version; every change is also a row in `history`.
A workshop's teams are ordinary plans linked to it in `workshop_teams`.
"""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

#: The longest workshop, team or member name.
MAX_WORKSHOP_NAME_CHARS = 200


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
)
Index("device_tokens_by_plan", device_tokens.c.plan_id)
# Workshops: a facilitator's many teams at once (see workshop_storage.py).

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
    # The codes, sealed with a key derived from the passphrase and this salt (sealing.py); NULL: made before.
    Column("seal_salt", String(32), nullable=True),
    Column("sealed_code", Text, nullable=True),
    # Pacing: the area the facilitator points every team to (1, 2, ...; NULL: none), and whether members'
    # own ratings stay hidden from each other until the facilitator reveals them.
    Column("focus_area", Integer, nullable=True),
    Column("hide_member_ratings", Boolean, nullable=False, default=False, server_default=false()),
)

workshop_teams = Table(
    "workshop_teams", metadata,
    Column("workshop_id", String(32), ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    # A plan is in one workshop at most; deleting the plan takes it out of its workshop.
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True, unique=True),
    Column("team_name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("sealed_code", Text, nullable=True),  # the team's join code, sealed (sealing.py); NULL: not kept
)

# A facilitator's device, signed in to one workshop: a reload keeps them in without the passphrase. The
# sealing key is kept sealed with the device's token, which only the device has (in its cookie).
facilitator_devices = Table(
    "facilitator_devices", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("workshop_id", String(32), ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    Column("sealed_key", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
)

member_ratings = Table(
    "member_ratings", metadata,
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column("member", String(MAX_WORKSHOP_NAME_CHARS), primary_key=True),
    Column("action_id", String(200), primary_key=True),
    Column("level", String(200), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


# The fingerprint of the secret the codes' and tokens' hashes are keyed with (secret.py): one row.
server_secret = Table(
    "server_secret", metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("fingerprint", String(64), nullable=False),
)

# One row per wrong resume code in the last minute or so, from any server on this database: the
# server-wide budget of wrong codes (plan_storage.PlansMixin._open_by_code).
wrong_codes = Table(
    "wrong_codes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
)


# Schema changes are Alembic revisions (migrations/, see migrate.py). This table is what a planner from
# before Alembic reads: it refuses a database whose version is above 1, so a revision that would break such
# a planner sets it to 2.
schema_info = Table(
    "schema_info", metadata,
    Column("id", Integer, primary_key=True),  # always 1: one row
    Column("version", Integer, nullable=False),
)

# Rounds (round_storage.py): a plan's open round and its closed ones. The open round's answers and ratings
# are the plan's entries; a closed round keeps them as they were in `snapshot` (JSON). `baseline` holds each
# carried entry's version when the round began: an entry still at that version is not yet reviewed.
# A plan without rows here (made before rounds) is one open round, begun when the plan was.
rounds = Table(
    "rounds", metadata,
    Column("plan_id", String(32), ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True),  # 1, 2, ...: the highest is the open round
    Column("label", Text, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),  # NULL: the open round
    Column("snapshot", Text, nullable=True),  # JSON {answers, ratings, member_ratings} of a closed round
    Column("baseline", Text, nullable=False),  # JSON {entry key: version when the round began}
    Column("history_mark", Integer, nullable=False),  # the plan's last history id when the round began
    Column("copied_from", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),  # raised by each rename: a stale rename is refused
    Column("updated_by", Text, nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
)
