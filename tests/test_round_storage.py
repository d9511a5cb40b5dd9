"""Rounds in the database: a start closes the round as it was and carries everything forward unreviewed;
confirming or changing reviews it; a rename and an undo are refused when stale; a start while another device
saves loses nothing; a database made by the planner before rounds opens as plans of one round. SQLite always;
PostgreSQL when TEST_POSTGRES_URL is set."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from roadmap.plan import Rating
from roadmap.rounds import changed_answers, moved_ratings, review_count
from roadmap.store import (
    HEAD_REVISION, RoundChangeError, StaleEntryError, StaleRoundError, Store, answer_key, current_revision,
    rating_key, rounds,
)

from .test_store import database_url, store, waits  # noqa: F401 - fixtures shared with test_store

FIXTURE = Path(__file__).parent / "fixtures" / "release-0002.sqlite3"
FIXTURE_SECRET = b"rounds-fixture-secret-0123456789"
FIXTURE_PLAN, FIXTURE_CODE = "30183462ad91496f9bd437ef55df84da", "7UXC-5DUL-9K"
FIXTURE_TEAM = "890643e54bff44b182b9715f69873f22"


@pytest.fixture
def stored(store, sample):
    return store.create_plan(sample, who="Maria")


def test_a_new_plan_is_one_open_round_labelled_with_its_day(store, stored, sample):
    plan = store.load(stored.plan_id).plan
    assert plan.rounds == []
    assert plan.round.label == sample.round.label
    assert plan.round.unreviewed == []
    assert [r.closed_at for r in store.list_rounds(stored.plan_id)] == [None]


def test_starting_a_round_keeps_the_old_one_as_it_was_and_carries_everything_unreviewed(store, stored):
    before = store.load(stored.plan_id).plan
    new = store.start_round(stored.plan_id, "Spring 2027", seen_round=1, who="Maria")
    assert (new.number, new.label) == (2, "Spring 2027")
    after = store.load(stored.plan_id).plan
    assert [r.label for r in after.rounds] == [before.round.label]
    closed = after.rounds[0]
    assert closed.answers == before.answers and closed.ratings == before.ratings
    assert after.answers == before.answers and after.ratings == before.ratings
    assert sorted(after.round.unreviewed) == sorted([answer_key(q) for q in before.answers]
                                                   + [rating_key(a) for a in before.ratings])
    assert review_count(after).label == f"0 of {len(after.round.unreviewed)} reviewed this round"


def test_confirming_and_changing_review_an_entry_and_leave_the_closed_round_alone(store, stored):
    store.start_round(stored.plan_id, "Spring 2027", seen_round=1)
    loaded = store.load(stored.plan_id)
    key = answer_key("q-priorities")
    store.confirm_entry(stored.plan_id, key, loaded.version_of(key), who="Ben")
    rkey = rating_key("act-funding")
    store.save_rating(stored.plan_id, "act-funding", Rating(level="established", note="Budget passed"),
                      loaded.version_of(rkey), who="Ana")
    after = store.load(stored.plan_id).plan
    assert key not in after.round.unreviewed and rkey not in after.round.unreviewed
    assert review_count(after).reviewed == 2
    assert store.history(stored.plan_id, key)[0].updated_by == "Ben"  # who said "still true"
    assert after.rounds[0].ratings["act-funding"].level != "established"
    assert [m.action_id for m in moved_ratings(after, _bank())] == ["act-funding"]


def test_confirming_an_answer_a_teammate_changed_meanwhile_is_a_conflict_with_both_texts(store, stored):
    store.start_round(stored.plan_id, None, seen_round=1)
    key = answer_key("q-priorities")
    seen = store.load(stored.plan_id).version_of(key)
    store.save_answer(stored.plan_id, "q-priorities", "Retention first", seen, who="Ben")
    with pytest.raises(StaleEntryError) as refused:
        store.confirm_entry(stored.plan_id, key, seen, who="Ana")
    assert refused.value.current_value == "Retention first"


def test_a_round_started_twice_from_two_devices_starts_once(store, stored):
    store.start_round(stored.plan_id, "Spring", seen_round=1)
    with pytest.raises(StaleRoundError, match="started a new round"):
        store.start_round(stored.plan_id, "Spring again", seen_round=1)
    assert [r.label for r in store.list_rounds(stored.plan_id)][1:] == ["Spring"]


def test_a_round_is_renamed_and_a_stale_rename_is_refused(store, stored):
    store.start_round(stored.plan_id, "", seen_round=1)
    loaded = store.load(stored.plan_id)
    assert loaded.plan.round.label == loaded.plan.round.started_at.date().isoformat()  # empty: the date
    version = store.rename_round(stored.plan_id, 1, "Autumn 2026", loaded.round_versions[1])
    with pytest.raises(StaleRoundError, match="renamed"):
        store.rename_round(stored.plan_id, 1, "Fall", loaded.round_versions[1])
    assert store.load(stored.plan_id).plan.rounds[0].label == "Autumn 2026"
    assert version == loaded.round_versions[1] + 1


def test_undo_reopens_the_closed_round_only_while_nothing_changed(store, stored):
    first = store.load(stored.plan_id).plan
    store.start_round(stored.plan_id, "Spring", seen_round=1)
    reopened = store.undo_round_start(stored.plan_id, seen_round=2)
    assert (reopened.number, reopened.label, reopened.closed_at) == (1, first.round.label, None)
    plan = store.load(stored.plan_id).plan
    assert plan.rounds == [] and plan.answers == first.answers and plan.round.unreviewed == []

    store.start_round(stored.plan_id, "Spring", seen_round=1)
    key = answer_key("q-priorities")
    store.confirm_entry(stored.plan_id, key, store.load(stored.plan_id).version_of(key))
    with pytest.raises(RoundChangeError, match="can no longer be undone"):
        store.undo_round_start(stored.plan_id, seen_round=2)
    assert len(store.load(stored.plan_id).plan.rounds) == 1
    with pytest.raises(RoundChangeError, match="first round"):
        store.undo_round_start(store.create_plan(first).plan_id, seen_round=1)


def test_a_member_rating_since_the_start_stops_the_undo_and_the_closed_round_keeps_members(store, stored):
    store.save_member_rating(stored.plan_id, "Ana", "act-funding", "emerging")
    store.start_round(stored.plan_id, "Spring", seen_round=1)
    assert store.load(stored.plan_id).plan.rounds[0].member_ratings == {"Ana": {"act-funding": "emerging"}}
    store.save_member_rating(stored.plan_id, "Ana", "act-funding", "developing")
    with pytest.raises(RoundChangeError):
        store.undo_round_start(stored.plan_id, seen_round=2)


def test_a_plan_with_rounds_stored_and_loaded_keeps_every_round_and_review_mark(store, bank):
    from roadmap.sample import sample_plan

    plan = sample_plan(bank, rounds=3)
    plan.mark_reviewed(answer_key("q-priorities"))
    again = store.load(store.create_plan(plan).plan_id).plan
    assert again.rounds == plan.rounds
    assert again.round.label == plan.round.label
    assert sorted(again.round.unreviewed) == sorted(plan.round.unreviewed)
    assert changed_answers(again, bank) == changed_answers(plan, bank)


def test_copy_into_a_new_plan_takes_answers_and_latest_ratings_and_changes_nothing(store, stored, bank):
    store.start_round(stored.plan_id, "Spring", seen_round=1)
    seen = store.load(stored.plan_id).version_of(rating_key("act-funding"))
    store.save_rating(stored.plan_id, "act-funding", Rating(level="established"), seen)
    original = store.load(stored.plan_id)
    copy = store.copy_into_new_plan(stored.plan_id, who="Maria")
    assert copy.plan_id != stored.plan_id and copy.code != stored.code
    new = store.open_by_code(copy.code).plan
    assert new.answers == original.plan.answers
    assert new.ratings["act-funding"].level == "established"
    assert new.rounds == [] and new.round.unreviewed == []
    assert "Copied on" in new.round.copied_from and "round Spring" in new.round.copied_from
    assert store.load(stored.plan_id).versions == original.versions


def test_a_round_start_while_another_device_saves_loses_nothing(store, stored):
    """Both at once, many times: the save lands either in the closed round and is carried forward
    unreviewed, or after the start as a change of the new round; never lost, never in between."""
    key = answer_key("q-priorities")
    for attempt in range(6):
        loaded = store.load(stored.plan_id)
        text = f"Saved during the start, try {attempt}"
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def save() -> None:
            barrier.wait()
            try:
                store.save_answer(stored.plan_id, "q-priorities", text, loaded.version_of(key), who="Ben")
            except BaseException as exc:  # asserted on below
                errors.append(exc)

        def start() -> None:
            barrier.wait()
            try:
                store.start_round(stored.plan_id, f"Round {attempt + 2}", seen_round=attempt + 1)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=save), threading.Thread(target=start)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        plan = store.load(stored.plan_id).plan
        assert plan.answers["q-priorities"] == text
        closed = plan.rounds[-1].answers["q-priorities"]
        if closed == text:  # the save came first: closed with it, carried forward unreviewed
            assert key in plan.round.unreviewed
        else:  # the start came first: the save is this round's change
            assert key not in plan.round.unreviewed
        assert len(plan.rounds) == attempt + 1


def _bank():
    from roadmap.bank import load_bank

    return load_bank()


def test_a_database_made_by_the_release_before_rounds_opens_as_one_round_plans(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, path)
    store = Store(f"sqlite:///{path}", secret=FIXTURE_SECRET)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD_REVISION
        old = store.open_by_code(FIXTURE_CODE)
        assert old.plan_id == FIXTURE_PLAN
        assert old.plan.answers["q-priorities"] == "Mathematics first, then retention."
        assert [h.updated_by for h in store.history(FIXTURE_PLAN, answer_key("q-priorities"))] == ["Ben", "Maria"]
        assert old.plan.rounds == [] and old.plan.round.label == "2026-09-14"
        assert [(r.number, r.label) for r in store.list_rounds(FIXTURE_PLAN)] == [(1, "2026-09-14")]
        team = store.load(FIXTURE_TEAM)
        assert team.plan.ratings["act-funding"].note == "Grant found"

        store.start_round(FIXTURE_TEAM, "Spring 2027", seen_round=1)
        team = store.load(FIXTURE_TEAM).plan
        assert team.rounds[0].member_ratings == {"Ana": {"act-funding": "emerging"}}
        assert team.rounds[0].ratings["act-funding"].level == "developing"
        assert rating_key("act-funding") in team.round.unreviewed
    finally:
        store.close()


def test_the_rounds_revision_gives_every_stored_plan_its_round_on_either_database(database_url):
    from .test_migrations import PLAN_ID, make_database_before_alembic

    code = make_database_before_alembic(database_url)
    store = Store(database_url)
    try:
        with store.engine.connect() as conn:  # written by the revision itself, not made up on reading
            written = conn.execute(select(rounds.c.number, rounds.c.closed_at)
                                   .where(rounds.c.plan_id == PLAN_ID)).all()
        assert [tuple(r) for r in written] == [(1, None)]
        plan = store.open_by_code(code).plan
        assert plan.round.label == plan.created_at.date().isoformat() and plan.rounds == []
        store.start_round(PLAN_ID, "Spring", seen_round=1)
        assert store.load(PLAN_ID).plan.rounds[0].answers == {"q-priorities": "Mentoring first"}
    finally:
        store.close()


KILLED_WRITER = '''
import sys
from roadmap.plan import Plan
from roadmap.store import Store
store = Store(sys.argv[1], secret=b"kill-test-secret-0123456789abcdef")
while True:  # a new plan every 40 rounds, well inside a plan's limit
    plan_id = store.create_plan(Plan()).plan_id
    print(plan_id, flush=True)
    seen = 0
    for n in range(1, 41):
        seen = store.save_answer(plan_id, "q-priorities", f"answer {n}", seen)
        store.start_round(plan_id, f"Round {n + 1}", seen_round=n)
        seen = store.confirm_entry(plan_id, "q:q-priorities", seen)
'''


def test_a_writer_killed_mid_round_start_leaves_whole_rounds(tmp_path):
    """kill -9 while a process starts rounds as fast as it can: every round is whole, one is open."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import ROOT

    url = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    Store(url, secret=b"kill-test-secret-0123456789abcdef").close()
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, url], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    writer.stdout.readline()
    time.sleep(1.5)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    store = Store(url, secret=b"kill-test-secret-0123456789abcdef")
    try:
        plan_ids = [p.plan_id for p in store.list_plans()]
        assert sum(len(store.list_rounds(p)) for p in plan_ids) > 3, "the writer never got going"
        for plan_id in plan_ids:
            stored = store.list_rounds(plan_id)
            assert [r.number for r in stored] == list(range(1, len(stored) + 1))
            assert [r.closed_at is None for r in stored] == [False] * (len(stored) - 1) + [True]
            plan = store.load(plan_id).plan
            for n, closed in enumerate(plan.rounds, start=1):
                assert closed.answers == {"q-priorities": f"answer {n}"}  # each closed with its own answer
            if plan.rounds:
                assert plan.answers["q-priorities"] in (f"answer {len(stored)}", f"answer {len(stored) - 1}")
    finally:
        store.close()


