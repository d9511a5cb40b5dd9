"""Keyboard and screen reader: focus stays where the person is, Tab meets nothing invisible, and
axe-core finds no serious or critical problem on the start page, an area step and the review."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from roadmap.store import Store

from .helpers import new_page, start_plan, wait_counted, wait_idle

pytestmark = pytest.mark.browser

FOCUSED = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  return {tag: e.tagName, label: e.getAttribute('aria-label') || (e.innerText || '').trim().slice(0, 60),
          visible: r.width > 0 && r.height > 0 && e.checkVisibility({opacityProperty: true, visibilityProperty: true}),
          radio: !!e.closest('[data-testid=stRadio]'), checked: !!e.checked}; }"""


def stored_rating(server, action_id: str):
    store = Store(server.database_url)
    (plan,) = store.list_plans()
    return store.load(plan.plan_id).plan.ratings.get(action_id)


def test_rating_with_the_arrow_keys_keeps_focus_on_the_rating(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)  # the first run after starting is where focus used to drop
    page.locator("[data-testid=stRadio]").first.locator("input").first.focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")
        wait_counted(page, 1, 1)
        wait_idle(page)
        focused = page.evaluate(FOCUSED)
        assert focused["radio"] and focused["checked"], f"focus left the rating: {focused}"
    page.wait_for_timeout(300)
    assert stored_rating(app_server, "act-align-purpose").level == "developing"
    context.close()


def test_tab_from_the_top_meets_only_visible_stops_before_the_first_rating(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)
    page.reload()
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(1_000)  # a busy machine may still be drawing the sidebar
    page.locator("body").focus()
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        assert focused["tag"] != "IFRAME", f"Tab stopped on an invisible frame after {stops[:-1]}"
        assert focused["label"] != "Link to heading", "Tab stopped on a heading's link"
        assert focused["visible"], f"Tab stopped on something not shown: {focused}"
        if focused["radio"]:
            break
    else:
        pytest.fail(f"40 Tabs never reached the first rating: {[s['label'] for s in stops]}")
    context.close()


def serious_problems(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}, e.g. {v['nodes'][0]['target']})"
            for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_serious_on_the_start_page_an_area_and_the_review(app_server, browser, width):
    context, page = new_page(browser, app_server, width, 800)
    page.goto(app_server.url)
    page.get_by_label("District name").wait_for(timeout=30_000)
    wait_idle(page)
    problems = {"start": serious_problems(page)}
    start_plan(page, app_server.url)
    problems["area"] = serious_problems(page)
    context.close()
    context, page = new_page(browser, app_server, width, 800)
    page.goto(app_server.url)
    page.get_by_role("tab", name=re.compile("sample", re.I)).click()
    page.get_by_role("button", name="Open the sample plan").click()
    page.get_by_role("heading", name="Review and export").wait_for(timeout=30_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=20_000)
    page.get_by_text("Ratings action by action").click()
    wait_idle(page)
    problems["review"] = serious_problems(page)
    assert problems == {"start": [], "area": [], "review": []}
    context.close()
