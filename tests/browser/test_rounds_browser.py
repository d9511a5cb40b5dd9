"""A team in a real browser closes a round, reviews two answers, changes one rating and downloads a plan whose
"Readiness over time" shows both rounds."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from roadmap.store import Store

from .helpers import answer, done_on_step, go, start_plan, wait_counted, wait_idle

pytestmark = pytest.mark.browser

PRIORITIES = "What priorities can be advanced through teacher leadership?"
PATHWAY = "Does the proposed teacher leadership initiative do more than provide a career pathway"


def test_a_team_closes_a_round_reviews_and_downloads_both_rounds(app_server, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    start_plan(page, app_server.url, "Riverbend Unified")
    answer(page, 1, PRIORITIES, "Mathematics in grades 6-8")
    answer(page, 1, PATHWAY, "Yes: each role has a job tied to a priority")
    before = done_on_step(page, 1)
    page.get_by_text("2 · Emerging").first.click()
    wait_counted(page, 1, before + 1)

    go(page, None, "Review and export")
    page.get_by_text("Start a new round", exact=True).first.click()
    page.get_by_role("textbox", name="Name of the new round").fill("Spring 2027")
    page.get_by_role("textbox", name="Name of the new round").press("Tab")
    wait_idle(page)
    page.get_by_text(re.compile("^Close .* and start the new round$")).click()
    wait_idle(page)
    page.get_by_role("button", name="Start a new round").click()
    page.get_by_text(re.compile("Round .Spring 2027. started")).wait_for(timeout=20_000)
    wait_idle(page)
    expect(page.locator("[data-testid=stSidebar]").get_by_text("0 of 3 reviewed this round")).to_be_visible()

    go(page, 1, "Design for impact")
    expect(page.get_by_text(re.compile("Not yet reviewed this round"))).to_have_count(3)
    page.get_by_role("button", name="Still true").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "rounds-area-1280.png"))
    for remaining in (2, 1):  # the two answers: still true (each click's run ends before the next click)
        page.get_by_role("button", name="Still true").last.click()
        expect(page.get_by_text(re.compile("Not yet reviewed this round"))).to_have_count(remaining, timeout=20_000)
        wait_idle(page)
    page.get_by_text("3 · Developing").first.click()  # the rating changes
    wait_idle(page)
    expect(page.locator("[data-testid=stSidebar]").get_by_text("3 of 3 reviewed this round")).to_be_visible(
        timeout=20_000)
    expect(page.get_by_text(re.compile("Not yet reviewed this round"))).to_have_count(0)

    go(page, None, "Review and export")
    page.get_by_text("Readiness over time", exact=True).first.wait_for(timeout=20_000)
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=20_000)
    page.get_by_text("Readiness over time", exact=True).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "rounds-review-1280.png"), full_page=True)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download the plan (.docx)").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    texts = [p.text for p in document.paragraphs]
    assert "Readiness over time" in texts
    start = texts.index("Readiness over time")
    assert "Spring 2027" in texts[start + 1]
    first = Store(app_server.database_url).load(Store(app_server.database_url).list_plans()[0].plan_id).plan
    assert first.rounds[0].label in texts[start + 1]
    moved = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == ["Action", "From", "To", "Notes"])
    assert [c.text for c in moved.rows[1].cells][1:3] == [f"Emerging ({first.rounds[0].label})",
                                                          "Developing (Spring 2027)"]
    assert first.round.unreviewed == []
    context.close()
