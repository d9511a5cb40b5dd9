"""Workshops in the store: teams and their codes, the facilitator passphrase, closing, members' own ratings,
and the dashboard's summary. Every test runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from roadmap.bank import DEFAULT_BANK_PATH
from roadmap.plan import AnswerError, Plan, progress
from roadmap.session import PlanSession
from roadmap.store import (
    PlanLockedError, Store, StoreError, UnknownCodeError, UnknownTeamError, UnknownWorkshopError, WeakPassphraseError,
    WorkshopAccessError, WorkshopArchivedError, WorkshopNotOpenError, member_ratings, workshops,
)
from roadmap.workshop import dashboard_rows, progress_groups

from .test_store import database_url, store, waits  # noqa: F401 - the fixtures shared with test_store

PASSPHRASE = "blue heron at the lake"


def make_workshop(store, names=("Riverbend", "Lakeside", "Hillcrest"), **kwargs):
    return store.create_workshop("Spring Institute", PASSPHRASE, list(names), day=dt.date(2026, 3, 14), **kwargs)


def test_each_team_code_opens_that_teams_own_plan(store):
    created = make_workshop(store)
    assert [t.team.team_name for t in created.teams] == ["Riverbend", "Lakeside", "Hillcrest"]
    assert [t.team.position for t in created.teams] == [1, 2, 3]
    assert len({t.code for t in created.teams} | {created.code}) == 4
    for item in created.teams:
        opened = store.open_by_code(item.code)
        assert opened.plan_id == item.team.plan_id
        assert opened.plan.district.name == item.team.team_name
        assert opened.plan.district.date == dt.date(2026, 3, 14)
    with pytest.raises(UnknownCodeError):
        store.open_by_code(created.code)  # the workshop's code is not a plan's


def test_the_passphrase_and_codes_are_stored_only_as_hashes(store):
    created = make_workshop(store)
    with store.engine.connect() as conn:
        row = conn.execute(select(workshops)).one()
    assert row.passphrase_hash.startswith("$argon2id$")
    stored_text = " ".join(str(v) for v in row)
    assert PASSPHRASE not in stored_text
    assert created.code not in stored_text and created.code.replace("-", "") not in stored_text


def test_the_right_code_and_passphrase_open_the_workshop(store):
    created = make_workshop(store)
    opened = store.open_workshop(created.code.lower(), PASSPHRASE, client="laptop")
    assert opened.workshop_id == created.workshop.workshop_id
    assert opened.name == "Spring Institute" and opened.status == "open"
    assert [t.team_name for t in opened.teams] == ["Riverbend", "Lakeside", "Hillcrest"]


def test_a_wrong_passphrase_is_refused_each_time_more_slowly_and_never_repeated(store, waits):
    created = make_workshop(store)
    for attempt in ("blue heron at the lak", "BLUE HERON AT THE LAKE"):
        with pytest.raises(WorkshopAccessError) as refused:
            store.open_workshop(created.code, attempt, client="guesser")
        assert attempt not in str(refused.value)
    assert waits == [0.5, 1.0]
    store.open_workshop(created.code, PASSPHRASE, client="guesser")
    with pytest.raises(WorkshopAccessError):
        store.open_workshop(created.code, "wrong again, from scratch", client="guesser")
    assert waits[-1] == 1.5  # signing in to one's own workshop does not wipe the slowdown between guesses (#11)


def test_a_team_code_does_not_open_the_workshop(store, waits):
    created = make_workshop(store)
    with pytest.raises(WorkshopAccessError):
        store.open_workshop(created.teams[0].code, PASSPHRASE, client="team")
    with pytest.raises(WorkshopAccessError):
        store.open_workshop("not a code", PASSPHRASE, client="team")
    assert waits == [0.5, 1.0]


def test_a_short_passphrase_is_refused_and_nothing_is_stored(store):
    with pytest.raises(WeakPassphraseError, match="at least 10 characters"):
        store.create_workshop("Spring Institute", "heron", ["A"])
    assert store.list_plans() == []


@pytest.mark.parametrize("names, message", [
    ([], "at least one team"),
    (["Riverbend", "riverbend"], "already a team called riverbend"),
    (["   "], "name is missing"),
])
def test_team_names_must_be_given_and_each_its_own(store, names, message):
    with pytest.raises(StoreError, match=message):
        store.create_workshop("Spring Institute", PASSPHRASE, names)
    assert store.list_plans() == []


def test_teams_added_later_get_codes_and_come_after_the_first_ones(store):
    created = make_workshop(store, names=["Riverbend"])
    added = store.add_teams(created.workshop.workshop_id, ["Lakeside", "Hillcrest"])
    assert [(t.team.team_name, t.team.position) for t in added] == [("Lakeside", 2), ("Hillcrest", 3)]
    assert store.open_by_code(added[1].code).plan_id == added[1].team.plan_id
    with pytest.raises(StoreError, match="already a team called Lakeside"):
        store.add_teams(created.workshop.workshop_id, ["Lakeside"])
    assert [t.team_name for t in store.workshop(created.workshop.workshop_id).teams] == [
        "Riverbend", "Lakeside", "Hillcrest"]


def test_once_closing_returns_no_save_still_in_flight_can_land(store, bank, monkeypatch):
    # A save that checked "open" just before the facilitator closed must land before the close returns,
    # so what the facilitator collects after closing is final.
    import threading
    import time

    created = make_workshop(store)
    workshop_id, plan_id = created.workshop.workshop_id, created.teams[0].team.plan_id
    checked = threading.Event()
    write_entry = Store._write_entry

    def slow_write(self, *args, **kwargs):
        checked.set()  # the plan was checked unlocked; now the slow part of the save
        time.sleep(1.0)
        return write_entry(self, *args, **kwargs)

    monkeypatch.setattr(Store, "_write_entry", slow_write)
    saver = threading.Thread(target=store.save_answer, args=(plan_id, "q-priorities", "In flight", 0, "Maria"))
    saver.start()
    assert checked.wait(10)
    store.set_workshop_status(workshop_id, "closed")
    landed_at_close = store.load(plan_id).plan.answers.get("q-priorities")
    saver.join()
    assert landed_at_close == "In flight"
    assert store.load(plan_id).plan.answers.get("q-priorities") == "In flight"


def test_closing_makes_every_team_plan_read_only_until_reopened(store, bank):
    created = make_workshop(store)
    workshop_id, plan_id = created.workshop.workshop_id, created.teams[0].team.plan_id
    session = PlanSession.open(store, bank, plan_id, who="Maria")
    assert session.answer("q-priorities", "Mathematics first")
    assert store.set_workshop_status(workshop_id, "closed").status == "closed"
    assert store.plan_is_locked(plan_id)
    with pytest.raises(PlanLockedError, match="closed by its facilitator") as refused:
        session.answer("q-priorities", "Changed after closing")
    assert isinstance(refused.value, AnswerError)  # the wizard reports it like any refused answer
    with pytest.raises(PlanLockedError):
        session.rate("act-align-purpose", "emerging")
    with pytest.raises(PlanLockedError):
        store.save_member_rating(plan_id, "Maria", "act-align-purpose", "emerging")
    with pytest.raises(WorkshopNotOpenError):
        store.add_teams(workshop_id, ["Late team"])
    assert store.load(plan_id).plan.answers["q-priorities"] == "Mathematics first"
    assert session.plan.answers["q-priorities"] == "Mathematics first"
    with pytest.raises(PlanLockedError):
        store.delete_plan(plan_id)
    store.set_workshop_status(workshop_id, "open")
    assert session.answer("q-priorities", "Changed after reopening")
    assert store.load(plan_id).plan.answers["q-priorities"] == "Changed after reopening"


def test_archiving_sets_the_plans_free_and_keeps_the_workshop_readable_until_deleted(store, bank):
    created = make_workshop(store)
    workshop_id, team = created.workshop.workshop_id, created.teams[1]
    store.set_workshop_status(workshop_id, "closed")
    store.set_workshop_status(workshop_id, "archived")
    assert not store.plan_is_locked(team.team.plan_id)
    session = PlanSession.open(store, bank, store.open_by_code(team.code).plan_id)
    assert session.answer("q-priorities", "Carrying on alone")
    opened = store.open_workshop(created.code, PASSPHRASE)  # read-only, to export it and show its codes
    assert opened.status == "archived" and len(opened.teams) == 3
    with pytest.raises(WorkshopArchivedError):
        store.set_workshop_status(workshop_id, "open")
    store.delete_workshop(workshop_id)
    with pytest.raises(WorkshopAccessError):
        store.open_workshop(created.code, PASSPHRASE)
    assert store.load(team.team.plan_id).plan.answers["q-priorities"] == "Carrying on alone"  # plans stay


def test_every_teams_current_code_can_be_shown_again_with_the_passphrase(store):
    created = make_workshop(store)
    workshop, key = store.sign_in_workshop(created.code, PASSPHRASE)
    kept = store.workshop_codes(workshop.workshop_id, key)
    assert kept.code == created.code
    assert [(t.team_name, code) for t, code in kept.teams] == [(t.team.team_name, t.code) for t in created.teams]
    fresh = store.reissue_team_code(workshop.workshop_id, created.teams[0].team.plan_id, key)
    added = store.add_teams(workshop.workshop_id, ["Brookside"], key=key)
    again = store.workshop_codes(workshop.workshop_id, key)
    assert [code for _, code in again.teams] == [fresh.code, created.teams[1].code, created.teams[2].code,
                                                 added[0].code]
    assert again.missing == []


def test_codes_are_sealed_so_the_database_alone_does_not_show_them(store):
    created = make_workshop(store)
    with store.engine.connect() as conn:
        stored = " ".join(str(v) for table in ("workshops", "workshop_teams")
                          for row in conn.exec_driver_sql(f"SELECT * FROM {table}") for v in row)
    for code in [created.code, *(t.code for t in created.teams)]:
        assert code not in stored and code.replace("-", "") not in stored
    workshop, _ = store.sign_in_workshop(created.code, PASSPHRASE)
    from roadmap.store.sealing import derive_key
    with store.engine.connect() as conn:
        salt = conn.execute(select(workshops.c.seal_salt)).scalar()
    wrong = store.workshop_codes(workshop.workshop_id, derive_key("not the passphrase at all", salt))
    assert wrong.code is None and len(wrong.missing) == 3


def test_a_changed_passphrase_seals_the_codes_again_and_the_old_one_stops_working(store):
    created = make_workshop(store)
    store.change_passphrase(created.code, PASSPHRASE, "a new passphrase for spring")
    with pytest.raises(WorkshopAccessError):
        store.sign_in_workshop(created.code, PASSPHRASE)
    workshop, key = store.sign_in_workshop(created.code, "a new passphrase for spring")
    assert [code for _, code in store.workshop_codes(workshop.workshop_id, key).teams] == [
        t.code for t in created.teams]


def test_a_workshop_made_before_codes_were_kept_says_which_are_missing_and_keeps_new_ones(store):
    created = make_workshop(store)
    with store.engine.begin() as conn:  # as a workshop made before revision 0003 is
        conn.exec_driver_sql("UPDATE workshops SET seal_salt = NULL, sealed_code = NULL")
        conn.exec_driver_sql("UPDATE workshop_teams SET sealed_code = NULL")
    workshop, key = store.sign_in_workshop(created.code, PASSPHRASE)
    kept = store.workshop_codes(workshop.workshop_id, key)
    assert kept.code is None and [t.team_name for t in kept.missing] == ["Riverbend", "Lakeside", "Hillcrest"]
    fresh = store.reissue_team_code(workshop.workshop_id, created.teams[1].team.plan_id, key)
    _, key_again = store.sign_in_workshop(created.code, PASSPHRASE)
    assert dict((t.team_name, c) for t, c in store.workshop_codes(workshop.workshop_id, key_again).teams)[
        "Lakeside"] == fresh.code


def test_a_facilitators_device_signs_in_again_with_its_token_and_key(store):
    created = make_workshop(store)
    workshop, key = store.sign_in_workshop(created.code, PASSPHRASE)
    token = store.issue_facilitator_token(workshop.workshop_id, key)
    assert store.facilitator_for_device(token) == (workshop.workshop_id, key)
    assert store.facilitator_for_device(token + "x") is None
    store.revoke_facilitator_token(token)
    assert store.facilitator_for_device(token) is None


def test_removing_a_team_keeps_its_plan_code_and_ratings(store, bank):
    created = make_workshop(store)
    workshop_id, gone = created.workshop.workshop_id, created.teams[0]
    PlanSession.open(store, bank, gone.team.plan_id).answer("q-priorities", "Kept after removal")
    store.save_member_rating(gone.team.plan_id, "Maria", "act-align-purpose", "emerging")
    store.remove_team(workshop_id, gone.team.plan_id)
    assert [t.team_name for t in store.workshop(workshop_id).teams] == ["Lakeside", "Hillcrest"]
    kept = store.open_by_code(gone.code)
    assert kept.plan.answers["q-priorities"] == "Kept after removal"
    assert [r.member for r in store.member_ratings(gone.team.plan_id)] == ["Maria"]
    store.set_workshop_status(workshop_id, "closed")
    assert not store.plan_is_locked(gone.team.plan_id)  # no longer the workshop's to close
    assert store.plan_is_locked(created.teams[1].team.plan_id)
    with pytest.raises(UnknownTeamError):
        store.remove_team(workshop_id, gone.team.plan_id)


def test_a_team_that_lost_its_code_gets_a_new_one_and_the_old_one_stops_working(store, bank):
    created = make_workshop(store)
    workshop_id, team = created.workshop.workshop_id, created.teams[1]
    PlanSession.open(store, bank, team.team.plan_id).answer("q-priorities", "Kept with the new code")
    device = store.issue_device_token(team.team.plan_id, team.code)
    fresh = store.reissue_team_code(workshop_id, team.team.plan_id)
    assert fresh.team.team_name == "Lakeside" and fresh.code != team.code
    assert store.open_by_code(fresh.code).plan.answers["q-priorities"] == "Kept with the new code"
    with pytest.raises(UnknownCodeError):
        store.open_by_code(team.code)
    assert store.plan_for_device(device) == team.team.plan_id  # the laptop already in the plan carries on
    assert store.open_by_code(created.teams[0].code).plan_id == created.teams[0].team.plan_id  # others untouched
    with pytest.raises(UnknownTeamError):
        store.reissue_team_code(make_workshop(store, ("Elsewhere",)).workshop.workshop_id, team.team.plan_id)


def test_deleting_a_team_plan_takes_it_out_of_the_workshop(store):
    created = make_workshop(store)
    plan_id = created.teams[2].team.plan_id
    store.save_member_rating(plan_id, "Maria", "act-align-purpose", "emerging")
    store.delete_plan(plan_id)
    assert [t.team_name for t in store.workshop(created.workshop.workshop_id).teams] == ["Riverbend", "Lakeside"]
    with store.engine.connect() as conn:
        assert conn.execute(select(member_ratings)).all() == []


def test_members_own_ratings_are_saved_changed_and_cleared_apart_from_the_teams(store, bank):
    created = make_workshop(store)
    plan_id = created.teams[0].team.plan_id
    store.save_member_rating(plan_id, "Maria", "act-align-purpose", "emerging")
    store.save_member_rating(plan_id, "  Tom   Becker ", "act-align-purpose", "established")
    store.save_member_rating(plan_id, "Maria", "act-align-purpose", "developing")
    store.save_member_rating(plan_id, "Maria", "act-funding", "not-started")
    store.save_member_rating(plan_id, "Maria", "act-funding", None)
    saved = [(r.member, r.action_id, r.level) for r in store.member_ratings(plan_id)]
    assert saved == [("Maria", "act-align-purpose", "developing"), ("Tom Becker", "act-align-purpose", "established")]
    assert store.load(plan_id).plan.ratings == {}  # the team's own rating is agreed separately
    assert store.member_ratings(created.teams[1].team.plan_id) == []
    everyone = store.workshop_member_ratings(created.workshop.workshop_id)
    assert list(everyone) == [plan_id]
    with pytest.raises(StoreError, match="Your name is missing"):
        store.save_member_rating(plan_id, " ", "act-align-purpose", "emerging")


def test_the_dashboard_summary_counts_what_each_team_entered(store, bank, sample):
    created = make_workshop(store)
    first, second, third = (t.team.plan_id for t in created.teams)
    one = PlanSession.open(store, bank, first, who="Maria")
    one.answer("q-priorities", "Mathematics first")
    one.answer("q-identify-top-teachers", "Not yet")
    one.answer("q-initiative-name", "   ")  # blank: not counted
    one.rate("act-align-purpose", "developing")
    one.rate("act-engage-stakeholders", "not-applicable")
    two = PlanSession.open(store, bank, second, who="Tom")
    for question_id, value in sample.answers.items():
        two.answer(question_id, value)
    for action_id, rating in sample.ratings.items():
        two.rate(action_id, rating.level, rating.note)
    store.save_member_rating(first, "Maria", "act-align-purpose", "emerging")
    store.save_member_rating(first, "Tom", "act-align-purpose", "established")

    summaries = store.workshop_progress(created.workshop.workshop_id, progress_groups(bank))
    assert [s.team.plan_id for s in summaries] == [first, second, third]
    assert summaries[0].ratings == {"act-align-purpose": "developing", "act-engage-stakeholders": "not-applicable"}
    assert (summaries[0].raters, summaries[1].raters, summaries[2].raters) == (2, 0, 0)
    assert summaries[0].last_activity >= summaries[0].updated_at
    rows = dashboard_rows(bank, summaries, dt.datetime.now(dt.timezone.utc))
    for row, plan_id in zip(rows, (first, second, third)):
        expected = progress(store.load(plan_id).plan, bank)
        assert [(c.answered, c.rated, c.required_missing) for c in row.areas] == [
            (a.answered, a.rated, len(a.missing_required)) for a in expected]
    assert rows[0].areas[0].readiness == 3.0  # developing (3); not applicable left out
    assert rows[1].percent == 100 and rows[2].percent == 0


def test_the_dashboard_summary_of_a_workshop_without_teams_is_empty(store, bank):
    created = make_workshop(store, names=["Only"])
    store.remove_team(created.workshop.workshop_id, created.teams[0].team.plan_id)
    assert store.workshop_progress(created.workshop.workshop_id, progress_groups(bank)) == []
    with pytest.raises(UnknownWorkshopError):
        store.workshop_progress("0" * 32, progress_groups(bank))


def test_a_workshop_bank_belongs_to_its_teams_plans_only(store):
    text = DEFAULT_BANK_PATH.read_text(encoding="utf-8")
    created = make_workshop(store, bank_yaml=text)
    plan_id = created.teams[0].team.plan_id
    assert store.workshop_bank_text(plan_id) == text
    assert store.workshop(created.workshop.workshop_id).bank_yaml == text
    info = store.workshop_of_plan(plan_id)
    assert (info.name, info.status, info.team_name, info.own_bank) == ("Spring Institute", "open", "Riverbend", True)
    alone = store.create_plan(Plan())
    assert store.workshop_bank_text(alone.plan_id) is None
    assert store.workshop_of_plan(alone.plan_id) is None
    assert not store.plan_is_locked(alone.plan_id)
