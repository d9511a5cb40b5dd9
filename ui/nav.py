"""The wizard's steps: the sidebar step list with progress, Back / Next, and moving between steps.

Step 0 is the team, steps 1..N are the bank's areas in order, step N + 1 is the review.
Moving to a step pulls in what teammates saved meanwhile and reseeds the widgets.
"""

from __future__ import annotations

import logging

import streamlit as st

from roadmap.bank import Bank
from roadmap.plan import overall_percent, progress
from roadmap.rounds import review_count
from roadmap.store import StoreError, UnknownDeviceError, UnknownPlanError
from roadmap.text import markdown_literal

from .plans import CODE
from .rounds import sidebar_review
from .state import (
    DEVICE, MAX_NAME_CHARS, NAME_ASKED, SCROLL_TOP, STEP, WHO, notify, plan_session, reseed_widgets, set_who, store,
    store_problem, widget_key,
)
from .workshop_banner import read_only

log = logging.getLogger(__name__)


def step_titles(bank: Bank) -> list[str]:
    return ["Your team"] + [f"{n}. {markdown_literal(a.title)}" for n, a in enumerate(bank.areas, start=1)] + ["Review and export"]


def current_step(bank: Bank) -> int:
    last = len(bank.areas) + 1
    step = min(max(int(st.session_state.get(STEP, 0)), 0), last)
    st.session_state[STEP] = step
    return step


def go(step: int) -> None:
    """Callback: move to step, picking up teammates' changes on the way."""
    st.session_state[STEP] = step
    st.session_state[SCROLL_TOP] = True
    session = plan_session()
    if session is not None:
        try:
            session.refresh()
            token = st.session_state.get(DEVICE)
            if token:
                store().remember_step(token, step)
        except UnknownDeviceError:
            pass  # this device was unlinked (the plan deleted elsewhere): nothing to remember the step for
        except UnknownPlanError as exc:
            notify("error", store_problem(exc))
        except StoreError as exc:
            # The team moves on with what this device holds; the next step change or save tries again.
            log.warning("teammates' changes not fetched on a step change: %s", exc)
            notify("warning", "The database did not answer, so teammates' latest changes are not shown yet. "
                              "Everything saved so far is safe; try again in a moment.")
    reseed_widgets()


def sidebar(bank: Bank, step: int) -> None:
    """Draw the plan's name, resume code, save status and the step list with progress."""
    session = plan_session()
    areas = progress(session.plan, bank)
    with st.sidebar:
        st.markdown("**Teacher leadership plan**")
        st.text(session.plan.district.name or "District not named yet")
        percent = overall_percent(areas)
        st.progress(percent / 100, text=f"{percent}% answered and rated")
        sidebar_review()
        for index, title in enumerate(step_titles(bank)):
            if 1 <= index <= len(areas):
                area = areas[index - 1]
                status = f"{area.done}/{area.total}"
                if area.missing_required:
                    status += f", {len(area.missing_required)} required missing"
                label = f"{'✓ ' if area.complete else ''}{title} ({status})"
            else:
                label = title
            st.button(label, key=f"_nav:{index}", on_click=go, args=(index,), width="stretch",
                      type="primary" if index == step else "secondary",
                      help="You are here" if index == step else None)
        st.page_link("app_pages/consensus.py", label="Team ratings: rate alone, then agree", icon=":material/groups:")
        code = st.session_state.get(CODE)
        with st.expander("Resume code"):
            if code:
                st.caption("Anyone with this code can open and edit the plan from any device. "
                           "Hidden here so it is not projected to the room.")
                st.code(code, language=None)
            else:
                st.caption("The code shows only in the browser tab where the plan was started or opened with "
                           "it (and on the last page of a Word plan downloaded there), so a copy of this "
                           "browser's cookie cannot reveal it. This device keeps opening the plan without it.")
        st.divider()
        st.text_input("Your name (shown in the answer history)", key=WHO, max_chars=MAX_NAME_CHARS,
                      on_change=_set_who)
        st.caption(save_status(session))


