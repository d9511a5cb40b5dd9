"""A team on 375 px phones: the step and progress at the top of the page, the sidebar folding away
once a step is chosen, and the review fitting the screen without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import start_plan, wait_idle

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= innerWidth"


def phone(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url) else route.abort())
    return context, context.new_page()


def choose_step(page, title: str) -> None:
    wait_idle(page)
    page.get_by_label("Go to step").tap()
    page.get_by_role("option", name=re.compile("^" + re.escape(title))).click()
    page.get_by_role("heading", name=title).wait_for(timeout=20_000)
    wait_idle(page)


def test_a_phone_shows_the_step_and_progress_on_the_page_and_folds_the_sidebar_after_a_step(app_server, browser):
    context, page = phone(browser, app_server)
    start_plan(page, app_server.url, "Riverbend Unified")
    bar = page.locator(".st-key-stepbar")
    expect(bar).to_contain_text("1. Design for impact · step 2 of 6")
    expect(bar).to_contain_text("0% of the plan answered and rated")
    assert bar.bounding_box()["y"] < 300, "the step indicator is not at the top of the page"
    page.get_by_text("2 · Emerging").first.tap()
    expect(bar).to_contain_text(re.compile(r"[1-9]\d?% of the plan answered and rated"), timeout=20_000)

    choose_step(page, "3. Define the measures")
    expect(bar).to_contain_text("step 4 of 6")

    page.locator("[data-testid=stExpandSidebarButton]").first.tap()
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.get_by_role("button", name=re.compile(r"^2\. Know the context")).tap()
    page.get_by_role("heading", name="2. Know the context").wait_for(timeout=20_000)
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=10_000)
    heading = page.get_by_role("heading", name="2. Know the context").bounding_box()
    assert heading["x"] >= 0 and heading["y"] < 812, "the new step's heading is not in view"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()


def test_the_review_fits_a_phone(app_server, browser, artifacts):
    context, page = phone(browser, app_server)
    page.goto(app_server.url)
    page.get_by_role("tab", name=re.compile("sample", re.I)).tap()
    page.get_by_role("button", name="Open the sample plan").tap()
    page.get_by_role("heading", name="Review and export").wait_for(timeout=30_000)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=20_000)
    wait_idle(page)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    ticks = [t.bounding_box() for t in chart.locator(".xtick text").all()]
    assert len(ticks) >= 4
    for left, right in zip(ticks, ticks[1:]):
        assert left["x"] + left["width"] <= right["x"] + 1, "the level names under the chart overlap"
    assert all(t["x"] >= box["x"] and t["x"] + t["width"] <= box["x"] + box["width"] + 1 for t in ticks)
    page.screenshot(path=str(artifacts / "review-chart-375.png"))

    page.get_by_text("Ratings action by action").tap()
    action = page.get_by_text(re.compile("^Examining key priorities and identifying a purpose"))
    action.wait_for(timeout=10_000)
    line = action.bounding_box()
    assert line["x"] >= 0 and line["x"] + line["width"] <= 375, "an action's text runs off the screen"
    expect(action).to_contain_text("that enables teacher leadership to align with those priorities")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()
