"""The readiness chart: one horizontal bar per area, as a percentage of the top level.

Two renderings of the same scores: `build_readiness_figure` (plotly, for the app)
and `draw_readiness_chart` (a PNG for the Word plan, drawn with matplotlib's object
API on the Agg canvas; pyplot is never imported because its global state would be
shared by every user of the server). `readiness_alt_text` says the same in words.

Both charts print each area's figure next to its bar, show an area with nothing
rated as "Not rated" (never as a zero bar), mark the levels on the axis by name,
and carry no meaning in colour, so they read on a projector and in black and white.
"""

from __future__ import annotations

import io
import textwrap

import plotly.graph_objects as go
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from .bank import Bank
from .scoring import AreaScore
from .text import plotly_literal

CHART_TITLE = "Readiness by area, % of the top level (the team's self-assessment)"
AXIS_TITLE = "Readiness, % of the top level"
#: The app's shorter title, broken to fit a phone.
APP_TITLE = "Readiness by area: the team's self-assessment"
NOT_RATED = "Not rated"
#: Print resolution of the document's chart.
PRINT_DPI = 200

_BAR_COLOUR = "#1f4e79"  # dark blue: dark enough to read as black when printed in grey
_TEXT_COLOUR = "#1a1a1a"
#: Past this percentage a bar's words go inside the bar instead of after it.
_INSIDE_FROM = 62


def _bar_text(score: AreaScore) -> str:
    """Return the words printed beside an area's bar: '67% (mean 2.7, 3 of 4 rated)' or 'Not rated'."""
    if score.percent is None:
        if score.not_applicable:
            return f"{NOT_RATED} ({score.not_applicable} of {score.actions} not applicable)"
        return f"{NOT_RATED} (0 of {score.actions} actions rated)" if score.actions else NOT_RATED
    return f"{score.percent}% (mean {score.mean:.1f}, {score.rated} of {score.actions} rated)"


def _level_ticks(bank: Bank) -> tuple[list[int], list[str]]:
    """Return axis positions (percent) and labels for each scored level, e.g. 75 -> '75%\\nDeveloping'."""
    top = bank.top_value
    positions, labels = [0], ["0%"]
    for level in bank.levels:
        if level.value is None or level.value <= 0:
            continue
        pct = round(100 * level.value / top)
        positions.append(pct)
        labels.append(f"{pct}%\n{level.label}")
    return positions, labels


# The app's chart (plotly) -------------------------------------------------------


