"""A workshop room: many people saving into the store at the same moment lose nothing."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from roadmap.plan import Plan
from roadmap.store import StaleEntryError, Store, answer_key, entries, history

from .test_store import database_url, store, waits  # noqa: F401 - fixtures shared with test_store

THREADS = 40
OWN_ANSWERS = 3
SHARED_QUESTIONS = ("q-priorities", "q-next-steps-notes")


def run_together(count: int, work) -> list[BaseException]:
    """Run work(i) in count threads released at the same moment; return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # collected and asserted on, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer never finished"
    return errors


def count_rows(store: Store, table, plan_id: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(table.c.plan_id == plan_id)).scalar()


def append_with_retry(store: Store, plan_id: str, question_id: str, line: str, who: str) -> int:
    """Add a line to a shared answer the way a page would: on a conflict, merge into the newer text and retry."""
    text, seen = line, 0
    while True:
        try:
            return store.save_answer(plan_id, question_id, text, seen, who)
        except StaleEntryError as exc:
            text, seen = f"{exc.current_value}\n{line}", exc.current_version


def test_forty_people_saving_at_once_lose_nothing(store):
    plan_id = store.create_plan(Plan()).plan_id  # one entry: the district

    def person(i: int) -> None:
        who = f"teacher {i}"
        for n in range(OWN_ANSWERS):
            question = f"q-own-{i}-{n}"
            first = store.save_answer(plan_id, question, f"draft {n} by {who}", 0, who)
            store.save_answer(plan_id, question, f"final {n} by {who}", first, who)
        for question in SHARED_QUESTIONS:
            append_with_retry(store, plan_id, question, f"idea from {who}", who)

    assert run_together(THREADS, person) == []
    loaded = store.load(plan_id)
    for i in range(THREADS):
        for n in range(OWN_ANSWERS):
            assert loaded.plan.answers[f"q-own-{i}-{n}"] == f"final {n} by teacher {i}"
            assert loaded.version_of(answer_key(f"q-own-{i}-{n}")) == 2
    for question in SHARED_QUESTIONS:
        lines = loaded.plan.answers[question].split("\n")
        assert sorted(lines) == sorted(f"idea from teacher {i}" for i in range(THREADS))
        assert loaded.version_of(answer_key(question)) == THREADS
    assert count_rows(store, entries, plan_id) == 1 + THREADS * OWN_ANSWERS + len(SHARED_QUESTIONS)
    assert count_rows(store, history, plan_id) == 1 + THREADS * OWN_ANSWERS * 2 + len(SHARED_QUESTIONS) * THREADS


def test_many_first_answers_to_one_question_at_once_keep_exactly_one(store):
    plan_id = store.create_plan(Plan()).plan_id
    winners: list[str] = []
    refused: list[StaleEntryError] = []

    def person(i: int) -> None:
        try:
            store.save_answer(plan_id, "q-priorities", f"text by {i}", 0, f"teacher {i}")
            winners.append(f"text by {i}")
        except StaleEntryError as exc:
            refused.append(exc)

    assert run_together(20, person) == []
    assert len(winners) == 1 and len(refused) == 19
    assert all(exc.current_value == winners[0] and exc.current_version == 1 for exc in refused)
    assert store.load(plan_id).plan.answers["q-priorities"] == winners[0]
    assert count_rows(store, history, plan_id) == 2  # the district, and the one answer


def test_forty_teams_starting_at_once_each_get_their_own_code(store):
    created = []

    def team(i: int) -> None:
        created.append((i, store.create_plan(Plan(answers={"q-priorities": f"team {i}"}))))

    assert run_together(THREADS, team) == []
    assert len({c.code for _, c in created}) == THREADS
    for i, c in created:
        assert store.open_by_code(c.code).plan.answers["q-priorities"] == f"team {i}"
