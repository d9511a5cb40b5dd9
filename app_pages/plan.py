"""The wizard: the team, one step per roadmap area, then the review. The step lives in session state."""

import streamlit as st

from ui.nav import ask_who, back_next, current_step, page_run_starts, remember_outside, saved_line, sidebar, step_bar
from ui.drafts import saved_marker
from ui.plans import resume_from_cookie
from ui.state import current_bank, init_state, page_scripts, plan_session, show_notice
from ui.steps import draw_area, draw_review, draw_team
from ui.style import apply_page_style
from ui.workshop_banner import draw_workshop_banner

init_state()
page_run_starts()
bank = current_bank()

if not resume_from_cookie(bank) or plan_session() is None:
    st.switch_page("app_pages/start.py")
bank = plan_session().bank  # a workshop's own question bank, when it has one

step = current_step(bank)
district = plan_session().plan.district.name
st.set_page_config(page_title=f"{district} · Teacher leadership plan" if district else "Teacher leadership plan")
apply_page_style()
status_line = step_bar(bank, step)  # filled last, so it counts this run's saves
with st.container(key="notice"):  # always there, so a notice coming and going moves nothing
    show_notice()
    draw_workshop_banner()  # read-only while the workshop is closed: fields drawn disabled
ask_who()

if step == 0:
    draw_team(bank)
elif step <= len(bank.areas):
    draw_area(bank, bank.areas[step - 1], step)
else:
    draw_review(bank)

st.divider()
back_next(bank, step)
sidebar(bank, step)  # drawn last so its progress counts include this run's saves
status_line.markdown(saved_line(plan_session()))
remember_outside(bank)
saved_marker(bank, step)  # always drawn here: what the browser's drafts compare with
page_scripts()  # last, so its coming and going moves nothing on the page
