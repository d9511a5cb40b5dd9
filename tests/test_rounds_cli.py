"""Rounds from the command line: a sample with N rounds, `plans new-round`, import and export keeping every
round, as an operator runs them (a subprocess, one-line errors)."""

from __future__ import annotations

import json

from roadmap.plan import plan_from_json
from roadmap.rounds import changed_answers, scores_by_round

from .test_cli import run
from .test_plans_cli import CODE, assert_one_line_error, plans
from .test_store import database_url  # noqa: F401 - the fixture shared with test_store


def test_sample_with_rounds_writes_rounds_whose_ratings_and_answers_differ(tmp_path, bank):
    out = tmp_path / "rounds.json"
    result = run("sample", "--rounds", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote a sample plan for Riverbend Unified School District with 3 rounds to {out}"
    plan = plan_from_json(out.read_bytes())
    assert json.loads(out.read_text())["version"] == 2
    assert len(plan.rounds) == 2
    means = [[s.mean_label for s in scores] for _, scores in scores_by_round(plan, bank)]
    assert means[0] != means[-1]
    assert changed_answers(plan, bank)


def test_sample_rounds_out_of_range_is_one_line(tmp_path):
    result = run("sample", "--rounds", "0", "--out", str(tmp_path / "x.json"))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --rounds: give a number from 1 to 20, not 0"
    assert not (tmp_path / "x.json").exists()


def test_new_round_prints_its_label_and_export_import_keep_every_round(database_url, tmp_path, bank):
    sample = tmp_path / "sample.json"
    assert run("sample", "--rounds", "2", "--out", str(sample)).returncode == 0
    imported = plans("import", str(sample), database=database_url)
    code = CODE.search(imported.stdout.strip()).group(1)

    started = plans("new-round", code, "--label", "Spring 2027", database=database_url)
    assert started.returncode == 0, started.stderr
    assert started.stdout == "Spring 2027\n"
    dated = plans("new-round", *code.lower().split("-"), database=database_url)
    assert dated.returncode == 0, dated.stderr
    assert len(dated.stdout.strip()) == 10 and dated.stdout[:2] == "20"  # today's date, 2026-11-30

    out = tmp_path / "exported.json"
    assert plans("export", code, "--out", str(out), database=database_url).returncode == 0
    exported = plan_from_json(out.read_bytes())
    before = plan_from_json(sample.read_bytes())
    assert [r.label for r in exported.rounds] == [r.label for r in before.rounds] + [before.round.label,
                                                                                      "Spring 2027"]
    assert exported.rounds[0] == before.rounds[0]
    assert len(exported.round.unreviewed) == len(exported.answers) + len(exported.ratings)

    again = plans("import", str(out), database=database_url)
    second = CODE.search(again.stdout.strip()).group(1)
    out2 = tmp_path / "again.json"
    assert plans("export", second, "--out", str(out2), database=database_url).returncode == 0
    assert plan_from_json(out2.read_bytes()).rounds == exported.rounds


def test_new_round_with_a_wrong_code_is_one_line(database_url):
    assert_one_line_error(plans("new-round", "AAAA-BBBB-CC", database=database_url), "AAAA-BBBB-CC")


def test_workshop_new_round_starts_every_teams_round_at_once(database_url, tmp_path):
    from roadmap.store import Store

    from .test_workshop_cli import PASSPHRASE, workshop

    passphrase = tmp_path / "pass.txt"
    passphrase.write_text(PASSPHRASE + "\n", encoding="utf-8")
    store = Store(database_url)
    created = store.create_workshop("Spring Institute", PASSPHRASE, ["Riverbend", "Lakeside"])
    plan_ids = [t.team.plan_id for t in created.teams]
    store.save_answer(plan_ids[0], "q-priorities", "Mathematics first", 0, who="Ana")

    result = workshop("new-round", created.code, "--label", "Follow-up, May", "--passphrase-file", str(passphrase),
                      database=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Started round \u201cFollow-up, May\u201d for 2 teams of Spring Institute\n"
    for plan_id in plan_ids:
        plan = store.load(plan_id).plan
        assert len(plan.rounds) == 1 and plan.round.label == "Follow-up, May"
    assert store.load(plan_ids[0]).plan.round.unreviewed == ["q:q-priorities"]

    store.set_workshop_status(created.workshop.workshop_id, "closed")
    refused = workshop("new-round", created.code, "--passphrase-file", str(passphrase), database=database_url)
    assert_one_line_error(refused)
    assert all(len(store.load(p).plan.rounds) == 1 for p in plan_ids)  # a closed workshop: no team's round
    wrong = workshop("new-round", created.code, "--passphrase-file", str(tmp_path / "missing.txt"),
                     database=database_url)
    assert_one_line_error(wrong)
    store.close()
