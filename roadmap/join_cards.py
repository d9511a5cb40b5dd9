"""Printable join cards (one page per team: a QR code of the planner's address and the join code in large
type) and the facilitator's one-page roster of teams and codes."""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Pt

from .store import TeamCode
from .text import clean_text

#: The QR code's printed size: a phone reads it from an arm's length across a table.
QR_INCHES = 2.2


def qr_png(url: str) -> bytes:
    """Return a PNG of a QR code holding url (medium error correction, so a crease or smudge still reads)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def build_join_cards(workshop_name: str, teams: Sequence[TeamCode], app_url: str) -> Document:
    """Return printable join cards, one page per team: the planner's address as text and as a QR code, and
    the team's code in large type."""
    document = new_document()
    document.core_properties.title = clean_text(f"Join cards: {workshop_name}")[:255]
    url = clean_text(app_url.strip())
    picture = qr_png(url)
    for index, item in enumerate(teams):
        heading = document.add_heading(clean_text(workshop_name), 1)
        if index:
            heading.paragraph_format.page_break_before = True
        document.add_heading(clean_text(item.team.team_name), 0)
        document.add_paragraph(f"1. Open the planner: {url} (or scan the code below with a phone's camera)")
        document.add_picture(io.BytesIO(picture), width=Inches(QR_INCHES))
        document.add_paragraph("2. Choose \u201cResume with a code\u201d and enter your team's code:")
        code = document.add_paragraph()
        code.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = code.add_run(item.code)
        run.bold = True
        run.font.size = Pt(48)
        run.font.name = "Consolas"  # 0 and O, 1 and I are never in a code, but a fixed width reads better
        document.add_paragraph(
            "This code is also your team's resume code. Keep this card: with it you can carry on with your "
            "plan after the workshop, from any device. Anyone with the code can open and change the plan.")
        note = document.add_paragraph()
        note.add_run("Each of you can rate the actions on your own first under \u201cTeam ratings\u201d in the "
                     "planner's sidebar; then agree the team's rating together.").italic = True
    return document


def build_code_roster(workshop_name: str, workshop_code: str | None,
                      teams: Sequence[tuple[str, str | None]]) -> Document:
    """Return the facilitator's one-page roster: the workshop code and each team's join code.

    teams holds (team label, code or None where the code is not kept). The type shrinks
    with many teams so the roster stays on one page.
    """
    document = new_document()
    document.core_properties.title = clean_text(f"Codes: {workshop_name}")[:255]
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Inches(0.6)
    document.add_heading(clean_text(f"Codes: {workshop_name}"), 1)
    if workshop_code:
        document.add_paragraph().add_run(f"Workshop code (with your passphrase): {workshop_code}").bold = True
    document.add_paragraph("For the facilitator only: anyone with a team's code can open and change its plan.")
    size = Pt(11 if len(teams) <= 30 else 8 if len(teams) <= 60 else 6)
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    for cell, header in zip(table.rows[0].cells, ("Team", "Join code")):
        run = cell.paragraphs[0].add_run(header)
        run.bold, run.font.size = True, size
    for label, code in teams:
        row = table.add_row().cells
        row[0].paragraphs[0].add_run(clean_text(label)).font.size = size
        shown = row[1].paragraphs[0].add_run(code or "not kept: make a new code on the facilitator page")
        shown.font.size = size
        shown.bold = code is not None
    return document
