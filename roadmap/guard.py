"""What keeps one visitor from slowing a shared server down for everyone: who a client is behind a proxy,
one pending sign-in or code try per client, and a cap on passphrase checks running at once.

A wrong code or passphrase is answered late on purpose (`codes.Throttle`); without these, a visitor could
open many sessions and have all of them waiting, or keep both cores busy with argon2 checks, and another
team's save would queue behind them. `Store.open_by_code` and `Store.open_workshop` use them; a page says
the refusal in plain words.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from contextlib import contextmanager
from typing import Iterator

#: Addresses (or networks, `10.0.0.0/8`) of the proxies in front of the server, comma-separated. Only
#: behind one of these is the client's address read from X-Forwarded-For; anyone else could forge it.
TRUSTED_PROXIES_ENV = "ROADMAP_TRUSTED_PROXIES"
#: Passphrase checks (argon2, about 64 MiB and a fifth of a second of one core each) running at once.
PASSPHRASE_CHECKS_AT_ONCE = 2
#: How long a sign-in waits for a free passphrase check before it is refused as too busy.
PASSPHRASE_QUEUE_SECONDS = 5.0


class BusyError(Exception):
    """A try refused at once because the same client has one under way, or the server is too busy.
    The message is one plain sentence."""


def trusted_proxies(setting: str | None = None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Return the networks named in ROADMAP_TRUSTED_PROXIES (or setting); ignore what does not parse."""
    text = os.environ.get(TRUSTED_PROXIES_ENV, "") if setting is None else setting
    networks = []
    for part in text.split(","):
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _within(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str | None, forwarded_for: str | None, proxies=None) -> str:
    """Return the address to count a client's tries under.

    The connection's own address, unless it is a trusted proxy: then the right-most address in
    X-Forwarded-For that is not itself a trusted proxy (the left-most ones are the client's to write).
    """
    networks = trusted_proxies() if proxies is None else proxies
    peer = (peer or "").strip() or "unknown"
    if not networks or not forwarded_for or not _within(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a forged or broken header: count it under the proxy
    return peer


class ClientGate:
    """Lets each client have one try under way at a time (a code, or a sign-in and its slowdown).

    A second try from the same client while the first still waits out its slowdown is refused at once,
    so opening many sessions does not multiply anyone's guesses.
    """

    def __init__(self, message: str):
        self._message = message
        self._busy: set[str] = set()
        self._lock = threading.Lock()

    @contextmanager
    def one_at_a_time(self, client: str) -> Iterator[None]:
        with self._lock:
            if client in self._busy:
                raise BusyError(self._message)
            self._busy.add(client)
        try:
            yield
        finally:
            with self._lock:
                self._busy.discard(client)


class CheckSlots:
    """At most `at_once` slow checks (argon2) run at the same time in this server; the others queue
    for up to `queue_seconds`, then are refused as busy."""

    def __init__(self, at_once: int = PASSPHRASE_CHECKS_AT_ONCE, queue_seconds: float = PASSPHRASE_QUEUE_SECONDS):
        self._slots = threading.BoundedSemaphore(at_once)
        self.queue_seconds = queue_seconds

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.queue_seconds):
            raise BusyError("Many people are signing in at this moment; try again in a few seconds.")
        try:
            yield
        finally:
            self._slots.release()


#: One server-wide cap on passphrase checks: creating a workshop hashes, signing in verifies.
PASSPHRASE_SLOTS = CheckSlots()
