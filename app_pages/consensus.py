"""Team ratings: each member rates the high-impact actions on their own first, then the team compares the
spread and records its agreed rating (the plan's own rating, saved through PlanSession.rate)."""

import streamlit as st

from roadmap.plan import AnswerError
from roadmap.session import rating_key
from roadmap.store import WORKSHOP_CLOSED, StoreError
from roadmap.text import MAX_ANSWER_CHARS, markdown_literal
from roadmap.workshop import (
    DIVERGENCE_GAP, action_spreads, level_label, median_label, member_view, rate_as_member,
)
from ui.plans import resume_from_cookie
from ui.state import (
    ERRORS, current_bank, flush_cookie, init_state, plan_session, reseed_widgets, show_notice, store, store_safe,
    widget_key,
)
from ui.member import ADD_ME, MEMBER, add_to_team, choose, flush_member_cookie, remembered, team_names
from ui.workshop_banner import draw_focus, note_activity

PLAN_PAGE = "app_pages/plan.py"
MEMBER_WIDGET = "_tr:member"
NEW_NAME = "_tr:new-name"


def mine_key(member: str, action_id: str) -> str:
    return f"_tr:mine:{member}:{action_id}"


def on_member() -> None:
    chosen = st.session_state.get(MEMBER_WIDGET)
    if chosen and chosen != ADD_ME:
        choose(chosen)


@store_safe
def on_add_me() -> None:
    problem = add_to_team(st.session_state.get(NEW_NAME) or "")
    if problem:
        st.session_state[ERRORS][NEW_NAME] = problem
        return
    st.session_state[ERRORS].pop(NEW_NAME, None)
    st.session_state[MEMBER_WIDGET] = st.session_state[MEMBER]


@store_safe
def on_mine(member: str, action_id: str) -> None:
    session = plan_session()
    key = mine_key(member, action_id)
    st.session_state[ERRORS].pop(key, None)
    try:
        rate_as_member(store(), session.bank, session.plan_id, member, action_id, st.session_state.get(key))
    except (AnswerError, StoreError) as exc:
        st.session_state[ERRORS][key] = str(exc)
        st.session_state[key] = next((r.level for r in store().member_ratings(session.plan_id)
                                      if r.member == member and r.action_id == action_id), None)


@store_safe
def on_agreed(action_id: str) -> None:
    session = plan_session()
    level_key, note_key = widget_key(action_id, "agreed"), widget_key(action_id, "agreed-note")
    saved = session.plan.ratings.get(action_id)
    st.session_state[ERRORS].pop(note_key, None)
    try:
        saved_now = session.rate(action_id, st.session_state.get(level_key), st.session_state.get(note_key) or "")
    except AnswerError as exc:
        st.session_state[ERRORS][note_key] = str(exc)
        st.session_state[level_key] = saved.level if saved else None
        st.session_state[note_key] = saved.note if saved else ""
        return
    if not saved_now:
        st.session_state[ERRORS][note_key] = ("A teammate saved this rating a moment ago; showing theirs. "
                                             "Choose again if you still disagree.")
        session.take_theirs(rating_key(action_id))
        reseed_widgets()


@store_safe
def show_latest() -> None:
    plan_session().refresh()
    reseed_widgets()


def show_error(key: str) -> None:
    message = st.session_state[ERRORS].get(key)
    if message:
        st.error(markdown_literal(message), icon=":material/error:")


init_state()
bank = current_bank()
flush_cookie()
if not resume_from_cookie(bank) or plan_session() is None:
    st.switch_page("app_pages/start.py")
session = plan_session()
bank = session.bank  # a workshop's own question bank, when it has one
info = store().workshop_of_plan(session.plan_id)
locked = info is not None and info.status == WORKSHOP_CLOSED
if info is not None:
    note_activity()

st.title("Team ratings")
if info is not None:
    st.caption(f"Workshop: {markdown_literal(info.name)} · {markdown_literal(info.team_name)}")
    draw_focus(info, bank)
st.page_link(PLAN_PAGE, label="Back to the plan", icon=":material/arrow_back:")
flush_member_cookie()
show_notice()
if locked:
    st.warning("This workshop has been closed by its facilitator, so the plan is read-only for now.")
st.write("Rate each high-impact action on your own first, without looking at the others. Then compare: "
         f"where members are {DIVERGENCE_GAP} or more levels apart, talk it through, and record the rating "
         "the team agrees on. Only the agreed rating goes into the plan.")

everyone = store().member_ratings(session.plan_id)
names = team_names()
names += sorted({r.member for r in everyone if r.member.casefold() not in {n.casefold() for n in names}},
                key=str.casefold)
