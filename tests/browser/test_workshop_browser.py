"""A workshop in real browsers: the facilitator's dashboard follows two teams as they rate, without a click."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT
from .helpers import done_on_step, wait_counted, wait_idle

pytestmark = pytest.mark.browser

PASSPHRASE = "blue heron at the lake"


def create_workshop(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "ROADMAP_FACILITATOR_PASSPHRASE": PASSPHRASE}
    result = subprocess.run([sys.executable, "-m", "roadmap", "workshop", "create", "--name", "Spring Institute",
                             "--team", "Riverbend", "--team", "Lakeside", "--json"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=True)
    return json.loads(result.stdout)


def join(page, url: str, code: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Resume with a code").click()
    page.get_by_role("textbox", name="Resume code").fill(code)
    page.get_by_role("button", name="Open the plan").click()
    page.get_by_role("heading", name="1. Design for impact").wait_for(timeout=20_000)
    wait_idle(page)


def rate_first_action(page, level: str) -> None:
    before = done_on_step(page, 1)
    page.get_by_role("radiogroup", name=re.compile("^Readiness: Examining key priorities")).get_by_text(level).click()
    wait_counted(page, 1, before + 1)


def test_the_dashboard_follows_both_teams_by_itself(app_server, browser, artifacts):
    created = create_workshop(app_server.database_url)
    riverbend, lakeside = (t["code"] for t in created["teams"])
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(3)]
    facilitator, team_one, team_two = (c.new_page() for c in contexts)

    facilitator.goto(f"{app_server.url}/facilitator")
    facilitator.get_by_role("textbox", name="Workshop code").fill(created["workshop"]["code"])
    facilitator.get_by_role("textbox", name="Facilitator passphrase").fill(PASSPHRASE)
    facilitator.get_by_role("button", name="Open the dashboard").click()
    facilitator.get_by_role("heading", name="Spring Institute").wait_for(timeout=20_000)
    wait_idle(facilitator)
    facilitator.get_by_role("tab", name="Combined picture").click()
    table = facilitator.locator("[data-testid=stTable]")
    table.get_by_text("0 of 2").first.wait_for(timeout=20_000)

    join(team_one, app_server.url, riverbend)
    join(team_two, app_server.url, lakeside)
    rate_first_action(team_one, "3 · Developing")
    rate_first_action(team_two, "2 · Emerging")

    # Nobody touches the facilitator's page: it refreshes itself every few seconds.
    row = table.locator("tr", has_text="Design for impact")
    row.get_by_text("2 of 2").wait_for(timeout=20_000)
    assert row.get_by_text("2.5: between Emerging and Developing").is_visible()  # (3 + 2) / 2, on the rubric's scale
    facilitator.get_by_role("tab", name="Readiness heat map").click()
    heatmap = facilitator.locator(".js-plotly-plot").first
    heatmap.get_by_text("3.0").wait_for(timeout=20_000)
    assert heatmap.get_by_text("2.0", exact=True).count() == 1
    facilitator.screenshot(path=str(artifacts / "facilitator-1280.png"), full_page=True)
    for context in contexts:
        context.close()
