"""Workshop logic: members' spread and where they diverge, the dashboard's rows and charts, and what a
facilitator collects at the end (every .docx reopened with python-docx, the CSV and Excel read back)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from roadmap.document import DocumentOptions, build_plan_document, to_docx_bytes
from roadmap.plan import AnswerError, Plan
from roadmap.session import PlanSession
from roadmap.store import MemberRating, StoredPlan, TeamCode, TeamProgress, Workshop, WorkshopTeam
from roadmap.workshop import (
    NOT_RATED, QUIET_MINUTES, WorkshopSetupError, action_spread, action_spreads, answer_text, build_combined_figure,
    build_heatmap, build_join_cards, combined_areas, combined_table, dashboard_rows, document_spreads,
    draw_combined_chart, is_divergent, median_label, median_level, rate_as_member, spread_text, team_names,
)
from roadmap.workshop_exports import (
    MEMBER_HEADERS, RATINGS_HEADERS, TeamPlan, build_collect_zip, build_summary_document, member_ratings_table,
    ratings_table, to_csv, to_xlsx,
)

from .test_store import database_url, store, waits  # noqa: F401 - the fixtures shared with test_store

NOW = dt.datetime(2026, 3, 14, 10, 30, tzinfo=dt.timezone.utc)
LEVEL = {1: "not-started", 2: "emerging", 3: "developing", 4: "established", None: "not-applicable"}


def reopen(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def doc_text(document: docx.Document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# Spread, median and divergence ---------------------------------------------------------------------


@pytest.mark.parametrize("levels, median, flagged", [
    ([1, 1, 2], 1.0, False),
    ([1, 3], 2.0, True),
    ([2, 4], 3.0, True),
    ([2, 3, 3, 2], 2.5, False),
    ([1, None, 3], 2.0, True),  # not applicable is shown but not scored
    ([2, None], 2.0, False),
    ([None, None], None, False),
    ([4], 4.0, False),  # a single rater is never "apart"
    ([], None, False),  # nobody has rated yet
])
def test_spread_gives_the_median_and_flags_members_two_levels_apart(bank, levels, median, flagged):
    choices = {f"Member {n}": LEVEL[value] for n, value in enumerate(levels)}
    spread = action_spread(bank, "act-align-purpose", choices)
    assert spread.median == median
    assert spread.divergent is flagged
    assert spread.raters == len(levels)
    assert spread.values == tuple(sorted(v for v in levels if v is not None))


@pytest.mark.parametrize("values, expected", [([], None), ([3], 3.0), ([1, 4], 2.5), ([1, 2, 4], 2.0)])
def test_median_level(values, expected):
    assert median_level(values) == expected


@pytest.mark.parametrize("values, gap, expected", [([1, 2], 2, False), ([1, 3], 2, True), ([1, 2], 1, True),
                                                   ([3], 2, False)])
def test_divergence_is_a_gap_of_at_least_the_threshold(values, gap, expected):
    assert is_divergent(values, gap) is expected


@pytest.mark.parametrize("median, label", [
    (None, "No ratings"), (2.0, "2 · Emerging"), (2.5, "2.5 (between Emerging and Developing)"),
    (4.0, "4 · Established"),
])
def test_median_is_shown_in_words(bank, median, label):
    assert median_label(bank, median) == label


def test_spread_text_says_who_chose_what_and_where_to_talk(bank):
    spread = action_spread(bank, "act-funding", {"Tom": "established", "ana": "emerging", "Chen": "not-applicable"})
    text = spread_text(bank, spread)
    assert text == ("ana: 2 · Emerging; Chen: Not applicable; Tom: 4 · Established. "
                    "Median 3 · Developing. Members were 2 or more levels apart.")
    assert spread_text(bank, action_spread(bank, "act-funding", {})) == "No individual ratings"


def test_spreads_cover_every_action_and_the_document_only_the_rated_ones(bank):
    ratings = [MemberRating("Maria", "act-funding", "emerging", NOW),
               MemberRating("Tom", "act-funding", "emerging", NOW),
               MemberRating("Maria", "act-no-longer-in-bank", "emerging", NOW)]
    spreads = action_spreads(bank, ratings)
    assert list(spreads) == list(bank.actions)
    assert spreads["act-funding"].raters == 2 and spreads["act-align-purpose"].raters == 0
    assert list(document_spreads(bank, ratings)) == ["act-funding"]


def test_the_plan_document_shows_the_agreed_rating_and_the_spread_beside_it(bank):
    plan = Plan()
    plan.set_rating(bank, "act-funding", "developing", "Agreed after a long talk")
    spreads = document_spreads(bank, [MemberRating("Maria", "act-funding", "not-started", NOW),
                                      MemberRating("Tom", "act-funding", "developing", NOW)])
    options = DocumentOptions(sections={"areas", "action_notes"}, include_rating_spread=True, rating_spreads=spreads)
    document = reopen(to_docx_bytes(build_plan_document(plan, bank, options)))
    table = next(t for t in document.tables if any("finding potential funding" in c.text for c in t.columns[0].cells))
    assert [c.text for c in table.rows[0].cells] == ["High-impact action", "Readiness", "Team's ratings",
                                                     "Evidence note"]
    row = next(r for r in table.rows if "finding potential funding" in r.cells[0].text)
    assert row.cells[1].text == "3 · Developing"
    assert row.cells[2].text.startswith("Maria: 1 · Not started; Tom: 3 · Developing. Median 2 · Emerging.")
    assert "2 or more levels apart" in row.cells[2].text
    assert row.cells[3].text == "Agreed after a long talk"


def test_a_member_rating_must_name_a_known_action_and_level(bank):
    with pytest.raises(AnswerError, match="no action act-nope"):
        rate_as_member(None, bank, "plan", "Maria", "act-nope", "emerging")
    with pytest.raises(AnswerError, match="not a readiness level"):
        rate_as_member(None, bank, "plan", "Maria", "act-funding", "superb")


# Setting up ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count, names, expected", [
    (3, [], ["Team 1", "Team 2", "Team 3"]),
    (None, ["Riverbend ", "", "  Lake   side"], ["Riverbend", "Lake side"]),
])
def test_teams_come_from_a_number_or_from_names(count, names, expected):
    assert team_names(count, names) == expected


@pytest.mark.parametrize("count, names, message", [
    (None, [], "at least one team"),
    (0, [], "at least one team"),
    (2, ["A"], "not both"),
    (None, ["A", "a"], "given twice"),
    (101, [], "at most 100"),
])
def test_team_names_that_cannot_be_used_are_refused(count, names, message):
    with pytest.raises(WorkshopSetupError, match=message):
        team_names(count, names)


def test_join_cards_have_one_page_per_team_with_the_address_and_code():
    teams = [TeamCode(WorkshopTeam("p1", "Riverbend", 1), "K7QF-M2XR-9P"),
             TeamCode(WorkshopTeam("p2", "Lakeside", 2), "ABCD-EFGH-JK")]
    document = reopen(to_docx_bytes(build_join_cards("Spring Institute", teams, "https://plan.example.org")))
    text = doc_text(document)
    assert text.count("Open the planner: https://plan.example.org") == 2
    assert "K7QF-M2XR-9P" in text and "ABCD-EFGH-JK" in text
    assert text.count("also your team's resume code") == 2
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == ["Riverbend", "Lakeside"]
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert [p.text for p in breaks] == ["Spring Institute"]  # the second card starts a page


# The dashboard --------------------------------------------------------------------------------------


def summary(plan_id: str, name: str, position: int, ratings: dict, answered: dict | None = None,
            minutes_ago: int = 0, raters: int = 0, devices: int = 1) -> TeamProgress:
    filled = {f"answered:{a}": n for a, n in (answered or {}).items()}
    at = NOW - dt.timedelta(minutes=minutes_ago)
    return TeamProgress(WorkshopTeam(plan_id, name, position), name, at, filled, ratings, raters, None,
                        devices=devices, created_at=NOW - dt.timedelta(hours=1))


@pytest.fixture
def rows(bank):
    teams = [
        summary("p1", "Riverbend", 1, {"act-align-purpose": "developing", "act-engage-stakeholders": "established",
                                       "act-funding": "emerging"}, {"design-for-impact": 2}, minutes_ago=3),
        summary("p2", "Lakeside", 2, {"act-align-purpose": "not-started", "act-engage-stakeholders": "emerging"},
                minutes_ago=QUIET_MINUTES + 2),
        summary("p3", "Hillcrest", 3, {}, minutes_ago=QUIET_MINUTES + 30),
    ]
    return dashboard_rows(bank, teams, NOW)


def test_dashboard_rows_show_progress_readiness_and_who_is_quiet(bank, rows):
    first = rows[0].areas[0]
    assert (first.answered, first.rated, first.actions) == (2, 2, 2)
    assert first.readiness == 3.5  # (3 + 4) / 2, on the rubric's scale
    assert first.readiness_label == "3.5: between Developing and Established"
    assert rows[0].areas[1].readiness == 2.0
    assert rows[1].areas[0].readiness == 1.5  # (1 + 2) / 2
    assert [r.areas[2].readiness_label for r in rows] == [NOT_RATED] * 3
    required = sum(1 for a in bank.areas for q in a.questions if q.required)
    assert rows[2].required_missing == required
    assert [r.quiet for r in rows] == [False, True, True]
    assert rows[0].activity_label == "3 min ago"
    assert rows[1].activity_label == f"{QUIET_MINUTES + 2} min ago, quiet"


def test_a_team_that_never_joined_is_said_so_and_never_called_quiet(bank):
    never, stalled = dashboard_rows(bank, [summary("p1", "Riverbend", 1, {}, minutes_ago=QUIET_MINUTES + 5, devices=0),
                                           summary("p2", "Lakeside", 2, {}, minutes_ago=QUIET_MINUTES + 5)], NOW)
    assert (never.room_status, never.activity_label, never.quiet) == ("Never joined", "never joined", False)
    assert (stalled.room_status, stalled.quiet) == ("Joined, no device active", True)
    assert stalled.last_save_label == f"{QUIET_MINUTES + 5} min ago"


def test_combined_areas_average_the_teams_that_rated(bank, rows):
    combined = combined_areas(bank, rows)
    assert combined[0].values == (3.5, 1.5) and combined[0].mean == 2.5
    assert combined[0].text == "2.5: between Emerging and Developing (2 of 3 teams rated; 1.5 to 3.5)"
    assert combined[2].mean is None and combined[2].text == "Not rated (0 of 3 teams)"
    table = combined_table(combined)
    assert table[0] == {"Area": "Design for impact", "Teams rated": "2 of 3",
                        "Mean level": "2.5: between Emerging and Developing", "Lowest": "1.5", "Highest": "3.5"}


def test_heatmap_has_a_cell_per_team_and_area_with_its_figure(bank, rows):
    figure = build_heatmap(bank, rows)
    heat = figure.data[0]
    assert list(heat.y) == ["1. Riverbend", "2. Lakeside", "3. Hillcrest"]
    assert list(heat.x) == [f"{n}. {a.title}" for n, a in enumerate(bank.areas, start=1)]
    assert [list(r) for r in heat.z][0][:2] == [3.5, 2.0]
    assert list(heat.text[0])[:2] == ["3.5", "2.0"]
    assert (heat.zmin, heat.zmax) == (1, 4)  # the colour scale runs from Not started to Established
    assert list(heat.colorbar.ticktext) == ["1 Not started", "2 Emerging", "3 Developing", "4 Established"]
    assert list(heat.text[2]) == [NOT_RATED] * len(bank.areas)
    assert list(heat.z[2]) == [None] * len(bank.areas)  # no colour, not a zero


def test_combined_chart_draws_a_bar_per_area_and_a_dot_per_team(bank, rows):
    figure = build_combined_figure(combined_areas(bank, rows))
    bars, dots = figure.data
    assert bars.base == 1 and list(bars.x) == [1.5, 1.0, None, None]  # bars start at Not started
    assert list(bars.text)[:2] == ["2.5", "2.0"]
    assert len(dots.x) == 3  # two teams in area 1, one in area 2
    png = draw_combined_chart(combined_areas(bank, rows))
    assert png.startswith(b"\x89PNG")


def summary_document(bank, rows, anonymise=False):
    workshop = Workshop("w", "Spring Institute", dt.date(2026, 3, 14), "open", NOW, None,
                        tuple(r.team for r in rows))
    spreads = {"p1": {"act-funding": action_spread(bank, "act-funding", {"A": "not-started", "B": "developing"})},
               "p2": {"act-funding": action_spread(bank, "act-funding", {"A": "emerging", "B": "established"}),
                      "act-align-purpose": action_spread(bank, "act-align-purpose",
                                                         {"A": "not-started", "B": "established"})}}
    steps = [(rows[0].team, [{"step": "Name a lead for the pilot", "owner": "Assistant superintendent",
                              "due": "2026-04-01"}]),
             (rows[1].team, [{"step": "Survey principals about release time", "owner": "HR", "due": "May"}]),
             (rows[2].team, [])]
    return reopen(to_docx_bytes(build_summary_document(workshop, bank, rows, spreads, NOW.date(),
                                                       next_steps=steps, anonymise=anonymise)))


def table_text(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_summary_document_has_one_section_a_page_for_superintendents(bank, rows):
    document = summary_document(bank, rows)
    assert document.paragraphs[0].text == "Workshop summary: Spring Institute"
    assert len(document.inline_shapes) == 1
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Readiness by area across the teams", "Readiness of each team",
                        "Where members saw things differently", "Where support is needed: the lowest-rated actions",
                        "Next steps from every team"]
    breaks = [p.text for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == headings[1:]  # each section after the first starts a page
    figures, teams, divided, lowest, steps = (table_text(t) for t in document.tables)
    assert figures[1] == ["Design for impact", "2 of 3", "2.5: between Emerging and Developing", "1.5", "3.5"]
    assert teams[1][:3] == ["1. Riverbend", f"{rows[0].percent}%", "3.5 (2 of 2)"]
    assert teams[2][3] == "Not rated" and len(teams) == 4
    assert divided[1] == ["2", "Finding potential funding sources or ways to re-distribute existing funds", "2 of 3",
                          "2 levels"]
    assert divided[2][1].startswith("Examining key priorities") and divided[2][3] == "3 levels"
    assert [(r[1].split()[0], r[2], r[3]) for r in lowest[1:]] == [
        ("Examining", "2.0", "2 of 3"), ("Finding", "2.0", "1 of 3"), ("Reaching", "3.0", "2 of 3")]
    assert [r[0] for r in steps] == ["Team", "1. Riverbend", "2. Lakeside"]
    assert steps[1][1:] == ["Name a lead for the pilot", "Assistant superintendent", "2026-04-01"]


def test_summary_tables_repeat_their_header_and_size_columns_so_no_word_breaks(bank, rows):
    document = summary_document(bank, rows)
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        widths = [c.width for c in table.rows[0].cells]
        assert sum(w.inches for w in widths) <= 6.55
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                longest = max((len(w) for w in cell.text.split()), default=0)
                assert width.inches >= min(0.095 * longest + 0.15, 1.3) - 0.01, (cell.text, width.inches)


def test_the_summary_can_withhold_team_names(bank, rows):
    document = summary_document(bank, rows, anonymise=True)
    text = doc_text(document) + " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Riverbend" not in text and "Lakeside" not in text
    teams = table_text(document.tables[1])
    assert [r[0] for r in teams[1:]] == ["Team A", "Team B", "Team C"]
    assert [r[0] for r in table_text(document.tables[4])[1:]] == ["Team A", "Team B"]


@pytest.mark.parametrize("question_id, value, expected", [
    ("q-priorities", "Mathematics", "Mathematics"),
    ("q-review-cadence", "quarterly", "Every quarter"),
    ("q-tight-loose", {"pole": "tight", "rationale": "Selection is tight"},
     "Mostly tight (fixed district-wide): Selection is tight"),
    ("q-measures", [{"measure": "Retention", "target": "90%"}], "Measure: Retention · Target: 90%"),
    ("q-priorities", "   ", ""),
])
def test_answers_read_as_plain_text(bank, question_id, value, expected):
    assert answer_text(bank, bank.questions[question_id], value) == expected


# Spreadsheets ------------------------------------------------------------------------------------


def test_exports_compute_numbers_as_numbers_dates_as_dates_with_a_filter_on_every_sheet(bank):
    saved = dt.datetime(2026, 3, 14, 15, 42, 10, tzinfo=dt.timezone.utc)
    team = WorkshopTeam("p1", "=HYPERLINK(\"http://x\",\"y\")", 1)
    ratings = [MemberRating("Ana", "act-funding", "not-started", saved),
               MemberRating("Ben", "act-funding", "developing", saved)]
    stored = StoredPlan("p1", Plan(), {}, saved)
    rows = ratings_table(bank, [TeamPlan(team, stored, tuple(ratings))])
    funding = next(r for r in rows if r[3] == "act-funding")
    by_header = dict(zip(RATINGS_HEADERS, funding))
    assert (by_header["Members' median"], by_header["Members' spread (levels)"],
            by_header["Members 2+ levels apart"]) == (2, 2, "yes")
    members = member_ratings_table(bank, [TeamPlan(team, stored, tuple(ratings))])
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx({"Ratings": (RATINGS_HEADERS, rows),
                                                      "Member ratings": (MEMBER_HEADERS, members)})))
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref == sheet.dimensions and sheet.freeze_panes == "A2"
    ratings_sheet = book["Ratings"]
    cells = {h: c for h, c in zip(RATINGS_HEADERS, next(r for r in ratings_sheet.iter_rows(min_row=2)
                                                         if r[3].value == "act-funding"))}
    assert cells["Members' median"].value == 2 and cells["Members' median"].data_type == "n"
    assert cells["Members' spread (levels)"].value == 2
    assert cells["Team"].value == team.team_name and cells["Team"].data_type == "s"  # never a formula
    saved_cell = book["Member ratings"].cell(2, MEMBER_HEADERS.index("Saved (UTC)") + 1)
    assert saved_cell.is_date and saved_cell.value == dt.datetime(2026, 3, 14, 15, 42)
    csv_rows = list(csv.DictReader(io.StringIO(to_csv(MEMBER_HEADERS, members).decode("utf-8-sig"))))
    assert csv_rows[0]["Saved (UTC)"] == "2026-03-14 15:42"
    assert list(csv.DictReader(io.StringIO(to_csv(RATINGS_HEADERS, rows).decode("utf-8-sig"))))[0]["Team"].startswith("'=")


def test_csv_keeps_text_as_typed_and_never_as_a_formula():
    data = to_csv(["Team", "Note"], [["Riverbend", "=HYPERLINK(\"http://x\")"], ["Café ✓", "plain"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Team", "Note"], ["Riverbend", "'=HYPERLINK(\"http://x\")"], ["Café ✓", "plain"]]


def test_excel_keeps_text_that_looks_like_a_formula_as_text():
    data = to_xlsx({"Ratings": (["Team", "Note", "Level"], [["Riverbend", "=1+1", 3]])})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Ratings"]
    assert [c.value for c in sheet[1]] == ["Team", "Note", "Level"]
    assert [c.value for c in sheet[2]] == ["Riverbend", "=1+1", 3]
    assert sheet["B2"].data_type == "s"


# Collecting everything, from a real store ----------------------------------------------------------


def test_the_collect_zip_holds_every_plan_and_tables_matching_the_store(store, bank, sample):
    created = store.create_workshop("Spring Institute", "blue heron at the lake", ["Riverbend", "Lakeside"],
                                    day=dt.date(2026, 3, 14))
    first, second = (t.team.plan_id for t in created.teams)
    one = PlanSession.open(store, bank, first, who="Maria")
    one.answer("q-priorities", "=SUM(A1) mathematics first")
    one.rate("act-align-purpose", "developing", "Agreed: under way")
    two = PlanSession.open(store, bank, second)
    for action_id, rating in sample.ratings.items():
        two.rate(action_id, rating.level, rating.note)
    rate_as_member(store, bank, first, "Maria", "act-align-purpose", "not-started")
    rate_as_member(store, bank, first, "Tom", "act-align-purpose", "developing")

    workshop = store.workshop(created.workshop.workshop_id)
    archive = zipfile.ZipFile(io.BytesIO(build_collect_zip(store, workshop, bank, dt.date(2026, 3, 14))))
    names = sorted(archive.namelist())
    assert names == ["member-ratings.csv", "plans/01-riverbend-teacher-leadership-plan.docx",
                     "plans/02-lakeside-teacher-leadership-plan.docx", "progress.csv", "ratings.csv",
                     "workshop-summary.docx", "workshop.xlsx"]

    riverbend = reopen(archive.read("plans/01-riverbend-teacher-leadership-plan.docx"))
    assert "Riverbend" in [p.text for p in riverbend.paragraphs]
    assert "Maria: 1 · Not started; Tom: 3 · Developing." in doc_text(riverbend)
    lakeside = reopen(archive.read("plans/02-lakeside-teacher-leadership-plan.docx"))
    assert "Lakeside" in [p.text for p in lakeside.paragraphs]
    assert "Team's ratings" not in doc_text(lakeside)  # nobody rated on their own
    assert "Workshop summary: Spring Institute" in doc_text(reopen(archive.read("workshop-summary.docx")))

    ratings = list(csv.DictReader(io.StringIO(archive.read("ratings.csv").decode("utf-8-sig"))))
    assert len(ratings) == 2 * len(bank.actions)
    for row in ratings:
        plan_id = first if row["Team"] == "Riverbend" else second
        stored = store.load(plan_id).plan.ratings.get(row["Action id"])
        level = bank.levels_by_id[stored.level].label if stored else NOT_RATED
        assert row["Agreed rating"] == level
        assert row["Note"] == (stored.note if stored else "")
    flagged = next(r for r in ratings if r["Team"] == "Riverbend" and r["Action id"] == "act-align-purpose")
    assert (flagged["Members who rated"], flagged["Members' median"], flagged["Members 2+ levels apart"]) == (
        "2", "2", "yes")
    progress_rows = list(csv.DictReader(io.StringIO(archive.read("progress.csv").decode("utf-8-sig"))))
    assert len(progress_rows) == 2 * len(bank.areas)
    assert progress_rows[0]["Questions answered"] == "1" and progress_rows[0]["Mean level"] == "3.0"
    assert progress_rows[0]["Nearest level"] == "Developing"

    book = openpyxl.load_workbook(io.BytesIO(archive.read("workshop.xlsx")))
    assert book.sheetnames == ["Progress", "Ratings", "Member ratings"]
    assert [c.value for c in book["Ratings"][1]] == RATINGS_HEADERS
    assert book["Ratings"].max_row == 1 + len(ratings)
    members = [[c.value for c in row] for row in book["Member ratings"].iter_rows(min_row=2)]
    assert [c.value for c in book["Member ratings"][1]] == MEMBER_HEADERS
    assert [(r[0], r[1], r[3], r[5]) for r in members] == [
        ("Riverbend", "Maria", "act-align-purpose", "Not started"),
        ("Riverbend", "Tom", "act-align-purpose", "Developing")]
