"""Facilitated workshops: each member's own ratings and their spread, and the facilitator's dashboard.
Everything collected at the end (every team's Word plan, CSV, Excel and a short summary, in one zip) is
built in workshop_exports.py.

Pure functions over what the store returns; nothing here imports Streamlit or knows SQL.

Spread: members rate an action on their own first. For each action the team sees
who chose what, the median of the scored levels ("not applicable" is shown but not
scored), and a flag where members are DIVERGENCE_GAP or more levels apart: that
is where the team's conversation should go before it records its agreed rating.

Dashboard: `progress_groups(bank)` names the entry keys the store counts per plan
(`Store.workshop_progress`), and `dashboard_rows` turns those counts and the
teams' rating levels into one row per team: progress and readiness per area,
required questions missing, and how long since anyone in the team saved.
"""

from __future__ import annotations

import datetime as dt
import statistics
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

import plotly.graph_objects as go
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .charts import level_axis, png_bytes, row_labels
from .bank import Bank, Question, load_bank_text
from .join_cards import build_code_roster, build_join_cards  # noqa: F401 - the pages and CLI import them here
from .plan import AnswerError, DoneOfTotal, Plan, Rating, is_answered
from .bank import Level
from .scoring import AreaScore, level_name, one_decimal, score_areas, scored_levels
from .store import (
    MAX_WORKSHOP_TEAMS, MemberLevel, MemberRating, Store, TeamProgress, Workshop, WorkshopTeam, answer_key,
)
from .text import clean_text, plotly_literal

#: Members this many levels apart (or more) on one action are flagged for discussion.
DIVERGENCE_GAP = 2
#: A team that has saved nothing for this many minutes, with work left, is shown as quiet.
QUIET_MINUTES = 10
#: The most teams one workshop is set up with at once.
MAX_TEAMS = MAX_WORKSHOP_TEAMS
#: The environment variable holding the planner's public address, printed on join cards.
PUBLIC_URL_ENV = "ROADMAP_PUBLIC_URL"

COMBINED_TITLE = "Readiness by area across the workshop's teams (each team's self-assessment)"
HEATMAP_TITLE = "Readiness by team and area: mean level of the rated actions (self-assessment)"
NOT_RATED = "Not rated"
_BAR_COLOUR = "#1f4e79"
_TEXT_COLOUR = "#1a1a1a"


class WorkshopSetupError(ValueError):
    """Teams or a question bank that cannot be used to set up a workshop; the message is one plain sentence."""


# Setting up -----------------------------------------------------------------------------------


def team_names(count: int | None = None, names: Iterable[str] = ()) -> list[str]:
    """Return the teams to create: the names given (tidied), or "Team 1" ... "Team count".

    Raises WorkshopSetupError for no teams, too many, or a name given twice.
    """
    given = [" ".join(clean_text(str(n)).split()) for n in names]
    given = [n for n in given if n]
    if given and count:
        raise WorkshopSetupError("Give either the number of teams or their names, not both.")
    if not given:
        if not count or count < 1:
            raise WorkshopSetupError("A workshop needs at least one team.")
        given = [f"Team {n}" for n in range(1, count + 1)]
    if len(given) > MAX_TEAMS:
        raise WorkshopSetupError(f"A workshop can have at most {MAX_TEAMS} teams; {len(given)} were given.")
    seen: set[str] = set()
    for name in given:
        if name.casefold() in seen:
            raise WorkshopSetupError(f"The team name {name} is given twice; give each team its own name.")
        seen.add(name.casefold())
    return given


def workshop_bank(workshop: Workshop, default: Bank) -> Bank:
    """Return the workshop's own question bank, or default when it has none.

    Raises BankError if the stored bank no longer loads (it was checked when stored).
    """
    if workshop.bank_yaml is None:
        return default
    return load_bank_text(workshop.bank_yaml, f"the question bank of {workshop.name}")


# Each member's own ratings, and their spread ------------------------------------------------------


