"""How long the Word export of a plan with rounds takes: the sample plan with 6 rounds, "Readiness over time"
included, against the same plan of one round.

    python bench/bench_rounds.py [--repeat N] [--rounds N]

Prints the median and the fastest of N runs, wall-clock and CPU time of this process, the two exports
interleaved so a busy machine weighs on both alike, and their ratio (which a busy machine changes least).
The budget (issue #16) is 400 ms for 6 rounds on two cores; the last line says whether the median is inside
it (exit status 1 if not).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from roadmap.bank import load_bank  # noqa: E402
from roadmap.document import build_plan_document, to_docx_bytes  # noqa: E402
from roadmap.round_charts import draw_rounds_chart  # noqa: E402
from roadmap.rounds import scores_by_round  # noqa: E402
from roadmap.sample import sample_plan  # noqa: E402

BUDGET_MS = 400


def timed(works: dict[str, object], repeat: int) -> dict[str, tuple[float, float, float]]:
    """Return {name: (median wall, fastest wall, median CPU) seconds} of repeat runs of each work, interleaved,
    after one warm-up run of each."""
    for work in works.values():
        work()
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            runs[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {name: (statistics.median(w for w, _ in r), min(w for w, _ in r), statistics.median(c for _, c in r))
            for name, r in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs per figure (default: 10)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds in the plan (default: 6)")
    args = parser.parse_args()
    bank = load_bank()
    one, many = sample_plan(bank), sample_plan(bank, rounds=args.rounds)
    by_round = scores_by_round(many, bank)
    many_name = f"sample plan, {args.rounds} rounds"
    figures = timed({
        "sample plan, one round": lambda: to_docx_bytes(build_plan_document(one, bank)),
        many_name: lambda: to_docx_bytes(build_plan_document(many, bank)),
        f"chart of {args.rounds} rounds alone": lambda: draw_rounds_chart(by_round, bank),
    }, args.repeat)
    width = max(map(len, figures))
    print(f"{'':{width}}  median   fastest   CPU      ({args.repeat} runs each)")
    for name, (median, fastest, cpu) in figures.items():
        print(f"{name:{width}}  {median * 1000:5.0f} ms  {fastest * 1000:5.0f} ms  {cpu * 1000:5.0f} ms")
    median = figures[many_name][0] * 1000
    ratio = figures[many_name][2] / figures["sample plan, one round"][2]
    inside = median < BUDGET_MS
    print(f"\n{args.rounds} rounds / one round (CPU): {ratio:.2f}x")
    print(f"{args.rounds} rounds: {median:.0f} ms, {'inside' if inside else 'OVER'} the {BUDGET_MS} ms budget")
    return 0 if inside else 1


if __name__ == "__main__":
    sys.exit(main())
