"""Start: what the planner is for, and where a team begins."""

import streamlit as st

from ui.state import current_bank

bank = current_bank()

st.title("Teacher leadership plan")
st.write(
    "Work through the four areas of the Aspen Institute and Leading Educators roadmap for "
    "teacher leadership with your district team. At the end you will have a planning document, "
    "with a readiness chart, ready to send to your school board."
)
st.subheader("The four areas")
for number, area in enumerate(bank.areas, start=1):
    st.markdown(f"**{number}. {area.title}**")
    st.caption(area.summary)
