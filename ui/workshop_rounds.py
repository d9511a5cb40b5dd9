"""A workshop over time on the facilitator's pages: start a new round for every team at once (a follow-up
session), and compare the workshop's rounds, combined and team by team.

The comparison reads every team's whole plan, so it is drawn only when the workshop has more than one round
(`Store.workshop_round_count`, one cheap query) and, on the self-refreshing dashboard, only when asked.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roadmap.bank import Bank
from roadmap.round_charts import build_rounds_figure, rounds_alt_text
from roadmap.rounds import RoundError
from roadmap.store import StoreError, Workshop
from roadmap.text import markdown_literal
from roadmap.workshop import team_label
from roadmap.workshop_rounds import WHOSE, combined_by_round, combined_table, team_change_table, team_rounds

from .state import notify, store

LABEL, SURE, SHOW = "_fac:round:label", "_fac:round:sure", "_fac:round:show"


def start_workshop_round(workshop_id: str) -> None:
    label = (st.session_state.get(LABEL) or "").strip() or None
    try:
        started = store().start_workshop_round(workshop_id, label, who="facilitator")
    except (RoundError, StoreError) as exc:
        notify("error", markdown_literal(str(exc)))
        return
    st.session_state[SURE] = False
    if not started:
        notify("info", "The workshop has no teams, so no round was started.")
        return
    notify("success", f"Every team ({len(started)}) is now on round {started[0][1].number}, "
                      f"\u201c{markdown_literal(started[0][1].label)}\u201d. Their answers and ratings are carried "
                      "forward, marked \u201cnot yet reviewed this round\u201d until the team confirms or changes them.")


def draw_new_round(workshop: Workshop) -> None:
    """The manage panel's "Start a new round for every team" (open workshops only)."""
    with st.expander("Start a new round for every team (a follow-up session)"):
        st.write("For a session months later: each team's current answers and ratings are kept as a closed round, "
                 "read-only, and carried into a new one for the team to review. The dashboard, the presenter "
                 "view and the summary then compare the rounds.")
        st.text_input("Name of the new round", key=LABEL, max_chars=80, placeholder="e.g. Spring 2027 (empty: today's date)")
        sure = st.checkbox(f"Yes, start a new round for all {len(workshop.teams)} teams", key=SURE)
        st.button("Start the new round", disabled=not sure or not workshop.teams, on_click=start_workshop_round,
                  args=(workshop.workshop_id,))


def _comparison(workshop_id: str, bank: Bank, names: dict[str, str] | None = None):
    plans = store().workshop_plans(workshop_id)
    named = [((names or {}).get(team.plan_id) or team_label(team), stored.plan) for team, stored in plans]
    teams = team_rounds(bank, named)
    return teams, combined_by_round(bank, teams)


@st.cache_data(max_entries=64, show_spinner=False)
def _comparison_since(workshop_id: str, stamp: tuple, names: tuple, _bank: Bank):
    """_comparison, read again only when stamp changes (the rounds and every team's last save): the pages
    redraw every few seconds, and the comparison reads every team's whole plan."""
    return _comparison(workshop_id, _bank, dict(names))


def changes_stamp(rounds: int, rows) -> tuple:
    """What the comparison depends on, from what the dashboard reads anyway: the number of rounds and each
    team's last save (rows: the dashboard's TeamRow list)."""
    return rounds, tuple(sorted((r.team.plan_id, str(r.last_save)) for r in rows))


def draw_over_time(workshop_id: str, bank: Bank, chart_key: str, names: dict[str, str] | None = None,
                   ask: bool = True, each_team: bool = True, stamp: tuple | None = None) -> None:
    """The workshop's rounds compared: the combined chart, its table, and each team's first round to its latest.
    ask: draw only after a toggle (the dashboard refreshes itself, and this reads every plan). each_team: add
    the table of every team (not on the projector, which has no room for 30 rows). stamp (`changes_stamp`):
    reuse the last comparison until it changes."""
    if ask and not st.toggle("Compare the rounds (reads every team's plan)", key=SHOW):
        st.caption("The workshop has more than one round. Turn this on to compare them.")
        return
    if stamp is None:
        teams, by_round = _comparison(workshop_id, bank, names)
    else:
        teams, by_round = _comparison_since(workshop_id, stamp, tuple(sorted((names or {}).items())), bank)
    st.plotly_chart(build_rounds_figure(by_round, bank, WHOSE), config={"displayModeBar": False}, theme=None,
                    key=chart_key)
    st.caption(markdown_literal(rounds_alt_text(by_round, WHOSE)))
    headers, rows = combined_table(by_round)
    st.table(pd.DataFrame(rows, columns=headers).set_index("Area"))
    if not each_team:
        return
    headers, rows = team_change_table(bank, teams)
    st.markdown("**Each team, first round to latest**")
    st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")
