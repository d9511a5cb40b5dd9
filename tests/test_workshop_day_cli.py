"""The facilitator's day from the command line: show every team's current code again and reprint the join
cards (a QR code of the planner's address on each), close, reopen, archive and delete with confirmation."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
import zxingcpp
from PIL import Image

from roadmap.store import Store

from .test_plans_cli import assert_one_line_error
from .test_store import database_url  # noqa: F401 - the fixture shared with test_store
from .test_workshop_cli import PASSPHRASE, passphrase_file, workshop  # noqa: F401 - fixtures

URL = "https://plan.example.org/spring"


@pytest.fixture
def created(database_url):
    store = Store(database_url)
    made = store.create_workshop("Spring Institute", PASSPHRASE, ["Riverbend", "Lakeside", "Hillcrest"])
    fresh = store.reissue_team_code(made.workshop.workshop_id, made.teams[1].team.plan_id)  # lost, not kept
    yield made, fresh
    store.close()


def test_codes_shows_every_teams_current_code_and_says_which_were_not_kept(created, database_url,
                                                                           passphrase_file):
    made, fresh = created
    result = workshop("codes", made.code, "--passphrase-file", str(passphrase_file), "--json",
                      database=database_url)
    assert result.returncode == 0, result.stderr
    teams = json.loads(result.stdout)["teams"]
    # Lakeside's code was made again without the passphrase at hand, so it is not kept (the old one is dead).
    assert [(t["name"], t["code"]) for t in teams] == [
        ("Riverbend", made.teams[0].code), ("Lakeside", None), ("Hillcrest", made.teams[2].code)]
    assert fresh.code not in result.stdout and made.teams[1].code not in result.stdout
    plain = workshop("codes", made.code, "--passphrase-file", str(passphrase_file), database=database_url)
    assert f"1. Riverbend  {made.teams[0].code}" in plain.stdout
    assert "2. Lakeside   not kept" in plain.stdout
    assert "1 code was made before codes were kept" in plain.stdout


def test_codes_reprints_join_cards_with_one_qr_code_per_team_that_reads_back_as_the_address(
        created, database_url, passphrase_file, tmp_path):
    made, _ = created
    cards, roster = tmp_path / "cards.docx", tmp_path / "roster.docx"
    result = workshop("codes", made.code, "--passphrase-file", str(passphrase_file), "--cards", str(cards),
                      "--roster", str(roster), "--url", URL, database=database_url)
    assert result.returncode == 0, result.stderr
    assert f"wrote 2 join cards to {cards}" in result.stdout
    document = docx.Document(cards)
    assert len(document.inline_shapes) == 2  # one QR code per card, none for the team whose code is not kept
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = Image.open(io.BytesIO(document.part.related_parts[blip].blob))
        assert [found.text for found in zxingcpp.read_barcodes(image)] == [URL]
    big = [run for p in document.paragraphs for run in p.runs if run.font.size and run.font.size.pt >= 40]
    assert [run.text for run in big] == [made.teams[0].code, made.teams[2].code]
    listed = [[cell.text for cell in row.cells] for row in docx.Document(roster).tables[0].rows]
    assert listed[1] == ["1. Riverbend", made.teams[0].code]
    assert listed[2][0] == "2. Lakeside" and "not kept" in listed[2][1]
    assert len(listed) == 4


def test_codes_refuses_a_wrong_passphrase_in_one_line(created, database_url, tmp_path):
    made, _ = created
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n", encoding="utf-8")
    result = workshop("codes", made.code, "--passphrase-file", str(wrong), database=database_url)
    assert_one_line_error(result, "passphrase")


def test_close_reopen_and_archive_ask_first_and_archive_still_exports(created, database_url, passphrase_file,
                                                                     tmp_path):
    made, _ = created
    args = (made.code, "--passphrase-file", str(passphrase_file))
    refused = workshop("close", *args, database=database_url)  # no terminal to ask, no --yes
    assert_one_line_error(refused, "--yes")
    store = Store(database_url)
    try:
        assert not store.plan_is_locked(made.teams[0].team.plan_id)
        closed = workshop("close", *args, "--yes", database=database_url)
        assert closed.returncode == 0, closed.stderr
        assert store.plan_is_locked(made.teams[0].team.plan_id)
        assert workshop("reopen", *args, "--yes", database=database_url).returncode == 0
        assert not store.plan_is_locked(made.teams[0].team.plan_id)
        assert workshop("archive", *args, "--yes", database=database_url).returncode == 0
        assert_one_line_error(workshop("reopen", *args, "--yes", database=database_url), "archived")
        out = tmp_path / "spring.zip"
        exported = workshop("export", *args, "--out", str(out), database=database_url)
        assert exported.returncode == 0, exported.stderr
        assert len([n for n in zipfile.ZipFile(out).namelist() if n.startswith("plans/")]) == 3
        deleted = workshop("delete", *args, "--yes", database=database_url)
        assert deleted.returncode == 0, deleted.stderr
        assert_one_line_error(workshop("codes", *args, database=database_url))
        assert store.open_by_code(made.teams[0].code).plan.district.name == "Riverbend"  # plans are kept
    finally:
        store.close()


def test_a_new_passphrase_reseals_the_codes_and_the_old_one_stops_opening_them(created, database_url,
                                                                              passphrase_file, tmp_path):
    made, _ = created
    new = tmp_path / "new.txt"
    new.write_text("a new passphrase for the spring\n", encoding="utf-8")
    changed = workshop("passphrase", made.code, "--passphrase-file", str(passphrase_file),
                       "--new-passphrase-file", str(new), database=database_url)
    assert changed.returncode == 0, changed.stderr
    assert_one_line_error(workshop("codes", made.code, "--passphrase-file", str(passphrase_file),
                                   database=database_url), "passphrase")
    shown = workshop("codes", made.code, "--passphrase-file", str(new), "--json", database=database_url)
    assert [t["code"] for t in json.loads(shown.stdout)["teams"]] == [made.teams[0].code, None, made.teams[2].code]
