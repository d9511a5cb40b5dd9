"""What a team waits for in a real browser: one Chromium on the real server with the sample plan open,
beside a bare Streamlit page with the same elements served the same way (bench/bare_surface.py).

Each figure is the median and 95th percentile of 20: a cold first load to an interactive start page; a
step change to its heading visible; a text change (leaving the box) to the run that says "Saved" reaching
the browser; adding a table row to the row on the page. "Reaching the browser" is the moment Chromium
receives Streamlit's script_finished message on the websocket, plus one animation frame.

    python bench/bench_browser.py [--runs 20]
"""

from __future__ import annotations

import argparse
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


def measure_planner(browser, url: str, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"load": [], "step": [], "saved": [], "row": []}
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        out["load"].append(timed(lambda: page.goto(url), lambda: page.get_by_label("District name").wait_for()))
        context.close()
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
    for n in range(runs):
        number = 1 + n % 4
        button = sidebar.get_by_role("button", name=re.compile(rf"^(✓ )?{number}\. "))
        out["step"].append(timed(button.click, lambda: page.get_by_role("heading", name=titles[number]).wait_for()))
        idle(page)
    sidebar.get_by_role("button", name=re.compile(r"^(✓ )?1\. ")).click()
    page.get_by_role("heading", name=titles[1]).wait_for()
    idle(page)
    box = page.get_by_label(re.compile("^What priorities can be advanced"))
    for n in range(runs):
        box.fill(f"Mathematics in grades 6-8, revision {n}")
        seen = watch.finished
        out["saved"].append(timed(lambda: box.press("Tab"), lambda: watch.wait_after(page, seen)))
        idle(page)
    sidebar.get_by_role("button", name=re.compile(r"^(✓ )?3\. ")).click()
    page.get_by_role("heading", name=titles[3]).wait_for()
    idle(page)
    form = page.locator("[class*='st-key-tform-'][class*='-q-measures ']")
    first = form.get_by_label("Measure", exact=True)
    shown = page.locator("[class*='st-key-trows-'][class*='-q-measures'] tbody tr")
    rows = shown.count()
    for n in range(runs):
        first.fill(f"Measure {n}")
        target = shown.nth(rows + n)
        out["row"].append(timed(lambda: first.press("Enter"), lambda: target.wait_for()))
        idle(page)
    context.close()
    return out


def measure_bare(browser, url: str, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"load": [], "step": [], "saved": [], "row": []}
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        out["load"].append(timed(lambda: page.goto(url), lambda: page.get_by_label("A long answer").wait_for()))
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = Runs(page)
    page.goto(url)
    page.get_by_label("A long answer").wait_for()
    idle(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    for n in range(runs):
        number = 1 + n % 4
        out["step"].append(timed(sidebar.get_by_role("button", name=f"{number}. Step {number}").click,
                                 lambda: page.get_by_role("heading", name=f"{number}. Step {number}").wait_for()))
        idle(page)
    box = page.get_by_label("A long answer")
    for n in range(runs):
        box.fill(f"Mathematics in grades 6-8, revision {n}")
        seen = watch.finished
        out["saved"].append(timed(lambda: box.press("Tab"), lambda: watch.wait_after(page, seen)))
        idle(page)
    first = page.get_by_label("Column a")
    for n in range(runs):
        first.fill(f"Measure {n}")
        target = page.locator(".st-key-rows tbody tr").nth(n)
        out["row"].append(timed(lambda: first.press("Enter"), lambda: target.wait_for()))
        idle(page)
    context.close()
    return out


TARGETS = {"load": ("first load, cold, to an interactive start page", 2500),
           "step": ("step change to its heading visible", 400),
           "saved": ("text change (leaving the box) to \"Saved\"", 200),
           "row": ("adding a table row to the row shown", None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        planner, planner_url = serve("app.py", {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'roadmap.sqlite3'}"})
        bare, bare_url = serve("bench/bare_surface.py", {"BARE_DB": str(Path(tmp) / "bare.sqlite3")})
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                ours = measure_planner(browser, planner_url, args.runs)
                theirs = measure_bare(browser, bare_url, args.runs)
                browser.close()
        finally:
            for process in (planner, bare):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    figures = []
    for name, (what, target) in TARGETS.items():
        p95, bare_p95 = percentile(ours[name], 95), percentile(theirs[name], 95)
        figures.append(Figure(f"{what}, median", median(ours[name]), "ms"))
        figures.append(Figure(f"{what}, p95", p95, "ms", f"under {target} ms" if target else "",
                              p95 < target if target else None))
        figures.append(Figure("  bare page, median", median(theirs[name]), "ms"))
        figures.append(Figure("  bare page, p95", bare_p95, "ms"))
        figures.append(Figure(f"  planner p95 / bare p95", p95 / bare_p95, "x", "within 1.3x", p95 / bare_p95 <= 1.3))
    report(f"Browser timings ({args.runs} of each, one Chromium, 1280 px)", figures)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
