"""Teacher Leadership Roadmap planner: the Streamlit entry point. It only declares the pages."""

import streamlit as st

st.set_page_config(page_title="Teacher leadership plan", page_icon=":material/school:", layout="centered")

pages = [
    st.Page("app_pages/start.py", title="Start", icon=":material/home:", default=True),
    st.Page("app_pages/plan.py", title="Plan", icon=":material/edit_note:", url_path="plan"),
]
st.navigation(pages, position="hidden").run()
