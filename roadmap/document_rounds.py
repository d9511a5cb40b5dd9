"""The Word plan's "Readiness over time": how the plan moved from round to round.

A section of its own, written only when a plan has more than one round: each area's
readiness per round (chart with alt text, and a table saying the same), what changed
since the last round in the rubric's figures ("Define the measures: 1.3 -> 2.0"), the
actions whose rating moved with the notes of both rounds, and the answers that changed
as word diffs. Added words are underlined and marked [+like this+], removed words struck
through and marked [-like this-], so the marks survive black-and-white printing,
copying as plain text and screen readers.

document.py calls `add_readiness_over_time(writer, plan, bank)` with its writer; this
module uses only the writer's public methods and styles, so it never imports document.py.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from .bank import Bank
from .plan import Plan
from .round_charts import draw_rounds_chart, rounds_alt_text
from .rounds import area_change_label, changed_answers, joined, moved_ratings, scores_by_round
from .text import clean_text

log = logging.getLogger(__name__)

SECTION_TITLE = "Readiness over time"
LEGEND = ("In the answers below, words added since the earlier round are underlined and marked [+like this+]; "
          "words removed are struck through and marked [-like this-].")
NO_MOVES = "No action's rating changed from one round to the next."
NO_CHANGED_ANSWERS = "No answer changed from one round to the next."
CHART_MISSING = "The chart of readiness over time could not be drawn for this copy; the figures are in the table below."
_QUESTION_STYLE = "Question"  # document.py's styles, by name
_NOTE_STYLE = "Not Answered"
_TEXT_WIDTH = 6.5
_NEWLINES = re.compile(r"\r\n?")


def _t(value: Any) -> str:
    return _NEWLINES.sub("\n", clean_text(value if isinstance(value, str) else str(value)))


def add_readiness_over_time(w, plan: Plan, bank: Bank) -> None:
    """Add the section to the document w writes (document._Writer); nothing when plan has one round only."""
    if not plan.rounds:
        return
    by_round = scores_by_round(plan, bank)
    labels = [label for label, _ in by_round]
    w.heading(SECTION_TITLE, 1, new_page=True)
    w.para(_t(f"This plan has {len(labels)} rounds of review: {', '.join(labels)}. Readiness is the planning "
              "team's self-assessment in each round, each area's mean level on the rubric in the appendix."))
    try:
        png = draw_rounds_chart(by_round, bank)
    except Exception:
        log.exception("the chart of readiness over time could not be drawn; the document has the table only")
        w.para(CHART_MISSING, _NOTE_STYLE)
    else:
        w.picture(png, _TEXT_WIDTH, rounds_alt_text(by_round), SECTION_TITLE)
    areas = by_round[0][1]
    rows = [[_t(area.title)] + [_t(scores[i].label) for _, scores in by_round] for i, area in enumerate(areas)]
    w.table(["Area"] + [_t(label) for label in labels], rows)

    w.heading(_t(f"Since the last round ({labels[-2]} to {labels[-1]})"), 2)
    for before, after in zip(by_round[-2][1], by_round[-1][1]):
        w.para(_t(area_change_label(before, after)), "List Bullet")

    w.heading("Ratings that moved", 2)
    moved = moved_ratings(plan, bank)
    if not moved:
        w.para(NO_MOVES, _NOTE_STYLE)
    else:
        w.table(["Action", "From", "To", "Notes"], [
            [_t(f"{m.action_text} ({m.area_title})"), _t(f"{m.from_level} ({m.from_round})"),
             _t(f"{m.to_level} ({m.to_round})"),
             _t("\n".join(f"{label}: {note}" for label, note in ((m.from_round, m.from_note),
                                                                (m.to_round, m.to_note)) if note) or "No notes")]
            for m in moved])

    w.heading("Answers that changed", 2)
    changed = changed_answers(plan, bank)
    if not changed:
        w.para(NO_CHANGED_ANSWERS, _NOTE_STYLE)
        return
    w.para(LEGEND)
    for change in changed:
        w.para(_t(change.question_text), _QUESTION_STYLE)
        w.para(_t(f"From {change.from_round} to {change.to_round}:"), _NOTE_STYLE)
        paragraph, written = w.para(), ""
        for kind, text in change.pieces:
            words = _t(text)
            if space := joined(written, words):
                paragraph.add_run(space)
            written = words
            if kind == "same":
                paragraph.add_run(words)
            elif kind == "added":
                paragraph.add_run(f"[+{words}+]").underline = True
            else:
                paragraph.add_run(f"[-{words}-]").font.strike = True
