"""The presenter view's figures: sized for a 1280x720 projector, large type, paged so nothing scrolls.

Each figure is a fixed size (PRESENTER_WIDTH x PRESENTER_HEIGHT) with its title left to the page,
so a page of the view never needs scrolling: at most TEAMS_PER_PAGE teams in the heat map and
BOARD_ROWS_PER_PAGE rows of the disagreement board at a time. Team names can be hidden: "Team A",
"Team B" ... in the workshop's order.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

from .bank import Bank
from .scoring import scored_levels
from .text import plotly_literal
from .workshop import CombinedArea, Disagreement, TeamRow, anonymous_label, build_combined_figure, team_label
from .store import WorkshopTeam

PRESENTER_WIDTH, PRESENTER_HEIGHT = 1220, 540
TEAMS_PER_PAGE = 15
BOARD_ROWS_PER_PAGE = 8
_TEXT = "#1a1a1a"


def presenter_labels(teams: Sequence[WorkshopTeam], hide_names: bool) -> dict[str, str]:
    """Return plan id -> how the projector names the team: '3. Riverbend', or 'Team C' with names hidden."""
    return {t.plan_id: anonymous_label(i) if hide_names else team_label(t) for i, t in enumerate(teams)}


def pages(count: int, per_page: int) -> int:
    """Return how many pages count items take at per_page a page (at least one)."""
    return max(1, math.ceil(count / per_page))


def page_of(items: Sequence, page: int, per_page: int) -> Sequence:
    """Return the items on page (1-based; a page past the end shows the last)."""
    page = min(max(page, 1), pages(len(items), per_page))
    return items[(page - 1) * per_page: page * per_page]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _wrapped(text: str, width: int) -> str:
    """Return text broken into lines of at most width characters for a plotly label (each line escaped)."""
    return "<br>".join(plotly_literal(line) for line in textwrap.wrap(text, width)) or plotly_literal(text)


def presenter_heatmap(bank: Bank, rows: Sequence[TeamRow], labels: dict[str, str]) -> go.Figure:
    """Return the heat map of one page of teams (at most TEAMS_PER_PAGE), areas across the top."""
    areas = [_wrapped(f"{n}. {a.title}", 16) for n, a in enumerate(bank.areas, start=1)]
    teams = [plotly_literal(_short(labels[r.team.plan_id], 28)) for r in rows]
    levels = scored_levels(bank)
    size = 20 if len(rows) <= 10 else 17
    figure = go.Figure(go.Heatmap(
        z=[[c.readiness for c in r.areas] for r in rows], x=areas, y=teams,
        text=[[c.readiness_short for c in r.areas] for r in rows], texttemplate="%{text}",
        textfont={"size": size}, zmin=levels[0].value, zmax=levels[-1].value, colorscale="Blues",
        xgap=3, ygap=3, hoverongaps=False, hoverinfo="skip",
        colorbar={"tickvals": [lv.value for lv in levels], "thickness": 18, "len": 1.0,
                  "ticktext": [plotly_literal(f"{lv.value} {lv.label}") for lv in levels],
                  "tickfont": {"size": 16}},
    ))
    figure.update_layout(
        font={"size": size, "color": _TEXT}, width=PRESENTER_WIDTH, height=PRESENTER_HEIGHT,
        xaxis={"side": "top", "fixedrange": True, "tickangle": 0}, plot_bgcolor="#f2f2f2", paper_bgcolor="white",
        yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True, "ticksuffix": "  "},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    return figure


def presenter_combined(combined: Sequence[CombinedArea]) -> go.Figure:
    """Return the combined chart at the projector's size, its title left to the page."""
    figure = build_combined_figure(combined)
    # The teams' circles sit on the bars, so each mean is said beside its area rather than on its bar.
    figure.update_traces(selector={"type": "bar"}, text=None)
    ticks = [f"{plotly_literal(f'{n}. {c.title}')}<br><b>{c.label}</b><br>"
             f"<span style='font-size:14px'>{c.rated} of {c.teams} teams rated"
             f"{' · ' + c.range_text if c.values else ''}</span>" for n, c in enumerate(combined, start=1)]
    figure.update_yaxes(ticktext=ticks)
    figure.update_xaxes(title=None)
    figure.update_layout(title=None, width=PRESENTER_WIDTH, height=PRESENTER_HEIGHT,
                         margin={"l": 10, "r": 40, "t": 40, "b": 30},
                         legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"})
    return figure


def presenter_board(board: Sequence[Disagreement], labels: dict[str, str]) -> go.Figure:
    """Return one page of the disagreement board (at most BOARD_ROWS_PER_PAGE rows) as a large-type table."""
    team = [plotly_literal(_short(labels[d.team.plan_id], 24)) for d in board]
    action = [_wrapped(_short(d.action_text, 110), 60) for d in board]
    figure = go.Figure(go.Table(
        columnwidth=[230, 80, 720, 190],
        header={"values": ["Team", "Area", "Action", "Members apart"], "align": "left", "height": 40,
                "font": {"size": 20, "color": "white"}, "fill": {"color": "#1f4e79"}},
        cells={"values": [team, [str(d.area_number) for d in board], action,
                          [f"{d.spread} levels ({d.lowest} to {d.highest})" for d in board]],
               "align": "left", "height": 56, "font": {"size": 18, "color": _TEXT},
               "fill": {"color": [["#ffffff", "#eef3f8"] * (len(board) // 2 + 1)]}},
    ))
    figure.update_layout(width=PRESENTER_WIDTH, height=PRESENTER_HEIGHT, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure
