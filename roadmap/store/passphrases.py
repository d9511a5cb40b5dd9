"""The facilitator passphrase: its rules, and its argon2id hash (the passphrase itself is never stored)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error

from .errors import WeakPassphraseError

#: The shortest facilitator passphrase accepted.
MIN_PASSPHRASE_CHARS = 10
MAX_PASSPHRASE_CHARS = 1000

_PASSPHRASES = PasswordHasher()


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
    return _PASSPHRASES.hash(check_passphrase(passphrase))


def verify_passphrase(stored_hash: str, passphrase: str) -> bool:
    """Return True if passphrase matches stored_hash; never raises for a wrong or malformed one."""
    try:
        return _PASSPHRASES.verify(stored_hash, passphrase)
    except (Argon2Error, TypeError, ValueError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _PASSPHRASES.hash(secrets.token_urlsafe(16))

