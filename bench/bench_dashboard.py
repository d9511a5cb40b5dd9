"""The facilitator's dashboard with 30 teams of 8 people: what one refresh costs, alone and while they all save.

Thirty team plans, each about half answered and rated, and eight members' own ratings
of every action. One refresh is what the dashboard's fragment does every few seconds:
Store.workshop_progress (three queries of counts, levels and times, never an answer's
text), dashboard_rows, the heat map, the combined chart and its table. Figures: the
median and 95th percentile of a refresh and of its store part, alone and while
writers save answers and members' ratings (at a room's pace, and flat out); the same refresh done
the naive way (every plan loaded whole); and building the collect zip of all plans.

    python bench/bench_dashboard.py [--teams 30] [--members 8] [--refreshes 40] [--writers 24] [--no-postgres]

PostgreSQL: BENCH_POSTGRES_URL or TEST_POSTGRES_URL, else a throwaway server
started from /usr/lib/postgresql/*/bin on 127.0.0.1 and stopped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

try:
    from bench._common import Figure, fresh_postgres_schema, machine, median, percentile, report, throwaway_postgres
except ModuleNotFoundError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench._common import Figure, fresh_postgres_schema, machine, median, percentile, report, throwaway_postgres

from roadmap.bank import Bank, load_bank  # noqa: E402
from roadmap.plan import progress  # noqa: E402
from roadmap.sample import sample_plan  # noqa: E402
from roadmap.scoring import score_areas  # noqa: E402
from roadmap.session import PlanSession  # noqa: E402
from roadmap.store import Store  # noqa: E402
from roadmap.workshop import (  # noqa: E402
    build_combined_figure, build_heatmap, combined_areas, combined_table, dashboard_rows, progress_groups,
)
from roadmap.workshop_exports import build_collect_zip  # noqa: E402

PASSPHRASE = "bench passphrase, not a secret"
REFRESH_P95_TARGET_MS = 500.0  # the fragment reruns every 5 s; a refresh should be a small part of that


def populate(store: Store, bank: Bank, teams: int, members: int) -> str:
    """Make a workshop of teams half-way through the roadmap, every member rating every action; return its id."""
    created = store.create_workshop("Bench workshop", PASSPHRASE, [f"Team {n}" for n in range(1, teams + 1)])
    sample = sample_plan(bank)
    answers = list(sample.answers.items())
    levels = [lv.id for lv in bank.levels]
    for index, item in enumerate(created.teams):
        session = PlanSession.open(store, bank, item.team.plan_id, who="bench")
        for question_id, value in answers[: len(answers) * (index % 3 + 1) // 4]:
            session.answer(question_id, value)
        for n, action_id in enumerate(list(bank.actions)[: len(bank.actions) * (index % 2 + 1) // 2]):
            session.rate(action_id, levels[(index + n) % len(levels)])
        for member in range(members):
            for n, action_id in enumerate(bank.actions):
                store.save_member_rating(item.team.plan_id, f"Member {member + 1}", action_id,
                                         levels[(index + member + n) % len(levels)])
    return created.workshop.workshop_id


def refresh(store: Store, bank: Bank, workshop_id: str) -> tuple[float, float, int]:
    """Do what one dashboard refresh does; return (seconds in all, seconds in the store, rows it used)."""
    began = time.perf_counter()
    summaries = store.workshop_progress(workshop_id, progress_groups(bank))
    read = time.perf_counter()
    rows = dashboard_rows(bank, summaries, dt.datetime.now(dt.timezone.utc))
    build_heatmap(bank, rows)
    combined = combined_areas(bank, rows)
    build_combined_figure(combined)
    combined_table(combined)
    rows_read = len(summaries) + sum(len(s.ratings) for s in summaries)
    return time.perf_counter() - began, read - began, rows_read


def naive_refresh(store: Store, bank: Bank, workshop_id: str) -> float:
    """Return the seconds to compute the same progress and readiness by loading every plan whole."""
    began = time.perf_counter()
    for team in store.workshop(workshop_id).teams:
        plan = store.load(team.plan_id).plan
        progress(plan, bank)
        score_areas(plan, bank)
    return time.perf_counter() - began


def refreshes_while_saving(store: Store, bank: Bank, workshop_id: str, team_plans: list[str], members: int,
                           refreshes: int, writers: int, pace: float, gap: float) -> tuple[list, float, list[str]]:
    """Refresh while writers save answers and members' ratings, each once every `pace` seconds (0: flat out).

    `gap` seconds pass between refreshes, so a paced room is measured over a while, not a moment.

    Returns the refreshes' timings, the saves a second achieved, and the saves refused.
    """
    stop = threading.Event()
    saves = [0] * writers
    errors: list[str] = []
    text_questions = [q.id for a in bank.areas for q in a.questions if q.kind == "text"]
    actions = list(bank.actions)
    levels = [lv.id for lv in bank.levels]

    def writer(index: int) -> None:
        plan_id = team_plans[index % len(team_plans)]
        versions: dict[str, int] = {}
        n = 0
        next_save = time.perf_counter() + pace * index / writers  # spread out, as people are
        while not stop.is_set():
            if pace:
                stop.wait(max(0.0, next_save - time.perf_counter()))
                next_save += pace
                if stop.is_set():
                    break
            try:
                if n % 2:
                    store.save_member_rating(plan_id, f"Member {index % members + 1}", actions[n % len(actions)],
                                             levels[n % len(levels)])
                else:
                    question = text_questions[(index + n) % len(text_questions)]
                    seen = versions.get(question)
                    if seen is None:
                        seen = store.load(plan_id).version_of(f"q:{question}")
                    versions[question] = store.save_answer(plan_id, question, f"Writer {index}, save {n}", seen,
                                                           f"writer {index}")
            except Exception as exc:  # a teammate's save in between; counted, not raised
                errors.append(f"{type(exc).__name__}: {exc}")
                versions.clear()
            saves[index] += 1
            n += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    began, saved_before, timings = time.perf_counter(), sum(saves), []
    for _ in range(refreshes):
        timings.append(refresh(store, bank, workshop_id))
        time.sleep(gap)
    seconds, saved = time.perf_counter() - began, sum(saves) - saved_before
    stop.set()
    for thread in threads:
        thread.join()
    return timings, saved / seconds, errors


def measure(url: str, label: str, teams: int, members: int, refreshes: int, writers: int) -> list[Figure]:
    bank = load_bank()
    store = Store(url)
    began = time.perf_counter()
    workshop_id = populate(store, bank, teams, members)
    setup = time.perf_counter() - began
    team_plans = [t.plan_id for t in store.workshop(workshop_id).teams]
    refresh(store, bank, workshop_id)  # warm: plotly's first figure builds its validators

    quiet = [refresh(store, bank, workshop_id) for _ in range(refreshes)]
    naive = [naive_refresh(store, bank, workshop_id) for _ in range(max(3, refreshes // 4))]

    paced, paced_saves, paced_errors = refreshes_while_saving(store, bank, workshop_id, team_plans, members,
                                                              refreshes, writers, pace=1.0, gap=0.25)
    busy, busy_saves, busy_errors = refreshes_while_saving(store, bank, workshop_id, team_plans, members,
                                                           refreshes, writers, pace=0.0, gap=0.0)

    began = time.perf_counter()
    archive = build_collect_zip(store, store.workshop(workshop_id), bank, dt.date.today())
    collect = time.perf_counter() - began
    store.close()

    def ms(values: list[float], q: float | None = None) -> float:
        return (percentile(values, q) if q else median(values)) * 1000

    def column(timings: list, part: int) -> list[float]:
        return [t[part] for t in timings]

    p95 = ms(column(paced, 0), 95)
    people = f"{teams} teams x {members} members"
    room = f"{writers} writers each saving once a second ({writers * 10} people saving every 10 s)"
    return [
        Figure(f"{label}: setting up {people} ({teams * members * len(bank.actions):,} members' ratings)",
               setup, "s"),
        Figure(f"{label}: rows a refresh reads (teams + their rating levels)", quiet[0][2], "rows"),
        Figure(f"{label}: refresh, quiet room, median", ms(column(quiet, 0)), "ms"),
        Figure(f"{label}: refresh, quiet room, p95", ms(column(quiet, 0), 95), "ms"),
        Figure(f"{label}: of which the store, median", ms(column(quiet, 1)), "ms"),
        Figure(f"{label}: naive refresh loading every plan whole (store and scoring only), median", ms(naive), "ms"),
        Figure(f"{label}: refresh while {room}, median", ms(column(paced, 0)), "ms"),
        Figure(f"{label}: refresh while {room}, p95", p95, "ms", f"< {REFRESH_P95_TARGET_MS:.0f} ms",
               p95 < REFRESH_P95_TARGET_MS),
        Figure(f"{label}: of which the store, p95", ms(column(paced, 1), 95), "ms"),
        Figure(f"{label}: saves a second meanwhile (refused: {len(paced_errors)})", paced_saves, "saves/s"),
        Figure(f"{label}: refresh while {writers} writers save flat out (stress), median", ms(column(busy, 0)), "ms"),
        Figure(f"{label}: refresh while {writers} writers save flat out (stress), p95", ms(column(busy, 0), 95), "ms"),
        Figure(f"{label}: saves a second meanwhile (refused: {len(busy_errors)})", busy_saves, "saves/s"),
        Figure(f"{label}: collect zip of {teams} plans ({len(archive) / 1e6:.1f} MB)", collect, "s"),
    ]


def run(teams: int = 30, members: int = 8, refreshes: int = 40, writers: int = 24,
        postgres: bool = True) -> list[Figure]:
    print(machine())
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        figures += measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite", teams, members, refreshes,
                           writers)
    if postgres:
        with throwaway_postgres() as base:
            if base is None:
                print("  PostgreSQL: no server and no binaries, skipped")
            else:
                url, drop = fresh_postgres_schema(base)
                try:
                    figures += measure(url, "PostgreSQL", teams, members, refreshes, writers)
                finally:
                    drop()
    return report(f"Facilitator dashboard: {teams} teams of {members}, refreshed {refreshes} times", figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=30)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--refreshes", type=int, default=40)
    parser.add_argument("--writers", type=int, default=24)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.teams, args.members, args.refreshes, args.writers, not args.no_postgres)
    return 0 if all(f.holds is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
