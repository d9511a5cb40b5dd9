"""A workshop over time (#16): the facilitator starts a new round for every team at once, and the dashboard,
the presenter view and the summary document compare the workshop's rounds, combined and team by team."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from docx import Document

from roadmap.plan import Rating
from roadmap.rounds import rating_key
from roadmap.workshop_exports import build_collect_zip
from roadmap.workshop_rounds import SECTION_TITLE, combined_by_round, team_change_table, team_rounds

from .apptest_helpers import button, database_url, run, store  # noqa: F401
from .test_app_facilitator import PASSPHRASE, sign_in

DAY = dt.date(2026, 10, 1)


@pytest.fixture
def created(store):
    return store.create_workshop("Autumn Institute", PASSPHRASE, ["Riverbend", "Lakeside"], day=DAY)


def rate(store, plan_id, action_id, level):
    seen = store.load(plan_id).versions.get(rating_key(action_id), 0)
    store.save_rating(plan_id, action_id, Rating(level=level), seen, who="Ana")


def two_sessions(store, created):
    """Autumn: Riverbend 1 and 2 on area 1's actions, Lakeside 3 and 3. Spring: Riverbend moves to 3 and 3."""
    riverbend, lakeside = (t.team.plan_id for t in created.teams)
    rate(store, riverbend, "act-align-purpose", "not-started")
    rate(store, riverbend, "act-engage-stakeholders", "emerging")
    rate(store, lakeside, "act-align-purpose", "developing")
    rate(store, lakeside, "act-engage-stakeholders", "developing")
    store.start_workshop_round(created.workshop.workshop_id, "Spring 2027", who="facilitator")
    rate(store, riverbend, "act-align-purpose", "developing")
    rate(store, riverbend, "act-engage-stakeholders", "developing")
    return riverbend, lakeside


def test_the_rounds_combine_the_teams_round_by_round(store, created, bank):
    riverbend, lakeside = two_sessions(store, created)
    assert store.workshop_round_count(created.workshop.workshop_id) == 2
    teams = team_rounds(bank, [("Riverbend", store.load(riverbend).plan), ("Lakeside", store.load(lakeside).plan)])
    by_round = combined_by_round(bank, teams)
    assert [label for label, _ in by_round][1] == "Spring 2027"
    first, second = (scores[0] for _, scores in by_round)
    assert (first.mean, second.mean) == (2.25, 3.0)  # (1.5 + 3) / 2, then (3 + 3) / 2
    assert (first.rated, first.actions) == (2, 2)
    assert second.label == "3.0: Developing"
    headers, rows = team_change_table(bank, teams)
    assert headers[1] == bank.areas[0].title
    assert rows[0][:2] == ["Riverbend", "1.5 -> 3.0"] and rows[1][:2] == ["Lakeside", "3.0 -> 3.0"]


def test_the_summary_document_compares_the_rounds(store, created, bank):
    two_sessions(store, created)
    workshop = store.workshop(created.workshop.workshop_id)
    archive = zipfile.ZipFile(io.BytesIO(build_collect_zip(store, workshop, bank, DAY, anonymise=True)))
    document = Document(io.BytesIO(archive.read("workshop-summary.docx")))
    texts = [p.text for p in document.paragraphs]
    assert SECTION_TITLE in texts
    heading = next(p for p in document.paragraphs if p.text == SECTION_TITLE)
    assert heading.style.name == "Heading 1" and heading.paragraph_format.page_break_before
    descriptions = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert any(d.startswith("Bar chart of readiness over time, the mean of the teams' self-assessments") and
               "Spring 2027: 3.0" in d for d in descriptions)
    tables = {tuple(c.text for c in t.rows[0].cells): t for t in document.tables}
    combined = next(t for h, t in tables.items() if h[0] == "Area" and h[-1] == "Spring 2027")
    assert [c.text for c in combined.rows[1].cells][1:] == ["2.3", "3.0"]  # 2.25 rounds half up
    teams = next(t for h, t in tables.items() if h[0] == "Team" and h[1] == bank.areas[0].title)
    # Anonymised as the rest of the summary: Team A, Team B.
    assert [[c.text for c in r.cells][:2] for r in teams.rows[1:]] == [["Team A", "1.5 -> 3.0"],
                                                                      ["Team B", "3.0 -> 3.0"]]