def rate_as_member(store: Store, bank: Bank, plan_id: str, member: str, action_id: str, level: str | None) -> None:
    """Check and save one member's own rating of an action (None clears it).

    Raises AnswerError for an action or level this bank does not have, store.PlanLockedError
    (an AnswerError too) while the workshop is closed, and StoreError for a missing name.
    """
    if action_id not in bank.actions:
        raise AnswerError(f"There is no action {action_id} in this question bank.")
    if level is not None and level not in bank.levels_by_id:
        raise AnswerError(f"{level} is not a readiness level of this question bank.")
    store.save_member_rating(plan_id, member, action_id, level)


def median_level(values: Sequence[int]) -> float | None:
    """Return the median of scored levels (halfway between the middle two for an even count); None for none."""
    return float(statistics.median(values)) if values else None


def is_divergent(values: Sequence[int], gap: int = DIVERGENCE_GAP) -> bool:
    """Return True if two of the scored levels are gap or more apart (one rater or none never is)."""
    return len(values) > 1 and max(values) - min(values) >= gap


@dataclass(frozen=True)
class ActionSpread:
    """How a team's members rated one action on their own."""

    action_id: str
    choices: tuple[tuple[str, str], ...]  # (member, level id), by member
    values: tuple[int, ...]  # the scored levels, lowest first ("not applicable" left out)
    median: float | None
    divergent: bool

    @property
    def raters(self) -> int:
        return len(self.choices)


def action_spread(bank: Bank, action_id: str, choices: Mapping[str, str]) -> ActionSpread:
    """Return the spread of one action from {member: level id}.

    Levels this bank does not know are listed but, like "not applicable", not scored.
    """
    levels = bank.levels_by_id
    values = sorted(levels[lv].value for lv in choices.values() if lv in levels and levels[lv].value is not None)
    ordered = tuple(sorted(choices.items(), key=lambda item: (item[0].casefold(), item[0])))
    return ActionSpread(action_id, ordered, tuple(values), median_level(values), is_divergent(values))


def action_spreads(bank: Bank, ratings: Iterable[MemberRating | MemberLevel]) -> dict[str, ActionSpread]:
    """Return the spread of every action of the bank (in bank order), from the members' own ratings."""
    by_action: dict[str, dict[str, str]] = {}
    for rating in ratings:
        by_action.setdefault(rating.action_id, {})[rating.member] = rating.level
    return {action_id: action_spread(bank, action_id, by_action.get(action_id, {})) for action_id in bank.actions}


@dataclass(frozen=True)
class MemberView:
    """What one member sees of the team's own ratings while the facilitator paces the reveal."""

    rated_all: bool  # this member has rated every action on their own
    compare_open: bool  # the "Compare and agree" tab is shown to this member
    shown: frozenset[str]  # actions whose members' ratings are shown
    waiting: dict[str, list[str]]  # action id -> members present who have not rated it yet


def member_view(bank: Bank, ratings: Iterable[MemberRating], member: str, hidden: bool,
                team: Iterable[str] = ()) -> MemberView:
    """Return what member sees: with ratings hidden (the facilitator's pacing), Compare opens once they have
    rated every action on their own, and an action's ratings show once every member present (the team list,
    and everyone who rated anything) has rated it; revealed, everything shows to everyone."""
    ratings = list(ratings)
    present = sorted({r.member for r in ratings} | set(team) | ({member} if member else set()), key=str.casefold)
    rated = {(r.member, r.action_id) for r in ratings}
    waiting = {a: [m for m in present if (m, a) not in rated] for a in bank.actions}
    rated_all = bool(member) and all((member, a) in rated for a in bank.actions)
    if not hidden:
        return MemberView(rated_all, True, frozenset(bank.actions), waiting)
    return MemberView(rated_all, rated_all, frozenset(a for a, left in waiting.items() if not left), waiting)


