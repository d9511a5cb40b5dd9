"""Rounds on the pages: start, rename and undo on the review step, the comparison of rounds, the
"not yet reviewed this round" mark with its "Still true" button under each carried answer and rating,
the sidebar's review count, and "Copy into a new plan".

The pages call these functions and nothing else about rounds; the work is in roadmap/rounds.py and the
store. User text is shown through widgets, st.text and st.table only, never as HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roadmap.bank import Bank
from roadmap.round_charts import build_rounds_figure, rounds_alt_text
from roadmap.rounds import (
    NOT_REVIEWED, STILL_TRUE, RoundError, all_rounds, area_change_label, changed_answers, diff_markup,
    distinct_labels, moved_ratings, review_count, scores_by_round, unchanged_since_start,
)
from roadmap.session import PlanSession
from roadmap.store import PlanLockedError, RoundChangeError, StaleRoundError
from roadmap.text import markdown_literal

from .state import SESSION, WHO, notify, plan_session, reseed_widgets, store_safe

NEW_LABEL = "_round:new_label"
RENAME = "_round:rename"
SURE = "_round:sure"
COPIED = "_round:copied"  # the resume code of the plan last copied from this one, shown once


def _reload() -> PlanSession:
    """Read the plan again after a round change, so this device shows the round as stored."""
    old = plan_session()
    session = PlanSession.open(old.store, old.bank, old.plan_id, st.session_state.get(WHO, ""))
    st.session_state[SESSION] = session
    reseed_widgets()
    return session


def _round_number() -> int:
    return len(plan_session().plan.rounds) + 1


@store_safe
def _start() -> None:
    session = plan_session()
    try:
        started = session.store.start_round(session.plan_id, st.session_state.get(NEW_LABEL), _round_number(),
                                            session.who)
    except (StaleRoundError, RoundChangeError, RoundError, PlanLockedError) as exc:
        notify("warning", str(exc))
    else:
        notify("success", f"Round \u201c{started.label}\u201d started. Every answer and rating is carried forward, "
                          "marked \u201cnot yet reviewed this round\u201d until someone confirms or changes it.")
        st.session_state[NEW_LABEL] = ""
        st.session_state[SURE] = False
    _reload()


@store_safe
def _undo() -> None:
    session = plan_session()
    try:
        reopened = session.store.undo_round_start(session.plan_id, _round_number(), session.who)
    except (StaleRoundError, RoundChangeError, PlanLockedError) as exc:
        notify("warning", str(exc))
    else:
        notify("success", f"Round \u201c{reopened.label}\u201d is open again, as it was.")
    _reload()


@store_safe
def _rename() -> None:
    session = plan_session()
    number = _round_number()
    try:
        session.store.rename_round(session.plan_id, number, st.session_state.get(RENAME),
                                   session.round_versions.get(number, 1), session.who)
    except (StaleRoundError, RoundError, PlanLockedError) as exc:
        notify("warning", str(exc))
    _reload()


@store_safe
def _confirm(key: str) -> None:
    try:
        plan_session().confirm(key)
    except PlanLockedError as exc:
        notify("error", str(exc))


@store_safe
def _copy() -> None:
    session = plan_session()
    created = session.store.copy_into_new_plan(session.plan_id, session.who)
    st.session_state[COPIED] = created.code


# Under each answer and rating -------------------------------------------------------------


def review_mark(key: str, session: PlanSession | None = None) -> None:
    """Under a carried answer or rating ("q:<id>", "r:<id>") not yet reviewed this round: say so, and offer
    "Still true". Draws nothing for anything reviewed, or in a plan's first round. session: the page's
    (Drawing.session), so forty widgets do not each look it up in session state."""
    session = session or plan_session()
    if key not in session.plan.round.unreviewed:
        return
    # A caption and a button, no columns: a step may show twenty of these, and columns cost each a rerun's time.
    st.caption(f":material/history: {NOT_REVIEWED}: confirm it, or change it above.")
    st.button(STILL_TRUE, key=f"_still:{key}", on_click=_confirm, args=(key,), icon=":material/check:",
              help="It holds this round as it is. Recorded with your name in the history.")


def sidebar_review() -> None:
    """The sidebar's count of what this round has reviewed of what it carried forward (nothing in round 1)."""
    count = review_count(plan_session().plan)
    if count.carried:
        st.progress(count.reviewed / count.carried, text=count.label)


