"""Resume codes: the short secret a team types to come back to its plan.

A code is 10 characters drawn with `secrets` from a 32-character alphabet, so it
holds exactly 50 bits of randomness (32**10 = 2**50). It is shown in groups,
`K7QF-M2XR-9P`. The alphabet leaves out 0, O, 1 and I: no character in a code
can be mistaken for another character a code can hold. (L stays in: with 1 and
I gone it has no look-alike left, and dropping it would leave 31 characters,
49.5 bits.)

Only a keyed hash of the normalised code is stored (`code_hash`): HMAC-SHA256,
with the server's secret as the key, of the code's SHA-256 (`code_digest`, which
is what planners before the secret stored, so their rows can be keyed in place).
Without the secret, a copy of the database cannot be searched for codes, however
many guesses one can afford; with it, a code is still found in one lookup.

`Throttle` slows down someone guessing codes: each wrong code from the same
client waits a little longer before the answer comes back. (The server-wide
budget of wrong codes is kept in the database: see the store's plan_storage.)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from typing import Callable

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
#: How the display form splits a code: K7QF-M2XR-9P.
GROUPS = (4, 4, 2)
#: Bits of randomness in one code (50.0).
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))

_SEPARATORS = str.maketrans("", "", " -_.\t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014")


class CodeFormatError(ValueError):
    """Text that cannot be a resume code; the message says what a code looks like."""


def new_code() -> str:
    """Return a fresh random code in display form (`K7QF-M2XR-9P`)."""
    return display_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def normalise_code(text: str) -> str:
    """Return the 10 characters of the code a person typed, upper case, without spaces or hyphens.

    Raises CodeFormatError when what is left is not 10 characters of the alphabet.
    """
    compact = str(text).translate(_SEPARATORS).upper()
    if len(compact) != CODE_LENGTH or any(c not in ALPHABET for c in compact):
        raise CodeFormatError(
            "A resume code has 10 letters and digits, like K7QF-M2XR-9P. Check it and try again."
        )
    return compact


def display_code(code: str) -> str:
    """Return a code (any accepted form) grouped for reading aloud: `K7QF-M2XR-9P`."""
    compact = normalise_code(code)
    parts, start = [], 0
    for size in GROUPS:
        parts.append(compact[start:start + size])
        start += size
    return "-".join(parts)


def code_digest(code: str) -> str:
    """Return the hex SHA-256 of the normalised code (raise CodeFormatError if it cannot be a code)."""
    return hashlib.sha256(normalise_code(code).encode("ascii")).hexdigest()


def token_digest(token: str) -> str:
    """Return the hex SHA-256 of a device token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed(secret: bytes, digest: str) -> str:
    """Return the hex HMAC-SHA256 of a hex digest under the server's secret: what the store keeps."""
    return hmac.new(secret, digest.encode("ascii"), hashlib.sha256).hexdigest()


def code_hash(code: str, secret: bytes) -> str:
    """Return what the store keeps instead of a code: keyed(secret, code_digest(code))."""
    return keyed(secret, code_digest(code))


#: Wrong codes all servers on one database answer at the usual pace in one minute; past that every
#: wrong code waits Throttle.most, whoever sent it (someone guessing from many addresses at once).
WRONG_CODES_PER_MINUTE = 60


class Throttle:
    """Counts wrong codes per client and says how long the next refusal should wait.

    The wait grows by `step` seconds with each failure, up to `most`; a client quiet
    for `forget_after` seconds starts again. (A right code does not reset it: one's own
    valid code would otherwise wipe the slowdown between guesses.) The per-client
    counts live in this process; the server-wide budget is the store's.
    At most `max_clients` are remembered; the quietest are forgotten first.
    """

    def __init__(self, step: float = 0.5, most: float = 5.0, forget_after: float = 900.0,
                 max_clients: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.step, self.most, self.forget_after, self.max_clients = step, most, forget_after, max_clients
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def failed(self, client: str) -> float:
        """Record one wrong code from client; return the seconds to wait before answering."""
        now = self._clock()
        with self._lock:
            count, last = self._failures.pop(client, (0, now))
            if now - last > self.forget_after:
                count = 0
            count += 1
            self._failures[client] = (count, now)  # re-inserted: dict order is oldest first
            while len(self._failures) > self.max_clients:
                del self._failures[next(iter(self._failures))]
        return min(self.step * count, self.most)

    def failures(self, client: str) -> int:
        """Return how many wrong codes client has given recently."""
        with self._lock:
            count, last = self._failures.get(client, (0, 0.0))
        return 0 if count and self._clock() - last > self.forget_after else count
