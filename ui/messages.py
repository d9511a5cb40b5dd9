"""What a change that was refused or not saved says, in plain words (shared by every kind of widget)."""

from __future__ import annotations

import logging

from roadmap.store import StorageFaultError, StoreError, UnknownPlanError

from .state import PLAN_GONE

log = logging.getLogger(__name__)


def not_saved(exc: StoreError) -> str:
    """Return the message for a change the database did not take (it is down or too busy, or the plan
    was deleted on another device meanwhile)."""
    log.warning("a change was not saved: %s", exc)
    if isinstance(exc, UnknownPlanError):
        return f"Not saved: {PLAN_GONE[:1].lower()}{PLAN_GONE[1:]}"
    if isinstance(exc, StorageFaultError):  # read-only, disk full: waiting will not help, so say what will
        return f"{exc} What you entered is still here; copy it somewhere safe."
    return ("Not saved: the database did not answer. What you entered is still here; change it again in a "
            "moment to save it, or copy it somewhere safe.")


def cut_off(value: str, saved: str, limit: int, what: str = "This answer") -> str | None:
    """Return why value is refused if it fills its box to the limit (and is new), else None.

    The browser stops at max_chars, and so does Streamlit's server, so a longer paste
    arrives cut off at the limit: saving it would silently lose the end.
    """
    if len(value) < limit or value == saved:
        return None
    return (f"{what} reached the limit of {limit:,} characters, so the end of what was pasted was probably "
            "cut off. It was not saved, and the previous version is kept. Shorten the text and paste it again.")
