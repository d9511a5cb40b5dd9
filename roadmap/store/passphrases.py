"""The facilitator passphrase: its rules, and its argon2id hash (the passphrase itself is never stored)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error

from ..guard import PASSPHRASE_SLOTS
from .errors import WeakPassphraseError

#: The shortest facilitator passphrase accepted.
MIN_PASSPHRASE_CHARS = 10
MAX_PASSPHRASE_CHARS = 1000

# Chosen for a 2-core server (OWASP's second argon2id setting): one core and 19 MiB for about 40 ms a
# check, at most PASSPHRASE_CHECKS_AT_ONCE at a time (guard.py). The library's default (64 MiB, 4 lanes,
# ~200 ms of CPU) let 20 sign-ins at once push a team's save past 7 s. Hashes made with other settings
# still verify, and are made anew with these on the next sign-in (needs_new_hash).
_PASSPHRASES = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def check_passphrase(passphrase: str) -> str:
    """Return passphrase unchanged; raise WeakPassphraseError if it is too short or too long to use."""
    if not isinstance(passphrase, str) or len(passphrase.strip()) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphraseError(f"The facilitator passphrase needs at least {MIN_PASSPHRASE_CHARS} characters; "
                                  "a few words you can type in the room work well.")
    if len(passphrase) > MAX_PASSPHRASE_CHARS:
        raise WeakPassphraseError(f"The facilitator passphrase can have at most {MAX_PASSPHRASE_CHARS} characters.")
    return passphrase


def hash_passphrase(passphrase: str) -> str:
    """Return the argon2id hash of a passphrase that passes check_passphrase (raise WeakPassphraseError)."""
    check_passphrase(passphrase)
    with PASSPHRASE_SLOTS.slot():
        return _PASSPHRASES.hash(passphrase)


def verify_passphrase(stored_hash: str, passphrase: str) -> bool:
    """Return True if passphrase matches stored_hash; never raises for a wrong or malformed one."""
    try:
        with PASSPHRASE_SLOTS.slot():
            return _PASSPHRASES.verify(stored_hash, passphrase)
    except (Argon2Error, TypeError, ValueError):
        return False


def needs_new_hash(stored_hash: str) -> bool:
    """Return True if stored_hash was made with other argon2 settings than today's."""
    try:
        return _PASSPHRASES.check_needs_rehash(stored_hash)
    except (Argon2Error, TypeError, ValueError):
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _PASSPHRASES.hash(secrets.token_urlsafe(16))