def test_a_workshop_of_one_round_has_no_comparison(store, created, bank):
    workshop = store.workshop(created.workshop.workshop_id)
    archive = zipfile.ZipFile(io.BytesIO(build_collect_zip(store, workshop, bank, DAY)))
    document = Document(io.BytesIO(archive.read("workshop-summary.docx")))
    assert SECTION_TITLE not in [p.text for p in document.paragraphs]
    assert store.workshop_round_count(created.workshop.workshop_id) == 1


def test_the_facilitator_starts_a_round_for_every_team_and_compares_them(store, created, bank):
    riverbend, lakeside = (t.team.plan_id for t in created.teams)
    rate(store, riverbend, "act-align-purpose", "not-started")
    at = sign_in(created.code)
    assert not [t for t in at.tabs if t.label.startswith("Over time")]
    at.text_input(key="_fac:round:label").input("Spring 2027")
    at.checkbox(key="_fac:round:sure").check()
    run(at)
    button(at, "Start the new round").click()
    run(at)
    assert any("round 2" in s.value and "Spring 2027" in s.value for s in at.success)
    assert [store.list_rounds(p)[-1].label for p in (riverbend, lakeside)] == ["Spring 2027", "Spring 2027"]
    assert [t.label for t in at.tabs if t.label.startswith("Over time")] == ["Over time (2 rounds)"]
    at.toggle(key="_fac:round:show").set_value(True)
    run(at)
    table = at.table[-1].value
    assert list(table.columns)[-1] == "Spring 2027"
    assert table.loc[bank.areas[0].title].iloc[0] == "1.0"
    each = at.dataframe[-1].value
    assert list(each["Team"]) == ["1. Riverbend", "2. Lakeside"]


def test_the_presenter_view_offers_the_rounds_once_there_are_two(store, created, bank):
    two_sessions(store, created)
    at = sign_in(created.code)
    at.switch_page("app_pages/presenter.py")
    run(at)
    control = at.get("button_group")[0]
    assert "Over time" in str(control.proto)
    at.session_state["_pres:view"] = "Over time"
    run(at)
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [bar["name"] for bar in spec["data"]][-1] == "Spring 2027"
    assert list(at.table[0].value.columns)[-1] == "Spring 2027"
    assert not at.dataframe  # no table of every team on the projector


def test_the_presenter_reads_every_plan_again_only_after_a_team_saves(store, created, bank, monkeypatch):
    """The presenter redraws every few seconds; comparing the rounds reads every team's whole plan."""
    from roadmap.store import Store

    riverbend, _ = two_sessions(store, created)
    reads = []
    original = Store.workshop_plans
    monkeypatch.setattr(Store, "workshop_plans", lambda self, workshop_id: reads.append(workshop_id)
                        or original(self, workshop_id))
    at = sign_in(created.code)
    at.switch_page("app_pages/presenter.py")
    run(at)
    at.session_state["_pres:view"] = "Over time"
    run(at)
    run(at)  # a refresh with nothing new
    assert len(reads) == 1
    assert at.table[0].value.loc[bank.areas[0].title].iloc[-1] == "3.0"
    rate(store, riverbend, "act-align-purpose", "established")
    run(at)
    assert len(reads) == 2  # a team saved: the comparison is read again, and shows the new rating
    assert at.table[0].value.loc[bank.areas[0].title].iloc[-1] == "3.3"  # Riverbend (4 + 3) / 2, Lakeside 3: 3.25
