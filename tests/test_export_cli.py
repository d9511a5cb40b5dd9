"""`python -m roadmap export`, run as a consultant runs it: a subprocess, files written, one-line errors."""

import datetime as dt
import os
import subprocess
import sys

import docx
import pytest

from roadmap.document import QUESTION_STYLE
from roadmap.plan import Plan

from .conftest import ROOT


def run(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "roadmap", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.fixture
def plan_file(tmp_path, sample):
    path = tmp_path / "riverbend.json"
    path.write_text(sample.to_json(), encoding="utf-8")
    return path


def headings(path):
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]


def test_export_writes_the_plan_to_exports_by_default(tmp_path, plan_file, bank):
    result = run("export", str(plan_file), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    name = f"riverbend-unified-school-district-teacher-leadership-plan-{dt.date.today().isoformat()}.docx"
    assert result.stdout.strip() == f"wrote exports/{name}"
    document = docx.Document(str(tmp_path / "exports" / name))
    assert len(document.inline_shapes) == 2  # the board brief's chart and the summary's
    assert headings(tmp_path / "exports" / name) == [
        "Planning team", "Board brief: Riverbend Teacher Leaders", "Executive summary",
        *[f"{n}. {a.title}" for n, a in enumerate(bank.areas, start=1)], "Appendix"]


def test_export_to_a_named_file_with_chosen_sections(tmp_path, plan_file, bank):
    out = tmp_path / "board" / "plan.docx"
    result = run("export", str(plan_file), "--out", str(out), "--sections", "areas")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    assert headings(out) == [f"{n}. {a.title}" for n, a in enumerate(bank.areas, start=1)]


def test_export_can_leave_out_unanswered_questions(tmp_path, bank):
    plan = Plan()
    plan.answers["q-priorities"] = "Mathematics in the middle years."
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    out = tmp_path / "plan.docx"
    assert run("export", str(path), "--out", str(out), "--omit-unanswered", "--sections", "areas").returncode == 0
    questions = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == QUESTION_STYLE]
    assert questions == [f"\u201c{bank.questions['q-priorities'].text}\u201d"]


def test_export_blank_needs_no_plan(tmp_path, bank):
    result = run("export", "--blank", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote exports/teacher-leadership-plan-workshop-template.docx"
    document = docx.Document(str(tmp_path / "exports" / "teacher-leadership-plan-workshop-template.docx"))
    assert len([p for p in document.paragraphs if p.style.name == QUESTION_STYLE]) == len(bank.questions)


def test_export_with_a_bank_of_five_areas(tmp_path, bank_with_fifth_area):
    _, bank_path = bank_with_fifth_area
    sample = tmp_path / "sample.json"
    assert run("sample", "--bank", str(bank_path), "--out", str(sample)).returncode == 0
    out = tmp_path / "five.docx"
    assert run("export", str(sample), "--bank", str(bank_path), "--out", str(out)).returncode == 0
    assert "5. Sustain the work" in headings(out)


@pytest.mark.parametrize("args,message,code", [
    (("export",), "error: give a plan file (PLAN.json), or --blank for the workshop template", 2),
    (("export", "missing.json"), "error: cannot read missing.json: No such file or directory", 1),
    (("export", "{plan}", "--sections", "cover,apendix"), "error: --sections: unknown section `apendix`; choose from", 2),
    (("export", "{plan}", "--blank"), "error: --blank writes the empty workshop template; leave out the plan file", 2),
    (("export", "--blank", "--sections", "cover"), "error: --sections and --omit-unanswered apply to a plan", 2),
    (("export", "{plan}", "--bank", "missing.yaml"), "missing.yaml: file not found", 1),
])
def test_export_errors_are_one_plain_line(plan_file, args, message, code):
    result = run(*(a.format(plan=plan_file) for a in args))
    assert result.returncode == code
    assert result.stderr.startswith("error: ") and message.removeprefix("error: ") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content,message", [
    (b"{", "This file is not valid JSON"),
    (b'{"format": "something-else"}', "This is not a teacher leadership plan file"),
    (b"PK\x03\x04 a word document", "not a plan file"),
])
def test_a_bad_plan_file_is_a_one_line_error(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run("export", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {bad}: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "exports").exists()


def test_export_is_listed_in_help():
    assert "export" in run("--help").stdout
