"""Session-state keys and the cached resources every page uses.

Answers live in one Plan object under PLAN, never only in widget keys: Streamlit
forgets the keys of widgets on pages that are not drawn.
"""

from __future__ import annotations

import os

import streamlit as st

from roadmap.bank import DEFAULT_BANK_PATH, Bank, BankSource

PLAN = "plan"
STEP = "step"
BANK_PATH_ENV = "ROADMAP_BANK"


@st.cache_resource
def bank_source(path: str) -> BankSource:
    return BankSource(path)


def current_bank() -> Bank:
    """Return the bank to use, showing what is wrong with the file if it is broken.

    Stops the page with a plain message when no good bank has ever loaded.
    """
    path = os.environ.get(BANK_PATH_ENV) or str(DEFAULT_BANK_PATH)
    bank, problems = bank_source(path).current()
    if problems:
        lines = "\n".join(f"- {p}" for p in problems[:10])
        if bank is None:
            st.error(f"The question bank cannot be used, so the planner cannot start. Fix these and reload:\n\n{lines}")
            st.stop()
        st.warning(f"The question bank file has problems, so the planner keeps using the last good version:\n\n{lines}")
    return bank