def test_a_device_that_missed_a_teammates_round_start_sees_it_on_its_next_refresh(store, stored, bank):
    from roadmap.session import PlanSession

    mine = PlanSession.open(store, bank, stored.plan_id, who="Ana")
    store.start_round(stored.plan_id, "Spring 2027", seen_round=1, who="Ben")
    assert mine.plan.rounds == []
    mine.refresh()
    assert [r.label for r in mine.plan.rounds] and mine.plan.round.label == "Spring 2027"
    assert "q:q-priorities" in mine.plan.round.unreviewed
    assert mine.confirm("q:q-priorities")
    assert "q:q-priorities" not in store.load(stored.plan_id).plan.round.unreviewed


def test_a_rename_from_a_device_holding_an_old_version_is_refused(store, stored, bank):
    from roadmap.session import PlanSession

    ana, ben = (PlanSession.open(store, bank, stored.plan_id, who=w) for w in ("Ana", "Ben"))
    store.rename_round(stored.plan_id, 1, "Autumn 2026", ana.round_versions[1], "Ana")
    with pytest.raises(StaleRoundError):
        store.rename_round(stored.plan_id, 1, "Fall 2026", ben.round_versions[1], "Ben")
    assert store.load(stored.plan_id).plan.round.label == "Autumn 2026"


def test_a_not_yet_reviewed_mark_for_an_answer_the_file_does_not_hold_is_dropped(store, bank):
    from roadmap.rounds import start_round

    plan = start_round(sample_plan_of(bank), "Spring")
    plan.round.unreviewed = [*plan.round.unreviewed, "q:q-not-in-this-plan"]
    again = store.load(store.create_plan(plan).plan_id).plan
    assert "q:q-not-in-this-plan" not in again.round.unreviewed
    assert review_count(again).carried == len(again.answers) + len(again.ratings)


def sample_plan_of(bank):
    from roadmap.sample import sample_plan

    return sample_plan(bank)
