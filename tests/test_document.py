"""The Word plan and the workshop template, each reopened with python-docx and read as a reader would."""

import datetime as dt
import io
import threading

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

import roadmap.document as document_module
import roadmap.document_brief as document_brief_module
from roadmap.charts import readiness_alt_text
from roadmap.document import (
    CHART_MISSING,
    NOT_ANSWERED,
    QUESTION_STYLE,
    SOURCE_STYLE,
    TEMPLATE_FILENAME,
    DocumentOptions,
    DocumentOptionsError,
    build_blank_template,
    build_plan_document,
    document_filename,
    parse_sections,
    to_docx_bytes,
)
from roadmap.plan import District, Member, Plan
from roadmap.sample import sample_plan
from roadmap.scoring import score_areas
from roadmap.text import clean_text

from .conftest import NASTY_STRINGS

AREAS_ONLY = DocumentOptions(sections={"areas", "action_notes"})


def reopen(document) -> docx.Document:
    return docx.Document(io.BytesIO(to_docx_bytes(document)))


def export(plan, bank, **kwargs) -> docx.Document:
    return reopen(build_plan_document(plan, bank, **kwargs))


def blocks(doc):
    """Return the body's paragraphs and tables in reading order."""
    return list(doc.iter_inner_content())


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def questions(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == QUESTION_STYLE]


def shown(bank, question) -> str:
    """Return a question as the document prints it: quoted when it comes from a source, not the planner."""
    source = bank.sources_by_id[question.source]
    return question.text if source.own else f"\u201c{question.text}\u201d"


def after(doc, paragraph_text: str, style: str = QUESTION_STYLE):
    """Return the blocks that follow the paragraph with that text and style, up to the next question."""
    items = blocks(doc)
    start = next(i for i, b in enumerate(items)
                 if isinstance(b, Paragraph) and b.text == paragraph_text and b.style.name == style)
    out = []
    for item in items[start + 1:]:
        if isinstance(item, Paragraph) and item.style.name in (QUESTION_STYLE, "Heading 1", "Heading 2"):
            break
        out.append(item)
    return out


def table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def answer_texts(items) -> list[str]:
    return [b.text for b in items if isinstance(b, Paragraph) and b.style.name != SOURCE_STYLE]


# Questions and answers ---------------------------------------------------------------


