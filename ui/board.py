"""The review step's board panel: the plan checkup in plain words, and the board's slide deck.

`draw_board(bank)` is the one function the review step calls. It draws only what roadmap/
computes (`checkup.check_plan`, `deck.build_deck`); text a team typed is shown with
markdown_literal, never as HTML.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from roadmap.bank import Bank
from roadmap.checkup import check_plan
from roadmap.deck import PPTX_MIME, build_deck, deck_filename, to_pptx_bytes
from roadmap.text import markdown_literal

from .nav import go
from .state import plan_session


def draw_board(bank: Bank) -> None:
    """Draw the checkup's findings, each with a link to its step, and the slide deck's download."""
    session = plan_session()
    plan = session.plan.model_copy(deep=True)  # the panel and its download see the plan as it is now
    findings = check_plan(plan, bank)
    st.subheader("Plan checkup")
    st.caption("The planner checks the plan against the roadmap's own logic: a measure for each priority; a "
               "baseline, target and date for each measure; a rationale for each decision; a next step for each "
               "action rated Not started or Emerging; support for the roles; funding against the roles' cost; "
               "what the board is asked to approve, with a date; dates after the plan's date. These checks are the planner's, not the report's.")
    if not findings:
        st.success("Nothing flagged: the plan hangs together.")
    else:
        st.warning(f"{len(findings)} thing{'s' if len(findings) != 1 else ''} to look at before the board sees "
                   "the plan.")
        for n, finding in enumerate(findings):
            with st.container(border=True):
                st.markdown(f"**{markdown_literal(finding.area_title)} \u00b7 {markdown_literal(finding.about)}**  \n"
                            f"{markdown_literal(finding.message)}")
                st.button(f"Open step {finding.step}: {markdown_literal(finding.area_title)}",
                          key=f"_checkup:{n}:{finding.rule}", on_click=go, args=(finding.step,))

    st.subheader("Slides for the board meeting")
    st.caption("Title, the ask, purpose and priorities, readiness, roles and cost, measures, decisions and next "
               "steps, with the fuller answers in the speaker notes.")
    st.download_button("Download the slides (.pptx)", data=lambda: to_pptx_bytes(build_deck(plan, bank)),
                       on_click="ignore", file_name=deck_filename(plan, dt.date.today()), mime=PPTX_MIME,
                       icon=":material/slideshow:")
