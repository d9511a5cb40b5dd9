"""The readiness chart: one horizontal bar per area, on the rubric's own scale.

The axis runs from the bottom level (Not started) to the top one (Established), each
level marked by name, and a bar runs from the bottom level to the area's mean level:
an area whose actions are all Not started has no length, as it should.

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

import matplotlib
import PIL.Image
import plotly.graph_objects as go
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.transforms import offset_copy

from .bank import Bank
from .scoring import AreaScore, scored_levels
from .text import plotly_literal

CHART_TITLE = "Readiness by area: mean level (the team's self-assessment)"
AXIS_TITLE = "Mean readiness level"
#: The app's shorter title, broken to fit a phone.
APP_TITLE = "Readiness by area: the team's self-assessment"
NOT_RATED = "Not rated"
#: Print resolution of the document's chart.
PRINT_DPI = 200

_BAR_COLOUR = "#1f4e79"  # dark blue: dark enough to read as black when printed in grey
_TEXT_COLOUR = "#1a1a1a"
#: Past this share of the axis a bar's words go inside the bar instead of after it.
_INSIDE_FROM = 0.62


# Text is most of a chart's time. Unhinted glyphs (no snapping to the pixel grid, which print at 150-200
# dpi does not need) cost about a third less than matplotlib's default of hinting every glyph. Set once,
# for the process: only these charts use matplotlib, and an rc_context per chart is not thread-safe (two
# sessions exporting at once could leave the other setting behind).
matplotlib.rcParams["text.hinting"] = "no_hinting"


def png_bytes(figure: Figure, dpi: int) -> bytes:
    """Return figure (on an Agg canvas) as PNG bytes at dpi: white, without an alpha channel, quickly
    compressed (a document's few charts are small next to its time budget)."""
    figure.set_facecolor("white")
    canvas = figure.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1, dpi=(dpi, dpi))
    return buffer.getvalue()


# matplotlib's ticks are its slowest part: each tick is two lines and two texts copied from a prototype,
# and the ticks were half of a chart's time. The charts mark the levels and name the rows with plain
# text and one line collection each instead, placed where matplotlib puts tick labels.
_TICK_POINTS, _LABEL_GAP_POINTS = 3.5, 3.5


def level_axis(ax, positions: list[float], labels: list[str], fontsize: float, grid: bool = True) -> None:
    """Mark the levels along the x axis: a tick, the label under it, and a dotted line up the chart."""
    ax.set_xticks([])
    figure, along = ax.figure, ax.get_xaxis_transform()  # x in data, y in axes (0 = the axis)
    ax.plot(positions, [0] * len(positions), linestyle="none", marker=TICKDOWN, markersize=_TICK_POINTS,
            markeredgewidth=0.8, color="black", transform=along, clip_on=False, zorder=3)
    under = offset_copy(along, figure, y=-(_TICK_POINTS + _LABEL_GAP_POINTS), units="points")
    for x, label in zip(positions, labels):
        ax.text(x, 0, label, transform=under, ha="center", va="top", fontsize=fontsize, parse_math=False)
    if grid:
        ax.vlines(positions, 0, 1, transform=along, colors="#999999", linewidth=0.6, linestyles=":", zorder=0)


def row_labels(ax, rows: list[float], labels: list[str], fontsize: float) -> None:
    """Name the rows left of the y axis, each with a tick, as tick labels would (parse_math off: a title with
    two "$" in it is text, not a formula)."""
    ax.set_yticks([])
    figure, across = ax.figure, ax.get_yaxis_transform()  # x in axes (0 = the axis), y in data
    ax.plot([0] * len(rows), rows, linestyle="none", marker=TICKLEFT, markersize=_TICK_POINTS, markeredgewidth=0.8,
            color="black", transform=across, clip_on=False, zorder=3)
    left = offset_copy(across, figure, x=-(_TICK_POINTS + _LABEL_GAP_POINTS), units="points")
    for y, label in zip(rows, labels):
        ax.text(0, y, label, transform=left, ha="right", va="center", fontsize=fontsize, parse_math=False,
                multialignment="right")


def _bar_text(score: AreaScore) -> str:
    """The words beside an area's bar: '2.5: between Emerging and Developing (2 of 4 rated)' or 'Not rated'."""
    if score.mean is None:
        return f"{NOT_RATED} ({score.count_label})" if score.actions else NOT_RATED
    return f"{score.label} ({score.count_label})"


def place_bar_words(choices: list[str], after: float, within: float, width_of) -> tuple[str, bool]:
    """Return (words, inside): the first of choices that fits after its bar (inside False), else inside the
    bar (True), on a white patch, so the words stay on the page; words never go inside a bar too short for
    them, where they would cover the area's name left of the axis. When none fits, the last choice goes
    after the bar. after, within and width_of(words) are in inches."""
    for choice in choices:
        if width_of(choice) + 0.1 <= after:
            return choice, False
        if width_of(choice) + 0.1 <= within:
            return choice, True
    return choices[-1], False


def _level_ticks(bank: Bank) -> tuple[list[int], list[str]]:
    """Return axis positions (level values) and labels for each scored level, e.g. 3 -> '3\\nDeveloping'."""
    levels = scored_levels(bank)
    return [lv.value for lv in levels], [f"{lv.value}\n{lv.label}" for lv in levels]


def _axis(bank: Bank) -> tuple[int, int]:
    levels = scored_levels(bank)
    return levels[0].value, levels[-1].value


# The app's chart (plotly) -------------------------------------------------------


def build_readiness_figure(scores: list[AreaScore], bank: Bank) -> go.Figure:
    """Return a plotly horizontal bar chart of the area scores, first area at the top.

    Each bar carries its figure as text; an area with nothing rated gets no bar and
    the words "Not rated" instead.
    """
    positions, labels = _level_ticks(bank)
    bottom, top = _axis(bank)
    # A little room before the bottom level, so its name under the axis is not cut off at the chart's edge;
    # the bars still start at the bottom level.
    start = bottom - 0.1 * (top - bottom)
    titles = [plotly_literal(s.title) for s in scores]  # a workshop's own bank may name its areas anything
    bar = go.Bar(
        y=titles,
        x=[s.mean - bottom if s.mean is not None else None for s in scores],  # None: no bar, not a zero bar
        base=bottom,
        orientation="h",
        text=[s.mean_label if s.mean is not None else "" for s in scores],
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
        annotations.append(dict(x=start, y=title, xref="x", yanchor="bottom", xanchor="left", yshift=24,
                                showarrow=False, text=title, font={"size": 17, "color": _TEXT_COLOUR},
                                name="area"))
        if score.mean is None:
            annotations.append(dict(x=bottom, y=title, xanchor="left", showarrow=False, text=NOT_RATED,
                                    font={"size": 18, "color": _TEXT_COLOUR}, name="not-rated"))
    # One Figure built from one layout: plotly checks each add_annotation or update_layout
    # call on its own, which made this chart most of the review page's time on every rerun.
    figure = go.Figure(data=[bar], layout=dict(
        annotations=annotations,
        title={"text": APP_TITLE, "font": {"size": 16}, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        font={"size": 15, "color": _TEXT_COLOUR},
        xaxis={"title": {"text": AXIS_TITLE, "standoff": 12}, "automargin": True, "range": [start, top + 0.1 * (top - bottom)],
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


def draw_readiness_chart(scores: list[AreaScore], bank: Bank, dpi: int = PRINT_DPI, compact: bool = False) -> bytes:
    """Return the readiness chart as PNG bytes at `dpi`, sized for a portrait page (6.5 in wide).

    compact: a shorter chart without its title, for the board brief, whose heading names it.
    """
    positions, labels = _level_ticks(bank)
    titles = [textwrap.fill(s.title, 28) for s in scores]
    # The compact chart keeps to 1.5 inches however many areas a bank has, so the brief stays one page.
    row = min(0.25, 1.0 / max(len(scores), 1)) if compact else 0.38
    width, height = 6.5, (0.5 if compact else 0.9) + row * max(len(scores), 1)
    figure = Figure(figsize=(width, height), dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    # Margins are measured, not found by tight_layout, which draws the whole figure an extra time.
    renderer = canvas.get_renderer()
    title_font = FontProperties(size=9)
    widest = max((renderer.get_text_width_height_descent(line, title_font, ismath=False)[0]
                  for title in titles for line in title.splitlines()), default=0.0)
    left = (widest * 72 / dpi / 72 + 0.2) / width  # pixels at dpi -> inches, plus room for tick marks
    left, right = min(left, 0.5), 1 - 0.45 / width  # room for the top level's name centred on the axis end
    figure.subplots_adjust(left=left, right=right, top=1 - (0.06 if compact else 0.32) / height,
                           bottom=0.4 / height)
    axis_width = (right - left) * width  # inches
    bar_font = FontProperties(size=8)
    ax = figure.add_subplot()
    rows = list(range(len(scores)))
    bottom, top = _axis(bank)
    span = top - bottom
    rated = [(i, s) for i, s in zip(rows, scores) if s.mean is not None]
    ax.barh([i for i, _ in rated], [s.mean - bottom for _, s in rated], left=bottom, height=0.62, color="white",
            edgecolor=_BAR_COLOUR, hatch="///", linewidth=1.2, zorder=2)
    def inches(words: str) -> float:
        return max(renderer.get_text_width_height_descent(line, bar_font, ismath=False)[0]
                   for line in words.splitlines()) / dpi

    for i, score in zip(rows, scores):
        x = score.mean if score.mean is not None else bottom
        full = _bar_text(score)
        # The level, then what it rests on: on two lines in the full chart; in the compact one, on one
        # line, or without the count when only that fits (the table and the alt text keep it).
        choices = [full.replace(" (", "\n(", 1)] if not compact else [full, score.label if score.mean is not None
                                                                       else NOT_RATED]
        after = (top - x) / span * axis_width  # room after the bar, inches
        within = (x - bottom) / span * axis_width  # room inside the bar
        words, inside = place_bar_words(choices, after, within, inches)
        ax.text(x - 0.015 * span if inside else x + 0.015 * span, i, words, va="center",
                ha="right" if inside else "left", fontsize=8, linespacing=1.15, color=_TEXT_COLOUR, zorder=3,
                parse_math=False,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    row_labels(ax, rows, titles, fontsize=9)
    ax.set_ylim(max(len(scores), 1) - 0.5, -0.5)  # first area at the top
    ax.set_xlim(bottom, top)
    level_axis(ax, positions, labels, fontsize=7.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not compact:
        figure.suptitle(CHART_TITLE, x=0.02, y=1 - 0.08 / height, ha="left", va="top", fontsize=10.5,
                        fontweight="bold")
    return png_bytes(figure, dpi)


def readiness_alt_text(scores: list[AreaScore]) -> str:
    """Return the chart in words, one sentence per area, for alt text and the app's text equivalent."""
    if not scores:
        return f"{CHART_TITLE}: there are no areas to show."
    parts = []
    for score in scores:
        if score.mean is None:
            parts.append(f"{score.title}: not rated ({score.count_label}).")
        else:
            parts.append(f"{score.title}: {score.label} ({score.count_label}).")
    return ("Bar chart of readiness by area, the team's self-assessment: each area's mean level on the "
            "rubric, from its lowest level to its highest. " + " ".join(parts))
