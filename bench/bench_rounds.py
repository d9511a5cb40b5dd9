"""How long the Word export of a plan with rounds takes: the sample plan with 6 rounds, "Readiness over time"
included, against the same plan of one round.

    python bench/bench_rounds.py [--repeat N] [--rounds N]

Prints the median and the fastest of N runs. The budget (issue #16) is 400 ms for 6 rounds on two cores;
the last line says whether the median is inside it (exit status 1 if not).
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


def timed(work, repeat: int) -> tuple[float, float]:
    """Return (median, fastest) seconds of repeat runs of work, after one warm-up run."""
    work()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs per figure (default: 10)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds in the plan (default: 6)")
    args = parser.parse_args()
    bank = load_bank()
    one, many = sample_plan(bank), sample_plan(bank, rounds=args.rounds)
    by_round = scores_by_round(many, bank)
    figures = {
        "sample plan, one round": timed(lambda: to_docx_bytes(build_plan_document(one, bank)), args.repeat),
        f"sample plan, {args.rounds} rounds": timed(lambda: to_docx_bytes(build_plan_document(many, bank)),
                                                    args.repeat),
        f"chart of {args.rounds} rounds alone": timed(lambda: draw_rounds_chart(by_round, bank), args.repeat),
    }
    width = max(map(len, figures))
    print(f"{'':{width}}  median   fastest   ({args.repeat} runs each)")
    for name, (median, fastest) in figures.items():
        print(f"{name:{width}}  {median * 1000:5.0f} ms  {fastest * 1000:5.0f} ms")
    median = figures[f"sample plan, {args.rounds} rounds"][0] * 1000
    inside = median < BUDGET_MS
    print(f"\n{args.rounds} rounds: {median:.0f} ms, {'inside' if inside else 'OVER'} the {BUDGET_MS} ms budget")
    return 0 if inside else 1
if __name__ == "__main__":
    sys.exit(main())
