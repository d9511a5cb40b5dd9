"""What one hostile visitor costs everyone else: a team's save p95 during each flood, beside a quiet baseline.

    python bench/bench_abuse.py [--seconds 4] [--skip-server]

Two parts.

A real server (`streamlit run app.py` on SQLite in a temporary folder), driven over its websocket by
bench/st_client.py: one team answers a question every half second while, in turn,
- nothing else happens (the baseline);
- 20, then 60, sessions, each from an address of its own, try three wrong facilitator passphrases on
  /facilitator;
- 150 sessions only open the start page (what any 150 visitors cost, for comparison);
- 150 sessions type wrong resume codes at once, from one address, then from 150.
The figure is the time from the team's answer leaving its box to the run that shows it saved.

In one process, on the store the server uses (for what st_client cannot send: uploads): one team saves
every 50 ms while a plan of 2,000 answers of 4,000 characters (8 MB, the most a plan may hold) is imported,
and while the "billion laughs" question bank (nine alias levels) is checked as an upload.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.util import calc_hash  # noqa: E402

from bench._common import Figure, machine, median, percentile, report  # noqa: E402
from bench.bench_room import _questions, _ws_start  # noqa: E402
from bench.st_client import StClient  # noqa: E402
from tests.browser.conftest import AppServer  # noqa: E402

from roadmap.bank import load_bank  # noqa: E402
from roadmap.bounded import check_bank_upload  # noqa: E402
from roadmap.plan import MAX_PLAN_ENTRIES, District, Plan  # noqa: E402
from roadmap.session import PlanSession  # noqa: E402
from roadmap.store import Store  # noqa: E402

PASSPHRASE = "blue heron at the lake"


def alias_bomb(levels: int = 9) -> str:
    text = (Path(__file__).resolve().parent.parent / "questions.yaml").read_text("utf-8")
    lines = ["l0: &l0 [x,x,x,x,x,x,x,x,x,x]"] + [
        f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return text.replace("    kind: text\n", f"    kind: *l{levels - 1}\n", 1) + "\n" + "\n".join(lines) + "\n"


# A real server ---------------------------------------------------------------------------------------

FACILITATOR_PAGE = calc_hash("facilitator")  # how Streamlit names the page at /facilitator (app.py's url_path)
ANSWER_EVERY_S = 0.5


async def _team_saves(team: StClient, label: str, stop: asyncio.Event, waits: list[float]) -> None:
    """Answer the same question every ANSWER_EVERY_S until stop; record seconds to the run that shows it."""
    n = 0
    while not stop.is_set() or n < 4:
        began = time.perf_counter()
        page = await team.type(label, f"Version {n} of our priorities", sidebar=False)
        waits.append(time.perf_counter() - began)
        if any("Not saved" in t for t in page.texts()):
            raise RuntimeError("the team's answer was not saved during the flood")
        n += 1
        await asyncio.sleep(ANSWER_EVERY_S)


def _visitor(n: int) -> dict[str, str]:
    """Headers that make session n a visitor of its own address (the server trusts 127.0.0.1 as a proxy)."""
    return {"X-Forwarded-For": f"203.0.113.{n % 250 + 1}, 198.51.{n // 250}.1"}


async def _wrong_passphrases(url: str, workshop_code: str, n: int) -> None:
    async with StClient(url, headers=_visitor(n)) as client:
        await client.open()
        client._page_hash = FACILITATOR_PAGE  # as the browser does when the link to /facilitator is followed
        await client.rerun()
        for attempt in range(3):
            await client.type("Workshop code", workshop_code, rerun=False)  # inside a form
            await client.type("Facilitator passphrase", f"wrong passphrase {n} {attempt}", rerun=False)
            await client.click("Open the dashboard")


async def _wrong_code(url: str, code: str, n: int | None) -> None:
    """A session typing one wrong code: from an address of its own (n), or all from one (None)."""
    async with StClient(url, headers=_visitor(n) if n is not None else None) as client:
        await client.open()  # every tab of the start page is drawn: no click needed to reach the code box
        await client.type("Resume code", code, rerun=False)
        await client.click("Open the plan")


async def _start_page(url: str) -> None:
    async with StClient(url) as client:
        await client.open()


async def _live(seconds: float) -> list[Figure]:
    folder = Path(tempfile.mkdtemp(prefix="bench-abuse-live-"))
    url = f"sqlite:///{folder / 'roadmap.sqlite3'}"
    store = Store(url)  # makes the database and its secret.key, which the server then reads
    workshop = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], day=dt.date(2026, 3, 14))
    plan = store.create_plan(Plan(district=District(name="Lakeside")))
    wrong = "2222-2222-22" if plan.code != "2222-2222-22" else "3333-3333-33"
    # 127.0.0.1 is declared a proxy, so each flooding session counts as the address its header names.
    server = AppServer(url, folder / "server.log", env={"ROADMAP_TRUSTED_PROXIES": "127.0.0.1"})
    server.start()
    figures = []
    try:
        team = StClient(server.url)
        await _ws_start(team, "Riverbend Unified")
        label = _questions()[0][3]
        floods = {
            "quiet": lambda: [],
            "20 sessions x 3 wrong passphrases": lambda: [_wrong_passphrases(server.url, workshop.code, n)
                                                          for n in range(20)],
            "60 sessions x 3 wrong passphrases": lambda: [_wrong_passphrases(server.url, workshop.code, n)
                                                          for n in range(60)],
            "150 sessions only opening the start page (for comparison)": lambda: [_start_page(server.url)
                                                                                  for _ in range(150)],
            "150 sessions from one address typing wrong codes": lambda: [_wrong_code(server.url, wrong, None)
                                                                         for _ in range(150)],
            "150 sessions from 150 addresses typing wrong codes": lambda: [_wrong_code(server.url, wrong, n)
                                                                           for n in range(150)],
        }
        for name, make in floods.items():
            waits: list[float] = []
            stop = asyncio.Event()
            saving = asyncio.create_task(_team_saves(team, label, stop, waits))
            began = time.perf_counter()
            results = await asyncio.gather(*make(), return_exceptions=True)
            took = time.perf_counter() - began
            await asyncio.sleep(max(0.0, seconds - took))
            stop.set()
            await saving
            failed = [r for r in results if isinstance(r, Exception)]
            figures.append(Figure(f"{name}: a team's answer to 'Saved', p95", percentile(waits, 95) * 1000, "ms",
                                  "< 1,000 ms", percentile(waits, 95) < 1.0))
            figures.append(Figure(f"{name}: median", median(waits) * 1000, "ms"))
            if name != "quiet":
                figures.append(Figure(f"{name}: the flood took", took, "s"))
                if failed:
                    print(f"  {name}: {len(failed)} flooding sessions failed: {failed[0]!r}")
        await team.close()
    finally:
        server.kill()
    return figures


# In one process -----------------------------------------------------------------------------------


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
    parser.add_argument("--skip-server", action="store_true", help="only the in-process part")
    args = parser.parse_args()
    print(f"Abuse bench on {machine()}")
    if not args.skip_server:
        report("A real server: a team answering every 0.5 s while one visitor floods it",
               asyncio.run(_live(args.seconds)))
    bank = load_bank()
    folder = Path(tempfile.mkdtemp(prefix="bench-abuse-"))
    store = Store(f"sqlite:///{folder / 'roadmap.sqlite3'}")
    plan = store.create_plan(Plan(district=District(name="Riverbend")))
    team = PlanSession.open(store, bank, plan.plan_id)

    big = Plan(district=District(name="Big"), answers={f"q-x-{n}": "w" * 4_000 for n in range(MAX_PLAN_ENTRIES)})
    bomb = alias_bomb()

    def check_bomb():
        try:
            check_bank_upload(bomb, "bomb.yaml")
        except Exception:  # noqa: BLE001
            pass

    floods = {
        "quiet": [],
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
    report("In one process: a team saving every 50 ms while the store takes a large import or checks a bomb",
           figures)


if __name__ == "__main__":
    main()
