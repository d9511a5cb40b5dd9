"""Start: what the planner is for; start a new plan, resume one by code, open a plan file or the sample."""

import datetime as dt

import pandas as pd
import streamlit as st

from roadmap.plan import MAX_TABLE_ROWS, AnswerError, District, Plan, PlanFileError, plan_from_json, team_from_rows
from roadmap.sample import sample_plan
from roadmap.store import TryLaterError, UnknownCodeError
from roadmap.text import markdown_literal
from ui.plans import CODE, leave_plan, open_by_code, resume_from_cookie, start_plan
from ui.state import (
    MAX_NAME_CHARS, WHO, bounded_editor, current_bank, init_state, notify, page_scripts, plan_session, set_who,
    show_notice,
)
from ui.style import apply_page_style

PLAN_PAGE = "app_pages/plan.py"

init_state()
bank = current_bank()

apply_page_style()
st.title("Teacher leadership plan", anchor=False)
show_notice()

if resume_from_cookie(bank) and plan_session() is not None:
    session = plan_session()
    st.success(f"You are working on the plan for {markdown_literal(session.plan.district.name) or 'your district'}.")
    st.page_link(PLAN_PAGE, label="Carry on with this plan", icon=":material/arrow_forward:")
    if st.session_state.get(CODE):
        st.write("Resume code for this plan (keep it to carry on from another device):")
        st.code(st.session_state[CODE], language=None)
    if st.button("Close this plan on this device", help="The plan stays saved; you can open it again with its code."):
        leave_plan()
        st.rerun()
    page_scripts()
    st.stop()

st.write(
    "Work through the four areas of the Aspen Institute and Leading Educators roadmap for teacher "
    "leadership with your district team. Rate where your district stands on each high-impact action, "
    "answer the report's key questions, and leave with a planning document, with a readiness chart, "
    "ready to send to your school board. Everything is saved as you go."
)

new_tab, code_tab, file_tab, sample_tab = st.tabs(
    ["Start a new plan", "Resume with a code", "Open a plan file", "Try the sample"])

with new_tab:
    with st.form("new_plan", border=False):
        name = st.text_input("District name", max_chars=200, placeholder="e.g. Springfield Public Schools",
                             key="_new:name")
        when = st.date_input("Date of this planning session", value=dt.date.today(), format="YYYY-MM-DD",
                             key="_new:date")
        who = st.text_input("Your name (optional: shown beside your changes in the plan's history, and "
                            "remembered on this device)", max_chars=MAX_NAME_CHARS, key="_new:who",
                            value=st.session_state.get(WHO, ""))
        st.write("Planning team (you can change this later)")
        # Edits far past the team's limit are dropped before the editor applies them row by row;
        # a few too many are refused below with the limit.
        too_many = bounded_editor("_new_team", MAX_TABLE_ROWS, "The planning team")
        if too_many:
            st.error(too_many)
        team = st.data_editor(
            pd.DataFrame({"name": pd.Series([], dtype="string"), "role": pd.Series([], dtype="string")}),
            num_rows="dynamic", hide_index=True, width="stretch", key="_new_team",
            column_config={"name": st.column_config.TextColumn("Name", max_chars=200),
                           "role": st.column_config.TextColumn("Role", max_chars=200)},
        )
        started = st.form_submit_button("Start the plan", type="primary")
    if started and not too_many:
        try:
            members = team_from_rows(team.fillna("").to_dict("records"))
        except (AnswerError, ValueError) as exc:
            members = None
            st.error(str(exc))  # the planner's own sentence: no typed text in it
        if not name.strip():
            st.error("Give the district's name to start a plan.")
        elif members is not None:
            set_who(who)
            start_plan(bank, Plan(district=District(name=name, date=when, team=members)))
            notify("success", "Your plan is started and saved as you go. To carry on later or from another "
                              "device you need its resume code: open \u201cResume code\u201d in the sidebar, "
                              "or see the Your team step.")
            st.switch_page(PLAN_PAGE)

with code_tab:
    with st.form("resume", border=False):
        code = st.text_input("Resume code", max_chars=40, placeholder="e.g. K7QF-M2XR-9P", key="_resume:code",
                             help="The code shown when the plan was started, and on the last page of its document.")
        resume = st.form_submit_button("Open the plan", type="primary")
    if resume:
        try:
            open_by_code(bank, code)
        except (UnknownCodeError, TryLaterError) as exc:
            st.error(markdown_literal(str(exc)))
        else:
            st.switch_page(PLAN_PAGE)

with file_tab:
    upload = st.file_uploader("Plan file (.json) saved from this planner", type=["json"], key="_upload")
    if upload is not None and st.button("Open this plan file", type="primary"):
        try:
            plan = plan_from_json(upload.getvalue())
        except PlanFileError as exc:
            st.error(markdown_literal(str(exc)))
        else:
            start_plan(bank, plan)
            notify("success", f"Opened the plan for {markdown_literal(plan.district.name) or 'your district'}. It now has its own "
                              "resume code and is saved here as you go.")
            st.switch_page(PLAN_PAGE)

with sample_tab:
    st.write("See what a finished plan looks like: a fictional district with every question answered. "
             "It is a separate plan, so changing it harms nothing.")
    if st.button("Open the sample plan"):
        start_plan(bank, sample_plan(bank), step=len(bank.areas) + 1)
        st.switch_page(PLAN_PAGE)

st.header("The areas of the roadmap", anchor=False)
for number, area in enumerate(bank.areas, start=1):
    st.markdown(f"**{number}. {markdown_literal(area.title)}**")
    st.caption(markdown_literal(area.summary))
st.caption("Source: Leading from the Front of the Classroom: A Roadmap for Teacher Leadership that Works "
           "(Aspen Institute Education & Society Program and Leading Educators, 2014).")
st.page_link("app_pages/facilitator.py", label="Facilitating a workshop of many teams?", icon=":material/co_present:")
page_scripts()  # last, so its coming and going moves nothing on the page