def build_readiness_figure(scores: list[AreaScore], bank: Bank) -> go.Figure:
    """Return a plotly horizontal bar chart of the area scores, first area at the top.

    Each bar carries its figure as text; an area with nothing rated gets no bar and
    the words "Not rated" instead.
    """
    positions, labels = _level_ticks(bank)
    titles = [plotly_literal(s.title) for s in scores]  # a workshop's own bank may name its areas anything
    bar = go.Bar(
        y=titles,
        x=[s.percent for s in scores],  # None: no bar at all, not a zero bar
        orientation="h",
        text=[f"{s.percent}%" if s.percent is not None else "" for s in scores],
        textposition="auto",  # inside a bar long enough to hold it, just after a short one
        insidetextanchor="end",
        textfont={"size": 20},
        insidetextfont={"color": "white"},
        outsidetextfont={"color": _TEXT_COLOUR},
        marker={"color": _BAR_COLOUR, "line": {"color": _TEXT_COLOUR, "width": 1},
                "pattern": {"shape": "/", "fgcolor": "#6f8fb0", "size": 10, "solidity": 0.15, "fillmode": "overlay"}},
        customdata=[[_bar_text(s)] for s in scores],
        hovertemplate="%{y}: %{customdata[0]}<extra></extra>",
        cliponaxis=False,
    )
    annotations = []
    for score, title in zip(scores, titles):
        # Area names sit above their bars rather than beside them, so the bars keep the
        # whole width on a phone and the names never crowd the axis on a projector.
        annotations.append(dict(x=0, y=title, xref="x", yanchor="bottom", xanchor="left", yshift=24,
                                showarrow=False, text=title, font={"size": 17, "color": _TEXT_COLOUR},
                                name="area"))
        if score.percent is None:
            annotations.append(dict(x=1, y=title, xanchor="left", showarrow=False, text=NOT_RATED,
                                    font={"size": 18, "color": _TEXT_COLOUR}, name="not-rated"))
    # One Figure built from one layout: plotly checks each add_annotation or update_layout
    # call on its own, which made this chart most of the review page's time on every rerun.
    figure = go.Figure(data=[bar], layout=dict(
        annotations=annotations,
        title={"text": APP_TITLE, "font": {"size": 16}, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        font={"size": 15, "color": _TEXT_COLOUR},
        xaxis={"title": {"text": AXIS_TITLE, "standoff": 12}, "automargin": True, "range": [0, 102],
               "tickvals": positions, "ticktext": [plotly_literal(t).replace("\n", "<br>") for t in labels],
               "tickangle": 0, "tickfont": {"size": 13}, "gridcolor": "#bbbbbb", "fixedrange": True},
        yaxis={"autorange": "reversed", "fixedrange": True, "showticklabels": False},
        plot_bgcolor="white",
        paper_bgcolor="white",
        bargap=0.55,
        height=200 + 95 * max(len(scores), 1),
        margin={"l": 10, "r": 30, "t": 60, "b": 40},
        showlegend=False,
    ))
    return figure


# The document's chart (matplotlib, PNG) ---------------------------------------------


def draw_readiness_chart(scores: list[AreaScore], bank: Bank, dpi: int = PRINT_DPI) -> bytes:
    """Return the readiness chart as PNG bytes at `dpi`, sized for a portrait page (6.5 in wide)."""
    positions, labels = _level_ticks(bank)
    titles = [textwrap.fill(s.title, 28) for s in scores]
    width, height = 6.5, 0.9 + 0.27 * max(len(scores), 1)
    figure = Figure(figsize=(width, height), dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    # Margins are measured, not found by tight_layout, which draws the whole figure an extra time.
    renderer = canvas.get_renderer()
    title_font = FontProperties(size=9)
    widest = max((renderer.get_text_width_height_descent(line, title_font, ismath=False)[0]
                  for title in titles for line in title.splitlines()), default=0.0)
    left = (widest * 72 / dpi / 72 + 0.2) / width  # pixels at dpi -> inches, plus room for tick marks
    figure.subplots_adjust(left=min(left, 0.5), right=1 - 0.45 / width, top=1 - 0.32 / height, bottom=0.4 / height)
    ax = figure.add_subplot()
    rows = list(range(len(scores)))
    rated = [(i, s) for i, s in zip(rows, scores) if s.percent is not None]
    ax.barh([i for i, _ in rated], [s.percent for _, s in rated], height=0.62, color="white",
            edgecolor=_BAR_COLOUR, hatch="///", linewidth=1.2, zorder=2)
    for i, score in zip(rows, scores):
        x = score.percent if score.percent is not None else 0
        # A long bar carries its words inside, on a white patch, so they never run off the page.
        inside = x > _INSIDE_FROM
        ax.text(x - 1.5 if inside else x + 1.5, i, _bar_text(score), va="center", ha="right" if inside else "left",
                fontsize=8.5, color=_TEXT_COLOUR, zorder=3, parse_math=False,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    # parse_math=False: an area title with two "$" in it is text, not a formula.
    ax.set_yticks(rows, titles, fontsize=9, parse_math=False)
    ax.set_ylim(max(len(scores), 1) - 0.5, -0.5)  # first area at the top
    ax.set_xlim(0, 100)
    ax.set_xticks(positions, labels, fontsize=7.5)
    ax.grid(axis="x", color="#999999", linewidth=0.6, linestyle=":", zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.suptitle(CHART_TITLE, x=0.02, y=1 - 0.08 / height, ha="left", va="top", fontsize=10.5,
                    fontweight="bold")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def readiness_alt_text(scores: list[AreaScore]) -> str:
    """Return the chart in words, one sentence per area, for alt text and the app's text equivalent."""
    if not scores:
        return f"{CHART_TITLE}: there are no areas to show."
    parts = []
    for score in scores:
        if score.percent is None:
            parts.append(f"{score.title}: not rated.")
        else:
            actions = "action" if score.actions == 1 else "actions"
            parts.append(f"{score.title}: {score.percent}% (mean level {score.mean:.1f}; "
                         f"{score.rated} of {score.actions} {actions} rated).")
    return ("Bar chart of readiness by area, the team's self-assessment, as a percentage of the top "
            "readiness level. " + " ".join(parts))
