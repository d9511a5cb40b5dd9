"""The board's slide deck, reopened with python-pptx and read as a board member would see it."""

import io
import subprocess
import sys
import textwrap

import pytest
from pptx import Presentation
from pptx.util import Emu

from roadmap.charts import readiness_alt_text
from roadmap.deck import build_deck, deck_filename, fits, to_pptx_bytes
from roadmap.plan import District, Member
from roadmap.sample import sample_plan
from roadmap.scoring import score_areas

from .conftest import NASTY_STRINGS, ROOT
from .test_brief import long_answer_plan

TITLES = ["What the board is asked to approve", "Purpose and priorities", "Readiness by area (self-assessment)",
          "Roles and cost", "Measures of success", "Decisions", "Next steps"]


def reopen(plan, bank) -> Presentation:
    return Presentation(io.BytesIO(to_pptx_bytes(build_deck(plan, bank))))


def slide_texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def table_cells(slide):
    return [[c.text for c in row.cells] for s in slide.shapes if s.has_table for row in s.table.rows]


#: An independent estimate of what fits: characters 0.55 em wide on average, lines 1.2 times the font size.
def _needed_lines(text: str, width_in: float, pt: float) -> int:
    per_line = max(1, int((width_in - 0.2) * 72 / (pt * 0.55)))
    return sum(max(1, len(textwrap.wrap(p, per_line))) for p in text.split("\n"))


def _inside(text: str, width_emu: int, height_emu: int, pt: float) -> bool:
    width, height = Emu(width_emu).inches, Emu(height_emu).inches
    return _needed_lines(text, width, pt) * pt * 1.2 / 72 <= height - 0.1 + 1e-6


def assert_everything_fits(prs):
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height, \
                f"slide {number}: {shape.name} runs off the slide"
            if shape.has_text_frame and shape.text_frame.text:
                pt = max(r.font.size.pt for p in shape.text_frame.paragraphs for r in p.runs)
                assert _inside(shape.text_frame.text, shape.width, shape.height, pt), \
                    f"slide {number}: {shape.name} overflows: {shape.text_frame.text[:60]!r}"
            if shape.has_table:
                for row in shape.table.rows:
                    for cell, column in zip(row.cells, shape.table.columns):
                        pt = max((r.font.size.pt for p in cell.text_frame.paragraphs for r in p.runs), default=16)
                        assert _inside(cell.text, column.width, row.height, pt), \
                            f"slide {number}: a cell overflows: {cell.text[:60]!r}"


def test_the_deck_has_eight_slides_in_the_boards_order(bank, sample):
    prs = reopen(sample, bank)
    assert len(prs.slides) == 8
    assert [slide_texts(s)[0] for s in prs.slides] == ["Riverbend Teacher Leaders", *TITLES]
    assert "Riverbend Unified School District" in slide_texts(prs.slides[0])


def test_the_readiness_slide_is_a_picture_with_the_charts_alt_text(bank, sample):
    slide = reopen(sample, bank).slides[3]
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    descr = pictures[0]._element.nvPicPr.cNvPr.get("descr")
    assert descr == readiness_alt_text(score_areas(sample, bank))
    assert "self-assessment" in descr


def test_the_figures_on_the_slides_match_the_plan(bank, sample):
    prs = reopen(sample, bank)
    roles = table_cells(prs.slides[4])
    assert roles[-1] == ["Total", "18", "", "", "$288,000"]
    assert "Funding by school year: 2027-28: $365,000; 2028-29: $365,000" in slide_texts(prs.slides[4])
    measures = table_cells(prs.slides[5])
    assert measures[1:] == [[r["measure"], r["baseline"], r["target"], r["by-when"]]
                            for r in sample.answers["q-measures"]]
    ask = slide_texts(prs.slides[1])[1]
    assert "(by 15 January 2027)" in ask


def test_speaker_notes_carry_the_fuller_answers(bank, sample):
    prs = reopen(sample, bank)
    notes = prs.slides[2].notes_slide.notes_text_frame.text
    assert sample.answers["q-priorities"].splitlines()[-1] in notes
    assert sample.answers["q-tight-loose"]["rationale"] in prs.slides[6].notes_slide.notes_text_frame.text


def test_the_sample_deck_fits_every_box(bank, sample):
    assert_everything_fits(reopen(sample, bank))


def test_a_long_answer_deck_is_shortened_with_a_note_never_overflowing(bank):
    prs = reopen(long_answer_plan(bank), bank)
    assert_everything_fits(prs)
    for slide in list(prs.slides)[1:]:
        texts = slide_texts(slide)
        if any("\u2026" in t for t in texts) or any("\u2026" in c for row in table_cells(slide) for c in row):
            assert "Some text is shortened; the full text is in the speaker notes." in texts


@pytest.mark.parametrize("nasty", NASTY_STRINGS, ids=[f"nasty-{n}" for n in range(len(NASTY_STRINGS))])
def test_district_and_team_names_are_shown_as_typed_and_hostile_text_is_safe(bank, nasty):
    plan = sample_plan(bank)
    name = nasty[:200]
    plan.district = District(name=name, team=[Member(name=name[:100], role="x")], date=plan.district.date)
    plan.set_answer(bank, "q-purpose-statement", nasty[:500])
    prs = reopen(plan, bank)
    title = slide_texts(prs.slides[0])
    expected = fits(name, 13.333 - 1.2, 1.2, 28)
    assert expected in title
    if len(name) < 60 and "\r" not in name:
        assert name in title  # short names exactly as typed, markup and all
    assert_everything_fits(prs)


def test_fits_cuts_at_a_word():
    assert fits("alpha beta gamma delta " * 50, 3.0, 0.5, 20).endswith("\u2026")
    assert fits("short", 3.0, 0.5, 20) == "short"


def test_export_format_pptx_writes_the_deck(tmp_path, bank, sample):
    path = tmp_path / "plan.json"
    path.write_text(sample.to_json(), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "roadmap", "export", str(path), "--format", "pptx"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    name = deck_filename(sample, sample.district.date)
    assert result.stdout.strip() == f"wrote exports/{name}"
    assert len(Presentation(str(tmp_path / "exports" / name)).slides) == 8


def test_export_format_pptx_refuses_word_only_options(tmp_path, sample):
    path = tmp_path / "plan.json"
    path.write_text(sample.to_json(), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "roadmap", "export", str(path), "--format", "pptx",
                             "--sections", "cover"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --blank, --sections and --omit-unanswered apply to the Word plan")


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
def test_rendered_by_libreoffice_every_word_of_a_long_answer_deck_lies_inside_its_shapes(bank, tmp_path):
    import re

    path = tmp_path / "deck.pptx"
    path.write_bytes(to_pptx_bytes(build_deck(long_answer_plan(bank), bank)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    boxes = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "deck.pdf"), "-"], check=True,
                           capture_output=True, text=True, timeout=60).stdout
    pages = boxes.split("<page ")[1:]
    prs = Presentation(str(path))
    assert len(pages) == len(prs.slides) == 8
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')
    for number, (page, slide) in enumerate(zip(pages, prs.slides), start=1):
        shapes = [(s.left / 12700, s.top / 12700, (s.left + s.width) / 12700, (s.top + s.height) / 12700)
                  for s in slide.shapes]
        for x0, y0, x1, y1, text in ((*map(float, m.groups()[:4]), m[5]) for m in word.finditer(page)):
            assert any(x0 >= l - 3 and y0 >= t - 3 and x1 <= r + 3 and y1 <= b + 4 for l, t, r, b in shapes), \
                f"slide {number}: {text!r} is drawn outside every shape"
