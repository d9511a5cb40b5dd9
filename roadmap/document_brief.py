"""The Word plan's one-page board brief: its layout, tables and cut lengths.

`roadmap/brief.py` gathers what the brief says; document.py calls `add_brief(writer, plan, bank, brief)`
with its writer when the plan's options include the brief. Like document_rounds.py, this module uses only
the writer's public methods and document.py's styles by name, so it never imports document.py.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from .bank import Bank
from .brief import (ASK, FUNDING, MAX_DECISIONS, MAX_ROWS, MEASURES, NEXT_STEPS, PRIORITIES, PURPOSE, ROLES, Brief,
                    clip, shorten)
from .charts import draw_readiness_chart, readiness_alt_text
from .plan import Plan, format_number
from .scoring import scored_levels
from .text import clean_text

log = logging.getLogger(__name__)

NOT_ANSWERED = "Not yet answered"  # document.py's, word for word
NOT_ANSWERED_STYLE = "Not Answered"  # document.py's styles, by name
TABLE_TEXT_STYLE = "Table Text"
_TEXT_WIDTH = 6.5  # inches between the margins of a Letter page with 1-inch margins
_NEWLINES = re.compile(r"\r\n?")


def _t(value: Any) -> str:
    """Return value as text that XML can hold, with every line break a plain newline."""
    return _NEWLINES.sub("\n", clean_text(value if isinstance(value, str) else str(value)))


def _money(amount) -> str:
    return "-" if amount is None else f"${format_number(amount)}"


#: The brief's tables: (header, width in inches, most characters in a cell). About 11 characters of
#: 9-point text fit an inch of cell (13 in LibreOffice's wider fallback fonts); the ask, the roles and the
#: measures may take two lines, the rest one. Numbers (limit 0) are never cut.
_BRIEF_ASKS = [("The board is asked to approve", 4.9, 110), ("By when", 1.6, 18)]
_BRIEF_ROLES = [("Role", 1.5, 30), ("Posts", 0.55, 0), ("What each does", 2.35, 58),
                ("Cost per post a year", 1.05, 0), ("Cost a year", 1.05, 0)]
_BRIEF_MEASURES = [("Measure", 2.9, 58), ("Baseline", 1.0, 20), ("Target", 1.0, 20), ("By when", 1.6, 18)]
_BRIEF_STEPS = [("Step", 3.4, 44), ("Owner", 1.5, 18), ("Due", 1.6, 18)]
#: The brief's paragraphs: most characters, pointer included (about 85 fit on a line).
_BRIEF_PURPOSE, _BRIEF_PRIORITIES, _BRIEF_FUNDING, _BRIEF_DECISION = 165, 160, 150, 92


def _brief_heading(w, text: str) -> None:
    """A heading of the brief: a Heading 2, set tighter than elsewhere so the brief keeps to one page."""
    heading = w.heading(text, 2)
    heading.paragraph_format.space_before = Pt(4)
    heading.paragraph_format.space_after = Pt(1)
    for run in heading.runs:
        run.font.size = Pt(10.5)


def _brief_para(w, text: str = "", label: str = "", missing: bool = False) -> Paragraph:
    paragraph = w.para("", NOT_ANSWERED_STYLE if missing else TABLE_TEXT_STYLE)
    if label:
        paragraph.add_run(_t(label)).bold = True
    if text:
        paragraph.add_run(_t(text))
    return paragraph


def _brief_table_heading(w, title: str, shown: int, total: int, cut: bool, where: str | None) -> None:
    """The heading over one of the brief's tables, saying when rows are left out or cells cut, and where
    the whole table is."""
    note = ""
    if shown < total:
        note = f"{shown} of {total}"
    elif cut:
        note = "shortened"
    if note and where:
        note += f"; all in {where}"
    _brief_heading(w, f"{title} ({note})" if note else title)


def _brief_table(w, title: str, columns: list[tuple[str, float, int]], rows: list[tuple[str, ...]],
                 where: str | None, limit: int, extra_rows: list[list[str]] = ()) -> Table | None:
    """Add one of the brief's tables: at most `limit` rows, each cell cut to one line."""
    shown = [[clip(cell, chars) if chars else cell for cell, (_, _, chars) in zip(row, columns)]
             for row in rows[:limit]]
    cut = any(c != _plain_line(o) for row, orig in zip(shown, rows) for c, o in zip(row, orig))
    _brief_table_heading(w, title, len(shown), len(rows), cut, where)
    if not rows:
        _brief_para(w, NOT_ANSWERED, missing=True)
        return None
    return w.table([h for h, _, _ in columns], shown + list(extra_rows), widths=[wd for _, wd, _ in columns])


