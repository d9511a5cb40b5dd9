"""The question bank: the shipped file is complete and faithful; broken files say what and where."""

import re

import pytest

from roadmap.bank import QUESTION_KINDS, BankError, BankSource, load_bank, load_bank_text

from .conftest import BANK_TEXT, FIFTH_AREA

# The report's key questions, word for word as S3 quotes them (domain.md section 2).
KEY_QUESTIONS = {
    "q-priorities": "What priorities can be advanced through teacher leadership? Where and how could teacher leadership best advance this priority?",
    "q-beyond-career-pathway": "Does the proposed teacher leadership initiative do more than provide a career pathway for top teachers?",
    "q-identify-top-teachers": "Does the district have sufficiently rigorous systems to accurately identify top teachers?",
    "q-collaboration-trust": "In what areas is collaboration already taking place? In what ways can teacher leadership bolster trust, and where will lack of trust be a barrier to implementation?",
    "q-measure-success": "How will the district measure success in the short- and long-term?",
    "q-impact-systems": "What systems will be necessary in order to accurately assess the impact of teacher leadership?",
    "q-tight-loose": "Where will the district be \u2018tight\u2019 with implementation and where will it be \u2018loose\u2019?",
    "q-internal-vs-partner": "What will the district implement internally and where will the district partner with other organizations?",
    "q-system-vs-school": "What features of the teacher leader roles will be decided at the system level, and what will be decided at the school level? How much flexibility will there be in the new teacher leader roles?",
}


def test_shipped_bank_has_the_four_areas_in_the_reports_order(bank):
    assert [a.id for a in bank.areas] == [
        "design-for-impact", "know-the-context", "define-the-measures", "build-strategically"]


@pytest.mark.parametrize("question_id,text", KEY_QUESTIONS.items())
def test_every_key_question_of_the_report_is_quoted_verbatim_with_its_source(bank, question_id, text):
    question = bank.questions[question_id]
    assert question.text == text
    assert question.source == "report"
    assert "Leading from the Front of the Classroom" in bank.sources_by_id["report"].citation


def test_only_the_reports_questions_claim_the_report_as_source(bank):
    claimed = {q.id for q in bank.questions.values() if q.source == "report"}
    assert claimed == set(KEY_QUESTIONS)
    assert bank.sources_by_id["planner"].own


def test_supplementary_actions_are_labelled_with_the_profiles_source(bank):
    assert {a.id for a in bank.actions.values() if a.source == "report-profiles"} == {
        "act-monitor-progress", "act-define-roles", "act-select-teacher-leaders"}


def test_rubric_has_four_scored_levels_and_not_applicable(bank):
    assert [(lv.id, lv.value) for lv in bank.levels] == [
        ("not-started", 1), ("emerging", 2), ("developing", 3), ("established", 4), ("not-applicable", None)]
    assert all(lv.descriptor for lv in bank.levels)


def test_bank_offers_every_kind_and_the_seven_tlms_domains(bank):
    assert {q.kind for q in bank.questions.values()} == set(QUESTION_KINDS)
    assert [d.id for d in bank.domains] == [f"tlms-{n}" for n in range(1, 8)]
    assert bank.questions["q-measures"].columns[1].label == "Baseline"


def test_a_fifth_area_loads_without_code_changes(bank_with_fifth_area):
    bank, _ = bank_with_fifth_area
    assert bank.areas[-1].title == "Sustain the work"
    assert "q-after-pilot" in bank.questions


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    return text[: starts[nth - 1]].count("\n") + 1


def _problems(text: str) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank_text(text)
    return [str(p) for p in caught.value.problems]


def test_wrong_kind_names_line_path_and_the_allowed_kinds():
    broken = BANK_TEXT.replace("kind: domains", "kind: domain")
    line = _line_of(broken, "kind: domain\n")
    [problem] = _problems(broken)
    assert problem.startswith(f"questions.yaml line {line}, areas[3].questions[4].kind: must be one of text, short_text")