st.session_state.setdefault(MEMBER, next((n for n in names if n == remembered()), ""))
if st.session_state[MEMBER] and st.session_state[MEMBER] not in names:
    names.append(st.session_state[MEMBER])
st.session_state.setdefault(MEMBER_WIDGET, st.session_state[MEMBER] or None)
st.selectbox("Who are you? (so the team can see who chose what)", [*names, ADD_ME], key=MEMBER_WIDGET,
             index=None, placeholder="Choose your name", on_change=on_member, disabled=locked)
if st.session_state.get(MEMBER_WIDGET) == ADD_ME:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input("Your name, as the team will see it", key=NEW_NAME, max_chars=80)
    right.button("Add me to the team", on_click=on_add_me, disabled=locked)
    show_error(NEW_NAME)
member = st.session_state[MEMBER]
saved_mine = {r.action_id: r.level for r in everyone if r.member == member}
level_ids = [lv.id for lv in bank.levels]
view = member_view(bank, everyone, member, hidden=info is not None and info.hide_member_ratings, team=names)

if view.compare_open:
    mine_tab, team_tab = st.tabs(["1. My own ratings", "2. Compare and agree"])
else:
    mine_tab, team_tab = st.tabs(["1. My own ratings"])[0], None
    st.caption("\u201cCompare and agree\u201d opens once you have rated every action on your own, so nobody is "
               "swayed by the others first.")

with mine_tab:
    if not member:
        st.info("Choose your name above (or add it) to rate on your own.")
    for number, area in enumerate(bank.areas, start=1):
        if not area.actions or not member:
            continue
        st.subheader(f"{number}. {markdown_literal(area.title)}")
        for action in area.actions:
            key = mine_key(member, action.id)
            st.session_state.setdefault(key, saved_mine.get(action.id))
            with st.container(border=True):
                st.radio(f"My rating: {action.text[0].upper()}{action.text[1:]}", level_ids, index=None, key=key,
                         horizontal=True, format_func=lambda i: level_label(bank, i), disabled=locked,
                         on_change=on_mine, args=(member, action.id))
                show_error(key)

def draw_compare() -> None:
    spreads = action_spreads(bank, everyone)
    raters = sorted({r.member for r in everyone}, key=str.casefold)
    apart = [s for a, s in spreads.items() if s.divergent and a in view.shown]
    st.button("Show the latest ratings", on_click=show_latest, icon=":material/refresh:")
    if not raters:
        st.info("Nobody has rated on their own yet.")
    else:
        st.write(f"{len(raters)} member{'s' if len(raters) != 1 else ''} rated on their own: "
                 f"{markdown_literal(', '.join(raters))}. {len(apart)} action{'s' if len(apart) != 1 else ''} "
                 f"with members {DIVERGENCE_GAP} or more levels apart.")
    for number, area in enumerate(bank.areas, start=1):
        if not area.actions:
            continue
        st.subheader(f"{number}. {markdown_literal(area.title)}")
        for action in area.actions:
            spread = spreads[action.id]
            with st.container(border=True):
                st.markdown(f"**{markdown_literal(action.text[0].upper() + action.text[1:])}**")
                if action.id not in view.shown:
                    left = view.waiting[action.id]
                    st.caption(f"Hidden until everyone has rated it on their own; waiting for "
                               f"{markdown_literal(', '.join(left))}.")
                elif spread.choices:
                    st.dataframe([{"Member": m, "Rating": level_label(bank, lv)} for m, lv in spread.choices],
                                 hide_index=True)
                    st.text(f"Median: {median_label(bank, spread.median)}")
                if spread.divergent and action.id in view.shown:
                    st.warning(f"Members are {DIVERGENCE_GAP} or more levels apart: talk this one through "
                               "before agreeing.", icon=":material/forum:")
                rating = session.plan.ratings.get(action.id)
                level_key, note_key = widget_key(action.id, "agreed"), widget_key(action.id, "agreed-note")
                st.session_state.setdefault(level_key, rating.level if rating and rating.level in bank.levels_by_id
                                            else None)
                st.session_state.setdefault(note_key, rating.note if rating else "")
                st.radio("The team's agreed rating", level_ids, index=None, key=level_key, horizontal=True,
                         format_func=lambda i: level_label(bank, i), disabled=locked,
                         on_change=on_agreed, args=(action.id,))
                st.text_input("Why (evidence or note)", key=note_key, max_chars=MAX_ANSWER_CHARS, disabled=locked,
                              on_change=on_agreed, args=(action.id,))
                show_error(note_key)


if team_tab is not None:
    with team_tab:
        draw_compare()
