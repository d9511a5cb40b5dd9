"""Run every benchmark, one after another, each in its own process, and print their figures.

    python bench/run_all.py [--skip-room] [--skip-postgres]

Prints the date and the machine first, then each benchmark's figures with its
target and whether it holds. Exits 1 if any target was missed, 2 if a benchmark
failed to run. Takes about 10 minutes on two cores, most of it the room (its teams as websocket
clients; `python bench/bench_room.py --client chromium` runs it in browsers, 15-30 minutes more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

try:
    from bench._common import ROOT, machine
except ModuleNotFoundError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench._common import ROOT, machine

BENCH = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-room", action="store_true", help="leave out the 30-team room")
    parser.add_argument("--skip-postgres", action="store_true", help="store figures on SQLite only")
    args = parser.parse_args(argv)
    runs = [["bench_pages.py"], ["bench_store.py"] + (["--no-postgres"] if args.skip_postgres else []),
            ["bench_export.py"], ["bench_abuse.py"] + (["--skip-server"] if args.skip_room else [])]
    if not args.skip_room:
        runs.append(["bench_room.py"])
    print(f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {machine()}", flush=True)
    worst = 0
    for script, *options in runs:
        print(f"\n$ python bench/{script} {' '.join(options)}".rstrip(), flush=True)
        began = time.monotonic()
        status = subprocess.run([sys.executable, str(BENCH / script), *options], cwd=ROOT).returncode
        print(f"  ({time.monotonic() - began:.0f} s, exit {status})", flush=True)
        worst = max(worst, 1 if status == 1 else (2 if status else 0))
    return worst


if __name__ == "__main__":
    sys.exit(main())
