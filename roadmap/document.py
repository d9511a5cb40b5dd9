"""The board-ready Word plan, and the blank workshop template, built with python-docx.

`build_plan_document(plan, bank)` returns a new `docx.Document` each call: a cover
page, a one-page executive summary with the readiness chart, one section per
area of the bank, answers to questions the bank no longer has, and an appendix
of sources and the rubric. `to_docx_bytes` saves it to bytes in memory.

Questions and answers never share a style: a question is a "Question" paragraph
(a Heading 3 with a bar down its left side), its answer is Normal text. Every
string, the bank's included, passes `text.clean_text` on its way in, so the
document can always be saved, whatever a plan holds.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from docx import Document as new_document
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from .bank import Area, Bank, Column, Question
from .brief import board_brief, section_numbers
from .charts import draw_readiness_chart, readiness_alt_text
from .checkup import check_plan
from .document_brief import add_brief
from .document_rounds import add_readiness_over_time
from .plan import Plan, format_number, is_answered, number_value, orphan_answers
from .scoring import AreaScore, score_areas, scored_levels
from .text import clean_text, slugify

log = logging.getLogger(__name__)

DOCUMENT_TITLE = "Teacher leadership plan"
BASED_ON = "Based on the Aspen Institute and Leading Educators roadmap for teacher leadership"
TEMPLATE_FILENAME = "teacher-leadership-plan-workshop-template.docx"
NOT_ANSWERED = "Not yet answered"
NOT_RATED = "Not yet rated"
CHART_MISSING = "The readiness chart could not be drawn for this copy; the figures are in the table below."

#: Paragraph styles this module adds to python-docx's default template.
QUESTION_STYLE = "Question"
SOURCE_STYLE = "Question Source"
NOT_ANSWERED_STYLE = "Not Answered"
WRITING_LINE_STYLE = "Writing Line"
TABLE_TEXT_STYLE = "Table Text"

#: The sections a plan document can hold, in order, with what each adds.
SECTIONS: dict[str, str] = {
    "cover": "cover page: district, planning team, date",
    "brief": "one-page board brief: the ask, purpose, priorities, roles and cost, measures, readiness, decisions",
    "summary": "executive summary: readiness chart and figures, purpose, decisions, next steps",
    "rounds": "readiness over time, when the plan has more than one round: readiness per round, moved ratings, changed answers",
    "areas": "one section per area: its actions with readiness ratings, its questions and answers",
    "action_notes": "the team's evidence note beside each rated action",
    "other_answers": "answers to questions the question bank no longer has",
    "checkup": "plan checkup: what the roadmap's logic flags in the plan (not included unless chosen)",
    "appendix": "sources, the readiness rubric and, when given, the resume code",
}

#: The sections a document has unless others are chosen: all but the checkup, a working list for the team.
DEFAULT_SECTIONS: frozenset[str] = frozenset(SECTIONS) - {"checkup"}

_TEXT_WIDTH = 6.5  # inches between the margins of a Letter page with 1-inch margins
_TICK_BOX = "\u2610"
_DOT = "\u00b7"
_ACCENT = RGBColor(0x1F, 0x3B, 0x5C)
_GREY = RGBColor(0x55, 0x55, 0x55)
_HEADER_FILL = "D9E2F3"
_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
#: A typed list line: "- item", "* item", "\u2022 item" (bulleted) or "1. item", "1) item" (numbered).
_BULLET_LINE = re.compile(r"^[ \t]*[-*\u2022][ \t]+(?P<text>\S.*)$")
_NUMBER_LINE = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+(?P<text>\S.*)$")
_LANGUAGE = "en-US"
_INCHES_PER_CHAR = 0.075  # a character of 9-point bold table text, generously
_CELL_PADDING = 0.22  # a cell's left and right margins, with a little air
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core-property strings


class DocumentOptionsError(ValueError):
    """Options that name no section of the document; the message is one plain sentence."""


def parse_sections(names: str | Iterable[str]) -> frozenset[str]:
    """Return the section names in a comma-separated string or list; raise DocumentOptionsError on unknown ones."""
    if isinstance(names, str):
        names = names.split(",")
    chosen = [n.strip() for n in names if n.strip()]
    unknown = [n for n in chosen if n not in SECTIONS]
    if unknown:
        which = ", ".join(f"`{n}`" for n in unknown)
        raise DocumentOptionsError(f"unknown section {which}; choose from {', '.join(SECTIONS)}")
    if not chosen:
        raise DocumentOptionsError(f"no sections chosen; choose from {', '.join(SECTIONS)}")
    return frozenset(chosen)


@dataclass(frozen=True)
class DocumentOptions:
    """What goes into a plan document.

    sections: names from SECTIONS. unanswered: "show" prints "Not yet answered"
    under an unanswered question, "omit" leaves the question out.
    include_rating_spread adds a column to each actions table with
    rating_spreads[action_id], a text such as "2 x Emerging, 3 x Developing"
    describing how the team's members rated it. include_resume_code prints the
    resume code given to build_plan_document in the appendix: anyone holding the
    document can then open and edit the plan, so it is off unless asked for.
    """

    sections: frozenset[str] = DEFAULT_SECTIONS
    unanswered: Literal["show", "omit"] = "show"
    include_resume_code: bool = False
    include_rating_spread: bool = False
    rating_spreads: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", parse_sections(self.sections) if self.sections else frozenset())
        if self.unanswered not in ("show", "omit"):
            raise DocumentOptionsError(f"unanswered must be `show` or `omit`, not `{self.unanswered}`")

    def has(self, section: str) -> bool:
        return section in self.sections


# Text ---------------------------------------------------------------------------------


def _t(value: Any) -> str:
    """Return value as text that XML can hold, with every line break a plain newline."""
    return _NEWLINES.sub("\n", clean_text(value if isinstance(value, str) else str(value)))


def _blocks(text: str) -> list[str]:
    """Return the paragraphs of text (split on blank lines), in order, without empty ones."""
    return [b.strip("\n") for b in _BLANK_LINES.split(_t(text)) if b.strip()]


def _list_runs(block: str) -> list[tuple[str | None, str]]:
    """Split a block into runs of (list style or None, text): typed "- " lines become "List Bullet"
    items and "1." lines "List Number" items, each its own paragraph; other lines stay together."""
    runs: list[tuple[str | None, str]] = []
    for line in block.split("\n"):
        bullet, number = _BULLET_LINE.match(line), _NUMBER_LINE.match(line)
        if bullet or number:
            runs.append(("List Bullet" if bullet else "List Number", (bullet or number)["text"].rstrip()))
        elif runs and runs[-1][0] is None:
            runs[-1] = (None, runs[-1][1] + "\n" + line)
        else:
            runs.append((None, line))
    return runs


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _format_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _core_text(value: str) -> str:
    value = " ".join(_t(value).split())
    return value if len(value) <= _CORE_PROPERTY_LIMIT else value[: _CORE_PROPERTY_LIMIT - 1] + "\u2026"


def _level_text(bank: Bank, level_id: str | None) -> str:
    return bank.level_text(level_id, NOT_RATED)


def _spread(total: float, n: int, first: float) -> list[float]:
    """Return n column widths adding up to total, the first one `first` wide."""
    return [total] if n == 1 else [first] + [(total - first) / (n - 1)] * (n - 1)


def _cell(value: Any, numeric: bool) -> str:
    """A table cell as printed: a number column's numbers with thousands separators (12000 -> 12,000)."""
    text = _t(value or "")
    number = number_value(text) if numeric else None
    return format_number(number) if number is not None else text