def test_export_keeps_every_question_in_bank_order(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    assert questions(doc) == [shown(bank, q) for a in bank.areas for q in a.questions]


def test_each_text_answer_follows_its_question_with_its_paragraphs_in_order(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    for question in (q for a in bank.areas for q in a.questions if q.kind in ("text", "short_text")):
        expected = []
        for block in sample.answers[question.id].split("\n\n"):
            # Typed "- " lines are list items, a paragraph each (tests/test_board_word.py); other lines stay together.
            lines = block.strip("\n").split("\n")
            if any(line.startswith("- ") for line in lines):
                expected += [line.removeprefix("- ") for line in lines]
            else:
                expected.append(block.strip("\n"))
        assert answer_texts(after(doc, shown(bank, question))) == expected, question.id


def test_questions_and_answers_never_share_a_style(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    priorities = shown(bank, bank.questions["q-priorities"])
    question = next(p for p in doc.paragraphs if p.text == priorities)
    answer = answer_texts(after(doc, priorities))[0]
    answer_paragraph = next(p for p in doc.paragraphs if p.text == answer)
    assert question.style.name == "Question" and question.style.base_style.name == "Heading 3"
    assert answer_paragraph.style.name == "Normal"
    assert question.style.font.bold


def test_a_quoted_question_carries_its_source_and_the_planners_own_do_not(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    report_source = next(b for b in after(doc, shown(bank, bank.questions["q-priorities"])))
    assert report_source.style.name == SOURCE_STYLE
    assert report_source.text == f"Source: {bank.sources_by_id['report'].label}"
    own = after(doc, bank.questions["q-purpose-statement"].text)
    assert all(p.style.name != SOURCE_STYLE for p in own if isinstance(p, Paragraph))


@pytest.mark.parametrize("question_id", ["q-measures", "q-funding", "q-roles", "q-stakeholders", "q-next-steps"])
def test_table_questions_become_word_tables_with_header_and_rows(bank, sample, question_id):
    doc = export(sample, bank, options=AREAS_ONLY)
    question = bank.questions[question_id]
    tables = [b for b in after(doc, shown(bank, question)) if isinstance(b, Table)]
    assert len(tables) == 1
    rows = table_rows(tables[0])
    assert rows[0] == [c.label for c in question.columns]
    # A number column is printed with thousands separators: 180000 is stored, 180,000 is read.
    assert rows[1:] == [[f"{int(row[c.id]):,}" if c.type == "number" else row[c.id] for c in question.columns]
                        for row in sample.answers[question_id]]


def test_decision_shows_the_choice_then_the_rationale(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    question = bank.questions["q-tight-loose"]
    assert answer_texts(after(doc, shown(bank, question))) == [
        "Choice: Mostly tight (fixed district-wide)", sample.answers["q-tight-loose"]["rationale"]]


def test_domains_list_the_chosen_domains_full_titles(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    items = after(doc, bank.questions["q-domains"].text)
    assert [p.text for p in items] == [bank.domains_by_id[d].title for d in sample.answers["q-domains"]]
    assert all(p.style.name == "List Bullet" for p in items)


def test_choices_show_their_labels(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    assert answer_texts(after(doc, bank.questions["q-review-cadence"].text)) == ["Every quarter"]
    assert answer_texts(after(doc, bank.questions["q-recognition"].text)) == [
        "A stipend or salary supplement", "Release time from teaching", "A step on a differentiated career path"]


def test_actions_table_shows_level_number_and_label_source_and_note(bank, sample):
    doc = export(sample, bank, options=AREAS_ONLY)
    table = next(t for t in doc.tables if t.rows[1].cells[0].paragraphs[0].text.startswith("\u201csupporting principals"))
    rows = table_rows(table)
    assert rows[0] == ["High-impact action", "Readiness", "Evidence note"]
    assert rows[1][1] == "1 \u00b7 Not started"
    assert rows[3][1] == "3 \u00b7 Developing" and rows[3][2] == "Two roles drafted with the union."
    assert rows[4][1] == "Not applicable"
    supplementary = table.rows[3].cells[0].paragraphs
    assert supplementary[0].text == "\u201cdesigning clear teacher leader roles and responsibilities\u201d"
    assert supplementary[1].text == bank.sources_by_id["report-profiles"].label
    main_source_action = table.rows[1].cells[0].paragraphs
    assert len(main_source_action) == 1  # the report's own actions carry no source line


def test_unrated_actions_say_so(bank):
    doc = export(Plan(), bank, options=AREAS_ONLY)
    assert {row[1] for t in doc.tables for row in table_rows(t)[1:]} == {"Not yet rated"}


# The executive summary -------------------------------------------------------------


def test_summary_has_the_chart_with_its_alt_text(bank, sample):
    doc = export(sample, bank)
    assert len(doc.inline_shapes) == 2  # the board brief's small chart, then the summary's
    doc_pr = doc.inline_shapes[1]._inline.docPr
    assert doc_pr.get("descr") == readiness_alt_text(score_areas(sample, bank))
    assert "self-assessment" in doc_pr.get("descr")


def test_summary_has_the_readiness_figures_as_a_table(bank, sample):
    doc = export(sample, bank)
    table = next(t for t in doc.tables
                 if table_rows(t)[0] == ["Area", "Rated actions", "Mean level (1-4)", "Nearest level"])
    rows = table_rows(table)[1:]
    scores = score_areas(sample, bank)
    assert [r[0] for r in rows] == [s.title for s in scores]
    assert [r[2] for r in rows] == [s.mean_label for s in scores]
    # On the rubric's scale, with the not-applicable action named: the same words as the app's review.
    assert rows[3] == ["Build strategically", "3 of 4 rated, 1 not applicable", "2.0", "Emerging"]


def test_summary_figures_say_not_rated_rather_than_zero(bank):
    doc = export(Plan(), bank)
    table = next(t for t in doc.tables if table_rows(t)[0][0] == "Area")
    assert {r[3] for r in table_rows(table)[1:]} == {"Not rated"}


def test_summary_has_the_key_decisions_table(bank, sample):
    doc = export(sample, bank, options=DocumentOptions(sections={"summary"}))
    table = next(t for t in doc.tables if table_rows(t)[0] == ["Decision", "Choice", "Rationale"])
    decisions = [q for a in bank.areas for q in a.questions if q.kind == "decision"]
    assert table_rows(table)[1:] == [
        [q.text, q.option_label(sample.answers[q.id]["pole"]), sample.answers[q.id]["rationale"]] for q in decisions]


def test_summary_has_the_in_summary_questions_and_next_steps(bank, sample):
    doc = export(sample, bank, options=DocumentOptions(sections={"summary"}))
    in_summary = [q for a in bank.areas for q in a.questions if q.in_summary and q.kind != "table"]
    # The team's own purpose statement comes first, before the report's longer question.
    in_summary.sort(key=lambda q: not bank.sources_by_id[q.source].own)
    assert questions(doc)[0] == bank.questions["q-purpose-statement"].text
    assert questions(doc) == [shown(bank, q) for q in in_summary]
    assert "Next steps" in [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    steps = next(t for t in doc.tables if table_rows(t)[0] == ["Step", "Owner", "Due date"])
    assert table_rows(steps)[1][0] == "Present this plan to the school board"


def test_a_chart_that_cannot_be_drawn_still_gives_a_document_with_the_figures(bank, sample, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(document_module, "draw_readiness_chart", broken)
    monkeypatch.setattr(document_brief_module, "draw_readiness_chart", broken)  # the brief's chart
    doc = export(sample, bank)
    assert len(doc.inline_shapes) == 0
    assert CHART_MISSING in texts(doc)
    assert any(table_rows(t)[0][0] == "Area" for t in doc.tables)
    assert "no fonts today" in caplog.text  # logged, not swallowed


# Cover, appendix, other answers ------------------------------------------------------


def test_cover_names_district_team_date_and_the_roadmap(bank, sample):
    sample.district.date = dt.date(2026, 11, 23)
    doc = export(sample, bank, options=DocumentOptions(sections={"cover"}))
    paragraphs = texts(doc)
    assert paragraphs[:3] == ["Teacher leadership plan", "Riverbend Unified School District", "November 23, 2026"]
    assert any(p.startswith("Based on the Aspen Institute and Leading Educators roadmap for teacher leadership")
               for p in paragraphs)
    team = table_rows(doc.tables[0])
    assert team[0] == ["Name", "Role"] and team[1] == ["Maria Delgado", "Assistant Superintendent, Teaching and Learning"]


def test_appendix_cites_every_source_and_sets_out_the_rubric(bank, sample):
    doc = export(sample, bank, options=DocumentOptions(sections={"appendix"}))
    for source in bank.sources:
        assert source.citation in texts(doc)
    rubric = next(t for t in doc.tables if table_rows(t)[0] == ["Level", "Label", "What it means"])
    assert [r[1:] for r in table_rows(rubric)[1:]] == [[lv.label, lv.descriptor] for lv in bank.levels]


def test_appendix_gives_the_resume_code_only_when_asked(bank, sample):
    # Asked for twice: the option and the code (the code alone no longer prints it: see test_board_word.py).
    with_code = texts(export(sample, bank, resume_code="RIVER-4821",
                             options=DocumentOptions(include_resume_code=True)))
    assert ("To carry on with this plan, open the planner and enter the resume code RIVER-4821. Anyone holding "
            "this document can open and edit the plan with it.") in with_code
    assert not any("resume code" in t for t in texts(export(sample, bank)))


def test_answers_to_questions_no_longer_in_the_bank_are_kept(bank, sample):
    sample.answers["q-retired"] = "What we said about a question since removed."
    sample.answers["q-old-table"] = [{"who": "Ana", "what": "Coach"}]
    doc = export(sample, bank)
    assert "Other answers" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "What we said about a question since removed." in texts(doc)
    assert [["who", "what"], ["Ana", "Coach"]] in [table_rows(t) for t in doc.tables]


def test_table_cells_under_columns_the_bank_dropped_are_kept(bank, sample):
    sample.answers["q-next-steps"][0]["budget"] = "$2,000"
    doc = export(sample, bank, options=AREAS_ONLY)
    steps = next(t for t in doc.tables if table_rows(t)[0][:3] == ["Step", "Owner", "Due date"])
    assert table_rows(steps)[0] == ["Step", "Owner", "Due date", "budget"]
    assert table_rows(steps)[1][3] == "$2,000"


def test_an_answer_saved_under_another_kind_is_still_shown(bank, sample):
    sample.answers["q-priorities"] = ["mathematics", "retention"]  # as if the question had been a list
    doc = export(sample, bank, options=AREAS_ONLY)
    assert answer_texts(after(doc, shown(bank, bank.questions["q-priorities"]))) == ["mathematics", "retention"]


# Frame: properties, footer, headings ---------------------------------------------------


def test_core_properties_describe_the_plan(bank, sample):
    props = export(sample, bank).core_properties
    assert props.title == "Teacher leadership plan: Riverbend Unified School District"
    assert props.author == "Riverbend Unified School District"
    assert "Aspen Institute" in props.subject
    assert "teacher leadership" in props.keywords


def test_core_properties_fit_a_500_character_district_name(bank):
    plan = Plan(district=District(name="D" * 500))
    props = export(plan, bank).core_properties
    assert len(props.title) == 255 and props.title.endswith("\u2026")


def test_footer_names_the_district_and_numbers_the_pages(bank, sample):
    doc = export(sample, bank)
    footer = doc.sections[0].footer
    assert "Riverbend Unified School District" in footer.paragraphs[0].text
    instructions = [i.text.strip() for i in footer._element.iter(docx.oxml.ns.qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_areas_are_built_in_heading_1_so_the_navigation_pane_lists_them(bank, sample):
    doc = export(sample, bank)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Planning team", "Board brief: Riverbend Teacher Leaders", "Executive summary",
                        *[f"{n}. {a.title}" for n, a in enumerate(bank.areas, start=1)], "Appendix"]


def test_a_fifth_area_in_the_bank_gets_its_own_section(bank_with_fifth_area):
    bank5, _ = bank_with_fifth_area
    doc = export(sample_plan(bank5), bank5)
    assert "5. Sustain the work" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "What keeps this going after the pilot?" in questions(doc)
    figures = next(t for t in doc.tables if table_rows(t)[0][0] == "Area")
    assert table_rows(figures)[-1][0] == "Sustain the work"


# Options -----------------------------------------------------------------------------


def test_options_leave_out_sections(bank, sample):
    doc = export(sample, bank, options=DocumentOptions(sections={"areas"}))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}. {a.title}" for n, a in enumerate(bank.areas, start=1)]
    assert "Teacher leadership plan" not in texts(doc)
    assert len(doc.inline_shapes) == 0
    assert all(table_rows(t)[0] != ["High-impact action", "Readiness", "Evidence note"] for t in doc.tables)


def test_unanswered_questions_show_as_not_yet_answered(bank):
    plan = Plan(district=District(name="Springfield"))
    doc = export(plan, bank, options=AREAS_ONLY)
    assert len(questions(doc)) == len(bank.questions)
    assert texts(doc).count(NOT_ANSWERED) == len(bank.questions)


def test_unanswered_questions_can_be_left_out(bank, sample):
    del sample.answers["q-selection"]
    sample.answers.pop("q-tight-loose")
    doc = export(sample, bank, options=DocumentOptions(unanswered="omit"))
    assert bank.questions["q-selection"].text not in questions(doc)
    assert NOT_ANSWERED not in texts(doc)
    decisions = next(t for t in doc.tables if table_rows(t)[0] == ["Decision", "Choice", "Rationale"])
    assert len(decisions.rows) == 3  # header and the two decisions made


def test_rating_spread_hook_adds_a_column(bank, sample):
    options = DocumentOptions(sections={"areas"}, include_rating_spread=True,
                              rating_spreads={"act-align-purpose": "2 \u00d7 Emerging, 3 \u00d7 Developing"})
    doc = export(sample, bank, options=options)
    table = next(t for t in doc.tables if "examining key priorities" in table_rows(t)[1][0])
    assert table_rows(table)[0] == ["High-impact action", "Readiness", "Team's ratings"]
    assert table_rows(table)[1][2] == "2 \u00d7 Emerging, 3 \u00d7 Developing"


@pytest.mark.parametrize("names,problem", [
    ("cover,sumary", "unknown section `sumary`"),
    ("", "no sections chosen"),
])
def test_unknown_sections_are_refused_in_plain_words(names, problem):
    with pytest.raises(DocumentOptionsError, match=problem):
        parse_sections(names)


def test_sections_parse_from_a_comma_list():
    assert parse_sections(" cover, summary ,appendix") == {"cover", "summary", "appendix"}


# Whatever a plan holds -------------------------------------------------------------------

CONTROL = "bell\x00 tab\x0b escape\x1b lone\ud800 end"


@pytest.mark.parametrize("value", NASTY_STRINGS + [CONTROL], ids=lambda v: repr(v[:20]))
def test_any_text_exports_and_reopens_intact(bank, value):
    plan = Plan(district=District(name="Springfield", team=[Member(name="Ana", role="Teacher")]))
    # Set directly, as a store or an old file might, bypassing the plan's own cleaning.
    plan.answers["q-priorities"] = value
    plan.answers["q-next-steps"] = [{"step": value, "owner": "Ana", "due": "May"}]
    plan.district.team[0].__dict__["role"] = value
    doc = export(plan, bank)
    expected = clean_text(value).replace("\r\n", "\n")
    assert expected in texts(doc)
    steps = next(t for t in doc.tables if table_rows(t)[0] == ["Step", "Owner", "Due date"])
    assert table_rows(steps)[1][0] == expected
    assert table_rows(doc.tables[0])[1] == ["Ana", expected]


def test_control_characters_are_dropped_and_nothing_else(bank):
    plan = Plan()
    plan.answers["q-purpose-statement"] = CONTROL
    assert "bell tab escape lone end" in texts(export(plan, bank, options=AREAS_ONLY))


def test_a_100000_character_answer_is_kept_whole(bank):
    plan = Plan()
    plan.answers["q-priorities"] = "x" * 100_000
    doc = export(plan, bank, options=AREAS_ONLY)
    assert max(len(t) for t in texts(doc)) == 100_000


def test_a_nasty_district_name_reaches_cover_footer_and_properties(bank):
    plan = Plan(district=District(name="Ecole <b>&</b> \u00e9t\u00e9 \U0001f389"))
    plan.district.__dict__["name"] += "\x1b\ud800"
    doc = export(plan, bank)
    assert "Ecole <b>&</b> \u00e9t\u00e9 \U0001f389" in texts(doc)
    assert doc.sections[0].footer.paragraphs[0].text.startswith("Ecole <b>&</b> \u00e9t\u00e9 \U0001f389")
    assert doc.core_properties.author == "Ecole <b>&</b> \u00e9t\u00e9 \U0001f389"


# Files and threads -----------------------------------------------------------------------


@pytest.mark.parametrize("name,expected", [
    ("Springfield", "springfield-teacher-leadership-plan-2026-11-23.docx"),
    ("Riverbend Unified School District", "riverbend-unified-school-district-teacher-leadership-plan-2026-11-23.docx"),
    ("École d'été / Zürich", "ecole-d-ete-zurich-teacher-leadership-plan-2026-11-23.docx"),
    ("", "district-teacher-leadership-plan-2026-11-23.docx"),
    ("../../etc/passwd", "etc-passwd-teacher-leadership-plan-2026-11-23.docx"),
])
def test_document_filename(name, expected):
    assert document_filename(Plan(district=District(name=name)), dt.date(2026, 11, 23)) == expected


def test_two_exports_at_once_each_get_their_own_document(bank):
    plans = {}
    for name in ("Springfield", "Shelbyville"):
        plan = sample_plan(bank)
        plan.district.name = name
        plan.answers["q-purpose-statement"] = f"The purpose of {name}."
        plans[name] = plan
    results: list[tuple[str, bytes]] = []
    lock = threading.Lock()

    def run(name):
        data = to_docx_bytes(build_plan_document(plans[name], bank))
        with lock:
            results.append((name, data))

    threads = [threading.Thread(target=run, args=(n,)) for n in plans for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for name, data in results:
        doc = docx.Document(io.BytesIO(data))
        other = "Shelbyville" if name == "Springfield" else "Springfield"
        assert doc.core_properties.author == name
        assert f"The purpose of {name}." in texts(doc)
        assert not any(other in t for t in texts(doc))
        assert len(doc.inline_shapes) == 2  # the brief's chart and the summary's
    assert sorted(name for name, _ in results) == ["Shelbyville"] * 2 + ["Springfield"] * 2


def test_to_docx_bytes_is_a_word_file(bank, sample):
    data = to_docx_bytes(build_plan_document(sample, bank))
    assert data[:2] == b"PK"
    assert docx.Document(io.BytesIO(data)).paragraphs


# The blank workshop template ---------------------------------------------------------------


def test_template_has_every_question_in_order(bank):
    doc = reopen(build_blank_template(bank))
    assert questions(doc) == [shown(bank, q) for a in bank.areas for q in a.questions]


def test_template_has_no_answers(bank, sample):
    doc = reopen(build_blank_template(bank))
    everything = "\n".join(texts(doc) + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for value in sample.answers.values():
        first = value if isinstance(value, str) else None
        if first and len(first) > 12:
            assert first[:40] not in everything
    assert "Riverbend" not in everything
    assert NOT_ANSWERED not in everything


def test_template_has_tick_boxes_for_every_level_of_every_action(bank):
    doc = reopen(build_blank_template(bank))
    action_tables = [t for t in doc.tables if table_rows(t)[0][0] == "High-impact action"]
    assert len(action_tables) == len(bank.areas)
    assert table_rows(action_tables[0])[0][1:-1] == ["1\nNot started", "2\nEmerging", "3\nDeveloping",
                                                     "4\nEstablished", "Not applicable"]
    rows = [r for t in action_tables for r in table_rows(t)[1:]]
    assert len(rows) == len(bank.actions)
    assert all(r[1:-1] == ["\u2610"] * len(bank.levels) for r in rows)


def test_template_gives_room_to_write(bank):
    doc = reopen(build_blank_template(bank))
    measures = next(t for t in doc.tables if table_rows(t)[0] == [c.label for c in bank.questions["q-measures"].columns])
    assert len(measures.rows) > 3 and all(c.text == "" for r in measures.rows[1:] for c in r.cells)
    lines = after(doc, shown(bank, bank.questions["q-priorities"]))
    assert sum(1 for p in lines if p.style.name == "Writing Line") >= 5
    choices = [p.text for p in after(doc, bank.questions["q-review-cadence"].text)]
    assert "\u2610  Every quarter" in choices
    rubric = next(t for t in doc.tables if table_rows(t)[0] == ["Level", "Label", "What it means"])
    assert len(rubric.rows) == len(bank.levels) + 1


def test_template_filename():
    assert TEMPLATE_FILENAME == "teacher-leadership-plan-workshop-template.docx"
