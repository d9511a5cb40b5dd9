"""Everything a workshop's facilitator takes home: the summary for superintendents and the exports.

`build_collect_zip` gathers every team's Word plan, progress.csv, ratings.csv and member-ratings.csv,
the same three as sheets of workshop.xlsx, and workshop-summary.docx (`build_summary_document`) in one
zip. Built on workshop.py's spreads and dashboard rows; workshop.py does not import this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from docx import Document as new_document
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from .bank import Bank
from .document import DocumentOptions, build_plan_document, to_docx_bytes
from .plan import Plan, progress
from .scoring import one_decimal, score_areas
from .store import MemberRating, Store, StoredPlan, Workshop, WorkshopTeam
from .text import clean_text, slugify
from .workshop import (
    DIVERGENCE_GAP, NOT_RATED, ActionSpread, TeamRow, _area_label, action_spreads, anonymous_label,
    combined_alt_text, combined_areas, combined_table, dashboard_rows, document_spreads, draw_combined_chart,
    progress_groups, team_label,
)
from .workshop_rounds import add_rounds_summary

#: The table question whose rows the workshop summary gathers from every team.
NEXT_STEPS_QUESTION = "q-next-steps"

PROGRESS_HEADERS = ["Team", "District", "Area", "Questions answered", "Questions", "Actions rated", "Actions",
                    "Required questions missing", "Mean level", "Nearest level", "Last activity (UTC)"]
RATINGS_HEADERS = ["Team", "District", "Area", "Action id", "Action", "Agreed rating", "Level value", "Note",
                   "Members who rated", "Members' median", "Members' spread (levels)",
                   f"Members {DIVERGENCE_GAP}+ levels apart"]
MEMBER_HEADERS = ["Team", "Member", "Area", "Action id", "Action", "Rating", "Level value", "Saved (UTC)"]


@dataclass(frozen=True)
class TeamPlan:
    """One team's plan and its members' own ratings, as collected at the end."""

    team: WorkshopTeam
    stored: StoredPlan
    member_ratings: tuple[MemberRating, ...]


def _utc(moment: dt.datetime) -> dt.datetime:
    """Return moment in UTC without its zone, to the minute: a date and time a spreadsheet computes with."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None, second=0, microsecond=0)


def _number(value: float | None) -> int | float | str:
    """Return a median as a number a spreadsheet computes with (2, 2.5), or '' for none."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else float(value)


def progress_table(bank: Bank, teams: Sequence[TeamPlan]) -> list[list[object]]:
    """Return PROGRESS_HEADERS rows: one per team and area, from each team's whole plan."""
    rows: list[list[object]] = []
    for item in teams:
        plan = item.stored.plan
        scores = score_areas(plan, bank)
        for area, score in zip(progress(plan, bank), scores):
            rows.append([item.team.team_name, plan.district.name, area.title, area.answered, area.questions,
                         area.rated, area.actions, len(area.missing_required),
                         "" if score.mean is None else float(one_decimal(score.mean)), score.level_name,
                         _utc(item.stored.updated_at)])
    return rows


def ratings_table(bank: Bank, teams: Sequence[TeamPlan]) -> list[list[object]]:
    """Return RATINGS_HEADERS rows: one per team and action, the team's agreed rating and its members' spread."""
    rows: list[list[object]] = []
    for item in teams:
        plan = item.stored.plan
        spreads = action_spreads(bank, item.member_ratings)
        for area in bank.areas:
            for action in area.actions:
                rating = plan.ratings.get(action.id)
                level = bank.levels_by_id.get(rating.level) if rating and rating.level else None
                spread = spreads[action.id]
                rows.append([item.team.team_name, plan.district.name, area.title, action.id, action.text,
                             level.label if level else NOT_RATED,
                             "" if level is None or level.value is None else level.value,
                             rating.note if rating else "", spread.raters, _number(spread.median),
                             spread.values[-1] - spread.values[0] if len(spread.values) > 1 else "",
                             "yes" if spread.divergent else "no"])
    return rows