def _table_rows(columns: Iterable[Column], value: list) -> tuple[list[str], list[list[str]]]:
    """Return headers and rows of table answers; cells under columns the bank no longer has get their own column."""
    columns = list(columns)
    known = [c.id for c in columns]
    numeric = {c.id for c in columns if c.type == "number"}
    extra = list(dict.fromkeys(k for row in value if isinstance(row, dict) for k in row if k not in known))
    keys = known + extra
    headers = [c.label for c in columns] + extra
    rows = [[_cell(row.get(k), k in numeric) for k in keys] for row in value if isinstance(row, dict)]
    return headers, rows


def _fitted_widths(headers: list[str], rows: list[list[str]], total: float = _TEXT_WIDTH) -> list[float]:
    """Return column widths adding up to total inches: each wide enough for its longest word, and the
    rest shared by how much text each column holds, so long text is not squeezed."""
    minimum, weights = [], []
    for i, header in enumerate(headers):
        cells = [row[i] for row in rows if i < len(row)]
        longest_word = max((len(word) for text in [header, *cells] for word in text.split()[:50]), default=1)
        minimum.append(min(_INCHES_PER_CHAR * longest_word + _CELL_PADDING, total / 2))
        weights.append(max(sum(map(len, cells)) / len(cells) if cells else 0, len(header), 1))
    if sum(minimum) >= total:
        return [total * m / sum(minimum) for m in minimum]
    spare = total - sum(minimum)
    return [m + spare * w / sum(weights) for m, w in zip(minimum, weights)]


# XML pieces python-docx has no API for ---------------------------------------------------


