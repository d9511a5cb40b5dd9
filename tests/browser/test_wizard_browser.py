"""A team in a real browser: type answers, move between steps, survive a refresh and a server crash."""

from __future__ import annotations

import re
import signal

import pytest
from playwright.sync_api import expect

from roadmap.store import Store

from .helpers import answer, done_on_step, go, start_plan, wait_counted, wait_idle

pytestmark = pytest.mark.browser

PRIORITIES = "What priorities can be advanced through teacher leadership?"


def test_team_types_moves_between_steps_and_sees_the_chart(app_server, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    start_plan(page, app_server.url)
    answer(page, 1, PRIORITIES, "Mathematics in grades 6-8 <script>alert(1)</script>")
    before = done_on_step(page, 1)
    page.get_by_text("3 · Developing").first.click()
    wait_counted(page, 1, before + 1)
    go(page, 3, "Define the measures")
    answer(page, 3, "How will the district measure success", "Growth on interim assessments")
    go(page, 1, "Design for impact")
    assert page.get_by_label(re.compile("^" + re.escape(PRIORITIES))).input_value() == \
        "Mathematics in grades 6-8 <script>alert(1)</script>"
    page.screenshot(path=str(artifacts / "wizard-area-1280.png"), full_page=False)
    go(page, None, "Review and export")
    page.locator(".js-plotly-plot").first.wait_for(timeout=20_000)
    assert page.get_by_text("Readiness by area").count() >= 1
    page.screenshot(path=str(artifacts / "review-1280.png"), full_page=True)
    context.close()


def test_phone_width_shows_the_questions(app_server, browser, artifacts):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    start_plan(page, app_server.url, "Riverbend Unified")
    answer(page, 1, PRIORITIES, "Retention of new teachers")
    page.screenshot(path=str(artifacts / "wizard-area-375.png"), full_page=False)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px wide)"
    context.close()


def test_refresh_and_server_crash_lose_nothing(app_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    start_plan(page, app_server.url)
    page.reload()  # straight after starting: back on the step the plan opened on
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    wait_idle(page)
    answer(page, 1, PRIORITIES, "Typed before the crash")
    go(page, 2, "Know the context")
    answer(page, 2, "Does the district have sufficiently rigorous systems", "Second answer, also saved")

    app_server.kill(signal.SIGKILL)
    app_server.start()
    page.reload()
    # The device cookie brings the team back to the same plan and step without the code.
    page.get_by_role("link", name="Carry on with this plan").or_(
        page.get_by_role("heading", name="2. Know the context")).first.wait_for(timeout=30_000)
    if page.get_by_role("link", name="Carry on with this plan").count():
        page.get_by_role("link", name="Carry on with this plan").click()
    page.get_by_role("heading", name="2. Know the context").wait_for(timeout=20_000)
    # The first run after a restart is slow and the page fills in as it runs: wait for the box.
    expect(page.get_by_label(re.compile("^Does the district have sufficiently rigorous"))).to_have_value(
        "Second answer, also saved", timeout=30_000)
    plans = Store(app_server.database_url).list_plans()
    assert len(plans) == 1
    context.close()


def test_two_devices_on_one_plan_see_each_others_answers_and_a_clash_loses_nothing(app_server, browser):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    maria, sam = (c.new_page() for c in contexts)
    start_plan(maria, app_server.url, "Two Rivers Unified")
    maria.get_by_label("Your name (shown in the answer history)").fill("Maria")
    maria.get_by_label("Your name (shown in the answer history)").press("Enter")
    wait_idle(maria)
    maria.locator("[data-testid=stSidebar]").get_by_text("Resume code", exact=True).click()  # as Maria reads it out
    code = maria.locator("[data-testid=stSidebar] [data-testid=stCode]").inner_text().strip()

    sam.goto(app_server.url)
    sam.get_by_role("tab", name="Resume with a code").click()
    sam.get_by_role("textbox", name="Resume code").fill(code)
    sam.get_by_role("button", name="Open the plan").click()
    sam.get_by_role("heading", name="1. Design for impact").wait_for(timeout=20_000)
    wait_idle(sam)

    # Different questions: both saved, and each sees the other's after moving between steps.
    answer(maria, 1, PRIORITIES, "Maria's priorities")
    go(sam, 2, "Know the context")
    answer(sam, 2, "Does the district have sufficiently rigorous systems", "Sam's systems")
    go(sam, 1, "Design for impact")
    expect(sam.get_by_label(re.compile("^" + re.escape(PRIORITIES)))).to_have_value("Maria's priorities")

    # The same answer from both at once: Sam's stale save is not written over Maria's; Sam sees both.
    maria_box = maria.get_by_label(re.compile("^" + re.escape(PRIORITIES)))
    maria_box.fill("Maria's second thoughts")
    maria_box.press("Tab")
    wait_idle(maria)
    sam_box = sam.get_by_label(re.compile("^" + re.escape(PRIORITIES)))
    sam_box.fill("Sam's rewrite")
    sam_box.press("Tab")
    sam.get_by_text(re.compile("^Maria changed this at")).wait_for(timeout=20_000)
    expect(sam.get_by_label("Maria's version")).to_have_value("Maria's second thoughts")
    expect(sam.get_by_label("Your version")).to_have_value("Sam's rewrite")
    sam.get_by_role("button", name="Keep my version").click()
    sam.get_by_text(re.compile("^Maria changed this at")).wait_for(state="detached", timeout=20_000)

    store = Store(app_server.database_url)
    plan_id = store.list_plans()[0].plan_id
    assert store.load(plan_id).plan.answers["q-priorities"] == "Sam's rewrite"
    kept = [entry.value for entry in store.history(plan_id, "q:q-priorities")]
    assert "Maria's second thoughts" in kept and "Maria's priorities" in kept  # nothing lost
    for context in contexts:
        context.close()