def member_ratings_table(bank: Bank, teams: Sequence[TeamPlan]) -> list[list[object]]:
    """Return MEMBER_HEADERS rows: every member's own rating, by team, member and the bank's action order."""
    order = {a: n for n, a in enumerate(bank.actions)}
    rows: list[list[object]] = []
    for item in teams:
        for rating in sorted(item.member_ratings, key=lambda r: (r.member.casefold(), order.get(r.action_id, 1 << 30))):
            action = bank.actions.get(rating.action_id)
            area = bank.area_of(rating.action_id)
            level = bank.levels_by_id.get(rating.level)
            rows.append([item.team.team_name, rating.member, area.title if area else "", rating.action_id,
                         action.text if action else "", level.label if level else rating.level,
                         "" if level is None or level.value is None else level.value, _utc(rating.updated_at)])
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: object) -> object:
    """Return value so a spreadsheet shows it as typed: text that looks like a formula gets a leading '."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Return a CSV (UTF-8 with a byte-order mark, which Excel needs to read accents) of headers and rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([_safe_cell(v.strftime("%Y-%m-%d %H:%M") if isinstance(v, dt.datetime) else v) for v in row]
                     for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: Mapping[str, tuple[Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """Return an Excel workbook with one sheet per entry (name -> (headers, rows)): text kept as text,
    numbers as numbers, dates as dates; every sheet with its header row frozen and an autofilter."""
    book = Workbook()
    book.remove(book.active)
    for name, (headers, rows) in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([clean_text(v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # openpyxl would otherwise store it as a formula
                elif isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, header in enumerate(headers, start=1):
            widest = max([len(str(header))] + [16 if isinstance(r[index - 1], dt.datetime) else len(str(r[index - 1]))
                                               for r in rows[:200]])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(max(widest + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_PAGE_INCHES = 6.5  # the text width of a Letter page with one-inch margins


def _column_inches(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    """Return column widths (inches) sized to their text: never narrower than the longest word (so no word
    breaks mid-word), wider for columns of longer text, the whole fitting the page."""
    cells = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    words = [max((len(w) for text in column for w in text.split()), default=4) for column in cells]
    texts = [min(max((len(text) for text in column), default=4), 60) for column in cells]
    # About 0.09 inch a character at 10 pt, plus the cell's margins; a single "word" longer than a fifth of
    # the page (a URL, a formula typed as a name) breaks rather than squeeze every other column.
    floor = [min(0.095 * w + 0.15, _PAGE_INCHES / 5) for w in words]
    if sum(floor) >= _PAGE_INCHES:
        return [_PAGE_INCHES * f / sum(floor) for f in floor]
    room = _PAGE_INCHES - sum(floor)
    wants = [max(t * 0.095 + 0.15 - f, 0) for t, f in zip(texts, floor)]
    if sum(wants) <= room:
        return [f + w for f, w in zip(floor, wants)]
    return [f + room * w / sum(wants) for f, w in zip(floor, wants)]


def _repeat_header(row) -> None:
    """Mark a table row as a header row, which Word repeats at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_whole(row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)


