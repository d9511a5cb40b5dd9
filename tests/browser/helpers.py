"""What every browser test does: start a plan, move between steps, answer and wait until the page
counts the answer as saved, come back after a restart."""

from __future__ import annotations

import re
import time

SAVED = re.compile(r"Saved \d\d:\d\d")
STEP_COUNT = re.compile(r"\((\d+)/\d+")


def local_only(context, url: str) -> None:
    """Refuse every request the page makes anywhere but the app server (fonts, icons, images)."""
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())


def new_page(browser, server, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    local_only(context, server.url)
    return context, context.new_page()


def wait_idle(page, timeout: float = 20.0) -> None:
    """Wait until Streamlit has finished the current run (its status widget stops 'running')."""
    page.wait_for_timeout(150)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|Connecting/)",
        timeout=timeout * 1000)


def start_plan(page, url: str, district: str = "Springfield Public Schools") -> None:
    page.goto(url)
    page.get_by_label("District name").fill(district)
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    wait_idle(page)


def step_button(page, number: int):
    return page.locator("[data-testid=stSidebar]").get_by_role("button", name=re.compile(rf"^(✓ )?{number}\. "))


def go(page, number: int | None, title: str) -> None:
    """Click step number's button in the sidebar (number None: the unnumbered step called title)."""
    if number is None:
        page.locator("[data-testid=stSidebar]").get_by_role("button", name=title, exact=True).click()
        heading = title
    else:
        step_button(page, number).click()
        heading = f"{number}. {title}"
    page.get_by_role("heading", name=heading).wait_for(timeout=20_000)
    wait_idle(page)


def done_on_step(page, number: int) -> int:
    """Return how many questions and actions the sidebar says are done on step number."""
    match = STEP_COUNT.search(step_button(page, number).inner_text(timeout=5_000))
    return int(match.group(1))


def wait_counted(page, number: int, count: int, timeout: float = 60.0) -> None:
    """Wait until the sidebar counts count answers on step number: the page's word that they are saved
    ("Saved hh:mm" is on the page from the moment a plan starts, so it proves nothing on its own)."""
    deadline = time.monotonic() + timeout
    while done_on_step(page, number) != count:
        assert time.monotonic() < deadline, f"step {number} never counted {count} answers as saved"
        page.wait_for_timeout(50)
    page.get_by_text(SAVED).first.wait_for(timeout=5_000)
    wait_idle(page)


def answer(page, number: int, label_start: str, text: str) -> None:
    """Type text into the empty text question on step number whose label starts with label_start."""
    box = page.get_by_label(re.compile("^" + re.escape(label_start)))
    before = done_on_step(page, number)
    box.fill(text)
    box.press("Tab")  # Streamlit commits a text area when it loses focus
    wait_counted(page, number, before + 1)


def back_on_plan(page, timeout: float = 30.0) -> None:
    """After a restart: reload, and follow the start page's link back to the plan if it is shown."""
    page.reload()
    carry_on = page.get_by_role("link", name="Carry on with this plan")
    page.locator("[data-testid=stSidebar]").or_(carry_on).first.wait_for(timeout=timeout * 1000)
    if carry_on.count():
        carry_on.click()
        page.locator("[data-testid=stSidebar]").wait_for(timeout=timeout * 1000)
    wait_idle(page)