def test_misspelt_key_is_reported_on_its_own_line():
    broken = BANK_TEXT.replace("        help: Choosing domains", "        promt: oops\n        help: Choosing domains")
    [problem] = _problems(broken)
    assert problem == f"questions.yaml line {_line_of(broken, 'promt:')}, areas[3].questions[4].promt: is not a known key (check the spelling)"


def test_duplicate_question_id_points_at_the_second_use():
    broken = BANK_TEXT.replace("id: q-selection", "id: q-training")
    problems = _problems(broken)
    assert problems == [
        f"questions.yaml line {_line_of(broken, 'id: q-training')}, areas[3].questions[5].id: "
        "id `q-training` is already used at areas[3].questions[6]"
    ] or problems == [
        f"questions.yaml line {_line_of(broken, 'id: q-training', 2)}, areas[3].questions[6].id: "
        "id `q-training` is already used at areas[3].questions[5]"
    ]


def test_duplicate_key_in_one_mapping_is_refused_not_silently_overwritten():
    broken = BANK_TEXT.replace("    title: Know the context\n", "    title: Know the context\n    title: Survey the landscape\n")
    [problem] = _problems(broken)
    assert problem.startswith(f"questions.yaml line {_line_of(broken, 'title: Survey')}: not valid YAML: key `title` is given twice")


def test_yaml_syntax_error_gives_the_line():
    broken = BANK_TEXT.replace("    title: Define the measures", "    title: [Define the measures")
    [problem] = _problems(broken)
    assert "not valid YAML" in problem and re.match(r"questions\.yaml line \d+", problem)


def test_missing_text_is_reported_with_its_path():
    broken = BANK_TEXT.replace("        text: How will teacher leaders be trained", "        txt: How will teacher leaders be trained")
    problems = _problems(broken)
    line = _line_of(broken, "txt: How")
    assert f"questions.yaml line {line - 1}, areas[3].questions[6].text: is required but missing" in problems
    assert f"questions.yaml line {line}, areas[3].questions[6].txt: is not a known key (check the spelling)" in problems


def test_unknown_source_is_reported_where_it_is_used():
    broken = BANK_TEXT.replace("        source: report-profiles\n    questions:\n      - id: q-measure", "        source: the-web\n    questions:\n      - id: q-measure")
    [problem] = _problems(broken)
    assert problem.startswith(f"questions.yaml line {_line_of(broken, 'source: the-web')}, areas[2].actions[2].source: `the-web` is not one of")


@pytest.mark.parametrize("text,expected", [
    ("", "must be a mapping"),
    ("- just\n- a list\n", "must be a mapping"),
    ("levels: []\nareas: []\nsources: []\n", "at least one area"),
])
def test_empty_or_wrong_shaped_bank_is_explained(text, expected):
    assert any(expected in p for p in _problems(text))


def test_decision_needs_two_poles():
    broken = BANK_TEXT.replace("          - id: loose\n            label: Mostly loose (left to schools)\n", "")
    assert any("exactly two poles" in p for p in _problems(broken))


def test_missing_file_is_a_plain_problem(tmp_path):
    with pytest.raises(BankError, match="file not found"):
        load_bank(tmp_path / "nope.yaml")


def test_bank_source_keeps_serving_the_last_good_bank_while_the_file_is_broken(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(BANK_TEXT, encoding="utf-8")
    source = BankSource(path)
    good, problems = source.current()
    assert good is not None and problems == []

    path.write_text(BANK_TEXT.replace("kind: domains", "kind: nonsense") + "\n", encoding="utf-8")
    still, problems = source.current()
    assert still is good
    assert problems and "kind" in str(problems[0])

    path.write_text(BANK_TEXT.rstrip("\n") + "\n" + FIFTH_AREA, encoding="utf-8")
    fixed, problems = source.current()
    assert problems == [] and fixed.areas[-1].id == "sustain-the-work"
