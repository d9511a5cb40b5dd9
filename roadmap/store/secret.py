"""The server's secret: the key of the hashes the store keeps of codes and device tokens.

It is `ROADMAP_SECRET` when set (several servers on one PostgreSQL must all set
the same one), else a random key the planner makes on its first start in the
data folder (`secret.key` beside the SQLite file, or in ROADMAP_DATA_DIR), kept
readable by the server's user only.

The database keeps a fingerprint of the secret it was keyed with
(`server_secret`). A server whose secret does not match refuses to open it, in
one plain line: its hashes would never match a code, so every team would be told
its code is wrong. That is also what stops a second server from quietly making
a secret of its own beside a database other servers use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import URL, Connection

from .engine import default_sqlite_path
from .errors import SecretMismatchError, StoreError
from .schema import server_secret

SECRET_ENV = "ROADMAP_SECRET"
SECRET_FILE = "secret.key"
#: The shortest ROADMAP_SECRET accepted (a random one: `python -c "import secrets; print(secrets.token_hex(32))"`).
MIN_SECRET_CHARS = 32


def secret_path(url: URL) -> Path:
    """Return where this server keeps a secret it made: beside the SQLite file, else in the data folder."""
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).resolve().parent / SECRET_FILE
    return default_sqlite_path().parent / SECRET_FILE


def load_secret(url: URL) -> bytes:
    """Return the server's secret: ROADMAP_SECRET, else the key in secret_path(url), made there if missing.

    Raises StoreError in plain words for a ROADMAP_SECRET too short, or a key file that cannot be read or made.
    """
    given = os.environ.get(SECRET_ENV, "").strip()
    if given:
        if len(given) < MIN_SECRET_CHARS:
            raise StoreError(f"{SECRET_ENV} must be at least {MIN_SECRET_CHARS} characters long, and random.")
        return given.encode("utf-8")
    path = secret_path(url)
    try:
        return bytes.fromhex(path.read_text("ascii").strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        raise StoreError(f"The server's secret in {path} cannot be read ({getattr(exc, 'strerror', None) or exc}); "
                         f"restore it, or set {SECRET_ENV}.") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return bytes.fromhex(path.read_text("ascii").strip())
    except OSError as exc:
        raise StoreError(f"The server's secret cannot be made in {path} ({exc.strerror or exc}); "
                         f"set {SECRET_ENV} instead.") from None
    key = secrets.token_bytes(32)
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
    return key


def fingerprint(secret: bytes) -> str:
    """Return what the database keeps to recognise the secret (it says nothing about the secret itself)."""
    return hmac.new(secret, b"roadmap server secret", hashlib.sha256).hexdigest()


def check_secret(conn: Connection, secret: bytes, url: str) -> None:
    """Record the secret's fingerprint in a database that has none; raise SecretMismatchError if it has another."""
    stored = conn.execute(select(server_secret.c.fingerprint).where(server_secret.c.id == 1)).scalar()
    if stored is None:
        conn.execute(insert(server_secret).values(id=1, fingerprint=fingerprint(secret)))
    elif not hmac.compare_digest(stored, fingerprint(secret)):
        raise SecretMismatchError(url)
