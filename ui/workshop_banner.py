"""A workshop plan's banner: read-only while its workshop is closed, and nothing typed lost at closing.

`draw_workshop_banner()` runs once at the top of each plan page, before any field is
drawn: it reads the workshop's status, says when the plan is read-only, and
`read_only()` then tells every field of that run to draw itself disabled. A change
refused because the workshop closed meanwhile stays in its box (`kept_while_closed`);
when the workshop opens again it is saved and its message goes.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from roadmap.plan import AnswerError
from roadmap.store import WORKSHOP_CLOSED, StoreError
from roadmap.text import markdown_literal

from .state import DEVICE, ERRORS, WIDGET_GEN, plan_session, store

READ_ONLY = "plan_read_only"  # True while this tab's plan belongs to a closed workshop
SEEN_AT = "device_seen_at"  # when this tab last told the store its device is active (time.monotonic())
SEEN_EVERY_SECONDS = 30  # as the store's: the room status counts a device active for two minutes
KEPT = "kept_while_closed"  # widget key -> ("answer", question id, value) or ("rate", action id, level, note)

CLOSED_BANNER = ("This workshop has been closed by its facilitator, so this plan is read-only for now: you can "
                 "read it and download it, not change it. It opens again when the facilitator reopens the workshop.")
KEPT_MESSAGE = ("Not saved: the workshop was closed by the facilitator while you typed, so the plan is read-only "
                "for now. What you entered is still here; copy your text somewhere safe. It is saved for you if "
                "the facilitator opens the workshop again while this page is open.")

log = logging.getLogger(__name__)


def read_only() -> bool:
    """Return True while this tab's plan belongs to a closed workshop (as read at the top of this run)."""
    return bool(st.session_state.get(READ_ONLY, False))


def kept_while_closed(key: str, change: tuple) -> str:
    """Remember a change the closed workshop refused (it stays in its box); return the message to show."""
    state = st.session_state
    state.setdefault(KEPT, {})[key] = change
    state[READ_ONLY] = True
    # Streamlit ignores a new value arriving from a widget drawn disabled in the same run, and would put
    # the old one back in the box: setting each text field's value here makes it keep what was typed.
    # Only text: a button's value cannot be set (Streamlit refuses it), and a table's typed row is kept in
    # the change above.
    prefix = f"_w{state.get(WIDGET_GEN, 0)}:"
    for name in [k for k in state if isinstance(k, str) and k.startswith(prefix)]:
        if isinstance(state[name], str):
            state[name] = state[name]
    return KEPT_MESSAGE


def _save_kept() -> tuple[int, int]:
    """Save the changes kept while the workshop was closed; return (saved, not saved)."""
    session = plan_session()
    kept: dict = st.session_state.get(KEPT, {})
    saved = failed = 0
    for key, change in list(kept.items()):
        try:
            if change[0] == "answer":
                ok = session.answer(change[1], change[2])
            else:
                ok = session.rate(change[1], change[2], change[3])
        except (AnswerError, StoreError) as exc:
            log.warning("a change kept while the workshop was closed was not saved: %s", exc)
            failed += 1
            continue
        kept.pop(key)
        st.session_state[ERRORS].pop(key, None)
        saved += ok  # a conflict is shown under its field, with both versions
    return saved, failed


def note_activity() -> None:
    """Tell the store this device is on the plan's pages (at most every SEEN_EVERY_SECONDS), for the
    facilitator's room status. A database problem here is not the person's concern: it is skipped."""
    token = st.session_state.get(DEVICE)
    now = time.monotonic()
    if not token or now - st.session_state.get(SEEN_AT, -SEEN_EVERY_SECONDS) < SEEN_EVERY_SECONDS:
        return
    st.session_state[SEEN_AT] = now
    try:
        store().note_device_active(token)
    except StoreError as exc:
        log.warning("a device's activity was not recorded: %s", exc)


def _show_kept() -> None:
    """Show the text kept from the closing in boxes with a copy button (a disabled field may not let one copy)."""
    texts = [change[2] if change[0] == "answer" else change[3] for change in st.session_state.get(KEPT, {}).values()]
    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if texts:
        st.caption("What you typed as the workshop closed, not saved; the button at its top right copies it:")
        for text in texts:
            st.code(text, language=None, wrap_lines=True)


def draw_focus(workshop, bank) -> None:
    """Say which area the facilitator has pointed every team to ("we are on area 2"), if any."""
    number = workshop.focus_area
    if number and 1 <= number <= len(bank.areas):
        st.info(f"Your facilitator: we are on area {number}, {markdown_literal(bank.areas[number - 1].title)}.",
                icon=":material/flag:")


def draw_workshop_banner() -> None:
    """Say whether the plan's workshop is closed (so its fields are disabled this run); when it opened again
    since the last run, save what was kept in the boxes and clear the messages."""
    session = plan_session()
    try:
        workshop = store().workshop_of_plan(session.plan_id)
    except StoreError as exc:  # the page says the database is down where it matters; the fields stay as they were
        log.warning("the plan's workshop could not be read: %s", exc)
        return
    if workshop is not None:
        note_activity()
        draw_focus(workshop, session.bank)
    closed = workshop is not None and workshop.status == WORKSHOP_CLOSED
    was_closed = read_only() or bool(st.session_state.get(KEPT))
    st.session_state[READ_ONLY] = closed
    if closed:
        st.warning(CLOSED_BANNER, icon=":material/lock:")
        _show_kept()
        return
    if not was_closed:
        return
    saved, failed = _save_kept()
    if failed:
        st.warning("The workshop is open again, but what you typed while it was closed could not all be saved; "
                   "it is still in its box. Change it again to save it.", icon=":material/edit_note:")
    elif saved:
        st.success("The workshop is open again: what you typed while it was closed is now saved.",
                   icon=":material/check:")
    else:
        st.info("The workshop is open again: you can change the plan.", icon=":material/lock_open:")
