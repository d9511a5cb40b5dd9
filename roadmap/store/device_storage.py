"""Device tokens: a browser's link back to its plan and wizard step, without the resume code in the cookie.

Only a token's keyed hash is stored (codes.keyed, with the server's secret). A token
brings its browser back to the plan, never the plan's resume code: a copied cookie
must not reveal it.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from sqlalchemy import insert, select, update

from ..codes import CodeFormatError, code_hash, keyed, token_digest
from .errors import UnknownCodeError, UnknownDeviceError, UnknownPlanError
from .schema import device_tokens, plans
from .values import _now

#: A device token not used for this long no longer opens its plan (the resume code still does).
DEVICE_TOKEN_DAYS = 60


class DevicesMixin:
    """The Store's device tokens (see Store)."""

    _secret: bytes

    def _hash_token(self, token: str) -> str:
        return keyed(self._secret, token_digest(token))

    def issue_device_token(self, plan_id: str, code: str | None = None, step: int = 0) -> str:
        """Return a new secret token linking one browser to the plan, open at wizard step step;
        only its hash is stored.

        Pass the plan's resume code when this browser was given it, to check it is this
        plan's (it is not kept). Raises UnknownPlanError, and UnknownCodeError if code is
        not this plan's code.
        """
        token = secrets.token_urlsafe(32)
        now = _now()
        with self._transaction(write=True, plan_id=plan_id) as conn:
            stored_hash = conn.execute(select(plans.c.code_hash).where(plans.c.id == plan_id)).scalar()
            if stored_hash is None:
                raise UnknownPlanError(plan_id)
            if code is not None:
                try:
                    if not hmac.compare_digest(code_hash(code, self._secret), stored_hash):
                        raise UnknownCodeError()
                except CodeFormatError as exc:
                    raise UnknownCodeError(str(exc)) from None
            conn.execute(insert(device_tokens).values(token_hash=self._hash_token(token), plan_id=plan_id,
                                                      created_at=now, last_seen=now, revoked=False,
                                                      step=max(int(step), 0)))
        return token

    def plan_for_device(self, token: str) -> str | None:
        """Return the id of the plan token links to, or None if the token is unknown, revoked, or has not
        been used for DEVICE_TOKEN_DAYS."""
        if not token:
            return None
        wanted = self._hash_token(token)
        with self._transaction(write=True) as conn:
            row = conn.execute(select(device_tokens.c.token_hash, device_tokens.c.plan_id,
                                      device_tokens.c.last_seen).where(
                device_tokens.c.token_hash == wanted, device_tokens.c.revoked.is_(False))).first()
            if row is None or not hmac.compare_digest(row.token_hash, wanted):
                return None
            if row.last_seen < _now() - timedelta(days=DEVICE_TOKEN_DAYS):
                return None  # unused too long: the browser needs the resume code again
            conn.execute(update(device_tokens).where(device_tokens.c.token_hash == wanted).values(last_seen=_now()))
        return row.plan_id

    def remember_step(self, token: str, step: int) -> None:
        """Record the wizard step this device is on; raise UnknownDeviceError if the token is unknown or revoked."""
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be a whole number 0 or more, not {step!r}.")
        with self._transaction(write=True) as conn:
            result = conn.execute(update(device_tokens).where(
                device_tokens.c.token_hash == self._hash_token(token), device_tokens.c.revoked.is_(False),
            ).values(step=step, last_seen=_now()))
            if result.rowcount == 0:
                raise UnknownDeviceError()

    def step_for_device(self, token: str) -> int:
        """Return the wizard step this device was last on; 0 if the token is unknown or revoked."""
        with self._transaction() as conn:
            step = conn.execute(select(device_tokens.c.step).where(
                device_tokens.c.token_hash == self._hash_token(token), device_tokens.c.revoked.is_(False))).scalar()
        return step or 0

    def revoke_device_token(self, token: str) -> bool:
        """Unlink one device from its plan ("Close this plan on this device"); return True if it was linked.

        The cookie the browser may still hold, or a copy of it, no longer opens anything.
        """
        if not token:
            return False
        with self._transaction(write=True) as conn:
            result = conn.execute(update(device_tokens).where(
                device_tokens.c.token_hash == self._hash_token(token), device_tokens.c.revoked.is_(False),
            ).values(revoked=True))
            return result.rowcount > 0

    def revoke_device_tokens(self, plan_id: str) -> int:
        """Unlink every device from the plan (they will need the resume code); return how many were linked."""
        with self._transaction(write=True, plan_id=plan_id) as conn:
            result = conn.execute(update(device_tokens).where(
                device_tokens.c.plan_id == plan_id, device_tokens.c.revoked.is_(False)).values(revoked=True))
            return result.rowcount
