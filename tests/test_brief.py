"""The board brief: its figures come from the plan, and it is one Letter page, rendered by LibreOffice."""

import io
import shutil
import subprocess
from decimal import Decimal

import docx
import pytest
from pypdf import PdfReader

from roadmap.brief import board_brief, clip, funding_by_year, shorten
from roadmap.document import DocumentOptions, build_plan_document, to_docx_bytes
from roadmap.plan import AnswerError, Plan, normalise_answer
from roadmap.sample import sample_plan

LONG = "Teacher leaders will work alongside colleagues in every school. " * 40


def long_answer_plan(bank) -> Plan:
    """The sample with every answer the brief shows as long as a team could make it, and many rows."""
    plan = sample_plan(bank)
    for qid in ("q-purpose-statement", "q-priorities"):
        plan.set_answer(bank, qid, LONG)
    plan.set_answer(bank, "q-initiative-name", LONG[:400])
    for qid in ("q-roles", "q-measures", "q-next-steps", "q-board-ask", "q-funding"):
        columns = bank.questions[qid].columns
        plan.set_answer(bank, qid, [{c.id: ("1250000" if c.type == "number" else f"{n} {LONG}") for c in columns}
                                    for n in range(12)])
    for qid in ("q-tight-loose", "q-internal-vs-partner", "q-system-vs-school"):
        plan.set_answer(bank, qid, {"pole": bank.questions[qid].poles[0].id, "rationale": LONG})
    return plan


def brief_pdf(plan, bank, tmp_path, sections=("brief",)) -> PdfReader:
    """Render the plan's document with LibreOffice (its own profile, a time limit) and return the PDF."""
    path = tmp_path / "brief.docx"
    path.write_bytes(to_docx_bytes(build_plan_document(plan, bank, DocumentOptions(sections=frozenset(sections)))))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    return PdfReader(str(tmp_path / "brief.pdf"))


needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def page_text(reader: PdfReader, n: int) -> str:
    return " ".join(reader.pages[n].extract_text().split())


@needs_libreoffice
def test_the_sample_plans_brief_is_one_page_between_the_cover_and_the_summary(bank, tmp_path):
    reader = brief_pdf(sample_plan(bank), bank, tmp_path, ("cover", "brief", "summary"))
    assert page_text(reader, 1).startswith("Board brief: Riverbend Teacher Leaders")
    assert page_text(reader, 2).startswith("Executive summary")


@needs_libreoffice
@pytest.mark.parametrize("sections", [("brief",), ("brief", "areas")])
def test_a_long_answer_plans_brief_is_still_one_page(bank, tmp_path, sections):
    reader = brief_pdf(long_answer_plan(bank), bank, tmp_path, sections)
    text = page_text(reader, 0)
    if sections == ("brief",):
        assert len(reader.pages) == 1
        assert "(shortened)" in text  # the full text is not in this copy, so no section is named
    else:
        assert page_text(reader, 1).startswith("1. Design for impact")
        assert "(continued in section 1)" in text and "(continued in section 4)" in text
        assert "Next steps (3 of 12; all in section 4)" in text


@needs_libreoffice
def test_every_figure_on_the_rendered_brief_matches_the_plan(bank, tmp_path):
    text = page_text(brief_pdf(sample_plan(bank), bank, tmp_path), 0)
    # Roles: 6 + 12 posts; 6 x $30,000 + 12 x $9,000 = $288,000 a year.
    assert "Total 18 $288,000" in text
    assert "$180,000" in text and "$108,000" in text
    # Funding per school year: 180,000 + 125,000 + 60,000.
    assert "2027-28: $365,000; 2028-29: $365,000" in text
    assert ("Priorities. Raising middle-school mathematics achievement; Keeping strong early-career teachers (we "
            "lose one in four within three years).") in text
    for row in sample_plan(bank).answers["q-measures"]:
        assert f"{row['baseline']} {row['target']} {row['by-when']}" in text


def test_brief_totals_come_from_the_number_columns(bank):
    plan = sample_plan(bank)
    brief = board_brief(plan, bank)
    assert brief.posts.total == 18 and brief.posts.complete
    assert brief.roles_cost.total == 288_000
    assert [(y, m.total) for y, m in brief.funding_by_year] == [("2027-28", 365_000), ("2028-29", 365_000)]
    assert brief.name == "Riverbend Teacher Leaders"
    assert brief.asks[0][1] == "15 January 2027"