# On the review step ---------------------------------------------------------------------------


def draw_rounds(bank: Bank) -> None:
    """The review step's rounds: this round, the comparison with earlier ones, start/rename/undo, copy."""
    plan = plan_session().plan
    st.subheader("Rounds of review")
    count = review_count(plan)
    when = plan.round.started_at.astimezone().strftime("%Y-%m-%d")
    st.text(f"This round: {plan.round.label} (since {when}). "
            + (count.label + "." if count.carried else "The plan's first round." if not plan.rounds else ""))
    if plan.round.copied_from:
        st.caption(markdown_literal(plan.round.copied_from))
    if plan.rounds:
        _comparison(plan, bank)
    with st.expander("Start a new round"):
        st.write("Close this round as it is (its answers and ratings are kept, read-only, with its name and "
                 "date) and start the next. Everything is carried forward, marked \u201cnot yet reviewed this "
                 "round\u201d until someone confirms it or changes it.")
        st.text_input("Name of the new round", key=NEW_LABEL, max_chars=200, placeholder="e.g. Spring 2027",
                      help="Leave empty to name it by today's date.")
        sure = st.checkbox(f"Close \u201c{plan.round.label}\u201d and start the new round", key=SURE)
        st.button("Start a new round", key="_round:start", on_click=_start, disabled=not sure, type="primary")
    with st.expander("Rename this round"):
        st.text_input("New name", key=RENAME, max_chars=200, placeholder=plan.round.label)
        st.button("Rename this round", key="_round:rename_button", on_click=_rename)
    if plan.rounds and unchanged_since_start(plan):
        st.button(f"Undo starting \u201c{plan.round.label}\u201d", key="_round:undo", on_click=_undo,
                  help="Possible until anything is confirmed or changed in this round.")
    with st.expander("Copy into a new plan"):
        st.write("Make a new plan, with its own resume code, holding this plan's answers and this round's ratings "
                 "as its starting point, for next year's plan. Nothing of this plan changes.")
        st.button("Copy into a new plan", key="_round:copy", on_click=_copy)
        code = st.session_state.get(COPIED)
        if code:
            st.success("Copied. The new plan's resume code (keep it; it is shown only now):")
            st.code(code, language=None)


def _comparison(plan, bank: Bank) -> None:
    by_round = scores_by_round(plan, bank)
    st.markdown("**Readiness over time**")
    st.plotly_chart(build_rounds_figure(by_round, bank), config={"displayModeBar": False}, theme=None,
                    key="_round:chart")
    st.caption(markdown_literal(rounds_alt_text(by_round)))
    areas = by_round[0][1]
    st.table(pd.DataFrame([{"Area": a.title, **{label: scores[i].label for label, scores in by_round}}
                           for i, a in enumerate(areas)]).set_index("Area"))
    st.text("Since the last round: " + "; ".join(area_change_label(b, a)
                                                  for b, a in zip(by_round[-2][1], by_round[-1][1])))
    moved = moved_ratings(plan, bank)
    st.markdown("**Ratings that moved**")
    if moved:
        st.dataframe(pd.DataFrame([{"Action": m.action_text, "From": f"{m.from_level} ({m.from_round})",
                                    "To": f"{m.to_level} ({m.to_round})", "Earlier note": m.from_note,
                                    "Note": m.to_note} for m in moved]), hide_index=True, width="stretch")
    else:
        st.caption("No action's rating changed from one round to the next.")
    rounds = distinct_labels(all_rounds(plan))
    with st.expander("Answers that changed"):
        left, right = st.columns(2)
        earlier = left.selectbox("From round", range(len(rounds)), index=len(rounds) - 2, key="_round:from",
                                 format_func=rounds.__getitem__)
        later = right.selectbox("To round", range(len(rounds)), index=len(rounds) - 1, key="_round:to",
                                format_func=rounds.__getitem__)
        changed = changed_answers(plan, bank, between=(earlier, later)) if earlier != later else []
        if not changed:
            st.caption("No answer differs between these two rounds.")
            return
        st.caption(f"{len(changed)} answer{'s' if len(changed) != 1 else ''} differ. Added words are marked "
                   "[+like this+], removed words [-like this-].")
        for change in changed:
            st.markdown(f"**{markdown_literal(change.question_text)}**")
            st.text(diff_markup(change.pieces))
