"""Join codes sealed with the facilitator's passphrase, so only the facilitator can show them again.

The key is argon2id-derived from the passphrase and a salt kept with the workshop;
each code is sealed with AES-GCM (cryptography), bound to its workshop and team by
the associated data, so a sealed code copied onto another team's row does not open.
The server keeps only the sealed form: without the passphrase, a copy of the
database shows no code.
"""

from __future__ import annotations

import base64
import os

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SALT_BYTES = 16
KEY_BYTES = 32
_NONCE_BYTES = 12
_VERSION = "v1:"
# The passphrase hash's own settings (passphrases.py): sized for a 2-core server.
_TIME_COST, _MEMORY_KIB, _PARALLELISM = 2, 19 * 1024, 1


class SealError(ValueError):
    """A sealed code that this key does not open (another passphrase, or a damaged or moved value)."""


def new_salt() -> str:
    """Return a new random salt, as hex, for a workshop's sealing key."""
    return os.urandom(SALT_BYTES).hex()


def derive_key(passphrase: str, salt: str) -> bytes:
    """Return the 32-byte sealing key for passphrase and the workshop's salt (slow on purpose: argon2id)."""
    return hash_secret_raw(passphrase.encode("utf-8"), bytes.fromhex(salt), time_cost=_TIME_COST,
                           memory_cost=_MEMORY_KIB, parallelism=_PARALLELISM, hash_len=KEY_BYTES, type=Type.ID)


def seal(key: bytes, text: str, context: str) -> str:
    """Return text sealed with key (AES-GCM), bound to context (say, the workshop and team ids)."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, text.encode("utf-8"), context.encode("utf-8"))
    return _VERSION + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(key: bytes, sealed: str, context: str) -> str:
    """Return the text sealed with key for context; raise SealError if this key or context does not open it."""
    if not sealed.startswith(_VERSION):
        raise SealError("not a sealed code")
    try:
        raw = base64.urlsafe_b64decode(sealed[len(_VERSION):])
        return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8")).decode("utf-8")
    except (InvalidTag, ValueError) as exc:
        raise SealError("this key does not open the sealed code") from exc
