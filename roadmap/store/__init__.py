"""Plans in a database: saved as you go, resumable by code, safe with several devices at once.

This package is the one place that knows SQL (SQLAlchemy Core). `Store` is its
public face: one object over one Engine, safe to share between threads, whose
calls each run in their own short transaction. Its parts, one module per job:

    errors.py            every error the store raises, in plain English
    schema.py            the tables
    engine.py            where the database is, the Engine, the transaction every call runs in
    migrate.py           bringing a database's schema up to date when it is opened (Alembic)
    migrations/          the Alembic revisions, one file per change to the schema
    values.py            entry keys, and entries' values as JSON
    plan_storage.py      plans, answers, ratings and their history (PlansMixin)
    device_storage.py    device tokens (DevicesMixin)
    workshop_storage.py  workshops, teams, closing and locking, members' own ratings (WorkshopsMixin)
    round_storage.py     a plan's rounds: start, rename, undo the last start, confirm an entry (RoundsMixin)
    passphrases.py       the facilitator passphrase's rules and hash
    secret.py            the server's secret, the key of the codes' and tokens' hashes

Callers import from `roadmap.store`, never from the modules. Nothing here imports Streamlit.
"""

from __future__ import annotations

import time
from typing import Callable

from ..codes import Throttle
from .device_storage import DEVICE_TOKEN_DAYS, DevicesMixin
from .engine import (
    DATA_DIR_ENV, DATABASE_URL_ENV, SQLITE_BUSY_TIMEOUT_MS, SQLITE_FILE, Database, default_database_url,
    default_sqlite_path, normalise_url, safe_url,
)
from .errors import (
    DatabaseUnavailableError, PlanLockedError, SchemaTooNewError, SecretMismatchError, StaleEntryError,
    StorageFaultError, StoreError, TryLaterError, UnknownCodeError, UnknownDeviceError, UnknownPlanError,
    UnknownTeamError, UnknownVersionError, UnknownWorkshopError, WeakPassphraseError, WorkshopAccessError,
    WorkshopArchivedError, WorkshopNotOpenError,
)
from .migrate import HEAD_REVISION, bring_up_to_date, current_revision
from .passphrases import (
    MAX_PASSPHRASE_CHARS, MIN_PASSPHRASE_CHARS, check_passphrase, hash_passphrase, verify_passphrase,
)
from .plan_storage import Created, HistoryEntry, PlanSummary, PlansMixin, StoredPlan
from .round_storage import RoundChangeError, RoundsMixin, StaleRoundError, StoredRound
from .secret import SECRET_ENV, load_secret
from .schema import (
    MAX_WORKSHOP_NAME_CHARS, UTCDateTime, device_tokens, entries, history, member_ratings,
    metadata, plans, rounds, schema_info, server_secret, workshop_teams, workshops, wrong_codes,
)
from .values import DISTRICT_KEY, answer_key, rating_key
from .workshop_storage import (
    MAX_STANDALONE_REMEMBERED, MAX_WORKSHOP_TEAMS, WORKSHOP_ARCHIVED, WORKSHOP_CLOSED, WORKSHOP_OPEN,
    WORKSHOP_STATUSES,
    CreatedWorkshop, KeptCodes, MemberLevel, MemberRating, PlanWorkshop, TeamCode, TeamProgress, Workshop, WorkshopsMixin, WorkshopSummary,
    WorkshopTeam,
)


class Store(RoundsMixin, PlansMixin, DevicesMixin, WorkshopsMixin, Database):
    """Plans in one database. Safe to share between threads.

    url: a SQLAlchemy URL; None means `default_database_url()`. sleep: how to
    wait after a wrong resume code (tests pass a recorder instead of time.sleep).
    secret: the key of the codes' and tokens' hashes; None means the server's (secret.py).
    Opening brings the database's schema up to date (migrate.py). Raises
    DatabaseUnavailableError when the database cannot be reached,
    SchemaTooNewError for a database a newer planner has used, and
    SecretMismatchError for one keyed with another server's secret.
    """

    def __init__(self, url: str | None = None, *, sleep: Callable[[float], None] = time.sleep,
                 throttle: Throttle | None = None, secret: bytes | None = None):
        super().__init__(url)
        self._sleep = sleep
        self.throttle = throttle or Throttle()
        self._standalone: set[str] = set()  # plan ids known to be in no workshop (see _is_locked)
        # The key of the codes' and tokens' hashes: ROADMAP_SECRET, else secret.key in the data folder.
        self._secret = secret if secret is not None else load_secret(self.url)
        bring_up_to_date(self, self._secret)


__all__ = [
    "DATABASE_URL_ENV", "DATA_DIR_ENV", "DEVICE_TOKEN_DAYS", "DISTRICT_KEY", "HEAD_REVISION",
    "MAX_PASSPHRASE_CHARS", "MAX_STANDALONE_REMEMBERED", "MAX_WORKSHOP_NAME_CHARS", "MAX_WORKSHOP_TEAMS",
    "MIN_PASSPHRASE_CHARS", "SECRET_ENV", "SQLITE_BUSY_TIMEOUT_MS", "SQLITE_FILE", "WORKSHOP_ARCHIVED",
    "WORKSHOP_CLOSED", "WORKSHOP_OPEN", "WORKSHOP_STATUSES", "Created", "CreatedWorkshop", "KeptCodes", "MemberLevel",
    "DatabaseUnavailableError", "HistoryEntry", "MemberRating", "PlanLockedError", "PlanSummary",
    "PlanWorkshop", "RoundChangeError", "SchemaTooNewError", "StaleRoundError", "StoredRound", "rounds",
    "SecretMismatchError", "StaleEntryError", "StorageFaultError",
    "Store", "StoreError", "StoredPlan", "TeamCode", "TeamProgress", "TryLaterError", "UTCDateTime",
    "UnknownCodeError", "UnknownDeviceError", "UnknownPlanError", "UnknownTeamError", "UnknownVersionError",
    "UnknownWorkshopError", "WeakPassphraseError", "Workshop", "WorkshopAccessError", "WorkshopArchivedError",
    "WorkshopNotOpenError", "WorkshopSummary", "WorkshopTeam", "answer_key", "check_passphrase",
    "current_revision", "default_database_url", "default_sqlite_path", "device_tokens", "entries",
    "hash_passphrase", "history", "member_ratings", "metadata", "normalise_url", "plans", "rating_key",
    "safe_url", "schema_info", "server_secret", "verify_passphrase", "workshop_teams", "workshops",
    "wrong_codes",
]
