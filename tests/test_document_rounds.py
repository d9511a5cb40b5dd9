"""The Word plan's "Readiness over time", read back from the .docx: round labels, the figures per round,
the chart's alt text, moved ratings with both notes, and word diffs marked without colour."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from docx import Document

from roadmap.document import DocumentOptions, build_plan_document, to_docx_bytes
from roadmap.document_rounds import LEGEND, SECTION_TITLE
from roadmap.rounds import start_round
from roadmap.sample import sample_plan

from .test_cli import run

SPRING = datetime(2027, 3, 14, 9, 0, tzinfo=timezone.utc)


def read_back(plan, bank, **options):
    data = to_docx_bytes(build_plan_document(plan, bank, DocumentOptions(**options) if options else None))
    return Document(io.BytesIO(data))


@pytest.fixture
def two_rounds(sample, bank):
    plan = start_round(sample, "Spring 2027", now=SPRING)
    plan.set_rating(bank, "act-success-data", "developing", "Survey designed")
    plan.set_answer(bank, "q-measure-success", "Retention of early-career teachers, measured each June.")
    return plan


def section_texts(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    start = texts.index(SECTION_TITLE)
    end = next(i for i, p in enumerate(document.paragraphs) if i > start and p.style.name == "Heading 1")
    return texts[start:end]


def test_a_plan_of_one_round_has_no_readiness_over_time(sample, bank):
    assert SECTION_TITLE not in [p.text for p in read_back(sample, bank).paragraphs]


def test_the_section_names_both_rounds_and_their_figures(two_rounds, sample, bank):
    document = read_back(two_rounds, bank)
    texts = section_texts(document)
    assert f"This plan has 2 rounds of review: {sample.round.label}, Spring 2027." in texts[1]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Area" and len(t.columns) == 3)
    assert [c.text for c in table.rows[0].cells] == ["Area", sample.round.label, "Spring 2027"]
    measures = next(r for r in table.rows if r.cells[0].text == "Define the measures")
    assert [c.text for c in measures.cells[1:]] == ["1.3: near Not started", "1.7: near Emerging"]
    assert "Define the measures: 1.3 -> 1.7" in texts


def test_the_chart_has_alt_text_saying_each_rounds_figure(two_rounds, bank):
    document = read_back(two_rounds, bank)
    alts = [d.get("descr") for d in document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    over_time = [a for a in alts if a.startswith("Bar chart of readiness over time")]
    assert len(over_time) == 1
    assert "Define the measures: " in over_time[0] and "Spring 2027: 1.7" in over_time[0]


def test_moved_ratings_show_from_to_and_both_notes(two_rounds, sample, bank):
    document = read_back(two_rounds, bank)
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == ["Action", "From", "To", "Notes"])
    [row] = [r for r in table.rows[1:]]
    cells = [c.text for c in row.cells]
    assert cells[0].startswith("identifying ways to collect data") and "(Define the measures)" in cells[0]
    assert cells[1] == f"Emerging ({sample.round.label})"  # the sample rates it Emerging
    assert cells[2] == "Developing (Spring 2027)"
    assert "Spring 2027: Survey designed" in cells[3]


def test_changed_answers_are_word_diffs_marked_by_brackets_underline_and_strike(two_rounds, bank):
    document = read_back(two_rounds, bank)
    texts = section_texts(document)
    assert LEGEND in texts
    paragraphs = [p for p in document.paragraphs if "[+" in p.text or "[-" in p.text]
    assert paragraphs
    runs = [r for p in paragraphs for r in p.runs]
    added = [r for r in runs if r.text.startswith("[+")]
    removed = [r for r in runs if r.text.startswith("[-")]
    assert added and all(r.underline for r in added)
    assert removed and all(r.font.strike for r in removed)
    [diff] = [p.text for p in paragraphs if "Retention" in p.text]
    assert diff.startswith("[-In the short term (first year):")
    assert "[+Retention of early-career teachers, measured+] each [-month," in diff and diff.endswith("[+June.+]")


def test_the_section_can_be_left_out(two_rounds, bank):
    document = read_back(two_rounds, bank, sections=frozenset({"cover", "summary"}))
    assert SECTION_TITLE not in [p.text for p in document.paragraphs]


def test_export_from_the_command_line_includes_the_comparison(tmp_path, bank):
    plan_file, out = tmp_path / "rounds.json", tmp_path / "plan.docx"
    plan_file.write_text(sample_plan(bank, rounds=3).to_json(), encoding="utf-8")
    result = run("export", str(plan_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    texts = section_texts(Document(str(out)))
    assert "Ratings that moved" in texts and "Answers that changed" in texts
    assert any("Autumn 2025" in t for t in texts)


def test_the_board_brief_says_what_moved_since_the_last_round(two_rounds, bank, sample):
    from roadmap.rounds import scores_by_round

    (label, before), (_, after) = scores_by_round(two_rounds, bank)[-2:]
    moved = [(b.title, b.mean_label, a.mean_label) for b, a in zip(before, after) if b.mean_label != a.mean_label]
    assert moved  # the fixture changed a rating in "Define the measures"
    texts = [p.text for p in read_back(two_rounds, bank).paragraphs]
    brief = texts[texts.index(next(t for t in texts if t.startswith("Board brief"))):]
    line = next(t for t in brief if t.startswith("Since "))
    assert line.startswith(f"Since {label}: ")
    for title, old, new in moved:
        assert f"{title} {old} -> {new}" in line
    # A plan of one round has no such line.
    one = [p.text for p in read_back(sample, bank).paragraphs]
    assert not any(t.startswith("Since ") for t in one)