def level_label(bank: Bank, level_id: str | None) -> str:
    """Return a level as a reader sees it: '3 · Developing', 'Not applicable', or 'Not rated'."""
    return bank.level_text(level_id, NOT_RATED)


def median_label(bank: Bank, median: float | None) -> str:
    """Return a median as words: '2 · Emerging', '2.5 (between Emerging and Developing)' or 'No ratings'."""
    if median is None:
        return "No ratings"
    by_value = {lv.value: lv.label for lv in bank.levels if lv.value is not None}
    if median.is_integer():
        value = int(median)
        return f"{value} · {by_value[value]}" if value in by_value else str(value)
    below, above = by_value.get(floor(median)), by_value.get(floor(median) + 1)
    between = f" (between {below} and {above})" if below and above else ""
    return f"{median:g}{between}"


def spread_text(bank: Bank, spread: ActionSpread) -> str:
    """Return the spread in one line for the plan document: who chose what, the median, and the flag."""
    if not spread.choices:
        return "No individual ratings"
    chose = "; ".join(f"{member}: {level_label(bank, level)}" for member, level in spread.choices)
    text = f"{chose}. Median {median_label(bank, spread.median)}."
    if spread.divergent:
        text += f" Members were {DIVERGENCE_GAP} or more levels apart."
    return text


def document_spreads(bank: Bank, ratings: Iterable[MemberRating]) -> dict[str, str]:
    """Return DocumentOptions.rating_spreads for a plan: each individually rated action's spread_text."""
    return {a: spread_text(bank, s) for a, s in action_spreads(bank, ratings).items() if s.choices}


# The dashboard --------------------------------------------------------------------------------------


def _answered_group(area_id: str) -> str:
    return f"answered:{area_id}"


def _required_group(area_id: str) -> str:
    return f"required:{area_id}"


def progress_groups(bank: Bank) -> dict[str, list[str]]:
    """Return the entry keys Store.workshop_progress counts: per area, its answers and its required answers."""
    groups: dict[str, list[str]] = {}
    for area in bank.areas:
        groups[_answered_group(area.id)] = [answer_key(q.id) for q in area.questions]
        groups[_required_group(area.id)] = [answer_key(q.id) for q in area.questions if q.required]
    return groups


@dataclass(frozen=True)
class AreaCell(DoneOfTotal):
    """One team's progress and readiness in one area."""

    area_id: str
    title: str
    answered: int
    questions: int
    rated: int
    actions: int
    required_missing: int
    score: AreaScore

    @property
    def readiness(self) -> float | None:
        """The mean level of the team's rated actions (1-4 in the shipped bank); None: nothing rated."""
        return self.score.mean

    @property
    def readiness_label(self) -> str:
        """'2.5: between Emerging and Developing' or 'Not rated'."""
        return self.score.label

    @property
    def readiness_short(self) -> str:
        """The mean alone, for a heat map's cell: '2.5' or 'Not rated'."""
        return NOT_RATED if self.score.mean is None else self.score.mean_label