def _plain_line(text: str) -> str:
    return " ".join(_t(text).split())


def add_brief(w, plan: Plan, bank: Bank, brief: Brief) -> None:
    """The board brief: one Letter page, whatever the plan holds (roadmap/brief.py gathers it)."""
    where = brief.sections
    w.heading(clip(f"Board brief: {brief.name}", 55), 1, new_page=True)
    _brief_para(w, shorten(brief.purpose, _BRIEF_PURPOSE, where.get(PURPOSE)) or NOT_ANSWERED, "Purpose. ",
                missing=not brief.purpose)

    # Priorities typed as a list are the priorities themselves; the reasoning around them is in the section.
    priorities = "; ".join(brief.priority_items) + "." if brief.priority_items else brief.priorities
    _brief_para(w, shorten(priorities, _BRIEF_PRIORITIES, where.get(PRIORITIES)) or NOT_ANSWERED,
                "Priorities. ", missing=not brief.priorities)

    _brief_table(w, "What the board is asked to approve", _BRIEF_ASKS, brief.asks, where.get(ASK), MAX_ROWS[ASK])

    rows = [(r.name, "-" if r.posts is None else format_number(r.posts), r.does, _money(r.cost_per_post),
             _money(r.cost)) for r in brief.roles]
    total = [["Total", brief.posts.count_label if brief.posts else "-", "", "",
              brief.roles_cost.label if brief.roles_cost else "-"]] if brief.roles else []
    table = _brief_table(w, "Roles and cost", _BRIEF_ROLES, rows, where.get(ROLES), MAX_ROWS[ROLES], total)
    if table is not None:
        for cell in table.rows[-1].cells:
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.bold = True
    if brief.funding_by_year:
        years = "; ".join(f"{year}: {money.label}" for year, money in brief.funding_by_year[:MAX_ROWS[FUNDING]])
        sources = ", ".join(brief.funding_sources)
        _brief_para(w, shorten(f"{years} (from {sources})." if sources else f"{years}.", _BRIEF_FUNDING,
                               where.get(FUNDING)), "Funding by school year: ")
    else:
        _brief_para(w, NOT_ANSWERED, "Funding by school year: ", missing=True)

    _brief_table(w, "Measures of success", _BRIEF_MEASURES, brief.measures, where.get(MEASURES), MAX_ROWS[MEASURES])

    scale = scored_levels(bank)
    _brief_heading(w, f"Readiness by area (the team's self-assessment, levels {scale[0].value}-{scale[-1].value})")
    try:
        png = draw_readiness_chart(brief.scores, bank, dpi=150, compact=True)
        w.picture(png, _TEXT_WIDTH, readiness_alt_text(brief.scores), "Readiness by area")
    except Exception:
        log.exception("the brief's readiness chart could not be drawn")
        _brief_para(w, clip("; ".join(f"{s.title}: {s.label}" for s in brief.scores) + ".", 180))
    if brief.since_last_round:  # the plan has rounds: what moved, in one line (the whole story is a section)
        _brief_para(w, clip(brief.since_last_round, 150))

    shown = brief.decisions[:MAX_DECISIONS]
    _brief_heading(w, "Decisions" if len(shown) == len(brief.decisions)
                   else f"Decisions ({len(shown)} of {len(brief.decisions)})")
    for choice, rationale, question_id in shown:
        choice = clip(choice.split(" (")[0], 45)  # "Mostly tight": the rationale says what that means
        line = shorten(rationale, _BRIEF_DECISION - len(choice) - 2, where.get(question_id)) if rationale else ""
        _brief_para(w, line, f"{choice}. " if line else choice)
    if not shown:
        _brief_para(w, NOT_ANSWERED, missing=True)

    _brief_table(w, "Next steps", _BRIEF_STEPS, brief.next_steps, where.get(NEXT_STEPS), MAX_ROWS[NEXT_STEPS])
