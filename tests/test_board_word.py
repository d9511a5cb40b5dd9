"""A board-grade Word file: real lists, a language, heading levels that never skip, tables that read whole,
no resume code unless asked, and a file name dated by the plan."""

import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn

from roadmap.document import (
    DocumentOptions,
    build_blank_template,
    build_plan_document,
    document_filename,
    to_docx_bytes,
)
from roadmap.plan import District, Plan

AREAS = DocumentOptions(sections={"areas"})


def reopen(document) -> docx.Document:
    return docx.Document(io.BytesIO(to_docx_bytes(document)))


def paragraphs_after(doc, text):
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[start + 1:]


def num_id(paragraph):
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    return num_pr.numId.val if num_pr is not None and num_pr.numId is not None else None


def test_typed_dash_lines_become_a_bulleted_word_list(bank, sample):
    sample.set_answer(bank, "q-training", "We will offer:\n- a summer institute\n- monthly cohort sessions\n\nThen more.")
    doc = reopen(build_plan_document(sample, bank, AREAS))
    after = paragraphs_after(doc, "We will offer:")[:3]
    assert [(p.style.name, p.text) for p in after] == [
        ("List Bullet", "a summer institute"), ("List Bullet", "monthly cohort sessions"), ("Normal", "Then more.")]


def test_typed_numbered_lines_become_numbered_lists_each_starting_at_one(bank, sample):
    sample.set_answer(bank, "q-training", "1. Apply\n2. Observe\n\nLater:\n1) Review\n2) Renew")
    sample.set_answer(bank, "q-selection", "1. Publish the criteria\n2. Interview")
    doc = reopen(build_plan_document(sample, bank, AREAS))
    items = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in items] == ["Publish the criteria", "Interview", "Apply", "Observe", "Review", "Renew"]
    ids = [num_id(p) for p in items]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[4] == ids[5]
    assert len({ids[0], ids[2], ids[4]}) == 3  # three lists, so each counts from 1
    numbering = doc.part.numbering_part.element
    for n in {ids[0], ids[2], ids[4]}:
        num = next(x for x in numbering.num_lst if x.numId == n)
        assert num.find(qn("w:lvlOverride")).find(qn("w:startOverride")).get(qn("w:val")) == "1"


def test_a_year_or_a_sentence_is_not_taken_for_a_list(bank, sample):
    sample.set_answer(bank, "q-training", "2027. The year we start.\n-5 degrees is cold")
    doc = reopen(build_plan_document(sample, bank, AREAS))
    assert "2027. The year we start.\n-5 degrees is cold" in [p.text for p in doc.paragraphs]


def test_the_document_language_is_us_english(bank, sample):
    doc = reopen(build_plan_document(sample, bank))
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-US"


def _outline_level(paragraph) -> int | None:
    style = paragraph.style
    while style is not None:
        if style.name.startswith("Heading ") and style.name[8:].isdigit():
            return int(style.name[8:])
        style = style.base_style
    return None


@pytest.mark.parametrize("which", ["plan", "template", "plan without answers"])
def test_heading_levels_never_skip(bank, sample, which):
    document = {"plan": lambda: build_plan_document(sample, bank),
                "template": lambda: build_blank_template(bank),
                "plan without answers": lambda: build_plan_document(Plan(), bank)}[which]()
    levels = [lv for p in reopen(document).paragraphs if (lv := _outline_level(p)) is not None]
    assert levels[0] == 1
    deepest = 0
    for level in levels:
        assert level <= deepest + 1, f"a Heading {level} after a Heading {deepest}"
        deepest = level


def test_every_table_repeats_its_header_and_keeps_each_row_on_one_page(bank, sample):
    doc = reopen(build_plan_document(sample, bank))
    assert len(doc.tables) > 10
    for table in doc.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)


def test_the_resume_code_is_left_out_unless_the_option_asks_for_it(bank, sample):
    without = reopen(build_plan_document(sample, bank, resume_code="K7QF-M2XR-9P"))
    assert not any("K7QF" in p.text for p in without.paragraphs)
    with_code = reopen(build_plan_document(sample, bank, DocumentOptions(include_resume_code=True),
                                           resume_code="K7QF-M2XR-9P"))
    paragraph = next(p for p in with_code.paragraphs if "K7QF-M2XR-9P" in p.text)
    assert "Anyone holding this document can open and edit the plan" in paragraph.text
    code_run = next(r for r in paragraph.runs if r.bold)
    assert code_run._r.findall(qn("w:noBreakHyphen")) and "-" not in "".join(
        t.text for t in code_run._r.findall(qn("w:t")))  # hyphens that never break the code across lines


def test_the_file_name_uses_the_plans_date_not_todays():
    plan = Plan(district=District(name="Riverbend", date=dt.date(2026, 12, 1)))
    assert document_filename(plan, dt.date(2027, 3, 3)) == "riverbend-teacher-leadership-plan-2026-12-01.docx"
    assert document_filename(Plan(district=District(name="Riverbend")), dt.date(2027, 3, 3)).endswith("2027-03-03.docx")
