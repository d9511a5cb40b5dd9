"""The workshop day in real browsers: the presenter view fits a 1280x720 projector with 30 teams, a
facilitator's reload keeps them signed in, and closing while a team types keeps the text and locks the page."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from playwright.sync_api import expect

from roadmap.bank import load_bank
from roadmap.session import PlanSession
from roadmap.store import Store

from .helpers import wait_idle

pytestmark = pytest.mark.browser

PASSPHRASE = "blue heron at the lake"
LEVELS = ("not-started", "emerging", "developing", "established")
NAMES = ["Riverbend Unified", "Saint-Étienne ISD & \"Friends\"", '=HYPERLINK("http://x","y")',
         "Hillcrest Community School District Number Nine"] + [f"District {i}" for i in range(5, 31)]


def thirty_teams(database_url: str):
    """A workshop of 30 teams, most rated, with members apart on some actions."""
    store, bank = Store(database_url), load_bank()
    made = store.create_workshop("Spring Leadership Institute", PASSPHRASE, NAMES, day=dt.date(2026, 3, 14))
    cycle = itertools.cycle(LEVELS)
    for index, team in enumerate(made.teams):
        session = PlanSession.open(store, bank, team.team.plan_id, who="test")
        for action_id in list(bank.actions)[: 3 + index % 9]:
            session.rate(action_id, next(cycle))
        for member, level in (("Ana", LEVELS[0]), ("Ben", LEVELS[index % 4])):
            store.save_member_rating(team.team.plan_id, member, "act-funding", level)
    store.close()
    return made


def sign_in(page, url: str, code: str) -> None:
    page.goto(f"{url}/facilitator")
    page.get_by_role("textbox", name="Workshop code").fill(code)
    page.get_by_role("textbox", name="Facilitator passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Open the dashboard").click()
    page.get_by_role("heading", name="Spring Leadership Institute").wait_for(timeout=30_000)
    wait_idle(page)
    page.wait_for_function("document.cookie.includes('roadmap_facilitator=')", timeout=30_000)


OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('[data-testid=stPlotlyChart] svg text')]
    .filter(t => t.textContent.trim())
    .map(t => ({text: t.textContent, r: t.getBoundingClientRect()}))
    .filter(b => b.r.width > 0 && b.r.height > 0);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (dx > 1 && dy > 1) hits.push([boxes[i].text, boxes[j].text]);
  }
  return {count: boxes.length, hits};
}"""
SCROLL = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return {page: document.scrollingElement.scrollHeight - window.innerHeight,
          main: main ? main.scrollHeight - main.clientHeight : 0,
          wide: document.scrollingElement.scrollWidth - window.innerWidth};
}"""


def check_fits(page, view: str, artifacts) -> None:
    page.wait_for_selector("[data-testid=stPlotlyChart] svg text", timeout=20_000)
    wait_idle(page)
    # On a loaded machine the chart may still be swapping for the chosen view (the view refreshes itself
    # every 5 s): measure again for a few seconds before calling a transient state a failure.
    for _ in range(10):
        scroll, found = page.evaluate(SCROLL), page.evaluate(OVERLAPS)
        if max(scroll.values()) <= 0 and not found["hits"] and found["count"] >= 8:
            break
        page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / f"presenter-{view.lower().replace(' ', '-')}.png"))
    assert scroll["page"] <= 0 and scroll["main"] <= 0 and scroll["wide"] <= 0, (view, scroll)
    assert found["count"] >= 8, view  # the chart's labels were drawn
    assert found["hits"] == [], (view, found["hits"][:5])


def test_the_presenter_view_fits_a_projector_with_thirty_teams_and_no_label_overlaps(app_server, browser,
                                                                                     artifacts):
    made = thirty_teams(app_server.database_url)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    sign_in(page, app_server.url, made.code)
    page.goto(f"{app_server.url}/present")  # a new page load: signed in by the device's token
    page.get_by_text("Combined picture", exact=True).wait_for(timeout=30_000)
    check_fits(page, "Combined picture", artifacts)
    for view in ("Heat map", "Where members disagree"):
        page.get_by_text(view, exact=True).click()
        check_fits(page, view, artifacts)
    page.get_by_text("Heat map", exact=True).click()
    labels = page.locator("[data-testid=stPlotlyChart] svg text")
    labels.filter(has_text="15. District 15").wait_for(timeout=20_000)  # 30 teams: two pages of 15
    assert labels.filter(has_text="1. Riverbend Unified").count() == 1
    assert labels.filter(has_text="16. District 16").count() == 0
    page.get_by_text("Hide names", exact=True).click()
    page.locator("[data-testid=stPlotlyChart] svg text", has_text="Team A").first.wait_for(timeout=20_000)
    # The chart is redrawn with the names hidden: wait for the old labels to go, not only for a new one.
    expect(page.locator("[data-testid=stPlotlyChart] svg text", has_text="Riverbend")).to_have_count(
        0, timeout=20_000)
    context.close()


def test_a_facilitators_reload_keeps_them_signed_in_and_signing_out_ends_it(app_server, browser):
    made = thirty_teams(app_server.database_url)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    sign_in(page, app_server.url, made.code)
    page.reload()
    page.get_by_role("heading", name="Spring Leadership Institute").wait_for(timeout=30_000)
    assert page.get_by_role("textbox", name="Facilitator passphrase").count() == 0
    page.get_by_role("button", name="Sign out of this workshop").click()
    page.get_by_role("textbox", name="Facilitator passphrase").wait_for(timeout=20_000)
    wait_idle(page)
    page.reload()
    page.get_by_role("textbox", name="Facilitator passphrase").wait_for(timeout=30_000)
    context.close()


def test_closing_while_a_team_types_keeps_the_text_and_locks_the_page(app_server, browser, artifacts):
    store = Store(app_server.database_url)
    made = store.create_workshop("Spring Leadership Institute", PASSPHRASE, ["Riverbend"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(app_server.url)
    page.get_by_role("tab", name="Resume with a code").click()
    page.get_by_role("textbox", name="Resume code").fill(made.teams[0].code)
    page.get_by_role("button", name="Open the plan").click()
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    wait_idle(page)
    box = page.get_by_role("textbox", name="What priorities can be advanced through teacher leadership?",
                           exact=False).first
    typed = "Early literacy and the new teachers' first two years. " * 6  # 330 characters
    box.fill(typed)
    store.set_workshop_status(made.workshop.workshop_id, "closed")  # the facilitator closes meanwhile
    box.press("Tab")
    page.get_by_text("closed by the facilitator while you typed").wait_for(timeout=20_000)
    wait_idle(page)
    page.screenshot(path=str(artifacts / "closed-while-typing.png"))
    assert box.input_value() == typed
    assert box.is_disabled()
    assert page.get_by_text("this plan is read-only").count() == 1
    assert page.get_by_role("radiogroup").first.get_by_role("radio").first.is_disabled()
    store.set_workshop_status(made.workshop.workshop_id, "open")
    page.reload()  # another run of the page: the fields are open again
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    wait_idle(page)
    assert not page.get_by_role("textbox", name="What priorities can be advanced through teacher leadership?",
                                exact=False).first.is_disabled()
    store.close()
    context.close()
