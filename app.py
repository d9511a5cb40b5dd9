"""Teacher Leadership Roadmap planner: the Streamlit entry point. It only declares the pages."""

import streamlit as st

from roadmap.store import StoreError
from ui.state import store_problem

st.set_page_config(page_title="Teacher leadership plan", page_icon=":material/school:", layout="centered")

pages = [
    st.Page("app_pages/start.py", title="Start", icon=":material/home:", default=True),
    st.Page("app_pages/plan.py", title="Plan", icon=":material/edit_note:", url_path="plan"),
    st.Page("app_pages/consensus.py", title="Team ratings", icon=":material/groups:", url_path="team-ratings"),
    st.Page("app_pages/facilitator.py", title="Facilitator", icon=":material/co_present:", url_path="facilitator"),
    st.Page("app_pages/presenter.py", title="Presenter", icon=":material/tv:", url_path="present"),
]
try:
    st.navigation(pages, position="hidden").run()
except StoreError as exc:
    # The last net under every page: a database problem is said in plain words, never as a traceback.
    st.error(store_problem(exc), icon=":material/cloud_off:")
    st.button("Try again", type="primary")
