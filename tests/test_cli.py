"""The command line, run as a consultant runs it: a subprocess, exit codes and one-line errors."""

import json
import subprocess
import sys

import pytest

from roadmap.plan import plan_from_json

from .conftest import BANK_TEXT, ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "roadmap", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("check-bank", "sample", "schema"):
        assert command in result.stdout


def test_check_bank_summarises_the_shipped_bank():
    result = run("check-bank")
    assert result.returncode == 0
    assert result.stdout.strip() == "questions.yaml: OK, 4 areas, 12 actions, 26 questions"  # q-board-ask (#15)


def test_check_bank_lists_every_problem_with_line_numbers(tmp_path):
    broken = tmp_path / "local.yaml"
    broken.write_text(BANK_TEXT.replace("kind: domains", "kind: domain").replace("    title: Build strategically\n", "    title: Build strategically\n    titel: x\n"), encoding="utf-8")
    result = run("check-bank", str(broken))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == f"{broken}: 2 problems found"
    assert any(line.startswith("local.yaml line ") and ".kind: must be one of" in line for line in lines)
    assert any(".titel: is not a known key" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_check_bank_on_a_missing_file():
    result = run("check-bank", "no-such-bank.yaml")
    assert result.returncode == 1
    assert "no-such-bank.yaml: file not found" in result.stderr


def test_sample_writes_a_complete_plan(tmp_path, bank):
    out = tmp_path / "plans" / "sample.json"
    result = run("sample", "--out", str(out))
    assert result.returncode == 0, result.stderr
    plan = plan_from_json(out.read_bytes())
    assert plan.district.name == "Riverbend Unified School District"
    assert set(plan.answers) == set(bank.questions)
    assert set(plan.ratings) == set(bank.actions)


def test_sample_for_a_custom_bank_answers_its_extra_question(tmp_path, bank_with_fifth_area):
    _, path = bank_with_fifth_area
    out = tmp_path / "sample.json"
    assert run("sample", "--bank", str(path), "--out", str(out)).returncode == 0
    assert "q-after-pilot" in plan_from_json(out.read_text()).answers


def test_schema_is_json_describing_the_plan_file():
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Teacher leadership plan file"
    assert {"format", "version", "district", "answers", "ratings"} <= set(schema["properties"])


@pytest.mark.parametrize("args,message", [
    (("sample",), "the following arguments are required: --out"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
    (("sample", "--bank", "missing.yaml", "--out", "x.json"), "missing.yaml: file not found"),
])
def test_errors_are_one_plain_line_and_non_zero(args, message):
    result = run(*args)
    assert result.returncode != 0
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_output_is_a_plain_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("sample", "--out", str(blocker / "sample.json"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write")
