"""How long the Word export takes, next to plain python-docx writing the same text.

    python bench/bench_export.py [--repeat N]

Prints the median and the fastest of N runs for: the sample plan exported whole
(chart included), the chart alone, the blank workshop template, and a baseline
that writes the same questions, answers, tables and chart picture with
python-docx's plain API. Nothing here asserts a time: the numbers are for people.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx  # noqa: E402
from docx.shared import Inches  # noqa: E402

from roadmap.bank import Bank, load_bank  # noqa: E402
from roadmap.charts import draw_readiness_chart  # noqa: E402
from roadmap.document import build_blank_template, build_plan_document, to_docx_bytes  # noqa: E402
from roadmap.plan import Plan  # noqa: E402
from roadmap.sample import sample_plan  # noqa: E402
from roadmap.scoring import score_areas  # noqa: E402


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return (median, fastest) seconds of repeat runs of work, after one warm-up run."""
    work()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def baseline(plan: Plan, bank: Bank, png: bytes) -> bytes:
    """Return a .docx with the plan's text written the plain python-docx way, picture included."""
    document = docx.Document()
    document.add_heading("Teacher leadership plan", 0)
    document.add_picture(io.BytesIO(png), width=Inches(6.5))
    for area in bank.areas:
        document.add_heading(area.title, 1)
        document.add_paragraph(area.summary)
        table = document.add_table(rows=1 + len(area.actions), cols=3, style="Table Grid")
        for row, action in zip(table.rows[1:], area.actions):
            rating = plan.ratings.get(action.id)
            row.cells[0].text = action.text
            row.cells[1].text = rating.level if rating and rating.level else ""
            row.cells[2].text = rating.note if rating else ""
        for question in area.questions:
            document.add_heading(question.text, 3)
            value = plan.answers.get(question.id)
            if isinstance(value, str):
                for block in value.split("\n\n"):
                    document.add_paragraph(block)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                columns = [c.id for c in question.columns or ()]
                table = document.add_table(rows=1 + len(value), cols=len(columns), style="Table Grid")
                for cell, column in zip(table.rows[0].cells, question.columns or ()):
                    cell.text = column.label
                for row, cells in zip(table.rows[1:], value):
                    for cell, column in zip(row.cells, columns):
                        cell.text = cells.get(column, "")
            elif isinstance(value, list):
                for item in value:
                    document.add_paragraph(item, style="List Bullet")
            elif isinstance(value, dict):
                document.add_paragraph(value.get("pole", ""))
                document.add_paragraph(value.get("rationale", ""))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per figure (default: 20)")
    repeat = parser.parse_args().repeat

    bank = load_bank()
    plan = sample_plan(bank)
    scores = score_areas(plan, bank)
    png = draw_readiness_chart(scores, bank)

    figures = {
        "full sample export, chart included": timed(lambda: to_docx_bytes(build_plan_document(plan, bank)), repeat),
        "readiness chart alone (PNG, 200 dpi)": timed(lambda: draw_readiness_chart(scores, bank), repeat),
        "blank workshop template": timed(lambda: to_docx_bytes(build_blank_template(bank)), repeat),
        "baseline: same text in plain python-docx": timed(lambda: baseline(plan, bank, png), repeat),
    }
    width = max(map(len, figures))
    print(f"{'':{width}}  median   fastest   ({repeat} runs each)")
    for name, (median, fastest) in figures.items():
        print(f"{name:{width}}  {median * 1000:5.0f} ms  {fastest * 1000:5.0f} ms")
    full = figures["full sample export, chart included"][0]
    chart = figures["readiness chart alone (PNG, 200 dpi)"][0]
    base = figures["baseline: same text in plain python-docx"][0]
    print(f"\nfull export / baseline: {full / base:.2f}x")
    print(f"full export without the chart / baseline: {(full - chart) / base:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