def _element(tag: str, **attributes: str):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _paragraph_element(text: str, style_id: str | None = None, bold: bool = False):
    """Return a <w:p> holding text, newlines as line breaks and tabs as tabs.

    Built directly: python-docx's add_run and style setters re-check the schema's
    element order on every call, which is most of an export's time.
    """
    paragraph = _element("w:p")
    if style_id is not None:
        properties = _element("w:pPr")
        properties.append(_element("w:pStyle", val=style_id))
        paragraph.append(properties)
    if text:
        run = _element("w:r")
        if bold:
            run_properties = _element("w:rPr")
            run_properties.append(_element("w:b"))
            run.append(run_properties)
        for n, line in enumerate(text.split("\n")):
            if n:
                run.append(_element("w:br"))
            for m, piece in enumerate(line.split("\t")):
                if m:
                    run.append(_element("w:tab"))
                if piece:
                    t = _element("w:t")
                    t.text = piece
                    t.set(_XML_SPACE, "preserve")
                    run.append(t)
        paragraph.append(run)
    return paragraph


def _shade(tc, fill: str) -> None:
    tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def _repeat_as_header(tr) -> None:
    """Mark a table row as a header row: Word repeats it on each page and screen readers announce it."""
    tr.get_or_add_trPr().append(_element("w:tblHeader", val="true"))


def _keep_row_together(tr) -> None:
    """Stop a table row from breaking across pages, so a row is read whole."""
    tr.get_or_add_trPr().append(_element("w:cantSplit", val="true"))


def _add_field(paragraph, instruction: str) -> None:
    """Add a Word field (PAGE, NUMPAGES) whose value the reader's word processor fills in."""
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


def _left_bar(style) -> None:
    """Give a paragraph style a thick bar down its left side."""
    borders = _element("w:pBdr")
    borders.append(_element("w:left", val="single", sz="24", space="6", color="1F3B5C"))
    style.element.get_or_add_pPr().append(borders)


# The writer --------------------------------------------------------------------------------