def _table(document: Document, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Add a table whose columns fit their text, header row repeated on every page, rows never split."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    widths = [Inches(w) for w in _column_inches(headers, rows)]
    for cell, header, width in zip(table.rows[0].cells, headers, widths):
        cell.text = ""
        cell.width = width
        run = cell.paragraphs[0].add_run(clean_text(str(header)))
        run.bold, run.font.size = True, Pt(10)
    _repeat_header(table.rows[0])
    for row in rows:
        added = table.add_row()
        _keep_row_whole(added)
        for cell, value, width in zip(added.cells, row, widths):
            cell.width = width
            cell.text = ""
            cell.paragraphs[0].add_run(clean_text(str(value))).font.size = Pt(10)
    for column, width in zip(table.columns, widths):
        column.width = width


@dataclass(frozen=True)
class ActionAcross:
    """One action across the workshop's teams: how divided their members were, and where the teams stand."""

    action_id: str
    text: str
    area_number: int
    divided_teams: int  # teams whose members were DIVERGENCE_GAP or more levels apart on it
    widest: int  # the widest spread in levels within one team
    agreed: tuple[int, ...]  # the teams' agreed levels (scored ones)

    @property
    def mean(self) -> float | None:
        return sum(self.agreed) / len(self.agreed) if self.agreed else None


def actions_across(bank: Bank, rows: Sequence[TeamRow],
                   spreads: Mapping[str, Mapping[str, ActionSpread]]) -> list[ActionAcross]:
    """Return every action of the bank across the teams, in bank order."""
    levels = bank.levels_by_id
    out = []
    for number, area in enumerate(bank.areas, start=1):
        for action in area.actions:
            team_spreads = [by_action[action.id] for by_action in spreads.values() if action.id in by_action]
            divided = [sp for sp in team_spreads if sp.divergent]
            agreed = tuple(levels[r.ratings[action.id]].value for r in rows
                           if r.ratings.get(action.id) in levels and levels[r.ratings[action.id]].value is not None)
            out.append(ActionAcross(action.id, action.text, number, len(divided),
                                    max((sp.values[-1] - sp.values[0] for sp in divided), default=0), agreed))
    return out


def _sentence_case(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


def build_summary_document(workshop: Workshop, bank: Bank, rows: Sequence[TeamRow],
                           spreads: Mapping[str, Mapping[str, ActionSpread]], today: dt.date,
                           next_steps: Sequence[tuple[WorkshopTeam, Sequence[Mapping[str, str]]]] = (),
                           anonymise: bool = False, plans: Mapping[str, Plan] | None = None) -> Document:
    """Return the workshop summary for superintendents, one section a page: the combined chart; readiness
    per team with how many actions each figure rests on; the most divided actions; the lowest-rated
    actions; the next steps of every team. spreads: plan id -> action id -> spread; next_steps: each
    team with the rows of its next-steps table. With anonymise, teams are Team A, Team B ... plans: plan id ->
    the team's whole plan; when a team has more than one round, "Readiness over time" compares them."""
    names = {r.team.plan_id: anonymous_label(i) if anonymise else team_label(r.team) for i, r in enumerate(rows)}
    combined = combined_areas(bank, rows)
    across = actions_across(bank, rows, spreads)
    document = new_document()
    document.core_properties.title = clean_text(f"Workshop summary: {workshop.name}")[:255]
    document.core_properties.author = "Teacher Leadership Roadmap planner"
    document.add_heading(clean_text(f"Workshop summary: {workshop.name}"), 0)
    day = workshop.date or today
    document.add_paragraph(f"{day:%B} {day.day}, {day.year} · {len(rows)} team{'s' if len(rows) != 1 else ''}"
                           f"{' (names withheld)' if anonymise else ''}. Readiness is each team's self-assessment "
                           "of the roadmap's high-impact actions: the mean level of its rated actions, from the "
                           "rubric's lowest level to its highest.")
    document.add_heading("Readiness by area across the teams", 1)
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(draw_combined_chart(combined)),
                                                             width=Inches(6.0))
    picture._inline.docPr.set("descr", clean_text(combined_alt_text(combined)))
    table = combined_table(combined)
    _table(document, list(table[0]) if table else ["Area"], [list(r.values()) for r in table])
    if plans:
        add_rounds_summary(document, bank, [(names[r.team.plan_id], plans[r.team.plan_id]) for r in rows
                                            if r.team.plan_id in plans], _table)

    def section(title: str) -> None:
        document.add_heading(title, 1).paragraph_format.page_break_before = True

    section("Readiness of each team")
    document.add_paragraph("Each area's mean level, and beside it how many of the area's actions the team rated "
                           "(\u201c2.5 (1 of 4)\u201d rests on one rated action of four, so it says less than one "
                           "resting on all of them).")
    headers = ["Team", "Progress"] + [_area_label(n, a.title) for n, a in enumerate(bank.areas, start=1)]
    _table(document, headers, [[names[r.team.plan_id], f"{r.percent}%"]
                               + [c.readiness_short if c.readiness is None
                                  else f"{c.readiness_short} ({c.rated} of {c.actions})" for c in r.areas]
                               for r in rows])

    section("Where members saw things differently")
    divided = sorted((a for a in across if a.divided_teams), key=lambda a: (-a.divided_teams, -a.widest))
    if not divided:
        document.add_paragraph(f"No team's members were {DIVERGENCE_GAP} or more levels apart on any action "
                               "they rated on their own.")
    else:
        document.add_paragraph(f"The actions on which members of a team, rating on their own first, were "
                               f"{DIVERGENCE_GAP} or more levels apart: the most divided first.")
        _table(document, ["Area", "Action", "Teams divided", "Widest spread"],
               [[a.area_number, _sentence_case(a.text), f"{a.divided_teams} of {len(rows)}", f"{a.widest} levels"]
                for a in divided[:12]])

    section("Where support is needed: the lowest-rated actions")
    rated = sorted((a for a in across if a.agreed), key=lambda a: (a.mean, -len(a.agreed)))
    if not rated:
        document.add_paragraph("No team has agreed a rating yet.")
    else:
        document.add_paragraph("The actions with the lowest mean of the teams' agreed ratings, with how many "
                               "teams rated each.")
        _table(document, ["Area", "Action", "Mean level", "Teams rated"],
               [[a.area_number, _sentence_case(a.text), one_decimal(a.mean), f"{len(a.agreed)} of {len(rows)}"]
                for a in rated[:8]])

    section("Next steps from every team")
    steps = [(team, row) for team, table_rows in next_steps for row in table_rows
             if any(str(v).strip() for v in row.values())]
    if not steps:
        document.add_paragraph("No team has written its next steps yet.")
    else:
        question = bank.questions.get(NEXT_STEPS_QUESTION)
        columns = [(c.id, c.label) for c in question.columns] if question and question.columns else [
            (k, k) for k in steps[0][1]]
        _table(document, ["Team"] + [label for _, label in columns],
               [[names.get(team.plan_id, team_label(team))] + [str(row.get(cid, "")) for cid, _ in columns]
                for team, row in steps])
    return document


def collect_teams(store: Store, workshop: Workshop) -> list[TeamPlan]:
    """Return every team of the workshop with its whole plan and its members' own ratings."""
    members = store.workshop_member_ratings(workshop.workshop_id)
    return [TeamPlan(team, stored, tuple(members.get(team.plan_id, ())))
            for team, stored in store.workshop_plans(workshop.workshop_id)]


def zip_name(workshop: Workshop, today: dt.date) -> str:
    """Return the collect download's file name, such as spring-institute-2026-03-14.zip."""
    return f"{slugify(workshop.name, 'workshop')}-{(workshop.date or today).isoformat()}.zip"


def plan_file_name(team: WorkshopTeam) -> str:
    return f"plans/{team.position:02d}-{slugify(team.team_name, 'team')}-teacher-leadership-plan.docx"


def build_collect_zip(store: Store, workshop: Workshop, bank: Bank, today: dt.date,
                      now: dt.datetime | None = None, anonymise: bool = False) -> bytes:
    """Return one zip with everything a facilitator takes home from a workshop.

    In it: plans/NN-team-teacher-leadership-plan.docx (every team's Word plan, with its
    members' spread beside each agreed rating), progress.csv, ratings.csv,
    member-ratings.csv, the same three as sheets of workshop.xlsx, and
    workshop-summary.docx for superintendents (teams named Team A, Team B ... with anonymise).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    teams = collect_teams(store, workshop)
    progress_rows = progress_table(bank, teams)
    rating_rows = ratings_table(bank, teams)
    member_rows = member_ratings_table(bank, teams)
    summaries = store.workshop_progress(workshop.workshop_id, progress_groups(bank))
    rows = dashboard_rows(bank, summaries, now)
    spreads = {t.team.plan_id: action_spreads(bank, t.member_ratings) for t in teams}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in teams:
            spread = document_spreads(bank, item.member_ratings)
            options = DocumentOptions(include_rating_spread=bool(spread), rating_spreads=spread)
            document = build_plan_document(item.stored.plan, bank, options, today=workshop.date or today)
            archive.writestr(plan_file_name(item.team), to_docx_bytes(document))
        archive.writestr("progress.csv", to_csv(PROGRESS_HEADERS, progress_rows))
        archive.writestr("ratings.csv", to_csv(RATINGS_HEADERS, rating_rows))
        archive.writestr("member-ratings.csv", to_csv(MEMBER_HEADERS, member_rows))
        archive.writestr("workshop.xlsx", to_xlsx({"Progress": (PROGRESS_HEADERS, progress_rows),
                                                   "Ratings": (RATINGS_HEADERS, rating_rows),
                                                   "Member ratings": (MEMBER_HEADERS, member_rows)}))
        steps = [(t.team, t.stored.plan.answers.get(NEXT_STEPS_QUESTION) or []) for t in teams]
        archive.writestr("workshop-summary.docx", to_docx_bytes(build_summary_document(
            workshop, bank, rows, spreads, today, next_steps=steps, anonymise=anonymise,
            plans={t.team.plan_id: t.stored.plan for t in teams})))
    return buffer.getvalue()

