"""What each kind of Streamlit element costs a step change in a real browser, to weigh a page's design.

A bare page switches between two pages of N elements of one kind (new keys on each page, so each switch
draws them afresh, as a step change does). Each kind is served by its own `streamlit run`; the switches
are timed in the page's own clock (bench_browser.perceived: from the click to the frame after the one
that shows the new page's heading with nothing stale left), one kind after another in turn, and
compared with the same page drawing nothing. The per-element figure is (median - empty page's median) / N.

    python bench/bench_elements.py [--runs 12] [--count 30]

The planner's steps are made of these: what a step change costs is roughly the empty page plus the sum
of its elements' figures (bench/README.md, "What each element costs").
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import tempfile
from pathlib import Path

from _common import machine
from bench_browser import CHROMIUM, idle, perceived, serve

LEVELS = ["Not started", "Emerging", "Developing", "Established", "Not applicable"]
DESCRIPTORS = ["No work on this yet.", "Discussed or planned; no owner.", "Under way with an owner.",
               "In place, documented.", "Does not fit this district."]

# kind: what one element of that kind is, as the planner draws it (Python, `i` its number, `k` its key)
KINDS = {
    "nothing": "pass",
    "markdown": 'st.markdown(f"Some **markdown** text number {i}, a sentence of ordinary length.")',
    "caption": 'st.caption(f"A caption number {i}, a sentence of ordinary length.")',
    "text_input": 'st.text_input(f"Label {i}", key=k)',
    "text_area": 'st.text_area(f"Label {i}", key=k, value="A saved answer of a few sentences. " * 6)',
    "radio, 2 options": 'st.radio(f"Label {i}", ["Top-down", "Bottom-up"], index=None, horizontal=True, key=k)',
    "radio, 5 options": 'st.radio(f"Label {i}", LEVELS, index=None, horizontal=True, key=k)',
    "radio, 5 options with captions": ('st.radio(f"Label {i}", LEVELS, index=None, horizontal=True, key=k, '
                                       'captions=DESCRIPTORS)'),
    "checkbox": 'st.checkbox(f"Label {i}", key=k)',
    "selectbox": 'st.selectbox(f"Label {i}", ["a", "b", "c"], index=None, key=k)',
    "button": 'st.button(f"Button {i}", key=k)',
    "table, 4 x 4": ('st.table(pd.DataFrame([[f"cell {r}{c}" for c in range(4)] for r in range(4)], '
                     'columns=list("ABCD")))'),
    "expander, closed, drawn on demand": ('st.expander(f"Expander {i}", key=k, icon=":material/add:", '
                                          'on_change="rerun")'),
    "container with a border and a markdown": ('with st.container(border=True):\n'
                                                '        st.markdown(f"Text {i}")'),
    "form with its button": ('with st.form(key=f"f{k}"):\n'
                             '        st.form_submit_button("Go")'),
}

APP = '''
import pandas as pd
import streamlit as st

LEVELS = {levels!r}
DESCRIPTORS = {descriptors!r}
st.session_state.setdefault("page", 0)
with st.sidebar:
    st.button("Page A", on_click=st.session_state.update, kwargs={{"page": 0}})
    st.button("Page B", on_click=st.session_state.update, kwargs={{"page": 1}})
page = st.session_state["page"]
st.header(f"Showing page {{'AB'[page]}}", anchor=False)
for i in range({count}):
    k = f"{{page}}-{{i}}"
    {element}
'''


def measure(browser, urls: dict[str, str], runs: int) -> dict[str, list[float]]:
    pages = {}
    for kind, url in urls.items():
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.goto(url)
        page.get_by_role("heading", name="Showing page A").wait_for(timeout=60_000)
        sidebar = page.locator("[data-testid=stSidebar]")
        for name in "BABA":  # warm-up: the first drawing of a kind loads its code into the page
            sidebar.get_by_role("button", name=f"Page {name}").click()
            page.get_by_role("heading", name=f"Showing page {name}").wait_for()
            idle(page)
        pages[kind] = (page, sidebar)
    times: dict[str, list[float]] = {kind: [] for kind in urls}
    for n in range(runs):
        name = "BA"[n % 2]
        for kind, (page, sidebar) in pages.items():
            times[kind].append(perceived(page, "click", "heading", f"Showing page {name}",
                                         sidebar.get_by_role("button", name=f"Page {name}").click))
            idle(page)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--count", type=int, default=30, help="elements of a kind on each page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        servers, urls = [], {}
        try:
            for n, (kind, element) in enumerate(KINDS.items()):
                script = Path(tmp) / f"kind_{n}.py"
                script.write_text(APP.format(levels=LEVELS, descriptors=DESCRIPTORS, count=args.count,
                                             element=element), encoding="utf-8")
                process, urls[kind] = serve(str(script), {})
                servers.append(process)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                times = measure(browser, urls, args.runs)
                browser.close()
        finally:
            for process in servers:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    empty = statistics.median(times["nothing"])
    print(f"\nA page change with {args.count} elements of one kind, in the page's own clock "
          f"(median of {args.runs}; the empty page: {empty:.0f} ms)")
    print(f"  {'kind':42s} {'median ms':>10s} {'ms an element':>14s}")
    for kind, values in times.items():
        if kind != "nothing":
            middle = statistics.median(values)
            print(f"  {kind:42s} {middle:10.0f} {(middle - empty) / args.count:14.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