@dataclass(frozen=True)
class TeamRow:
    """One team's line on the dashboard."""

    team: WorkshopTeam
    district_name: str
    areas: tuple[AreaCell, ...]
    percent: int  # questions answered and actions rated, 0-100
    last_activity: dt.datetime
    quiet_minutes: int
    raters: int
    ratings: Mapping[str, str]  # action id -> the team's agreed level id
    joined: bool = True  # a device has opened the plan with its code
    active_devices: int = 0  # devices on the plan's pages in the last two minutes
    last_save: dt.datetime | None = None  # None: nobody in the team has saved anything yet
    now: dt.datetime | None = None

    @property
    def required_missing(self) -> int:
        return sum(a.required_missing for a in self.areas)

    @property
    def quiet(self) -> bool:
        """True when the team joined, has work left and nobody in it has saved anything for QUIET_MINUTES."""
        return self.joined and self.percent < 100 and self.quiet_minutes >= QUIET_MINUTES

    @property
    def activity_label(self) -> str:
        if not self.joined:
            return "never joined"
        minutes = self.quiet_minutes
        when = "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"
        return f"{when}, quiet" if self.quiet else when

    @property
    def room_status(self) -> str:
        """'Never joined', 'Joined, no device active' or '2 devices active' (in the last two minutes)."""
        if not self.joined:
            return "Never joined"
        if not self.active_devices:
            return "Joined, no device active"
        return f"{self.active_devices} device{'s' if self.active_devices != 1 else ''} active"

    @property
    def last_save_label(self) -> str:
        """'No save yet', 'just now', '4 min ago' or '2 h ago'."""
        if self.last_save is None or self.now is None:
            return "No save yet"
        minutes = max(0, int((self.now - self.last_save).total_seconds() // 60))
        return "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def dashboard_rows(bank: Bank, teams: Sequence[TeamProgress], now: dt.datetime) -> list[TeamRow]:
    """Return one row per team, in the workshop's order, from Store.workshop_progress(..., progress_groups(bank))."""
    levels = bank.levels_by_id
    rows = []
    for team in teams:
        ratings = {a: lv for a, lv in team.ratings.items() if a in bank.actions}
        scores = score_areas(Plan(ratings={a: Rating(level=lv) for a, lv in ratings.items() if lv in levels}), bank)
        cells = []
        for area, score in zip(bank.areas, scores):
            required = sum(1 for q in area.questions if q.required)
            rated = sum(1 for a in area.actions if ratings.get(a.id) in levels)
            cells.append(AreaCell(area.id, area.title, team.filled.get(_answered_group(area.id), 0),
                                  len(area.questions), rated, len(area.actions),
                                  required - team.filled.get(_required_group(area.id), 0), score))
        total = sum(c.total for c in cells)
        percent = 0 if total == 0 else 100 * sum(c.done for c in cells) // total
        quiet = max(0, int((now - team.last_activity).total_seconds() // 60))
        rows.append(TeamRow(team.team, team.district_name, tuple(cells), percent, team.last_activity, quiet,
                            team.raters, ratings, joined=team.devices > 0, active_devices=team.active_devices,
                            last_save=team.last_save, now=now))
    return rows


@dataclass(frozen=True)
class Disagreement:
    """One team's members DIVERGENCE_GAP or more levels apart on one action: where to walk next."""

    team: WorkshopTeam
    area_number: int
    action_id: str
    action_text: str
    spread: int  # highest minus lowest scored level
    lowest: int
    highest: int
    raters: int


def disagreement_board(bank: Bank, teams: Sequence[WorkshopTeam],
                       ratings: Mapping[str, Sequence[MemberRating | MemberLevel]]) -> list[Disagreement]:
    """Return every team and action whose members are DIVERGENCE_GAP or more levels apart, widest spread
    first (then by team and bank order), from Store.workshop_member_levels (or workshop_member_ratings)."""
    area_of = {a.id: n for n, area in enumerate(bank.areas, start=1) for a in area.actions}
    order = {a: i for i, a in enumerate(bank.actions)}
    board = []
    for team in teams:
        for action_id, spread in action_spreads(bank, ratings.get(team.plan_id, ())).items():
            if spread.divergent:
                low, high = spread.values[0], spread.values[-1]
                board.append(Disagreement(team, area_of.get(action_id, 0), action_id, bank.actions[action_id].text,
                                          high - low, low, high, spread.raters))
    return sorted(board, key=lambda d: (-d.spread, d.team.position, order.get(d.action_id, 0)))


def _half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


@dataclass(frozen=True)
class CombinedArea:
    """One area across every team: how many teams rated it, and the mean, lowest and highest readiness.

    Readiness is on the rubric's scale (each team's mean level); the area's figure is the mean of the
    teams' means, so every team counts once however many actions it rated.
    """

    area_id: str
    title: str
    teams: int
    values: tuple[float, ...]  # each rated team's mean level, in team order
    levels: tuple[Level, ...] = ()  # the scored levels, lowest first, to name the mean

    @property
    def rated(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float | None:
        """Return the mean of the teams' mean levels; None when no team rated the area."""
        return sum(self.values) / len(self.values) if self.values else None

    @property
    def mean_label(self) -> str:
        return "" if self.mean is None else one_decimal(self.mean)

    @property
    def level_name(self) -> str:
        return level_name(self.mean, list(self.levels)) if self.mean is not None and self.levels else ""

    @property
    def label(self) -> str:
        """'2.6: near Developing', or 'Not rated'."""
        if self.mean is None:
            return NOT_RATED
        return f"{self.mean_label}: {self.level_name}" if self.level_name else self.mean_label

    @property
    def lowest(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def highest(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def text(self) -> str:
        """The figure in words: '2.6: near Developing (3 of 4 teams rated; 1.5 to 3.5)' or 'Not rated (0 of 4 teams)'."""
        if not self.values:
            return f"{NOT_RATED} (0 of {self.teams} teams)"
        return f"{self.label} ({self.rated} of {self.teams} teams rated; {self.range_text})"

    @property
    def range_text(self) -> str:
        """The teams' range: '1.5 to 3.5', or 'all at 2.0' when they all stand at the same level."""
        low, high = one_decimal(self.lowest), one_decimal(self.highest)
        return f"all at {low}" if low == high else f"{low} to {high}"


def combined_areas(bank: Bank, rows: Sequence[TeamRow]) -> list[CombinedArea]:
    """Return each area of the bank across every team's readiness."""
    levels = tuple(scored_levels(bank))
    out = []
    for index, area in enumerate(bank.areas):
        values = tuple(r.areas[index].readiness for r in rows if r.areas[index].readiness is not None)
        out.append(CombinedArea(area.id, area.title, len(rows), values, levels))
    return out


def combined_table(combined: Sequence[CombinedArea]) -> list[dict[str, object]]:
    """Return the numbers under the combined chart, one dict per area (column name -> value)."""
    return [{"Area": c.title, "Teams rated": f"{c.rated} of {c.teams}",
             "Mean level": c.label,
             "Lowest": "" if c.lowest is None else one_decimal(c.lowest),
             "Highest": "" if c.highest is None else one_decimal(c.highest)} for c in combined]


def team_label(team: WorkshopTeam) -> str:
    return f"{team.position}. {team.team_name}"


def anonymous_label(index: int) -> str:
    """Return 'Team A' for 0, ..., 'Team Z', then 'Team AA', 'Team AB' ... (a workshop has at most 100)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Team {letters}"


def _area_label(number: int, title: str) -> str:
    return f"{number}. {title}"


def build_heatmap(bank: Bank, rows: Sequence[TeamRow]) -> go.Figure:
    """Return a plotly heat map of readiness, teams down and areas across, each cell's figure printed in it.

    A cell with nothing rated has no colour and reads "Not rated".
    """
    # Team names are typed by the facilitator and area titles may come from a workshop's own bank.
    areas = [plotly_literal(_area_label(n, a.title)) for n, a in enumerate(bank.areas, start=1)]
    teams = [plotly_literal(team_label(r.team)) for r in rows]
    z = [[c.readiness for c in r.areas] for r in rows]
    text = [[c.readiness_short for c in r.areas] for r in rows]
    hover = [[c.readiness_label for c in r.areas] for r in rows]
    levels = scored_levels(bank)
    figure = go.Figure(go.Heatmap(
        z=z, x=areas, y=teams, text=text, texttemplate="%{text}", textfont={"size": 16}, customdata=hover,
        zmin=levels[0].value, zmax=levels[-1].value, colorscale="Blues", xgap=3, ygap=3, hoverongaps=False,
        colorbar={"title": {"text": "Mean level"}, "tickvals": [lv.value for lv in levels],
                  "ticktext": [plotly_literal(f"{lv.value} {lv.label}") for lv in levels]},
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
    ))
    figure.update_layout(
        title={"text": HEATMAP_TITLE, "font": {"size": 18}}, font={"size": 15, "color": _TEXT_COLOUR},
        xaxis={"side": "top", "fixedrange": True}, yaxis={"autorange": "reversed", "fixedrange": True,
                                                          "automargin": True},
        plot_bgcolor="#f2f2f2", paper_bgcolor="white", height=160 + 42 * max(len(rows), 1),
        margin={"l": 20, "r": 20, "t": 110, "b": 20},
    )
    return figure


def build_combined_figure(combined: Sequence[CombinedArea]) -> go.Figure:
    """Return the projector chart: per area, a bar at the teams' mean readiness and a circle for every team.

    Each bar carries its figure; the label beside it says how many teams rated the area and their range.
    """
    titles = [_area_label(n, c.title) for n, c in enumerate(combined, start=1)]
    details = [f"{c.rated} of {c.teams} teams rated" + (f" · {c.range_text}" if c.values else "")
               for c in combined]
    levels = list(combined[0].levels) if combined and combined[0].levels else []
    bottom, top = (levels[0].value, levels[-1].value) if levels else (1, 4)
    figure = go.Figure(go.Bar(
        y=titles, x=[c.mean - bottom if c.mean is not None else None for c in combined], base=bottom,
        orientation="h", name="Mean of the teams",
        text=[c.mean_label for c in combined], textposition="auto",
        insidetextanchor="end", textfont={"size": 22}, insidetextfont={"color": "white"},
        outsidetextfont={"color": _TEXT_COLOUR},
        marker={"color": _BAR_COLOUR, "line": {"color": _TEXT_COLOUR, "width": 1},
                "pattern": {"shape": "/", "fgcolor": "#6f8fb0", "size": 10, "solidity": 0.15,
                            "fillmode": "overlay"}},
        customdata=[[c.text] for c in combined], hovertemplate="%{y}: %{customdata[0]}<extra></extra>",
        cliponaxis=False,
    ))
    dots_x = [v for c in combined for v in c.values]
    dots_y = [t for t, c in zip(titles, combined) for _ in c.values]
    figure.add_trace(go.Scatter(x=dots_x, y=dots_y, mode="markers", name="One team",
                                marker={"symbol": "circle-open", "size": 14, "color": "#d9a400",
                                        "line": {"width": 3}},
                                hovertemplate="%{y}: a team at %{x:.1f}<extra></extra>"))
    for title, area in zip(titles, combined):
        if area.mean is None:
            figure.add_annotation(x=bottom, y=title, xanchor="left", showarrow=False, text=NOT_RATED,
                                  font={"size": 18, "color": _TEXT_COLOUR})
    figure.update_layout(
        title={"text": COMBINED_TITLE, "font": {"size": 20}}, font={"size": 18, "color": _TEXT_COLOUR},
        xaxis={"title": {"text": "Mean readiness level"}, "range": [bottom - 0.1 * (top - bottom), top + 0.06 * (top - bottom)],
               "fixedrange": True, "gridcolor": "#bbbbbb", "tickvals": [lv.value for lv in levels],
               "ticktext": [plotly_literal(f"{lv.value} {lv.label}") for lv in levels]},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True, "tickvals": titles,
               "ticktext": [f"{plotly_literal(t)}<br><span style='font-size:14px'>{d}</span>"
                            for t, d in zip(titles, details)], "ticksuffix": "  "},
        plot_bgcolor="white", paper_bgcolor="white", bargap=0.35, height=200 + 95 * max(len(combined), 1),
        margin={"l": 20, "r": 40, "t": 80, "b": 40}, legend={"orientation": "h", "y": -0.18},
    )
    return figure


def combined_alt_text(combined: Sequence[CombinedArea]) -> str:
    """Return the combined chart in words, one sentence per area."""
    parts = [f"{c.title}: {c.text}." for c in combined]
    return ("Bar chart of readiness by area across the workshop's teams, each team's self-assessment as the mean "
            "level of its rated actions; the bar is the mean of the teams, a dot marks each team. " + " ".join(parts))


def draw_combined_chart(combined: Sequence[CombinedArea], dpi: int = 200) -> bytes:
    """Return the combined chart as a PNG for the summary document (matplotlib's object API, no pyplot).

    As on screen: a bar at the teams' mean with its figure, a circle for each team, and under each area's
    name how many teams rated it and their range. Readable in black and white.
    """
    labels = []
    for number, area in enumerate(combined, start=1):
        detail = f"{area.rated} of {area.teams} teams rated" + (
            f", {area.range_text}" if area.values else "")
        labels.append(textwrap.fill(_area_label(number, area.title), 28) + "\n" + detail)
    height = 1.0 + 0.55 * max(len(combined), 1)
    figure = Figure(figsize=(6.5, height), dpi=dpi)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.33, right=0.93, top=1 - 0.4 / height, bottom=0.5 / height)
    ax = figure.add_subplot()
    rows = range(len(combined))
    levels = list(combined[0].levels) if combined and combined[0].levels else []
    bottom, top = (levels[0].value, levels[-1].value) if levels else (1, 4)
    span = top - bottom
    rated = [(i, c) for i, c in zip(rows, combined) if c.mean is not None]
    ax.barh([i for i, _ in rated], [c.mean - bottom for _, c in rated], left=bottom, height=0.6, color="white",
            edgecolor=_BAR_COLOUR, hatch="///", linewidth=1.2, zorder=2)
    for i, area in zip(rows, combined):
        ax.scatter(area.values, [i] * len(area.values), s=26, facecolors="white", edgecolors=_TEXT_COLOUR,
                   linewidths=1.2, zorder=4, clip_on=False)
        figure_text = NOT_RATED if area.mean is None else area.mean_label
        x = area.mean if area.mean is not None else bottom
        inside = x - bottom > 0.88 * span
        ax.text(x - 0.015 * span if inside else x + 0.015 * span, i, figure_text, va="center", ha="right" if inside else "left",
                fontsize=9, fontweight="bold", color=_TEXT_COLOUR, zorder=5, parse_math=False,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.2})
    row_labels(ax, list(rows), labels, fontsize=7.5)
    ax.set_ylim(len(combined) - 0.5, -0.5)
    ax.set_xlim(bottom, top)
    level_axis(ax, [lv.value for lv in levels], [f"{lv.value}\n{lv.label}" for lv in levels], fontsize=7.5)
    # Under the levels' two lines of names (no tick labels for matplotlib to measure: see charts.level_axis)
    ax.set_xlabel("Mean readiness level (bar: mean of the teams; circle: one team)", fontsize=7.5, labelpad=28)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.suptitle(COMBINED_TITLE, x=0.02, ha="left", fontsize=9.5, fontweight="bold")
    return png_bytes(figure, dpi)


# Reading a team's plan -------------------------------------------------------------------------------


def answer_text(bank: Bank, question: Question, value: object) -> str:
    """Return an answer as plain text: choices by their labels, table rows one a line, a decision with its reason."""
    if not is_answered(question, value):
        return ""
    kind = question.kind
    if kind == "choice":
        return question.option_label(str(value))
    if kind == "multi_choice":
        return "; ".join(question.option_label(v) for v in value)
    if kind == "domains":
        return "; ".join(bank.domains_by_id[v].title if v in bank.domains_by_id else v for v in value)
    if kind == "table":
        labels = {c.id: c.label for c in question.columns or ()}
        return "\n".join(" · ".join(f"{labels.get(k, k)}: {v}" for k, v in row.items() if str(v).strip())
                         for row in value)
    if kind == "decision":
        pole = question.option_label(value.get("pole", "")) if value.get("pole") else "No side chosen"
        rationale = value.get("rationale", "").strip()
        return f"{pole}: {rationale}" if rationale else pole
    return str(value)
