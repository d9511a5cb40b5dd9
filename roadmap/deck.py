"""The board meeting's slide deck, built with python-pptx from the same `Brief` as the Word plan's brief page.

`build_deck(plan, bank)` returns a new Presentation of eight 16:9 slides: title, the ask,
purpose and priorities, readiness (the chart as a picture with alt text), roles and cost,
measures, decisions and next steps. Each slide's speaker notes carry the fuller answers.

Nothing overflows its box: every text box and table cell has a known size and font, and
text is cut to what fits (`fits`, an estimate that assumes wide characters), ending with
"\u2026"; a slide with cut text says "Full text in the speaker notes". Every string passes
`text.clean_text`, so a plan's text is shown as typed and the file always saves.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import textwrap

from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.util import Emu, Inches, Pt

from .bank import Bank
from .brief import Brief, board_brief, clip
from .charts import draw_readiness_chart, readiness_alt_text
from .plan import Plan, format_number
from .scoring import scored_levels
from .text import clean_text, slugify

log = logging.getLogger(__name__)

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches, 16:9
MARGIN = 0.6
TITLE_PT, BODY_PT, TABLE_PT, SMALL_PT = 32, 20, 16, 13
#: The widest a character is taken to be, in ems, and a line's height in points per point of font:
#: generous, so text judged to fit does fit in PowerPoint and LibreOffice alike.
CHAR_EM, LINE_SPACING = 0.6, 1.25
#: A text frame's inner margins (python-pptx's defaults): 0.1 in left and right, 0.05 in top and bottom.
INSET_X, INSET_Y = 0.2, 0.1
CUT_NOTE = "Some text is shortened; the full text is in the speaker notes."

_BODY_TOP = 1.55


def _t(value: object) -> str:
    return clean_text(value if isinstance(value, str) else str(value or ""))


def chars_per_line(width: float, pt: float) -> int:
    """How many characters of pt-point text fit a line of a box width inches wide (inner margins removed)."""
    return max(1, int((width - INSET_X) * 72 / (pt * CHAR_EM)))


def lines_that_fit(height: float, pt: float) -> int:
    return max(1, int((height - INSET_Y) * 72 / (pt * LINE_SPACING)))


def wrapped_lines(text: str, width: float, pt: float) -> int:
    """How many lines text takes in a box width inches wide, each paragraph wrapped at words."""
    per_line = chars_per_line(width, pt)
    return sum(max(1, len(textwrap.wrap(p, per_line, break_long_words=True))) for p in text.split("\n"))


def fits(text: str, width: float, height: float, pt: float) -> str:
    """Return text cut (at a word, ending "\u2026") to what fits a box of width x height inches at pt points."""
    text = _t(text)
    room = lines_that_fit(height, pt)
    if wrapped_lines(text, width, pt) <= room:
        return text
    words = " ".join(text.split())
    low, high = 0, len(words)
    while low < high:  # the longest cut that fits
        mid = (low + high + 1) // 2
        if wrapped_lines(clip(words, mid), width, pt) <= room:
            low = mid
        else:
            high = mid - 1
    return clip(words, max(low, 1))


class _Deck:
    def __init__(self, title: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
        self.prs.core_properties.title = clip(_t(title), 250)
        self.prs.core_properties.author = "Teacher Leadership Roadmap planner"
        self._blank = self.prs.slide_layouts[6]
        self.cut = False

    def slide(self, title: str, notes: str):
        slide = self.prs.slides.add_slide(self._blank)
        self.cut = False
        self.box(slide, title, MARGIN, 0.45, SLIDE_WIDTH - 2 * MARGIN, 0.9, TITLE_PT, bold=True, name="Title")
        slide.notes_slide.notes_text_frame.text = _t(notes)
        return slide

    def box(self, slide, text: str, left: float, top: float, width: float, height: float, pt: float,
            bold: bool = False, name: str = "Text"):
        """Add a text box holding text cut to fit it; return the shape."""
        shown = fits(text, width, height, pt)
        self.cut |= shown != _t(text)
        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        shape.name = name
        frame = shape.text_frame
        frame.word_wrap = True
        for n, paragraph_text in enumerate(shown.split("\n")):
            paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = paragraph_text
            run.font.size = Pt(pt)
            run.font.bold = bold
        return shape

    def bullets(self, slide, items: list[str], left: float, top: float, width: float, height: float, pt: float):
        """Add items as lines starting with a bullet, each cut so that all of them fit the box."""
        if not items:
            return self.box(slide, "Not yet answered.", left, top, width, height, pt)
        share = height / len(items)
        lines = [fits("\u2022 " + item, width, max(share, (pt * LINE_SPACING) / 72 + INSET_Y), pt) for item in items]
        self.cut |= any(a != _t("\u2022 " + b) for a, b in zip(lines, items))
        return self.box(slide, "\n".join(lines), left, top, width, height, pt)

    def table(self, slide, headers: list[str], rows: list[list[str]], widths: list[float], top: float,
              max_height: float, pt: float = TABLE_PT, line_limit: int = 2):
        """Add a table whose rows are sized to their text (at most line_limit lines a cell, cut to fit)."""
        line_height = pt * LINE_SPACING / 72
        cells = [[fits(text, w, line_height * line_limit + INSET_Y, pt) for text, w in zip(row, widths)]
                 for row in [headers, *rows]]
        self.cut |= any(c != _t(o) for row, orig in zip(cells, [headers, *rows]) for c, o in zip(row, orig))
        heights = [max(wrapped_lines(c, w, pt) for c, w in zip(row, widths)) * line_height + INSET_Y + 0.04
                   for row in cells]
        while len(heights) > 1 and sum(heights) > max_height:  # rows that do not fit the slide are left out
            heights.pop()
            cells.pop()
            self.cut = True
        frame = slide.shapes.add_table(len(cells), len(headers), Inches(MARGIN), Inches(top),
                                       Inches(sum(widths)), Inches(sum(heights)))
        frame.name = "Table"
        table = frame.table
        for column, width in zip(table.columns, widths):
            column.width = Inches(width)
        for row, height, texts in zip(table.rows, heights, cells):
            row.height = Emu(int(Inches(height)))
            for cell, text in zip(row.cells, texts):
                cell.margin_left = cell.margin_right = Inches(INSET_X / 2)
                cell.margin_top = cell.margin_bottom = Inches(INSET_Y / 2)
                frame_ = cell.text_frame
                frame_.word_wrap = True
                run = frame_.paragraphs[0].add_run()
                run.text = text
                run.font.size = Pt(pt)
        return frame

    def cut_note(self, slide) -> None:
        if self.cut:
            self.box(slide, CUT_NOTE, MARGIN, SLIDE_HEIGHT - 0.6, SLIDE_WIDTH - 2 * MARGIN, 0.45, SMALL_PT,
                     name="Note")


def _money(amount) -> str:
    return "-" if amount is None else f"${format_number(amount)}"


def _full(plan: Plan, question_id: str) -> str:
    value = plan.answers.get(question_id)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(" | ".join(str(v) for v in row.values()) if isinstance(row, dict) else str(row)
                         for row in value)
    if isinstance(value, dict):
        return str(value.get("rationale") or "")
    return ""


def brief_scale(bank: Bank) -> tuple[str, str]:
    """The rubric's ends in words: ('1 (Not started)', '4 (Established)')."""
    levels = scored_levels(bank)
    return f"{levels[0].value} ({levels[0].label})", f"{levels[-1].value} ({levels[-1].label})"


