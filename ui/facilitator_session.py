"""The facilitator's sign-in for this browser tab, and a device token so a reload keeps them signed in.

After the passphrase, the tab holds the workshop's id and its sealing key (to show the
codes again); the browser gets a cookie with a random device token, whose hash the
store keeps with the sealing key sealed by the token. A reload on the same device reads
the cookie and signs in again without the passphrase being typed in front of the room.
"""

from __future__ import annotations

import json

import streamlit as st

from roadmap.store import StoreError

from .state import store

FACILITATOR = "facilitator_workshop"  # the id of the workshop this browser tab has unlocked
FACILITATOR_KEY = "facilitator_key"  # its sealing key (bytes), to show the codes again; None if unknown
FACILITATOR_TOKEN = "facilitator_token"  # this device's facilitator token, once issued
NEW_CODES = "facilitator_new_codes"  # (workshop code or None, [TeamCode]) just made, shown until dismissed
COOKIE_NAME = "roadmap_facilitator"
COOKIE_HOURS = 18  # as the store's FACILITATOR_TOKEN_HOURS: a workshop day and its evening
_PENDING = "facilitator_cookie_pending"


def signed_in(workshop_id: str, key: bytes | None) -> None:
    """Remember in this tab, and on this device, that the facilitator unlocked workshop_id."""
    st.session_state[FACILITATOR] = workshop_id
    st.session_state[FACILITATOR_KEY] = key
    try:
        token = store().issue_facilitator_token(workshop_id, key)
    except StoreError:  # the tab is signed in anyway; only a reload will ask for the passphrase again
        return
    st.session_state[FACILITATOR_TOKEN] = token
    st.session_state[_PENDING] = ("set", token)


def sign_out() -> None:
    """Forget the workshop in this tab and on this device (its token stops working)."""
    token = st.session_state.pop(FACILITATOR_TOKEN, None) or _cookie()
    if token:
        try:
            store().revoke_facilitator_token(token)
        except StoreError:
            pass  # the cookie is cleared below; the token lapses on its own after COOKIE_HOURS
    for key in (FACILITATOR, FACILITATOR_KEY, NEW_CODES):
        st.session_state.pop(key, None)
    st.session_state[_PENDING] = ("clear", "")


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (AppTest)
        return None
    return value if isinstance(value, str) and value else None


def resume_from_device() -> None:
    """Sign this tab in again from the device's cookie, if it has a live facilitator token."""
    if st.session_state.get(FACILITATOR) is not None:
        return
    token = _cookie()
    if not token:
        return
    try:
        found = store().facilitator_for_device(token)
    except StoreError:
        return
    if found is None:
        st.session_state[_PENDING] = ("clear", "")
        return
    st.session_state[FACILITATOR], st.session_state[FACILITATOR_KEY] = found
    st.session_state[FACILITATOR_TOKEN] = token


def flush_facilitator_cookie() -> None:
    """Send a pending cookie change to the browser (an invisible, same-origin component)."""
    pending = st.session_state.pop(_PENDING, None)
    if not pending:
        return
    action, token = pending
    age = COOKIE_HOURS * 3600 if action == "set" else 0
    value = json.dumps(f"{COOKIE_NAME}={token}; Max-Age={age}; Path=/; SameSite=Strict")
    st.iframe(f"<script>const w = window.parent; w.document.cookie = {value} + "
              f"(w.location.protocol === 'https:' ? '; Secure' : '');</script>", height=1)
