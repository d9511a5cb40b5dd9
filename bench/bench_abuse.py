"""What one hostile visitor costs everyone else: a team's save p95 during each flood, beside a quiet baseline.

    python bench/bench_abuse.py [--seconds 4]

Runs in one process on the store the server uses (SQLite in a temporary folder), the way the server's
threads would: one team saves an answer every 50 ms while, in turn,
- nothing else happens (the baseline);
- 20, then 60, visitors each try three wrong facilitator passphrases at once (argon2);
- 150 sessions from one address guess resume codes at once;
- a plan of 2,000 answers of 4,000 characters (the most a plan may hold, 8 MB) is imported;
- the "billion laughs" question bank (nine alias levels) is checked as an upload.
It does not go through Streamlit's websocket (bench_room.py does that for ordinary traffic): the figures
are the store's and the checks' share of the cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
from pathlib import Path

from _common import Figure, machine, median, percentile, report

from roadmap.bank import load_bank
from roadmap.bounded import check_bank_upload
from roadmap.plan import MAX_PLAN_ENTRIES, District, Plan
from roadmap.session import PlanSession
from roadmap.store import Store

PASSPHRASE = "blue heron at the lake"


def alias_bomb(levels: int = 9) -> str:
    text = (Path(__file__).resolve().parent.parent / "questions.yaml").read_text("utf-8")
    lines = ["l0: &l0 [x,x,x,x,x,x,x,x,x,x]"] + [
        f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return text.replace("    kind: text\n", f"    kind: *l{levels - 1}\n", 1) + "\n" + "\n".join(lines) + "\n"


def saves_during(session: PlanSession, flood, seconds: float) -> tuple[list[float], float]:
    """Save every 50 ms while flood() runs in threads (at least `seconds`); return the waits and the flood's time."""
    threads = [threading.Thread(target=f) for f in flood]
    started = time.perf_counter()
    for t in threads:
        t.start()
    waits, n = [], 0
    while any(t.is_alive() for t in threads) or time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        session.answer("q-priorities", f"Version {n}")
        waits.append(time.perf_counter() - t0)
        n += 1
        time.sleep(0.05)
    for t in threads:
        t.join()
    return waits, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="the least time each flood is measured for")
    args = parser.parse_args()
    print(f"Abuse bench on {machine()}")
    bank = load_bank()
    folder = Path(tempfile.mkdtemp(prefix="bench-abuse-"))
    store = Store(f"sqlite:///{folder / 'roadmap.sqlite3'}")
    workshop = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], day=dt.date(2026, 3, 14))
    team = PlanSession.open(store, bank, workshop.teams[0].team.plan_id)
    target = store.create_plan(Plan(district=District(name="Lakeside")))

    def passphrases(n: int):
        def run():
            for attempt in range(3):
                try:
                    store.open_workshop(workshop.code, f"wrong {n} {attempt}", client=f"203.0.113.{n}")
                except Exception:  # noqa: BLE001 - refused is the expected outcome
                    pass
        return run

    def code_guess():
        try:
            store.open_by_code("2222-2222-22" if target.code != "2222-2222-22" else "3333-3333-33",
                               client="198.51.100.7")
        except Exception:  # noqa: BLE001
            pass

    big = Plan(district=District(name="Big"), answers={f"q-x-{n}": "w" * 4_000 for n in range(MAX_PLAN_ENTRIES)})
    bomb = alias_bomb()

    def check_bomb():
        try:
            check_bank_upload(bomb, "bomb.yaml")
        except Exception:  # noqa: BLE001
            pass

    floods = {
        "quiet": [],
        "20 visitors x 3 wrong passphrases": [passphrases(n) for n in range(20)],
        "60 visitors x 3 wrong passphrases": [passphrases(n) for n in range(60)],
        "150 sessions guessing codes from one address": [code_guess] * 150,
        "a 2,000-answer, 8 MB plan imported": [lambda: store.create_plan(big)],
        "the alias-bomb bank checked as an upload": [check_bomb],
    }
    figures = []
    for name, flood in floods.items():
        waits, took = saves_during(team, flood, args.seconds)
        figures.append(Figure(f"{name}: a team's save p95", percentile(waits, 95) * 1000, "ms", "< 1,000 ms",
                              percentile(waits, 95) < 1.0))
        figures.append(Figure(f"{name}: median", median(waits) * 1000, "ms"))
        if flood:
            figures.append(Figure(f"{name}: the flood took", took, "s"))
    report("A team saving every 50 ms while one visitor floods the server", figures)


if __name__ == "__main__":
    main()
