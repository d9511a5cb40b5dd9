"""Starting, opening and leaving a plan: the only places a PlanSession is created or dropped."""

from __future__ import annotations

import streamlit as st

from roadmap.bank import Bank
from roadmap.codes import display_code
from roadmap.plan import Plan
from roadmap.session import PlanSession

from .state import (
    DEVICE, SESSION, STEP, WHO, bank_for_plan, client, device_token_from_browser, forget_device, remember_device,
    reseed_widgets, store,
)

CODE = "resume_code"  # the display code of the open plan, when this device knows it
LEFT = "left_device_token"  # the device token of a plan closed on purpose: not to be reopened from the cookie
# The open plan's workshop bank, looked up once when the plan opens (a workshop's bank never
# changes), or None when the plan uses the app's bank, which may be edited while the server runs.
WORKSHOP_BANK = "workshop_bank"


def _open(bank: Bank, plan_id: str, code: str | None, step: int = 1, new_device: bool = True) -> None:
    db = store()
    own = bank_for_plan(plan_id, None)  # a workshop's own question bank, when it has one
    st.session_state[WORKSHOP_BANK] = own
    st.session_state[SESSION] = PlanSession.open(db, own or bank, plan_id, st.session_state.get(WHO, ""))
    st.session_state[CODE] = code
    st.session_state[STEP] = step
    if new_device:
        remember_device(db.issue_device_token(plan_id, code, step))
    reseed_widgets()


def start_plan(bank: Bank, plan: Plan, step: int = 1) -> str:
    """Store plan as a new plan, open it on this device and return its resume code."""
    created = store().create_plan(plan, st.session_state.get(WHO, ""))
    _open(bank, created.plan_id, created.code, step)
    return created.code


def open_by_code(bank: Bank, code: str) -> None:
    """Open the plan with this resume code; raises store.UnknownCodeError if there is none."""
    stored = store().open_by_code(code, client=client())
    _open(bank, stored.plan_id, display_code(code))


def resume_from_cookie(bank: Bank) -> bool:
    """Reopen this browser's plan and step from its device cookie; return True if it did."""
    session = st.session_state.get(SESSION)
    if session is not None:
        # Not looked up again on every rerun: a workshop's bank never changes, so that query was waste.
        session.bank = st.session_state.get(WORKSHOP_BANK) or bank
        return True
    token = st.session_state.get(DEVICE) or device_token_from_browser()
    if not token or token == st.session_state.get(LEFT):
        return False
    db = store()
    plan_id = db.plan_for_device(token)
    if plan_id is None:
        return False
    # The resume code is not shown again: a copied cookie must not reveal it (only typing the code, or
    # starting the plan, in this tab does).
    _open(bank, plan_id, None, db.step_for_device(token), new_device=False)
    remember_device(token)  # the cookie's 60 days start again, as the server's do
    return True


def leave_plan() -> None:
    """Close the plan on this device (it stays saved) so another plan can be started or opened.

    The device token is revoked on the server too, so a copy of the cookie opens nothing afterwards.
    """
    token = st.session_state.get(DEVICE) or device_token_from_browser()
    st.session_state[LEFT] = token
    if token:
        store().revoke_device_token(token)
    for key in (SESSION, CODE):
        st.session_state.pop(key, None)
    st.session_state[STEP] = 0
    forget_device()
    reseed_widgets()