def build_deck(plan: Plan, bank: Bank, today: dt.date | None = None) -> PresentationType:
    """Return the board deck of plan: eight slides, speaker notes with the fuller answers."""
    brief: Brief = board_brief(plan, bank, sections={})
    district = _t(plan.district.name).strip() or "District not named yet"
    day = plan.district.date or today or dt.date.today()
    deck = _Deck(f"{brief.name}: {district}")
    width = SLIDE_WIDTH - 2 * MARGIN
    body_height = SLIDE_HEIGHT - _BODY_TOP - 0.7

    # 1. Title
    team = ", ".join(_t(m.name) for m in plan.district.team)
    slide = deck.slide(brief.name, f"Presented to the school board. Planning team: {team or 'not recorded'}.")
    deck.box(slide, district, MARGIN, 1.6, width, 1.2, 28, name="District")
    deck.box(slide, f"{day:%B} {day.day}, {day.year}", MARGIN, 2.9, width, 0.6, BODY_PT, name="Date")
    deck.box(slide, f"Planning team: {team}" if team else "Planning team not recorded yet.", MARGIN, 3.7, width,
             2.6, 16, name="Team")
    deck.cut_note(slide)

    # 2. The ask
    slide = deck.slide("What the board is asked to approve", _full(plan, "q-board-ask"))
    deck.bullets(slide, [f"{ask} (by {when})" if when else ask for ask, when in brief.asks],
                 MARGIN, _BODY_TOP, width, body_height, 24)
    deck.cut_note(slide)

    # 3. Purpose and priorities
    slide = deck.slide("Purpose and priorities",
                       f"Purpose: {_full(plan, 'q-purpose-statement')}\n\nPriorities: {_full(plan, 'q-priorities')}")
    deck.box(slide, brief.purpose or "Purpose not yet answered.", MARGIN, _BODY_TOP, width, 1.9, 22, name="Purpose")
    if brief.priority_items:
        deck.box(slide, "Priorities", MARGIN, _BODY_TOP + 2.0, width, 0.5, BODY_PT, bold=True, name="Priorities title")
        deck.bullets(slide, brief.priority_items, MARGIN, _BODY_TOP + 2.5, width, body_height - 2.5, BODY_PT)
    else:
        deck.box(slide, brief.priorities or "Priorities not yet answered.", MARGIN, _BODY_TOP + 2.1, width,
                 body_height - 2.1, BODY_PT, name="Priorities")
    deck.cut_note(slide)

    # 4. Readiness
    alt = readiness_alt_text(brief.scores)
    slide = deck.slide("Readiness by area (self-assessment)", alt)
    try:
        # The compact chart (no title of its own: the slide's title says it) at full width: its words come
        # out at about 15 points, readable on a projector, and it draws in half the time of the full chart.
        png = draw_readiness_chart(brief.scores, bank, dpi=200, compact=True)
        picture = slide.shapes.add_picture(io.BytesIO(png), Inches(MARGIN), Inches(_BODY_TOP), width=Inches(width))
        room = Inches(body_height - 1.0)
        if picture.height > room:
            picture.width, picture.height = int(picture.width * room / picture.height), room
        picture.name = "Readiness chart"
        picture._element.nvPicPr.cNvPr.set("descr", _t(alt))
        bottom, top = brief_scale(bank)
        deck.box(slide, f"Each bar is an area's mean level, from {bottom} to {top}: the planning team's own "
                        "rating of its high-impact actions.", MARGIN, Emu(picture.top + picture.height).inches + 0.15,
                 width, 0.8, 16, name="Caption")
    except Exception:
        log.exception("the deck's readiness chart could not be drawn")
        deck.bullets(slide, [f"{s.title}: {s.label} ({s.count_label})" for s in brief.scores], MARGIN, _BODY_TOP,
                     width, body_height, BODY_PT)
    deck.cut_note(slide)

    # 5. Roles and cost
    funding = "; ".join(f"{year}: {money.label}" for year, money in brief.funding_by_year)
    slide = deck.slide("Roles and cost", f"Roles:\n{_full(plan, 'q-roles')}\n\nFunding:\n{_full(plan, 'q-funding')}")
    rows = [[r.name, "-" if r.posts is None else format_number(r.posts), r.does, _money(r.cost_per_post),
             _money(r.cost)] for r in brief.roles]
    if brief.roles:
        rows.append(["Total", brief.posts.count_label if brief.posts else "-", "", "",
                     brief.roles_cost.label if brief.roles_cost else "-"])
        deck.table(slide, ["Role", "Posts", "What each does", "Per post a year", "Cost a year"], rows,
                   [2.6, 1.0, 4.6, 1.9, 2.03], _BODY_TOP, body_height - 1.3)
    else:
        deck.box(slide, "Roles not yet answered.", MARGIN, _BODY_TOP, width, 0.6, BODY_PT)
    deck.box(slide, f"Funding by school year: {funding}" if funding else "Funding not yet answered.",
             MARGIN, SLIDE_HEIGHT - 1.85, width, 1.2, 18, name="Funding")
    deck.cut_note(slide)

    # 6. Measures
    slide = deck.slide("Measures of success", _full(plan, "q-measures"))
    if brief.measures:
        deck.table(slide, ["Measure", "Baseline", "Target", "By when"], [list(m) for m in brief.measures],
                   [5.6, 2.1, 2.1, 2.33], _BODY_TOP, body_height)
    else:
        deck.box(slide, "Measures not yet answered.", MARGIN, _BODY_TOP, width, 0.6, BODY_PT)
    deck.cut_note(slide)

    # 7. Decisions
    notes = "\n\n".join(f"{choice}: {rationale}" for choice, rationale, _ in brief.decisions)
    slide = deck.slide("Decisions", notes)
    deck.bullets(slide, [f"{choice}: {rationale}" if rationale else choice for choice, rationale, _ in brief.decisions],
                 MARGIN, _BODY_TOP, width, body_height, BODY_PT)
    deck.cut_note(slide)

    # 8. Next steps
    slide = deck.slide("Next steps", _full(plan, "q-next-steps"))
    if brief.next_steps:
        deck.table(slide, ["Step", "Owner", "Due"], [list(s) for s in brief.next_steps], [7.0, 2.7, 2.43],
                   _BODY_TOP, body_height, line_limit=1)
    else:
        deck.box(slide, "Next steps not yet answered.", MARGIN, _BODY_TOP, width, 0.6, BODY_PT)
    deck.cut_note(slide)
    return deck.prs


def to_pptx_bytes(presentation: PresentationType) -> bytes:
    """Return the presentation saved as .pptx bytes (in memory)."""
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def deck_filename(plan: Plan, today: dt.date) -> str:
    """Return a file name such as riverbend-unified-school-district-board-slides-2026-11-23.pptx."""
    day = plan.district.date or today
    return f"{slugify(_t(plan.district.name))}-board-slides-{day.isoformat()}.pptx"