class _Writer:
    """One document being written: paragraphs, headings and tables in the module's styles.

    Styles are applied by id: python-docx's lookup by name scans every style of
    the template and would cost most of an export's time.
    """

    _STYLE_NAMES = ("Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet", "List Number", "Table Grid",
                    QUESTION_STYLE, TABLE_TEXT_STYLE, SOURCE_STYLE, NOT_ANSWERED_STYLE, WRITING_LINE_STYLE)

    def __init__(self, footer_text: str, title: str, author: str):
        self.document = new_document()
        section = self.document.sections[0]
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(0.75)
        self._body = self.document.element.body
        self._add_styles()
        self._style_ids = {name: self.document.styles[name].style_id for name in self._STYLE_NAMES}
        self._add_footer(section, footer_text)
        self._set_properties(title, author)

    def _add_styles(self) -> None:
        styles = self.document.styles
        # The document's language, so that screen readers pronounce it and spelling is checked in it.
        defaults = styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for old in run_defaults.findall(qn("w:lang")):
            run_defaults.remove(old)
        run_defaults.append(_element("w:lang", val=_LANGUAGE, eastAsia=_LANGUAGE, bidi="ar-SA"))
        styles["Normal"].paragraph_format.space_after = Pt(6)
        question = styles.add_style(QUESTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        question.base_style = styles["Heading 3"]
        question.next_paragraph_style = styles["Normal"]
        question.font.size = Pt(11.5)
        question.font.bold = True
        question.font.color.rgb = _ACCENT
        question.paragraph_format.space_before = Pt(10)
        question.paragraph_format.space_after = Pt(3)
        question.paragraph_format.left_indent = Inches(0.08)
        question.paragraph_format.keep_with_next = True
        _left_bar(question)

        source = styles.add_style(SOURCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        source.base_style = styles["Normal"]
        source.font.size = Pt(8.5)
        source.font.italic = True
        source.font.color.rgb = _GREY
        source.paragraph_format.left_indent = Inches(0.08)
        source.paragraph_format.space_after = Pt(6)
        source.paragraph_format.keep_with_next = True

        missing = styles.add_style(NOT_ANSWERED_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        missing.base_style = styles["Normal"]
        missing.font.italic = True
        missing.font.color.rgb = _GREY

        cell_text = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        cell_text.base_style = styles["Normal"]
        cell_text.font.size = Pt(9)
        cell_text.paragraph_format.space_after = Pt(2)
        cell_text.paragraph_format.line_spacing = 1.0

        line = styles.add_style(WRITING_LINE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        line.base_style = styles["Normal"]
        line.paragraph_format.space_before = Pt(12)
        line.paragraph_format.space_after = Pt(0)
        line.paragraph_format.tab_stops.add_tab_stop(Inches(_TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.LINES)

    def _add_footer(self, section, text: str) -> None:
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(f"{_t(text)}  {_DOT}  Page ")
        _add_field(footer, "PAGE")
        footer.add_run(" of ")
        _add_field(footer, "NUMPAGES")

    def _set_properties(self, title: str, author: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        props = self.document.core_properties
        props.title = _core_text(title)
        props.subject = _core_text(BASED_ON)
        props.author = _core_text(author)
        props.last_modified_by = "Teacher Leadership Roadmap planner"
        props.keywords = "teacher leadership; roadmap; readiness; school board"
        props.comments = "Made with the Teacher Leadership Roadmap planner."
        props.category = "Plan"
        props.created = now
        props.modified = now
        props.revision = 1

    # Paragraphs

    def para(self, text: str = "", style: str | None = None, container=None) -> Paragraph:
        """Add one paragraph of text (newlines inside it become line breaks) and return it."""
        element = _paragraph_element(text, self._style_ids[style] if style else None)
        if container is None:
            self._body.sectPr.addprevious(element)
            return Paragraph(element, self.document._body)
        container._tc.append(element)
        return Paragraph(element, container)

    def text(self, text: str, style: str | None = None, container=None) -> None:
        """Add text as one paragraph per block, keeping the writer's paragraphs and their order.

        Lines typed as a list ("- item", "1. item") become Word list items; each numbered list starts at 1.
        """
        for block in _blocks(text):
            lines = block.split("\n")
            if style is not None or not any(_BULLET_LINE.match(x) or _NUMBER_LINE.match(x) for x in lines):
                self.para(block, style, container)
                continue
            numbered = None
            for list_style, piece in _list_runs(block):
                if list_style is None:
                    numbered = None
                    self.para(piece, None, container)
                    continue
                paragraph = self.para(piece, list_style, container)
                if list_style == "List Number":
                    numbered = numbered or self._new_numbering()
                    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = numbered
                else:
                    numbered = None

    def _new_numbering(self) -> int:
        """Return the id of a new numbering that restarts List Number at 1, so each typed list counts from 1."""
        numbering = self.document.part.numbering_part.numbering_definitions._numbering
        style_num = self.document.styles["List Number"].element.pPr.numPr.numId.val
        abstract = next(n.abstractNumId.val for n in numbering.num_lst if n.numId == style_num)
        num = numbering.add_num(abstract)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        return num.numId

    def heading(self, text: str, level: int, new_page: bool = False):
        """Add a heading; new_page starts it on a new page unless nothing comes before it."""
        starts_page = new_page and len(self.document.element.body) > 1  # the body's last child is sectPr
        heading = self.para(_t(text), f"Heading {level}")
        if starts_page:
            heading.paragraph_format.page_break_before = True
            heading.paragraph_format.space_before = Pt(0)  # the margin is space enough at the top of a page
        return heading

    def lines(self, count: int, label: str = "") -> None:
        """Add ruled lines to write on by hand, the first one starting with label."""
        for n in range(count):
            self.para(f"{label if n == 0 else ''}\t", WRITING_LINE_STYLE)

    def question(self, bank: Bank, question: Question, with_source: bool = True) -> None:
        """Add a question line, quoted and followed by its source when it is not the planner's own."""
        source = bank.sources_by_id.get(question.source)
        from_elsewhere = source is not None and not source.own
        self.para(_t(_quoted(question.text) if from_elsewhere else question.text), QUESTION_STYLE)
        if from_elsewhere and with_source:
            self.para(_t(f"Source: {source.label}"), SOURCE_STYLE)

    def picture(self, png: bytes, width: float, alt_text: str, title: str) -> None:
        paragraph = self.para()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(4)
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Inches(width))
        shape._inline.docPr.set("descr", _t(alt_text))
        shape._inline.docPr.set("title", _t(title))

    # Tables

    def fill(self, cell, text: str, bold: bool = False) -> None:
        """Put text in a table cell (a python-docx cell or its <w:tc>), one paragraph per block."""
        self._fill_tc(getattr(cell, "_tc", cell), text, bold)

    def _fill_tc(self, tc, text: str, bold: bool = False) -> None:
        blocks = _blocks(text)
        if not blocks:
            return
        tc.remove(tc.p_lst[0])  # the empty paragraph every new cell starts with
        style_id = self._style_ids[TABLE_TEXT_STYLE]
        for block in blocks:
            tc.append(_paragraph_element(block, style_id, bold))

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float] | None = None,
              empty_rows: int = 0, row_height: float | None = None) -> Table:
        """Add a grid table with a shaded header row that repeats on each page; return it."""
        table = self.document.add_table(rows=1 + len(rows) + empty_rows, cols=len(headers))
        tbl = table._tbl
        tbl.tblStyle_val = self._style_ids["Table Grid"]
        trs = tbl.tr_lst
        _repeat_as_header(trs[0])
        for tr in trs:
            _keep_row_together(tr)
        for tc, text in zip(trs[0].tc_lst, headers):
            self._fill_tc(tc, text, bold=True)
            _shade(tc, _HEADER_FILL)
        for tr, values in zip(trs[1:], rows):
            for tc, text in zip(tr.tc_lst, values):
                self._fill_tc(tc, text)
        if row_height is not None:
            for row in table.rows[1:]:
                row.height = Inches(row_height)
                row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        widths = [Inches(w) for w in widths or _fitted_widths(headers, rows)]
        table.autofit = False
        for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths):
            grid_col.w = width
        for tr in trs:
            for tc, width in zip(tr.tc_lst, widths):
                tc.width = width
        return table

    # Answers

    def any_answer(self, value: Any) -> None:
        """Add an answer whatever its shape: text, a list, table rows or a mapping."""
        if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            self.table(*_table_rows([], value))
        elif isinstance(value, list):
            for item in value:
                self.text(_t(item), "List Bullet")
        elif isinstance(value, dict):
            for key, item in value.items():
                self.text(f"{_t(key)}: {_t(item)}")
        else:
            self.text(_t(value))

    def answer(self, bank: Bank, question: Question, value: Any) -> None:
        """Add the answer to question in the form its kind calls for."""
        kind = question.kind
        if kind in ("text", "short_text") and isinstance(value, str):
            self.text(value)
        elif kind == "choice" and isinstance(value, str):
            self.para(_t(question.option_label(value)))
        elif kind == "multi_choice" and isinstance(value, list):
            for option in value:
                self.para(_t(question.option_label(str(option))), "List Bullet")
        elif kind == "domains" and isinstance(value, list):
            for domain_id in value:
                domain = bank.domains_by_id.get(str(domain_id))
                self.para(_t(domain.title if domain else domain_id), "List Bullet")
        elif kind == "table" and isinstance(value, list):
            self.table(*_table_rows(question.columns or (), value))
        elif kind == "decision" and isinstance(value, dict):
            pole = str(value.get("pole") or "")
            paragraph = self.para()
            paragraph.add_run("Choice: ").bold = True
            paragraph.add_run(_t(question.option_label(pole)) if pole else "not yet made")
            self.text(_t(value.get("rationale") or ""))
        else:
            # The question's kind changed since this answer was saved: show it as it is.
            self.any_answer(value)

    def question_and_answer(self, bank: Bank, plan: Plan, question: Question, options: DocumentOptions,
                            with_source: bool = True) -> None:
        value = plan.answers.get(question.id)
        answered = is_answered(question, value)
        if not answered and options.unanswered == "omit":
            return
        self.question(bank, question, with_source)
        if answered:
            self.answer(bank, question, value)
        else:
            self.para(NOT_ANSWERED, NOT_ANSWERED_STYLE)

    def action_cell(self, cell, bank: Bank, action) -> None:
        """Fill a cell with a quoted action and, when it is not from the bank's main source, that source."""
        self.fill(cell, _quoted(_t(action.text)))
        if action.source != bank.sources[0].id and (source := bank.sources_by_id.get(action.source)):
            note = self.para(_t(source.label), SOURCE_STYLE, container=cell)
            note.paragraph_format.left_indent = Inches(0)

    # Shared sections

    def rubric(self, bank: Bank, heading_level: int = 2, new_page: bool = False) -> None:
        self.heading("Readiness rubric", heading_level, new_page=new_page)
        self.para(
            "Each high-impact action is rated on this scale. An area's readiness is the mean level of its rated "
            "actions, shown to one decimal with the nearest level's name (2.5 is between the second and third "
            "levels); actions rated not applicable are left out and named. The rubric is the planner's "
            "suggestion, not the report's.")
        rows = [[str(lv.value) if lv.value is not None else "-", _t(lv.label), _t(lv.descriptor)]
                for lv in bank.levels]
        self.table(["Level", "Label", "What it means"], rows, widths=[0.7, 1.5, 4.3])

    def sources(self, bank: Bank) -> None:
        self.heading("Sources", 2)
        for source in bank.sources:
            self.para(_t(source.citation), "List Bullet")


# The plan's sections ------------------------------------------------------------------


def _add_cover(w: _Writer, plan: Plan, day: dt.date) -> None:
    district = plan.district
    w.para(DOCUMENT_TITLE, "Title")
    w.para(_t(district.name).strip() or "District not named yet", "Subtitle")
    w.para(_format_date(day))
    w.heading("Planning team", 1)  # a Heading 1: the cover's Title is not a heading level, and levels never skip
    if district.team:
        w.table(["Name", "Role"], [[_t(m.name), _t(m.role)] for m in district.team], widths=[2.6, 3.9])
    else:
        w.para("Team members not recorded yet.", NOT_ANSWERED_STYLE)
    w.para()
    w.para(BASED_ON + ".")
    w.para("Readiness ratings in this plan are the planning team's own self-assessment. The rubric is a "
           "suggestion of the planner, not part of the report; it is set out in the appendix.")


def _add_chart(w: _Writer, bank: Bank, scores: list[AreaScore]) -> None:
    try:
        png = draw_readiness_chart(scores, bank)
    except Exception:
        # The figures table below says the same, so the board still gets its document.
        log.exception("the readiness chart could not be drawn; the document has the figures table only")
        w.para(CHART_MISSING, NOT_ANSWERED_STYLE)
        return
    w.picture(png, _TEXT_WIDTH, readiness_alt_text(scores), "Readiness by area")


def _figures_rows(scores: list[AreaScore]) -> list[list[str]]:
    rows = []
    for s in scores:
        level = "Not rated" if s.mean is None else _t(s.level_name)
        rows.append([_t(s.title), s.count_label, s.mean_label, level])
    return rows


def _decision_rows(plan: Plan, bank: Bank, options: DocumentOptions) -> list[list[str]]:
    rows = []
    for question in (q for a in bank.areas for q in a.questions if q.kind == "decision"):
        value = plan.answers.get(question.id)
        if not is_answered(question, value):
            if options.unanswered == "show":
                rows.append([_t(question.text), NOT_ANSWERED, ""])
            continue
        value = value if isinstance(value, dict) else {"rationale": _t(value)}
        pole = str(value.get("pole") or "")
        choice = _t(question.option_label(pole)) if pole else "Not yet made"
        rows.append([_t(question.text), choice, _t(value.get("rationale") or "")])
    return rows


def _add_summary(w: _Writer, plan: Plan, bank: Bank, options: DocumentOptions) -> None:
    w.heading("Executive summary", 1, new_page=True)
    scores = score_areas(plan, bank)
    _add_chart(w, bank, scores)
    bottom, top = scored_levels(bank)[0], scored_levels(bank)[-1]
    w.table(["Area", "Rated actions", f"Mean level ({bottom.value}-{top.value})", "Nearest level"],
            _figures_rows(scores), widths=[2.2, 1.9, 1.0, 1.4])

    in_summary = [q for a in bank.areas for q in a.questions if q.in_summary]
    written = [q for q in in_summary if q.kind != "table"
               and (options.unanswered == "show" or is_answered(q, plan.answers.get(q.id)))]
    # The team's own purpose statement first, then the report's longer questions.
    written.sort(key=lambda q: not (bank.sources_by_id.get(q.source) and bank.sources_by_id[q.source].own))
    if written:
        w.heading("Purpose and priorities", 2)  # the questions below are a level 3
        for question in written:
            # The source line is left to the area's section, to keep the summary to one page.
            w.question_and_answer(bank, plan, question, options, with_source=False)

    if rows := _decision_rows(plan, bank, options):
        w.heading("Key decisions", 2)
        w.table(["Decision", "Choice", "Rationale"], rows, widths=[2.5, 1.0, 3.0])

    for question in (q for q in in_summary if q.kind == "table"):
        value = plan.answers.get(question.id)
        answered = is_answered(question, value)
        if not answered and options.unanswered == "omit":
            continue
        w.heading(question.text, 2)
        if answered:
            w.answer(bank, question, value)
        else:
            w.para(NOT_ANSWERED, NOT_ANSWERED_STYLE)


def _add_actions_table(w: _Writer, plan: Plan, bank: Bank, area: Area, options: DocumentOptions) -> None:
    headers = ["High-impact action", "Readiness"]
    if options.include_rating_spread:
        headers.append("Team's ratings")
    if options.has("action_notes"):
        headers.append("Evidence note")
    widths = [4.6, 1.9] if len(headers) == 2 else _spread(_TEXT_WIDTH, len(headers), first=2.9)
    table = w.table(headers, [], widths=widths, empty_rows=len(area.actions))
    for row, action in zip(table.rows[1:], area.actions):
        cells = iter(row.cells)
        w.action_cell(next(cells), bank, action)
        rating = plan.ratings.get(action.id)
        w.fill(next(cells), _level_text(bank, rating.level if rating else None))
        if options.include_rating_spread:
            w.fill(next(cells), _t(options.rating_spreads.get(action.id, "")))
        if options.has("action_notes"):
            w.fill(next(cells), _t(rating.note) if rating else "")


def _add_areas(w: _Writer, plan: Plan, bank: Bank, options: DocumentOptions) -> None:
    for number, area in enumerate(bank.areas, start=1):
        # Numbered, so that the brief's "(continued in section 2)" leads somewhere.
        w.heading(f"{number}. {area.title}", 1, new_page=True)
        w.text(area.summary)
        if area.actions:
            w.heading("High-impact actions and readiness", 2)
            _add_actions_table(w, plan, bank, area, options)
        if area.questions:
            w.heading("Questions and answers", 2)
            for question in area.questions:
                w.question_and_answer(bank, plan, question, options)


def _add_other_answers(w: _Writer, plan: Plan, bank: Bank) -> None:
    answers = orphan_answers(plan, bank)
    ratings = {k: r for k, r in plan.ratings.items() if k not in bank.actions}
    if not answers and not ratings:
        return
    w.heading("Other answers", 1, new_page=True)
    w.para("These were saved under questions or actions that this question bank no longer has. "
           "They are kept here so that nothing the team wrote is lost.")
    if answers:
        w.heading("Answers to questions no longer in the question bank", 2)
    for question_id, value in answers.items():
        w.para(_t(f"Question {question_id} (no longer in the question bank)"), QUESTION_STYLE)
        w.any_answer(value)
    if ratings:
        w.heading("Ratings of actions no longer in the question bank", 2)
        rows = [[_t(k), _level_text(bank, r.level), _t(r.note)] for k, r in ratings.items()]
        w.table(["Action", "Readiness", "Evidence note"], rows, widths=[2.2, 1.5, 2.8])


def _add_checkup(w: _Writer, plan: Plan, bank: Bank, day: dt.date) -> None:
    w.heading("Plan checkup", 1, new_page=True)
    findings = check_plan(plan, bank, today=day)
    w.para("The planner checks the plan against the roadmap's own logic: a measure for each priority, a "
           "baseline, target and date for each measure, a rationale for each decision, a next step for each "
           "action rated at the two lowest levels, support for the roles, funding against the roles' cost, "
           "what the board is asked to approve, with a date, and dates after the plan's date. These checks are the planner's, not the report's.")
    if not findings:
        w.para("Nothing is flagged.")
        return
    w.table(["Where", "What to look at"],
            [[f"{n}. {f.area_title}: {f.about}", f.message] for f in findings
             for n in [f.step]], widths=[2.4, 4.1])


def _unbroken(run, text: str) -> None:
    """Put text in a run with its hyphens as non-breaking hyphens, so a code never breaks across lines."""
    for n, piece in enumerate(text.split("-")):
        if n:
            run._r.append(_element("w:noBreakHyphen"))
        if piece:
            t = _element("w:t")
            t.text = piece
            run._r.append(t)


def _add_appendix(w: _Writer, bank: Bank, resume_code: str | None) -> None:
    w.heading("Appendix", 1, new_page=True)
    w.sources(bank)
    w.rubric(bank)
    if resume_code:
        w.heading("Carrying on with this plan", 2)
        paragraph = w.para("To carry on with this plan, open the planner and enter the resume code ")
        code = paragraph.add_run()
        code.bold = True
        _unbroken(code, _t(resume_code))
        paragraph.add_run(". Anyone holding this document can open and edit the plan with it.")


def build_plan_document(plan: Plan, bank: Bank, options: DocumentOptions | None = None,
                        resume_code: str | None = None, today: dt.date | None = None) -> Document:
    """Return a new Word document of plan, laid out by bank and options.

    The cover's date is the plan's own, else `today` (default: the current date).
    Never raises for what a plan holds; a chart that cannot be drawn is replaced by
    a one-line note, and its figures are still in the table below it.
    """
    options = options or DocumentOptions()
    district = _t(plan.district.name).strip()
    w = _Writer(footer_text=district or DOCUMENT_TITLE,
                title=f"{DOCUMENT_TITLE}: {district}" if district else DOCUMENT_TITLE,
                author=district or "Teacher Leadership Roadmap planner")
    if options.has("cover"):
        _add_cover(w, plan, plan.district.date or today or dt.date.today())
    if options.has("brief"):
        add_brief(w, plan, bank, board_brief(plan, bank, section_numbers(bank) if options.has("areas") else {}))
    if options.has("summary"):
        _add_summary(w, plan, bank, options)
    if options.has("rounds"):
        add_readiness_over_time(w, plan, bank)
    if options.has("areas"):
        _add_areas(w, plan, bank, options)
    if options.has("other_answers"):
        _add_other_answers(w, plan, bank)
    if options.has("checkup"):
        _add_checkup(w, plan, bank, plan.district.date or today or dt.date.today())
    if options.has("appendix"):
        _add_appendix(w, bank, resume_code if options.include_resume_code else None)
    return w.document


def to_docx_bytes(document: Document) -> bytes:
    """Return the document saved as .docx bytes (in memory; no file is written)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_filename(plan: Plan, today: dt.date, suffix: str = ".docx") -> str:
    """Return a file name such as riverbend-unified-school-district-teacher-leadership-plan-2026-11-23.docx,
    dated with the plan's own date, else today."""
    day = plan.district.date or today
    return f"{slugify(_t(plan.district.name))}-teacher-leadership-plan-{day.isoformat()}{suffix}"


# The blank workshop template ------------------------------------------------------------

_LINES_BY_KIND = {"text": 6, "short_text": 1}
_TEMPLATE_TABLE_ROWS = 5
_TEMPLATE_TEAM_ROWS = 8


def _add_blank_answer(w: _Writer, bank: Bank, question: Question) -> None:
    kind = question.kind
    if kind in _LINES_BY_KIND:
        w.lines(_LINES_BY_KIND[kind])
    elif kind in ("choice", "multi_choice", "domains", "decision"):
        choices = [d.title for d in bank.domains] if kind == "domains" else [
            c.label for c in (question.options or question.poles or ())]
        w.para("Tick one." if kind in ("choice", "decision") else "Tick all that apply.", NOT_ANSWERED_STYLE)
        for label in choices:
            w.para(f"{_TICK_BOX}  {_t(label)}")
        if kind == "decision":
            w.lines(4, "Rationale: ")
    elif kind == "table":
        w.table([_t(c.label) for c in question.columns or ()], [], empty_rows=_TEMPLATE_TABLE_ROWS, row_height=0.42)


def _add_blank_actions(w: _Writer, bank: Bank, area: Area) -> None:
    levels = list(bank.levels)
    headers = (["High-impact action"]
               + [lv.label if lv.value is None else f"{lv.value}\n{lv.label}" for lv in levels] + ["Evidence note"])
    level_width, action_width = 0.74, 1.6
    widths = [action_width] + [level_width] * len(levels) + [_TEXT_WIDTH - action_width - level_width * len(levels)]
    table = w.table(headers, [], widths=widths, empty_rows=len(area.actions), row_height=0.5)
    for cell in table.rows[0].cells[1:1 + len(levels)]:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(7)  # "Established" fits a tick-box column on one line
    for row, action in zip(table.rows[1:], area.actions):
        cells = row.cells
        w.action_cell(cells[0], bank, action)
        for cell in cells[1:1 + len(levels)]:
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(_TICK_BOX).font.size = Pt(16)


def build_blank_template(bank: Bank) -> Document:
    """Return a printable workshop template: every area, action and question of bank, with room to write."""
    title = f"{DOCUMENT_TITLE}: workshop template"
    w = _Writer(footer_text=title, title=title, author="Teacher Leadership Roadmap planner")
    w.para(DOCUMENT_TITLE, "Title")
    w.para("Workshop template", "Subtitle")
    w.lines(1, "District: ")
    w.lines(1, "Date: ")
    w.heading("Planning team", 1)
    w.table(["Name", "Role"], [], widths=[2.6, 3.9], empty_rows=_TEMPLATE_TEAM_ROWS, row_height=0.36)
    w.heading("How to use this template", 1)
    for step in (
        "Work through the areas in any order; the first two can run at the same time.",
        "Rate each high-impact action by ticking one box, using the rubric below, and note the "
        "evidence for your rating.",
        "Answer each question in the space below it. Questions in quotation marks are quoted from the report.",
        "Afterwards, type the answers into the planner to produce the plan for the school board.",
    ):
        w.para(step, "List Number")
    w.para(BASED_ON + ".")
    w.rubric(bank, heading_level=1)
    for area in bank.areas:
        w.heading(area.title, 1, new_page=True)
        w.text(area.summary)
        if area.actions:
            w.heading("High-impact actions and readiness", 2)
            _add_blank_actions(w, bank, area)
        if area.questions:
            w.heading("Questions", 2)
            for question in area.questions:
                w.question(bank, question)
                if question.help:
                    w.para(_t(question.help), SOURCE_STYLE)
                _add_blank_answer(w, bank, question)
    w.heading("Appendix", 1, new_page=True)
    w.sources(bank)
    return w.document
