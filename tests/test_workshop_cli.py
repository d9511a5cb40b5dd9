"""`python -m roadmap workshop ...` as a consultant runs it before and after a workshop: a subprocess
against a real database (SQLite and, when TEST_POSTGRES_URL is set, PostgreSQL)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import docx
import pytest

from roadmap.store import Store

from .conftest import ROOT
from .test_plans_cli import assert_one_line_error
from .test_store import database_url  # noqa: F401 - the fixture shared with test_store

PASSPHRASE = "blue heron at the lake"


def workshop(*args, database: str, env: dict | None = None):
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "ROADMAP_DATA_DIR", "ROADMAP_FACILITATOR_PASSPHRASE",
                            "ROADMAP_PUBLIC_URL", "ROADMAP_BANK")}
    environ["DATABASE_URL"] = database
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "roadmap", "workshop", *args], capture_output=True, text=True,
                          cwd=ROOT, env=environ, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """For refusals that stop before the database matters: SQLite only, to keep the suite quick."""
    return f"sqlite:///{tmp_path / 'refusals.sqlite3'}"


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def test_create_prints_codes_as_json_that_open_each_teams_plan(database_url, passphrase_file):
    result = workshop("create", "--name", "Spring Institute", "--teams", "3", "--date", "2026-03-14",
                      "--passphrase-file", str(passphrase_file), "--json", database=database_url)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["workshop"]["name"] == "Spring Institute" and printed["workshop"]["date"] == "2026-03-14"
    assert [t["name"] for t in printed["teams"]] == ["Team 1", "Team 2", "Team 3"]
    assert PASSPHRASE not in result.stdout + result.stderr
    store = Store(database_url)
    try:
        opened = store.open_workshop(printed["workshop"]["code"], PASSPHRASE)
        for team, stored_team in zip(printed["teams"], opened.teams):
            assert store.open_by_code(team["code"]).plan_id == stored_team.plan_id
    finally:
        store.close()


def test_create_with_team_names_writes_a_join_card_for_each(database_url, tmp_path):
    cards = tmp_path / "cards" / "join-cards.docx"
    result = workshop("create", "--name", "Spring Institute", "--team", "Riverbend", "--team", "Lakeside",
                      "--cards", str(cards), database=database_url,
                      env={"ROADMAP_FACILITATOR_PASSPHRASE": PASSPHRASE,
                           "ROADMAP_PUBLIC_URL": "https://plan.example.org"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    codes = {line.split()[1]: line.split()[-1] for line in lines if line[:2] in ("1.", "2.")}
    assert list(codes) == ["Riverbend", "Lakeside"]
    assert lines[-1] == f"wrote 2 join cards to {cards}"
    text = "\n".join(p.text for p in docx.Document(cards).paragraphs)
    assert text.count("https://plan.example.org") == 2
    assert codes["Riverbend"] in text and codes["Lakeside"] in text


def test_cards_without_the_planners_address_are_refused_before_anything_is_made(sqlite_url, tmp_path):
    result = workshop("create", "--name", "Spring", "--teams", "2", "--cards", str(tmp_path / "c.docx"),
                      database=sqlite_url, env={"ROADMAP_FACILITATOR_PASSPHRASE": PASSPHRASE})
    assert_one_line_error(result, "join cards need the planner's address", "ROADMAP_PUBLIC_URL")
    store = Store(sqlite_url)
    assert store.list_plans() == []
    store.close()


def test_cards_that_cannot_be_written_stop_before_any_code_is_made(sqlite_url, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    result = workshop("create", "--name", "Spring", "--teams", "2", "--cards", str(blocker / "cards.docx"),
                      "--url", "https://plan.example.org", database=sqlite_url,
                      env={"ROADMAP_FACILITATOR_PASSPHRASE": PASSPHRASE})
    assert_one_line_error(result, "cannot write")
    store = Store(sqlite_url)
    assert store.list_plans() == []
    store.close()


def test_a_workshop_keeps_its_own_checked_question_bank(database_url, passphrase_file, bank_with_fifth_area,
                                                        tmp_path):
    _, path = bank_with_fifth_area
    result = workshop("create", "--name", "Spring", "--teams", "1", "--bank", str(path), "--json",
                      "--passphrase-file", str(passphrase_file), database=database_url)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["workshop"]["own_bank"] is True
    store = Store(database_url)
    plan_id = store.open_by_code(printed["teams"][0]["code"]).plan_id
    assert store.workshop_bank_text(plan_id) == path.read_text(encoding="utf-8")
    store.close()

    broken = tmp_path / "broken.yaml"
    broken.write_text(path.read_text(encoding="utf-8").replace("kind: text", "kind: essay", 1), encoding="utf-8")
    refused = workshop("create", "--name", "Spring", "--teams", "1", "--bank", str(broken),
                       "--passphrase-file", str(passphrase_file), database=database_url)
    assert_one_line_error(refused, "the question bank cannot be used", "broken.yaml line")


@pytest.mark.parametrize("env, message", [
    ({}, "give the facilitator passphrase with --passphrase-file FILE or ROADMAP_FACILITATOR_PASSPHRASE"),
    ({"ROADMAP_FACILITATOR_PASSPHRASE": "heron"}, "at least 10 characters"),
])
def test_create_needs_a_passphrase_long_enough(sqlite_url, env, message):
    result = workshop("create", "--name", "Spring", "--teams", "2", database=sqlite_url, env=env)
    assert_one_line_error(result, message)


def test_export_writes_every_plan_and_a_wrong_passphrase_gets_nothing(database_url, passphrase_file, tmp_path):
    created = workshop("create", "--name", "Spring Institute", "--team", "Riverbend", "--team", "Lakeside",
                       "--passphrase-file", str(passphrase_file), "--json", database=database_url)
    code = json.loads(created.stdout)["workshop"]["code"]
    out = tmp_path / "collected.zip"

    wrong = workshop("export", code, "--out", str(out), database=database_url,
                     env={"ROADMAP_FACILITATOR_PASSPHRASE": "not the passphrase at all"})
    assert_one_line_error(wrong, "code and passphrase do not match a workshop")
    assert "not the passphrase at all" not in wrong.stderr
    assert not out.exists()

    result = workshop("export", code.lower(), "--out", str(out), "--passphrase-file", str(passphrase_file),
                      database=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"wrote 2 team plans, ratings, progress and the summary of Spring Institute to {out}")
    archive = zipfile.ZipFile(out)
    plans = sorted(n for n in archive.namelist() if n.startswith("plans/"))
    assert plans == ["plans/01-riverbend-teacher-leadership-plan.docx",
                     "plans/02-lakeside-teacher-leadership-plan.docx"]
    for name, team in zip(plans, ("Riverbend", "Lakeside")):
        assert team in [p.text for p in docx.Document(io.BytesIO(archive.read(name))).paragraphs]


def test_list_shows_every_workshop_its_status_and_teams_but_never_a_code(database_url, passphrase_file):
    import datetime as dt

    assert workshop("list", database=database_url).stdout.strip() == "No workshops yet."
    created = json.loads(workshop("create", "--name", "Spring Institute", "--teams", "3", "--date", "2026-03-14",
                                  "--passphrase-file", str(passphrase_file), "--json",
                                  database=database_url).stdout)
    store = Store(database_url)
    try:
        autumn = store.create_workshop("Autumn Academy", PASSPHRASE, ["Riverbend"], day=dt.date(2026, 10, 2))
        store.set_workshop_status(autumn.workshop.workshop_id, "closed")
    finally:
        store.close()
    result = workshop("list", database=database_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Workshop", "Date", "Status", "Teams", "Last", "activity"]
    assert lines[1].startswith("Autumn Academy") and "2026-10-02" in lines[1] and " closed " in lines[1]
    assert lines[2].startswith("Spring Institute") and "2026-03-14" in lines[2] and " open " in lines[2]
    assert lines[2].split()[4] == "3"  # Spring, Institute, date, status, teams
    everything = result.stdout + workshop("list", "--json", database=database_url).stdout
    assert created["workshop"]["code"] not in everything
    assert not any(t["code"] in everything for t in created["teams"])
    listed = json.loads(workshop("list", "--json", database=database_url).stdout)
    assert [(w["name"], w["status"], w["teams"]) for w in listed] == [
        ("Autumn Academy", "closed", 1), ("Spring Institute", "open", 3)]
    assert all(w["last_activity"] for w in listed)
