"""Readiness over time: each area's readiness in each round, one bar per round, on the rubric's scale.

`draw_rounds_chart` is the Word plan's PNG (matplotlib's object API, never pyplot),
`build_rounds_figure` the app's plotly twin, and `rounds_alt_text` says the same in
words. Rounds are told apart without colour: each bar carries its round's name and
figure as text, and the rounds' bars are filled with different patterns, oldest lightest,
so the chart reads in black and white and on a projector.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .bank import Bank
from .charts import level_axis, png_bytes
from .scoring import AreaScore, scored_levels
from .text import plotly_literal

CHART_TITLE = "Readiness over time: each area's mean level per round (a self-assessment)"
NOT_RATED = "Not rated"
PRINT_DPI = 150  # enough for print; this chart is tall, and its pixels and glyphs are most of its time

_HATCHES = ("", "....", "\\\\\\", "xxx", "///", "---", "+++", "ooo")
_PLOTLY_PATTERNS = ("", ".", "\\", "x", "/", "-", "+", "|")
_EDGE = "#1a1a1a"

RoundScores = list[tuple[str, list[AreaScore]]]


def _bar_words(label: str, score: AreaScore) -> str:
    return f"{label}: {score.mean_label if score.mean is not None else NOT_RATED}"


def _grey(index: int, count: int) -> str:
    """Fill of round index of count: the oldest lightest, the latest darkest grey-blue."""
    shade = 0.93 - 0.55 * (index / max(count - 1, 1))
    value = int(shade * 255)
    return f"#{value:02x}{value:02x}{min(value + 18, 255):02x}"


def draw_rounds_chart(by_round: RoundScores, bank: Bank, dpi: int = PRINT_DPI) -> bytes:
    """Return the chart as PNG bytes, 6.5 inches wide: per area a group of bars, one per round, oldest first."""
    levels = scored_levels(bank)
    bottom, top = levels[0].value, levels[-1].value
    rounds = len(by_round)
    areas = by_round[0][1] if by_round else []
    bar = 0.16  # inches per bar
    height = 0.9 + len(areas) * (rounds + 1.6) * bar
    figure = Figure(figsize=(6.5, height), dpi=dpi)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.08, right=0.97, top=1 - 0.45 / height, bottom=0.55 / height)
    ax = figure.add_subplot()
    # Each area's rows: its title, then one bar per round. The bars of a round are drawn in one call.
    bars: list[tuple[list[float], list[float]]] = [([], []) for _ in by_round]
    y = 0.0
    for area_index, area in enumerate(areas):
        ax.text(bottom, y - 0.85, textwrap.shorten(area.title, 80), fontsize=9, fontweight="bold", va="center",
                ha="left", parse_math=False)
        for r, (label, scores) in enumerate(by_round):
            score = scores[area_index]
            if score.mean is not None:
                bars[r][0].append(y)
                bars[r][1].append(score.mean - bottom)
            x = score.mean if score.mean is not None else bottom
            ax.text(x + 0.02 * (top - bottom), y, _bar_words(label, score), va="center", ha="left", fontsize=7,
                    parse_math=False, zorder=3)
            y += 1
        y += 1.6
    for r, (rows, lengths) in enumerate(bars):
        if rows:
            ax.barh(rows, lengths, left=bottom, height=0.8, color=_grey(r, rounds), hatch=_HATCHES[r % len(_HATCHES)],
                    edgecolor=_EDGE, linewidth=0.8, zorder=2)
    ax.set_ylim(max(y - 1.2, 1), -1.4)
    ax.set_xlim(bottom, top + 0.9)  # room after the longest bar for its words
    level_axis(ax, [lv.value for lv in levels], [f"{lv.value}\n{lv.label}" for lv in levels], fontsize=7.5)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    figure.suptitle(CHART_TITLE, x=0.02, y=1 - 0.1 / height, ha="left", va="top", fontsize=9.5, fontweight="bold")
    return png_bytes(figure, dpi)


def build_rounds_figure(by_round: RoundScores, bank: Bank, whose: str = "the team's self-assessment") -> go.Figure:
    """Return the app's chart: per area, one horizontal bar per round, each labelled with its round and figure.
    whose: what the figures are, in the title ("the mean of the teams' self-assessments" for a workshop)."""
    levels = scored_levels(bank)
    bottom, top = levels[0].value, levels[-1].value
    areas = [plotly_literal(s.title) for s in by_round[0][1]] if by_round else []
    bars = []
    for r, (label, scores) in enumerate(by_round):
        bars.append(go.Bar(
            name=plotly_literal(label), y=areas, orientation="h", base=bottom,
            # A round with nothing rated gets a bar of no length, only so that its words "Not rated" show.
            x=[s.mean - bottom if s.mean is not None else 0 for s in scores],
            text=[plotly_literal(_bar_words(label, s)) for s in scores], textposition="outside",
            marker={"color": _grey(r, len(by_round)), "line": {"color": _EDGE, "width": 1},
                    "pattern": {"shape": _PLOTLY_PATTERNS[r % len(_PLOTLY_PATTERNS)], "fgcolor": _EDGE,
                                "solidity": 0.25}},
            hovertemplate="%{y}: %{text}<extra></extra>", cliponaxis=False))
    return go.Figure(data=bars, layout=dict(
        barmode="group", title={"text": plotly_literal(f"Readiness over time: {whose}"), "x": 0.01},
        xaxis={"range": [bottom - 0.05, top + 0.9], "tickvals": [lv.value for lv in levels],
               "ticktext": [plotly_literal(f"{lv.value} {lv.label}") for lv in levels], "fixedrange": True,
               "gridcolor": "#bbbbbb"},
        yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True}, plot_bgcolor="white", paper_bgcolor="white",
        legend={"traceorder": "normal", "orientation": "h", "y": -0.15}, font={"size": 14, "color": _EDGE},
        height=160 + 28 * len(areas) * max(len(by_round), 1), margin={"l": 10, "r": 20, "t": 50, "b": 40}))


def rounds_alt_text(by_round: RoundScores, whose: str = "the team's self-assessment") -> str:
    """Return the chart in words: per area, its readiness in each round, oldest first."""
    if not by_round:
        return "Readiness over time: there are no rounds to show."
    parts = []
    for i, area in enumerate(by_round[0][1]):
        figures = "; ".join(_bar_words(label, scores[i]) for label, scores in by_round)
        parts.append(f"{area.title}: {figures}.")
    return (f"Bar chart of readiness over time, {whose}: for each area one bar per round, "
            "oldest first, to the area's mean level on the rubric. " + " ".join(parts))