def test_a_total_with_an_amount_in_words_says_so():
    rows = [{"year": "2027-28", "amount": "180000"}, {"year": "2027-28", "amount": "about half the grant"}]
    (year, money), = funding_by_year(rows)
    assert money.total == Decimal(180000)
    assert money.label == "$180,000 (some amounts are not numbers)"


def test_rows_without_a_year_are_totalled_as_each_year():
    assert [y for y, _ in funding_by_year([{"amount": "5"}, {"year": "2027-28", "amount": "6"}])] == [
        "Each year", "2027-28"]


def test_a_long_answer_is_cut_at_a_word_and_points_to_its_section():
    text = shorten("one two three four five six seven eight nine ten", 40, "section 2")
    assert text == "one two three\u2026 (continued in section 2)"
    assert len(text) <= 40
    assert shorten("short", 28, "section 2") == "short"
    assert clip("alpha beta gamma", 12) == "alpha beta\u2026"


@pytest.mark.parametrize("typed,stored", [("$12,000", "12000"), (" 12 000 ", "12000"), ("7.50", "7.5"),
                                          ("USD 300", "300"), ("", "")])
def test_number_columns_store_numbers_typed_with_dollars_and_commas(bank, typed, stored):
    row = {"role": "Mentor", "posts": "3", "cost-per-post": typed}
    assert normalise_answer(bank.questions["q-roles"], [row])[0]["cost-per-post"] == stored


@pytest.mark.parametrize("typed", ["about ten", "12k", "-5", "twelve thousand"])
def test_number_columns_refuse_words_in_plain_words(bank, typed):
    with pytest.raises(AnswerError, match="is not a number: type digits only"):
        normalise_answer(bank.questions["q-roles"], [{"role": "Mentor", "posts": typed}])


def test_the_brief_in_the_word_file_names_the_ask_and_the_roles(bank):
    doc = docx.Document(io.BytesIO(to_docx_bytes(build_plan_document(sample_plan(bank), bank))))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    roles = next(t for t in tables if t[0][:2] == ["Role", "Posts"])
    assert roles[1][:2] == ["Mathematics team lead", "6"]
    assert roles[-1] == ["Total", "18", "", "", "$288,000"]
    asks = next(t for t in tables if t[0][0] == "The board is asked to approve")
    assert asks[1][1] == "15 January 2027"


def test_a_column_type_other_than_text_or_number_is_refused_with_its_line(tmp_path):
    from roadmap.bank import BankError, load_bank_text

    from .conftest import BANK_TEXT

    text = BANK_TEXT.replace("            label: Number of posts\n            type: number",
                             "            label: Number of posts\n            type: money")
    with pytest.raises(BankError) as caught:
        load_bank_text(text)
    (problem,) = caught.value.problems
    assert problem.message == "must be one of text, number (got `money`)"
    assert problem.path.endswith("columns[4].type")
    assert text.splitlines()[problem.line - 1].strip() == "type: money"


def test_a_type_on_a_choice_option_is_not_a_known_key():
    from roadmap.bank import BankError, load_bank_text

    from .conftest import BANK_TEXT

    text = BANK_TEXT.replace("            label: Monthly\n", "            label: Monthly\n            type: number\n")
    with pytest.raises(BankError, match="is not a known key"):
        load_bank_text(text)


def test_the_brief_chart_has_the_alt_text_and_stays_small_with_more_areas(bank, bank_with_fifth_area):
    from roadmap.charts import readiness_alt_text
    from roadmap.scoring import score_areas

    for b in (bank, bank_with_fifth_area[0]):
        plan = sample_plan(b)
        doc = docx.Document(io.BytesIO(to_docx_bytes(build_plan_document(plan, b, DocumentOptions(sections={"brief"})))))
        (shape,) = doc.inline_shapes
        assert shape._inline.docPr.get("descr") == readiness_alt_text(score_areas(plan, b))
        assert shape.height.inches <= 1.51


@pytest.mark.parametrize("nasty", ["<script>alert('x')</script> & Co", "Emoji 🎉 café", "x" * 400])
def test_hostile_names_show_as_typed_on_the_brief(bank, nasty):
    plan = sample_plan(bank)
    plan.set_answer(bank, "q-initiative-name", nasty)
    doc = docx.Document(io.BytesIO(to_docx_bytes(build_plan_document(plan, bank, DocumentOptions(sections={"brief"})))))
    heading = doc.paragraphs[0].text
    assert heading == clip(f"Board brief: {nasty}", 55)
    if len(nasty) < 40:
        assert heading == f"Board brief: {nasty}"
