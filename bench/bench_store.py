"""A workshop's saves at once: 40 writers saving answers together, on SQLite and on PostgreSQL.

Ten plans, four writers each (a table of four teammates), every writer saving its
own questions over and over, all starting at the same moment. Two shapes: every
writer with its own Store (its own engine and connection, like 40 processes), and
one Store shared by all (the app's shape: one pool for the whole server). Figures:
saves a second, the 95th-percentile time of one save, and the rows counted after:
every save a writer was told succeeded must be in history, and each answer must
end as its writer last left it.

    python bench/bench_store.py [--threads 40] [--saves 50] [--no-postgres]

PostgreSQL: BENCH_POSTGRES_URL or TEST_POSTGRES_URL, else a throwaway server
started from /usr/lib/postgresql/*/bin on 127.0.0.1 and stopped afterwards.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

try:
    from bench._common import Figure, fresh_postgres_schema, percentile, report, throwaway_postgres
except ModuleNotFoundError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench._common import Figure, fresh_postgres_schema, percentile, report, throwaway_postgres

from roadmap.bank import load_bank  # noqa: E402
from roadmap.plan import District, Plan  # noqa: E402
from roadmap.store import Store  # noqa: E402

WRITERS_PER_PLAN = 4
P95_TARGET_MS = 250.0  # a save the person does not notice: well under the "Saved" caption's own redraw


def save_storm(url: str, threads: int, saves: int, shared: bool) -> dict:
    """Run the storm against an empty database at url; return its figures and counts."""
    bank = load_bank()
    text_questions = [q.id for a in bank.areas for q in a.questions if q.kind == "text"]
    setup = Store(url)
    plans = [setup.create_plan(Plan(district=District(name=f"Bench district {n}"))).plan_id
             for n in range((threads + WRITERS_PER_PLAN - 1) // WRITERS_PER_PLAN)]
    stores = [setup] * threads if shared else [Store(url) for _ in range(threads)]
    start_line = threading.Barrier(threads + 1)
    latencies: list[list[float]] = [[] for _ in range(threads)]
    last_written: dict[tuple[str, str], str] = {}
    errors: list[str] = []

    def writer(index: int) -> None:
        store, plan_id = stores[index], plans[index // WRITERS_PER_PLAN]
        mine = text_questions[index % WRITERS_PER_PLAN::WRITERS_PER_PLAN]
        versions: dict[str, int] = {}
        start_line.wait()
        for n in range(saves):
            question = mine[n % len(mine)]
            value = f"Writer {index}, save {n}: " + "a considered answer " * 20
            began = time.perf_counter()
            try:
                versions[question] = store.save_answer(plan_id, question, value, versions.get(question, 0),
                                                       f"writer {index}")
            except Exception as exc:  # counted, not raised: the figure is how many were lost
                errors.append(f"writer {index}: {type(exc).__name__}: {exc}")
                continue
            latencies[index].append(time.perf_counter() - began)
            last_written[(plan_id, question)] = value

    workers = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began

    confirmed = sum(len(t) for t in latencies)
    in_history = 0
    wrong_final = 0
    for plan_id in plans:
        stored = setup.load(plan_id)
        for key in stored.versions:
            if key.startswith("q:"):
                in_history += len(setup.history(plan_id, key))
        for (owner, question), value in last_written.items():
            if owner == plan_id and stored.plan.answers.get(question) != value:
                wrong_final += 1
    for store in {id(s): s for s in stores}.values():
        store.close()
    flat = [x for t in latencies for x in t]
    return {"saves_per_s": confirmed / elapsed, "p95_ms": percentile(flat, 95) * 1000 if flat else float("nan"),
            "confirmed": confirmed, "in_history": in_history, "wrong_final": wrong_final, "errors": errors,
            "attempted": threads * saves}


def _figures(label: str, result: dict) -> list[Figure]:
    lost = result["confirmed"] - result["in_history"]
    for line in result["errors"][:5]:
        print(f"    refused: {line}")
    return [
        Figure(f"{label}: saves a second", result["saves_per_s"], "saves/s"),
        Figure(f"{label}: p95 of one save", result["p95_ms"], "ms", f"< {P95_TARGET_MS:.0f} ms",
               result["p95_ms"] < P95_TARGET_MS),
        Figure(f"{label}: saves refused (of {result['attempted']:,})", len(result["errors"]), "", "0",
               not result["errors"]),
        Figure(f"{label}: confirmed saves missing from history (of {result['confirmed']:,}; "
               f"{result['in_history']:,} rows)", lost, "", "0", lost == 0),
        Figure(f"{label}: answers not as their writer left them", result["wrong_final"], "", "0",
               result["wrong_final"] == 0),
    ]


def run(threads: int = 40, saves: int = 50, postgres: bool = True) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        for shared in (False, True):
            shape = "one Store shared" if shared else "a Store each"
            url = f"sqlite:///{Path(folder) / f'bench-{shared}.sqlite3'}"
            figures += _figures(f"SQLite, {threads} writers, {shape}", save_storm(url, threads, saves, shared))
    if postgres:
        with throwaway_postgres() as base:
            if base is None:
                print("  PostgreSQL: no server and no binaries, skipped")
            else:
                for shared in (False, True):
                    shape = "one Store shared" if shared else "a Store each"
                    url, drop = fresh_postgres_schema(base)
                    try:
                        figures += _figures(f"PostgreSQL, {threads} writers, {shape}",
                                            save_storm(url, threads, saves, shared))
                    finally:
                        drop()
    return report(f"Store: {threads} writers saving {saves} answers each at once", figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=40)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.threads, args.saves, not args.no_postgres)
    return 0 if all(f.holds is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
