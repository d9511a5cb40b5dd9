"""Presenter: the workshop on a 1280x720 projector, with no setup controls: the combined chart, the heat map
and the disagreement board in large type, team names hidden if asked, paged so the page never scrolls.

Opens for a facilitator already signed in on this device (the Facilitator page, or its device token)."""

import datetime as dt

import streamlit as st

from roadmap.bank import BankError
from roadmap.presenter import (
    BOARD_ROWS_PER_PAGE, TEAMS_PER_PAGE, page_of, pages, presenter_board, presenter_combined, presenter_heatmap,
    presenter_labels,
)
from roadmap.store import StoreError, UnknownWorkshopError
from roadmap.text import markdown_literal
from roadmap.workshop import (
    DIVERGENCE_GAP, combined_alt_text, combined_areas, dashboard_rows, disagreement_board, progress_groups,
    workshop_bank,
)
from ui.facilitator_session import FACILITATOR, flush_facilitator_cookie, resume_from_device
from ui.state import current_bank, store, store_problem
from ui.workshop_rounds import changes_stamp, draw_over_time

REFRESH_SECONDS = 5
VIEWS = ("Combined picture", "Heat map", "Where members disagree")
OVER_TIME = "Over time"  # offered when the workshop has more than one round
VIEW, HIDE, PAGE = "_pres:view", "_pres:hide", "_pres:page"
# The projector has no room for Streamlit's header and wide margins (no user text in this style).
COMPACT = ("<style>header[data-testid=stHeader]{display:none}"
           ".block-container,[data-testid=stMainBlockContainer]{padding:0.6rem 1.2rem 0 1.2rem;max-width:100%}"
           "[data-testid=stVerticalBlock]{gap:0.4rem}</style>")
CHART_CONFIG = {"displayModeBar": False, "staticPlot": True}

st.set_page_config(layout="wide", page_title="Presenter · Teacher leadership plan")
st.html(COMPACT)
resume_from_device()
workshop_id = st.session_state.get(FACILITATOR)
if workshop_id is None:
    st.title("Presenter")
    st.info("Sign in on the Facilitator page first (workshop code and passphrase); this page then shows the "
            "workshop for the projector.")
    st.page_link("app_pages/facilitator.py", label="Facilitator", icon=":material/co_present:")
    flush_facilitator_cookie()
    st.stop()
try:
    workshop = store().workshop(workshop_id)
    bank = workshop_bank(workshop, current_bank())
except UnknownWorkshopError:
    st.session_state.pop(FACILITATOR, None)
    st.rerun()
except BankError as exc:
    st.error(f"The workshop's question bank cannot be used: {markdown_literal(str(exc.problems[0]))}")
    st.stop()


@st.fragment(run_every=REFRESH_SECONDS)
def draw_view() -> None:
    now = dt.datetime.now(dt.timezone.utc)
    try:
        rows = dashboard_rows(bank, store().workshop_progress(workshop_id, progress_groups(bank)), now)
        board = disagreement_board(bank, [r.team for r in rows], store().workshop_member_levels(workshop_id))
    except StoreError as exc:
        st.warning(f"{store_problem(exc)} Trying again every {REFRESH_SECONDS} seconds.", icon=":material/cloud_off:")
        return
    title, view_col, hide_col, page_col = st.columns([3.2, 4.2, 1.4, 2.2], vertical_alignment="center")
    title.markdown(f"### {markdown_literal(workshop.name)}")
    rounds = store().workshop_round_count(workshop_id)
    views = VIEWS + ((OVER_TIME,) if rounds > 1 else ())
    view = view_col.segmented_control("View", views, default=VIEWS[0], key=VIEW, label_visibility="collapsed")
    view = view or VIEWS[0]
    hide = hide_col.toggle("Hide names", key=HIDE)
    labels = presenter_labels([r.team for r in rows], hide)
    count = {VIEWS[1]: pages(len(rows), TEAMS_PER_PAGE), VIEWS[2]: pages(len(board), BOARD_ROWS_PER_PAGE)}.get(view, 1)
    page = 1
    if count > 1:
        page = page_col.selectbox("Page", list(range(1, count + 1)), key=f"{PAGE}:{view}",
                                  format_func=lambda p: f"Page {p} of {count}", label_visibility="collapsed")
    if view == OVER_TIME:
        draw_over_time(workshop_id, bank, "_pres:rounds", names=labels, ask=False, each_team=False,
                       stamp=changes_stamp(rounds, rows))
    elif view == VIEWS[0]:
        combined = combined_areas(bank, rows)
        st.plotly_chart(presenter_combined(combined), config=CHART_CONFIG, theme=None, width="content",
                        key="_pres:combined")
        st.caption(f"Readiness by area: the bar is the mean of the {len(rows)} teams' self-assessments, a circle "
                   "marks each team.", help=combined_alt_text(combined))
    elif view == VIEWS[1]:
        st.plotly_chart(presenter_heatmap(bank, page_of(rows, page, TEAMS_PER_PAGE), labels), config=CHART_CONFIG,
                        theme=None, width="content", key="_pres:heatmap")
        st.caption("Readiness by team and area: mean level of the rated actions (self-assessment).")
    elif board:
        st.plotly_chart(presenter_board(page_of(board, page, BOARD_ROWS_PER_PAGE), labels), config=CHART_CONFIG,
                        theme=None, width="content", key="_pres:board")
        st.caption(f"Members {DIVERGENCE_GAP} or more levels apart when rating on their own; widest first.")
    else:
        st.markdown(f"#### No team has members {DIVERGENCE_GAP} or more levels apart yet.")


draw_view()
flush_facilitator_cookie()  # last, so the invisible frame shifts no element
