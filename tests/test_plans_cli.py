"""`python -m roadmap plans ...` as a server operator runs it: a subprocess against a real database."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from roadmap.plan import Plan, plan_from_json

from .conftest import ROOT
from .test_store import database_url  # noqa: F401 - the fixture shared with test_store

CODE = re.compile(r"Resume code: ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2})$")


def plans(*args, database: str | None = None, env: dict | None = None):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ROADMAP_DATA_DIR")}
    if database is not None:
        environ["DATABASE_URL"] = database
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "roadmap", "plans", *args], capture_output=True, text=True,
                          cwd=ROOT, env=environ, timeout=120)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_import_list_export_round_trip(database_url, tmp_path, sample):
    plan_file = tmp_path / "riverbend.json"
    plan_file.write_text(sample.to_json(), encoding="utf-8")
    half = Plan(district=sample.district.model_copy(update={"name": "Lakeside Schools"}),
                answers=dict(list(sample.answers.items())[:5]))
    half_file = tmp_path / "lakeside.json"
    half_file.write_text(half.to_json(), encoding="utf-8")

    imported = plans("import", str(plan_file), database=database_url)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Stored Riverbend Unified School District. Resume code: ")
    code = CODE.search(imported.stdout.strip()).group(1)
    assert plans("import", str(half_file), database=database_url).returncode == 0

    listed = plans("list", database=database_url)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert lines[0].split() == ["District", "Last", "change", "Progress"]
    rows = {line.split("  ")[0]: line for line in lines[1:]}
    assert rows["Riverbend Unified School District"].endswith(" 100%")
    assert rows["Lakeside Schools"].endswith(" 13%")  # 5 of 25 questions and 12 actions
    assert code not in listed.stdout and code.replace("-", "") not in listed.stdout

    out = tmp_path / "exported" / "plan.json"
    exported = plans("export", *code.lower().split("-"), "--out", str(out), database=database_url)
    assert exported.returncode == 0, exported.stderr
    assert plan_from_json(out.read_bytes()) == sample


def test_database_flag_overrides_database_url(tmp_path, sample):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(sample.to_json(), encoding="utf-8")
    chosen = f"sqlite:///{tmp_path / 'chosen.sqlite3'}"
    ignored = f"sqlite:///{tmp_path / 'ignored.sqlite3'}"
    assert plans("import", str(plan_file), "--database", chosen, database=ignored).returncode == 0
    assert "Riverbend" in plans("list", "--database", chosen).stdout
    assert plans("list", database=ignored).stdout.strip() == "No plans stored yet."


def test_without_database_url_plans_go_to_the_data_folder(tmp_path, sample):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(sample.to_json(), encoding="utf-8")
    data_dir = {"ROADMAP_DATA_DIR": str(tmp_path / "data")}
    assert plans("import", str(plan_file), env=data_dir).returncode == 0
    assert (tmp_path / "data" / "roadmap.sqlite3").is_file()
    assert "Riverbend" in plans("list", env=data_dir).stdout


def test_export_with_a_wrong_code_is_one_line_and_writes_nothing(database_url, tmp_path):
    out = tmp_path / "plan.json"
    result = plans("export", "2222-3333-44", "--out", str(out), database=database_url)
    assert_one_line_error(result, "2222-3333-44", "no plan has that code")
    assert result.returncode == 1
    assert not out.exists()


@pytest.mark.parametrize("content,message", [
    (None, "cannot read"),
    ("{not json", "is not valid JSON"),
    ('{"format": "something-else"}', "is not a teacher leadership plan file"),
])
def test_import_of_a_file_that_is_not_a_plan_is_one_line(database_url, tmp_path, content, message):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert_one_line_error(plans("import", str(path), database=database_url), str(path), message)


def test_an_unreachable_database_is_named_without_its_password():
    result = plans("list", "--database", "postgres://planner:s3cret@127.0.0.1:1/plans")
    assert_one_line_error(result, "error: cannot reach the database at postgresql+psycopg://planner@127.0.0.1:1/plans: ")
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize("args,message", [
    ((), "the following arguments are required: ACTION"),
    (("export", "K7QF-M2XR-9P"), "the following arguments are required: --out"),
    (("list", "--database", "not a url"), "is not a database URL"),
])
def test_usage_mistakes_are_one_line(args, message):
    assert_one_line_error(plans(*args), message)


def test_a_database_a_newer_planner_used_gets_one_line(database_url):
    from roadmap.store import Store

    opened = Store(database_url)
    with opened.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'a_newer_one'")
    opened.close()
    assert_one_line_error(plans("list", database=database_url), "newer version of the planner", "Update the planner")
