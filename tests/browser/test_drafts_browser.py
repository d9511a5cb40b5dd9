"""Words being typed survive a dropped connection and a server restart: the browser keeps a draft and
offers it back beside the saved answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from roadmap.store import Store

from .conftest import CuttableLink
from .helpers import answer, back_on_plan, start_plan, wait_idle

pytestmark = pytest.mark.browser

PRIORITIES = "What priorities can be advanced through teacher leadership?"


def stored_answers(server) -> dict:
    store = Store(server.database_url)
    return store.load(store.list_plans()[0].plan_id).plan.answers


def offer(page):
    return page.locator("[data-roadmap-offer]")


def test_words_typed_when_the_connection_dropped_are_offered_back_and_kept(app_server, browser):
    link = CuttableLink(app_server.port)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        start_plan(page, link.url, "Lakeside Unified")
        answer(page, 1, PRIORITIES, "Saved: mathematics in grades 6-8")
        box = page.get_by_label(re.compile("^" + re.escape(PRIORITIES)))
        box.click()
        page.keyboard.press("End")
        page.keyboard.type(", and retention of new teachers in their first three years")  # never leaves the box

        link.cut()  # the Wi-Fi drops mid-sentence, and the server restarts meanwhile
        page.get_by_text(re.compile("Connecting|Connection error|reconnect", re.I)).first.wait_for(timeout=30_000)
        app_server.kill()
        app_server.start()
        link.restore()
        back_on_plan(page)
        page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
        wait_idle(page, timeout=60)

        typed = "Saved: mathematics in grades 6-8, and retention of new teachers in their first three years"
        expect(offer(page)).to_contain_text("You were typing this when the connection dropped", timeout=30_000)
        expect(offer(page)).to_contain_text(typed)
        expect(box).to_have_value("Saved: mathematics in grades 6-8")  # the saved answer, beside the offer
        offer(page).get_by_role("button", name="Keep it").click()
        expect(box).to_have_value(typed, timeout=20_000)
        wait_idle(page)
        for _ in range(100):
            if stored_answers(app_server).get("q-priorities") == typed:
                break
            page.wait_for_timeout(100)
        assert stored_answers(app_server)["q-priorities"] == typed
        expect(offer(page)).to_have_count(0)
        page.reload()
        page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
        wait_idle(page)
        page.wait_for_timeout(1_000)
        expect(offer(page)).to_have_count(0)  # a draft that is saved is dropped, not offered again
        context.close()
    finally:
        link.close()


def test_a_draft_can_be_discarded_and_the_saved_answer_stays(app_server, browser, artifacts):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    start_plan(page, app_server.url, "Riverbend Unified")
    box = page.get_by_label(re.compile("^" + re.escape(PRIORITIES)))
    box.tap()
    page.keyboard.type("Half a thought the team decided against")
    page.reload()  # the tab is reloaded before the box is left: its words never reached the server
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    expect(offer(page)).to_contain_text("Half a thought the team decided against", timeout=30_000)
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    offer(page).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "draft-offer-375.png"))
    offer(page).get_by_role("button", name="Discard").tap()
    expect(offer(page)).to_have_count(0)
    expect(box).to_have_value("")
    page.reload()
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(1_000)
    expect(offer(page)).to_have_count(0)
    assert "q-priorities" not in stored_answers(app_server)
    context.close()