def step_bar(bank: Bank, step: int):
    """Draw the compact step indicator at the top of the page: which step of how many, the plan's progress,
    and (on a phone, where the sidebar is folded away) a list to jump to any step.

    Return the place for the saved status (`saved_line`), to fill last so it counts this run's saves.
    """
    titles = step_titles(bank)
    percent = overall_percent(progress(plan_session().plan, bank))
    with st.container(key="stepbar"):
        st.markdown(f"**{titles[step]}** · step {step + 1} of {len(titles)}")
        status = st.empty()
        st.progress(percent / 100, text=f"{percent}% of the plan answered and rated")
        with st.container(key="stepjump"):
            st.selectbox("Go to step", range(len(titles)), index=step, format_func=titles.__getitem__,
                         key=widget_key("step", "jump"), on_change=_jump)
    return status


OUTSIDE = "outside"  # what the last whole-page run showed outside the step's fragments
PAGE_RUN = "page_run"  # True while the whole page runs (not a fragment alone)


def _outside(bank: Bank) -> tuple:
    session = plan_session()
    done = tuple(a.done for a in progress(session.plan, bank))
    # The round's review count too: "Still true" in a fragment moves the sidebar's "N of M reviewed".
    reviewed = review_count(session.plan).label
    # And whether the plan is read-only: a save refused because the workshop closed must bring the banner.
    return done, saved_line(session), tuple(sorted(session.conflicts)), reviewed, read_only()


def page_run_starts() -> None:
    """Say a whole-page run is under way (call at the top of the page): its fragments draw with it."""
    st.session_state[PAGE_RUN] = True


def remember_outside(bank: Bank) -> None:
    """Record what this whole-page run shows outside the fragments (call at the end of the page)."""
    st.session_state[OUTSIDE] = _outside(bank)
    st.session_state[PAGE_RUN] = False


def rerun_page_if_outside_changed(bank: Bank) -> None:
    """In a fragment: rerun the whole page when a change made here moves the sidebar's counts, the
    progress, the saved time or a conflict, so nothing outside the fragment goes stale."""
    if st.session_state.get(PAGE_RUN):
        return  # the whole page is running already
    if st.session_state.get(OUTSIDE) not in (None, _outside(bank)):
        st.rerun(scope="app")


def saved_line(session) -> str:
    """Return the status at the top of the page: 'Saved 10:42', the plan's last stored change by anyone."""
    if session.saved_at:
        return f":material/cloud_done: Saved {session.saved_at.strftime('%H:%M')} · every change is saved as you go"
    return ":material/cloud_done: Every change is saved as you go"


def _jump() -> None:
    chosen = st.session_state.get(widget_key("step", "jump"))
    if chosen is not None:
        go(int(chosen))


def save_status(session) -> str:
    """Return the quiet line that says the plan is saved: 'Springfield · Saved 10:42'."""
    name = markdown_literal(session.plan.district.name) or "Teacher leadership plan"
    if session.saved_at:
        return f"{name} · Saved {session.saved_at.strftime('%H:%M')} · every change is saved as you go"
    return f"{name} · every change is saved as you go"


def _set_who() -> None:
    set_who(st.session_state.get(WHO, ""))


def ask_who() -> None:
    """Ask, once per tab and only while this device has no name for its person, who is working here
    (optional: the history shows it beside each change). Always draws its container, so the question
    coming and going moves nothing on the page."""
    with st.container(key="whoprompt"):
        if st.session_state.get(WHO) or st.session_state.get(NAME_ASKED):
            return
        with st.form("who_form", border=True):
            st.text_input("Who is working on this device? Your name (optional)", key="_who:name",
                          max_chars=MAX_NAME_CHARS)
            st.caption("Shown beside your changes in the version history, so the team knows who wrote what. "
                       "This device remembers it; change it at the bottom of the sidebar.")
            with st.container(horizontal=True):
                st.form_submit_button("Save my name", type="primary", on_click=_name_given)
                st.form_submit_button("Not now", on_click=_name_skipped)


def _name_given() -> None:
    set_who(st.session_state.get("_who:name", ""))


def _name_skipped() -> None:
    st.session_state[NAME_ASKED] = True


def back_next(bank: Bank, step: int) -> None:
    last = len(bank.areas) + 1
    titles = step_titles(bank)
    back, _, forward = st.columns([2, 1, 2])
    if step > 0:
        back.button(f"← {titles[step - 1]}", key="_back", on_click=go, args=(step - 1,), width="stretch")
    if step < last:
        forward.button(f"{titles[step + 1]} →", key="_next", on_click=go, args=(step + 1,), type="primary",
                       width="stretch")
