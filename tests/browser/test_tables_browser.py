"""Table questions in a real browser: rows typed by keyboard, by mouse and by touch, pasted from a
spreadsheet, changed and deleted, with every keystroke reaching the store and the page holding still."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from roadmap.store import Store

from .helpers import go, new_page, start_plan, wait_idle

pytestmark = pytest.mark.browser

STAKEHOLDERS = ["stakeholder", "knowledge", "involvement", "by-when"]


def stored_answer(server, question_id: str):
    store = Store(server.database_url)
    (plan,) = store.list_plans()
    return store.load(plan.plan_id).plan.answers.get(question_id)


def add_form(page, question_id: str):
    """The "Add a row" form of question_id (its container's class is st-key-tform-<gen>-<question id>)."""
    return page.locator(f"[class*='st-key-tform-'][class*='-{question_id} ']").first


def focused_label(page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')")


def wait_focus_on(page, label: str, value: str = "") -> None:
    """Wait until the cursor is back in the box labelled label and the box holds value (the form was emptied)."""
    page.wait_for_function("([label, value]) => document.activeElement"
                           " && document.activeElement.getAttribute('aria-label') === label"
                           " && document.activeElement.value === value", arg=[label, value], timeout=20_000)


def stakeholders_typed(page, names) -> None:
    """Type each name into the stakeholders' "Add a row" form (open: the table is empty) and press Enter,
    waiting each time for the cursor to come back to the emptied first box."""
    add_form(page, "q-stakeholders").get_by_label("Stakeholder", exact=True).focus()
    for name in names:
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        wait_focus_on(page, "Stakeholder")
    wait_idle(page)


def choose_row_by_keyboard(page, row: int) -> None:
    """Choose row (from 1) in the stakeholders' "Row to change or delete" box with the arrow keys and Enter,
    opening "Change or delete a row" with the keyboard first if it is closed."""
    pick = page.locator("[class*='st-key-tpick-'][class*='-q-stakeholders']").get_by_label("Row to change or delete")
    if not pick.count():
        summary = page.locator("[class*='-q-stakeholders-changeopen'] summary")
        summary.focus()
        page.keyboard.press("Enter")
        pick.wait_for(timeout=20_000)
        wait_idle(page)
    pick.focus()
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(pick).to_have_value(re.compile(rf"^Row {row}\b"), timeout=20_000)
    expect(page.get_by_role("button", name="Change this row").first).to_be_enabled(timeout=20_000)
    wait_idle(page)


def test_three_rows_typed_by_keyboard_keep_every_keystroke_and_the_page_still(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)
    go(page, 2, "Know the context")
    form = add_form(page, "q-funding")
    first = form.get_by_label("Funding source", exact=True)
    first.scroll_into_view_if_needed()
    first.focus()
    typed = [("Title II, Part A: re-distributed from the district's professional learning budget", "2027-28",
              "$40,000", "Applied", "Reviewed each spring; the application is due by March 1"),
             ("Local levy", "2027-28", "15000", "Approved", ""),
             ("Community foundation grant", "2028-29", "", "To ask", "Contact: J. Ortiz")]
    # "Amount per year ($)" is a number column: "$40,000" is kept as the number 40000.
    kept = [(source, year, amount.replace("$", "").replace(",", ""), status, notes)
            for source, year, amount, status, notes in typed]
    for n, cells in enumerate(typed):
        top = first.bounding_box()["y"]
        for index, text in enumerate(cells):
            if index:
                page.keyboard.press("Tab")
            page.keyboard.type(text)
        page.keyboard.press("Enter")
        wait_focus_on(page, "Funding source")
        wait_idle(page)
        assert abs(first.bounding_box()["y"] - top) < 2, "the form moved under the person typing"
        rows = stored_answer(app_server, "q-funding")
        assert len(rows) == n + 1
    assert [(r["source"], r["year"], r["amount"], r["status"], r["notes"]) for r in rows] == kept
    table = page.locator("[class*='st-key-trows-']").last
    expect(table.get_by_text("Title II, Part A: re-distributed", exact=False)).to_be_visible()
    assert "None" not in table.inner_text()
    context.close()


def test_rows_changed_and_deleted_by_keyboard(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)
    stakeholders_typed(page, ("Principals", "Teachers' union", "School board"))
    shown = page.locator("[class*='st-key-trows-'][class*='-q-stakeholders'] tbody tr")
    expect(shown).to_have_count(3)
    choose_row_by_keyboard(page, 2)
    page.keyboard.press("Tab")  # past the box's "Clear value"
    page.keyboard.press("Tab")  # to "Change this row", enabled now that a row is chosen
    expect(page.get_by_role("button", name="Change this row").first).to_be_focused()
    page.keyboard.press("Enter")
    box = page.get_by_label("How we will involve them", exact=True).last
    box.wait_for(timeout=20_000)
    expect(page.get_by_text("Change row 2", exact=True)).to_be_visible()
    wait_idle(page)
    box.focus()
    page.keyboard.type("Monthly meeting with the president")
    page.keyboard.press("Enter")
    page.get_by_text("Change row 2", exact=True).wait_for(state="detached", timeout=20_000)
    expect(shown.nth(1)).to_contain_text("Monthly meeting with the president")
    wait_idle(page)
    choose_row_by_keyboard(page, 1)
    for _ in range(3):  # past "Clear value" and "Change this row" to "Delete this row"
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Delete this row").first).to_be_focused()
    page.keyboard.press("Space")
    expect(shown).to_have_count(2)
    wait_idle(page)
    rows = stored_answer(app_server, "q-stakeholders")
    assert [(r["stakeholder"], r["involvement"]) for r in rows] == [
        ("Teachers' union", "Monthly meeting with the president"), ("School board", "")]
    context.close()


def test_rows_added_by_touch_on_a_phone_read_as_cards_without_sideways_scroll(app_server, browser, artifacts):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    start_plan(page, app_server.url, "Riverbend Unified")
    form = add_form(page, "q-stakeholders")
    long_text = ("Principals know which grade teams already meet weekly and which schools have no common "
                 "planning time at all; they care about coverage when teachers leave the classroom.")
    for name, knowledge in (("Principals", long_text), ("Parents' council", "Homework load"), ("HR", "")):
        form.get_by_label("Stakeholder", exact=True).tap()
        page.keyboard.type(name)
        if knowledge:
            form.get_by_label("What they know or care about", exact=True).tap()
            page.keyboard.type(knowledge)
        form.get_by_role("button", name="Add row").tap()
        expect(form.get_by_label("Stakeholder", exact=True)).to_have_value("", timeout=20_000)
        wait_idle(page)
    rows = stored_answer(app_server, "q-stakeholders")
    assert [(r["stakeholder"], r["knowledge"]) for r in rows] == [
        ("Principals", long_text), ("Parents' council", "Homework load"), ("HR", "")]
    card = page.locator("[class*='st-key-trows-'] tbody tr").first  # a row is a card on a phone
    card.scroll_into_view_if_needed()
    # Each cell says what it is, above its text (drawn by the page's style, so read from the style)
    labels = card.evaluate("row => [...row.querySelectorAll('td')].map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"Stakeholder"', '"What they know or care about"', '"How we will involve them"', '"By when"']
    assert card.evaluate("row => getComputedStyle(row).display") == "block"  # a card, not a table row
    expect(card.get_by_text(long_text)).to_be_visible()
    box = card.get_by_text(long_text).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, "a long cell runs off the screen"
    page.screenshot(path=str(artifacts / "table-375.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert "None" not in page.locator("[class*='st-key-trows-']").first.inner_text()
    context.close()


def test_four_rows_pasted_from_a_spreadsheet_are_added(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)
    page.get_by_text("Paste rows from a spreadsheet").first.click()
    area = page.get_by_label(re.compile("^Rows copied from Excel or Google Sheets")).first
    area.wait_for(timeout=10_000)
    copied = ("Stakeholder\tWhat they know or care about\tHow we will involve them\tBy when\n"
              "Principals\tCoverage\tMonthly meeting\tSeptember\n"
              "Teachers' union\tWorkload\tJoint committee\tOctober\n"
              "School board\tBudget\tBriefing\tNovember\n"
              "Parents' council\tHomework\tSurvey\tDecember\n")
    area.fill(copied)
    page.get_by_role("button", name="Add the pasted rows").first.click()
    expect(page.locator("[class*='st-key-trows-'][class*='-q-stakeholders'] tbody tr")).to_have_count(4, timeout=20_000)
    rows = stored_answer(app_server, "q-stakeholders")
    assert [[r[c] for c in STAKEHOLDERS] for r in rows] == [
        ["Principals", "Coverage", "Monthly meeting", "September"],
        ["Teachers' union", "Workload", "Joint committee", "October"],
        ["School board", "Budget", "Briefing", "November"],
        ["Parents' council", "Homework", "Survey", "December"]]
    context.close()


def test_add_a_row_opened_by_keyboard_puts_the_cursor_in_its_first_box(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)
    stakeholders_typed(page, ("Principals",))
    go(page, 2, "Know the context")
    go(page, 1, "Design for impact")
    expect(add_form(page, "q-stakeholders")).to_have_count(0)  # a table with rows opens with its form closed
    summary = page.locator("[class*='-q-stakeholders-addopen'] summary")
    summary.focus()
    page.keyboard.press("Enter")
    wait_focus_on(page, "Stakeholder")  # the cursor is in the form's first box, ready to type
    page.keyboard.type("Teachers' union")
    page.keyboard.press("Tab")
    page.keyboard.type("Workload")
    page.keyboard.press("Enter")
    wait_focus_on(page, "Stakeholder")
    expect(page.locator("[class*='st-key-trows-'][class*='-q-stakeholders'] tbody tr")).to_have_count(2)
    rows = stored_answer(app_server, "q-stakeholders")
    assert [(r["stakeholder"], r["knowledge"]) for r in rows] == [("Principals", ""), ("Teachers' union", "Workload")]
    context.close()


def test_a_row_being_changed_is_left_alone_when_its_panel_is_closed(app_server, browser):
    context, page = new_page(browser, app_server, 1280, 720)
    start_plan(page, app_server.url)
    stakeholders_typed(page, ("Principals", "HR"))
    choose_row_by_keyboard(page, 2)  # opens "Change or delete a row" first
    page.get_by_role("button", name="Change this row").first.click()
    expect(page.get_by_text("Change row 2", exact=True)).to_be_visible(timeout=20_000)
    wait_idle(page)
    summary = page.locator("[class*='-q-stakeholders-changeopen'] summary")
    summary.click()  # closed with the row's form open: its boxes are forgotten, so the change is dropped
    page.get_by_text("Change row 2", exact=True).wait_for(state="detached", timeout=20_000)
    wait_idle(page)
    summary.click()
    page.locator("[class*='st-key-tpick-'][class*='-q-stakeholders']").wait_for(timeout=20_000)
    wait_idle(page)
    expect(page.get_by_text("Change row 2", exact=True)).to_have_count(0)  # not back with empty boxes
    assert [r["stakeholder"] for r in stored_answer(app_server, "q-stakeholders")] == ["Principals", "HR"]
    context.close()
