"""What a team waits for in a real browser: one Chromium on the real server with the sample plan open,
beside bare Streamlit pages with the same elements served the same way: for a step change, one drawing
the sample plan's steps 1-4 with the widgets and values the planner draws (bench_pages' specs); for the
load, the saved text and the added row, bench/bare_surface.py. Step changes start after one visit to each
step, on both (the first visit loads each kind of element's code into the page, once a session).

Each figure is the median and 95th percentile of 20: a cold first load to an interactive start page; a
step change to its heading visible; a text change (leaving the box) to the run that says "Saved" reaching
the browser; adding a table row to the row on the page. "Reaching the browser" is the moment Chromium
receives Streamlit's script_finished message on the websocket, plus one animation frame.

The load, the step change and the row are timed in the page's own clock, as a person would wait: from
the start of the navigation, or from the click or key press event, to the frame after the one that first
shows the result (`perceived`). The text change is timed from outside, the test's own overhead included.

    python bench/bench_browser.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import ROOT, Figure, free_port, machine, median, percentile, report
from bench_pages import BARE_MODULE, _area_spec, _sidebar_spec

from roadmap.bank import load_bank
from roadmap.sample import sample_plan

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM = "/usr/bin/chromium"


def serve(script: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{script} did not start")


class Runs:
    """Counts the script runs whose end has reached the page (Streamlit's script_finished message)."""

    def __init__(self, page):
        self.finished = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            message = ForwardMsg()
            try:
                message.ParseFromString(bytes(payload))
            except Exception:
                return
            if message.WhichOneof("type") == "script_finished":
                self.finished += 1

    def wait_after(self, page, seen: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.finished <= seen:
            if time.monotonic() > deadline:
                raise TimeoutError("no script_finished")
            page.wait_for_timeout(2)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")


def idle(page) -> None:
    page.wait_for_timeout(100)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')"
                           " || !/Running|Connecting/.test(document.querySelector('[data-testid=stStatusWidget]').innerText)")


def timed(action, wait) -> float:
    started = time.perf_counter()
    action()
    wait()
    return (time.perf_counter() - started) * 1000


# What a person waits for, timed inside the page: from the click or key press itself (the event's own
# time stamp) to the frame after the one that first shows the change with nothing left over from before
# (Streamlit keeps the last run's elements on the page, greyed as stale, until the new run replaces them:
# a heading drawn first could otherwise be painted over the rest of the old step), so it has been painted.
# Timing from outside would add Playwright's own work to every figure: finding the button by its
# accessible name, its actionability checks and its polling for the result (about 180 ms a step change
# on step 4, none of which a person waits for).
ARM = """([trigger, test, arg]) => {
  window.__from = null; window.__shown = null;
  document.addEventListener(trigger, (event) => { if (window.__from === null) window.__from = event.timeStamp; },
                            {capture: true, once: true});
  const tests = {
    heading: () => [...document.querySelectorAll('[data-testid=stMain] h2')].some(h => h.textContent.trim() === arg),
    count: () => document.querySelectorAll(arg[0]).length >= arg[1],
  };
  const stale = () => document.querySelector('[data-testid=stElementContainer][data-stale=true]');
  const watch = new MutationObserver(() => {
    if (window.__from === null || !tests[test]() || stale()) return;
    watch.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__shown = performance.now(); }));
  });
  watch.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                attributeFilter: ['data-stale']});
}"""


def perceived(page, trigger: str, test: str, arg, action) -> float:
    """Milliseconds from the click or key press that action makes ("click" or "keydown") until the change
    test looks for ("heading": a heading with the text arg; "count": at least arg[1] of selector arg[0])
    has been painted."""
    page.evaluate(ARM, [trigger, test, arg])
    action()
    page.wait_for_function("() => window.__shown !== null", timeout=30_000)
    return page.evaluate("() => window.__shown - window.__from")


LOADED = """(label) => {
  window.__loaded = null;
  const box = () => document.querySelector(`input[aria-label="${label}"], textarea[aria-label="${label}"]`);
  const watch = new MutationObserver(() => {
    if (!box()) return;
    watch.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__loaded = performance.now(); }));
  });
  watch.observe(document, {subtree: true, childList: true});
}"""


def cold_loads(browser, url: str, first_box: str, runs: int) -> list[float]:
    """Milliseconds from the start of opening url in a new browser context (nothing cached) until the
    frame after the one that first shows the box labelled first_box (the page's own clock)."""
    times = []
    for n in range(runs + 1):  # the first load of all is the server's first run of its pages: not counted
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(script=f"({LOADED})({json.dumps(first_box)})")
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.__loaded !== null", timeout=60_000)
        if n:
            times.append(page.evaluate("() => window.__loaded"))
        context.close()
    return times


def saves(page, watch: Runs, box, runs: int) -> list[float]:
    """Milliseconds from leaving box (Tab) after a change until the run that saves it reaches the page."""
    times = []
    for n in range(runs):
        box.fill(f"Mathematics in grades 6-8, revision {n}")
        seen = watch.finished
        times.append(timed(lambda: box.press("Tab"), lambda: watch.wait_after(page, seen)))
        idle(page)
    return times


def rows_added(page, first_box, rows: str, runs: int) -> list[float]:
    """Milliseconds from Enter in a table form's first_box until the selector rows matches one row more."""
    times, start = [], page.locator(rows).count()
    for n in range(runs):
        first_box.fill(f"Measure {n}")
        times.append(perceived(page, "keydown", "count", [rows, start + n + 1], lambda: first_box.press("Enter")))
        idle(page)
    return times


def measure_planner(browser, url: str, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"load": cold_loads(browser, url, "District name", runs), "step": [], "saved": [],
                                   "row": []}
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = Runs(page)
    page.goto(url)
    page.get_by_role("tab", name=re.compile("sample", re.I)).click()
    page.get_by_role("button", name="Open the sample plan").click()
    page.get_by_role("heading", name="Review and export").wait_for(timeout=60_000)
    idle(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    titles = {1: "1. Design for impact", 2: "2. Know the context", 3: "3. Define the measures", 4: "4. Build strategically"}
    for number in (1, 2, 3, 4):  # warm-up: the first visit loads each kind of element's code into the page
        sidebar.get_by_role("button", name=re.compile(rf"^(✓ )?{number}\. ")).click()
        page.get_by_role("heading", name=titles[number]).wait_for()
        idle(page)
    for n in range(runs):
        number = 1 + n % 4
        button = sidebar.get_by_role("button", name=re.compile(rf"^(✓ )?{number}\. "))
        out["step"].append(perceived(page, "click", "heading", titles[number], button.click))
        idle(page)
    sidebar.get_by_role("button", name=re.compile(r"^(✓ )?1\. ")).click()
    page.get_by_role("heading", name=titles[1]).wait_for()
    idle(page)
    out["saved"] = saves(page, watch, page.get_by_label(re.compile("^What priorities can be advanced")), runs)
    sidebar.get_by_role("button", name=re.compile(r"^(✓ )?3\. ")).click()
    page.get_by_role("heading", name=titles[3]).wait_for()
    idle(page)
    page.locator("[class*='-q-measures-addopen'] summary").click()  # closed: the table has rows
    form = page.locator("[class*='st-key-tform-'][class*='-q-measures ']")
    form.wait_for()
    idle(page)
    out["row"] = rows_added(page, form.get_by_label("Measure", exact=True),
                            "[class*='st-key-trows-'][class*='-q-measures'] tbody tr", runs)
    context.close()
    return out


def measure_bare_steps(browser, url: str, runs: int) -> list[float]:
    """Step changes on the bare page that draws the sample plan's steps 1-4 with the planner's elements."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_role("button", name=re.compile(r"^1\. ")).wait_for(timeout=60_000)
    idle(page)
    titles = {n: f"{n}. {area.title}" for n, area in enumerate(load_bank().areas, start=1)}
    for number in (2, 3, 4):  # the warm-up, as on the planner (it opens on step 1)
        sidebar.get_by_role("button", name=titles[number]).click()
        page.get_by_role("heading", name=titles[number]).wait_for()
        idle(page)
    times = []
    for n in range(runs):
        number = 1 + n % 4
        times.append(perceived(page, "click", "heading", titles[number],
                               sidebar.get_by_role("button", name=titles[number]).click))
        idle(page)
    context.close()
    return times


def write_bare_steps(folder: Path) -> str:
    """Write a bare Streamlit app drawing the sample plan's steps 1-4 with the elements the planner draws
    (bench_pages' specs: the same widgets with the same values, no planner code); return its path."""
    bank, plan = load_bank(), sample_plan(load_bank())
    (folder / "bare_draw.py").write_text(BARE_MODULE.replace("{spec!r}", "[]").replace("{sidebar!r}", "[]"),
                                         encoding="utf-8")
    steps = {n: {"title": f"{n}. {area.title}", "items": _area_spec(bank, plan, n)}
             for n, area in enumerate(bank.areas, start=1)}
    (folder / "bare_steps.json").write_text(json.dumps({"steps": steps, "sidebar": [
        item for item in _sidebar_spec(bank, plan)[3:] if item["kind"] != "button"]}),
                                            encoding="utf-8")
    app = folder / "bare_steps.py"
    app.write_text(BARE_STEPS_APP.format(folder=str(folder)), encoding="utf-8")
    return str(app)


BARE_STEPS_APP = """
import json
import sys

import streamlit as st

sys.path.insert(0, {folder!r})
from bare_draw import draw

with open({folder!r} + "/bare_steps.json", encoding="utf-8") as f:
    SPEC = json.load(f)
st.session_state.setdefault("step", "1")
with st.sidebar:
    st.markdown("**Teacher leadership plan**")
    st.progress(0.8, text="80% answered and rated")
    st.button("Your team", key="nav0", width="stretch")
    for number, step in SPEC["steps"].items():
        st.button(step["title"], key="nav" + number, width="stretch",
                  type="primary" if number == st.session_state["step"] else "secondary",
                  on_click=st.session_state.update, kwargs={{"step": number}})
    st.button("Review and export", key="nav5", width="stretch")
    draw(SPEC["sidebar"], "s")
step = st.session_state["step"]
st.header(SPEC["steps"][step]["title"], anchor=False)
draw(SPEC["steps"][step]["items"], "m" + step)
"""


def measure_bare(browser, url: str, steps_url: str, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"load": cold_loads(browser, url, "A long answer", runs), "step": [], "saved": [],
                                   "row": []}
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = Runs(page)
    page.goto(url)
    page.get_by_label("A long answer").wait_for()
    idle(page)
    out["step"] = measure_bare_steps(browser, steps_url, runs)
    out["saved"] = saves(page, watch, page.get_by_label("A long answer"), runs)
    out["row"] = rows_added(page, page.get_by_label("Column a"), ".st-key-rows tbody tr", runs)
    context.close()
    return out


TARGETS = {"load": ("first load, cold, to an interactive start page", 2500),
           "step": ("step change to its heading visible", 400),
           "saved": ("text change (leaving the box) to \"Saved\"", 200),
           "row": ("adding a table row to the row shown", None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--raw", type=Path, help="also write every timing to this JSON file")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        steps_app = write_bare_steps(Path(tmp))  # before any server starts: nothing to stop if it fails
        servers = []
        try:
            planner, planner_url = serve("app.py", {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'roadmap.sqlite3'}"})
            servers.append(planner)
            bare, bare_url = serve("bench/bare_surface.py", {"BARE_DB": str(Path(tmp) / "bare.sqlite3")})
            servers.append(bare)
            steps, steps_url = serve(steps_app, {})
            servers.append(steps)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                ours = measure_planner(browser, planner_url, args.runs)
                theirs = measure_bare(browser, bare_url, steps_url, args.runs)
                browser.close()
        finally:
            for process in servers:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    if args.raw:
        args.raw.write_text(json.dumps({"planner": ours, "bare": theirs}, indent=1), encoding="utf-8")
    figures = []
    for name, (what, target) in TARGETS.items():
        p95, bare_p95 = percentile(ours[name], 95), percentile(theirs[name], 95)
        figures.append(Figure(f"{what}, median", median(ours[name]), "ms"))
        figures.append(Figure(f"{what}, p95", p95, "ms", f"under {target} ms" if target else "",
                              p95 < target if target else None))
        figures.append(Figure("  bare page, median", median(theirs[name]), "ms"))
        figures.append(Figure("  bare page, p95", bare_p95, "ms"))
        figures.append(Figure("  planner p95 / bare p95", p95 / bare_p95, "x", "within 1.3x", p95 / bare_p95 <= 1.3))
    report(f"Browser timings ({args.runs} of each, one Chromium, 1280 px)", figures)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
