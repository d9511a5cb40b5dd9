"""A bare Streamlit page with the elements of a planner step, for bench_browser.py to time beside the
planner: a sidebar of step buttons, a heading, four rated actions with notes, a long answer that saves
to SQLite on change, and a one-row-at-a-time table form ("Add a row", open) with its rows shown as one
table and "Change or delete a row" (closed, drawn only when open). No planner code."""

import os
import sqlite3
import time

import pandas as pd
import streamlit as st

DB = os.environ.get("BARE_DB", "/tmp/bare_surface.sqlite3")
LEVELS = ["Not started", "Emerging", "Developing", "Established", "Not applicable"]


def save(key: str, value: str) -> None:
    with sqlite3.connect(DB) as conn:
        conn.execute("create table if not exists answers (key text primary key, value text, at real)")
        conn.execute("insert or replace into answers values (?, ?, ?)", (key, value, time.time()))
    st.session_state["saved"] = time.strftime("%H:%M:%S")


def on_text() -> None:
    save("text", st.session_state["text"])


def on_row() -> None:
    rows = st.session_state.setdefault("rows", [])
    rows.append({c: st.session_state.get(f"cell:{c}", "") for c in ("a", "b", "c", "d")})
    save("rows", repr(rows))
    for c in ("a", "b", "c", "d"):
        st.session_state[f"cell:{c}"] = ""


st.session_state.setdefault("step", 1)
with st.sidebar:
    st.markdown("**Teacher leadership plan**")
    st.progress(0.5, text="50% answered and rated")
    for n in range(6):
        st.button(f"{n}. Step {n}", key=f"nav:{n}", on_click=lambda n=n: st.session_state.update(step=n),
                  width="stretch", type="primary" if n == st.session_state["step"] else "secondary")
step = st.session_state["step"]
st.markdown(f"**Step {step}** · step {step + 1} of 6")
st.markdown(f"Saved {st.session_state.get('saved', '-')}")
st.header(f"{step}. Step {step}", anchor=False)
st.write("What this area is about, in two or three sentences of ordinary text.")
for a in range(4):
    with st.container(border=True):
        st.radio(f"Readiness: action {a}", LEVELS, index=None, horizontal=True, key=f"r{step}:{a}",
                 captions=["No work on this yet."] * 5)
        st.text_input("Evidence or note (optional)", key=f"n{step}:{a}")
with st.container(border=True):
    st.text_area("A long answer", key="text", height=160, on_change=on_text)
with st.container(border=True):
    with st.expander("Add a row", key="addopen", expanded=True, icon=":material/add:", on_change="rerun") as adding:
        if adding.open:
            with st.form("row", border=False):
                for c in ("a", "b", "c", "d"):
                    st.text_input(f"Column {c}", key=f"cell:{c}")
                st.form_submit_button("Add row", on_click=on_row)
    rows = st.session_state.get("rows", [])
    with st.container(key="rows"):
        if rows:
            st.table(pd.DataFrame(rows, index=[str(i + 1) for i in range(len(rows))]))
    if rows:
        with st.expander("Change or delete a row", key="changeopen", icon=":material/edit:",
                         on_change="rerun") as changing:
            if changing.open:
                with st.container(horizontal=True, vertical_alignment="bottom"):
                    picked = st.selectbox("Row to change or delete", list(range(len(rows))), index=None, width=320)
                    st.button("Change this row", disabled=picked is None)
                    st.button("Delete this row", disabled=picked is None)
