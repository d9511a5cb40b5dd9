"""Facilitator: set up a workshop of many teams, watch their progress, project the combined picture, collect.

Everything here needs the workshop's code and facilitator passphrase, except
setting a new workshop up. The dashboard refreshes itself (st.fragment with
run_every) and reads only summaries from the store, never every answer.
"""

import datetime as dt
import os

import pandas as pd
import streamlit as st

from roadmap.bank import MAX_BANK_BYTES, BankError
from roadmap.bounded import check_bank_upload
from roadmap.document import DocumentOptions, build_plan_document, document_filename, to_docx_bytes
from roadmap.plan import Plan
from roadmap.store import (
    WORKSHOP_ARCHIVED, WORKSHOP_CLOSED, WORKSHOP_OPEN, StoreError, TeamCode, UnknownWorkshopError,
    WeakPassphraseError, Workshop,
)
from roadmap.text import markdown_literal
from roadmap.workshop import (
    DIVERGENCE_GAP, PUBLIC_URL_ENV, WorkshopSetupError, answer_text, build_code_roster, build_combined_figure,
    build_heatmap, build_join_cards, combined_alt_text, combined_areas, combined_table, dashboard_rows,
    disagreement_board, document_spreads, level_label, progress_groups, team_label, team_names, workshop_bank,
)
from roadmap.workshop_exports import build_collect_zip, zip_name
from ui.facilitator_session import (
    FACILITATOR, FACILITATOR_KEY, NEW_CODES, flush_facilitator_cookie, resume_from_device, sign_out, signed_in,
)
from ui.state import client, current_bank, notify, show_notice, store, store_problem, store_safe
from ui.workshop_rounds import changes_stamp, draw_new_round, draw_over_time

PUBLIC_URL = "_fac:public_url"
REFRESH_SECONDS = 5
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUS_WORDS = {WORKSHOP_OPEN: "Open", WORKSHOP_CLOSED: "Closed: teams can read their plans but not change them",
                WORKSHOP_ARCHIVED: "Archived: the teams carry on alone; you can still show the codes and collect everything"}


# Signing in, or setting a workshop up ------------------------------------------------------------


def draw_open() -> None:
    with st.form("fac_open", border=False):
        code = st.text_input("Workshop code", max_chars=40, placeholder="e.g. K7QF-M2XR-9P", key="_fac:code",
                             help="The code printed when the workshop was set up (not a team's join code).")
        passphrase = st.text_input("Facilitator passphrase", type="password", max_chars=1000, key="_fac:pass")
        submitted = st.form_submit_button("Open the dashboard", type="primary")
    if submitted:
        try:
            workshop, key = store().sign_in_workshop(code, passphrase, client=client())
        except StoreError as exc:
            st.error(markdown_literal(str(exc)))
        else:
            signed_in(workshop.workshop_id, key)
            st.rerun()


def draw_create() -> None:
    st.write("A workshop gives each team its own plan and join code. You follow every team from this page, "
             "and collect all the plans at the end.")
    with st.form("fac_create", border=False):
        name = st.text_input("Workshop name", max_chars=200, placeholder="e.g. Spring Leadership Institute",
                             key="_fac:new:name")
        day = st.date_input("Date", value=dt.date.today(), format="YYYY-MM-DD", key="_fac:new:date")
        count = st.number_input("Number of teams", min_value=1, max_value=100, value=10, step=1,
                                key="_fac:new:count", help="Teams are called Team 1, Team 2 ... unless you name them.")
        names = st.text_area("Or the teams' names, one a line (optional)", key="_fac:new:names", height=120,
                             placeholder="Riverbend Unified\nLakeside Schools")
        bank_file = st.file_uploader("The workshop's own question bank (optional, .yaml)", type=["yaml", "yml"],
                                     key="_fac:new:bank",
                                     help="Check it first with: python -m roadmap check-bank FILE. Without "
                                          "one, teams use the planner's questions.")
        passphrase = st.text_input("Facilitator passphrase (10 characters or more)", type="password",
                                   max_chars=1000, key="_fac:new:pass",
                                   help="You will need it to open the dashboard and collect the plans. It is "
                                        "stored only as a hash: it cannot be recovered.")
        again = st.text_input("The passphrase again", type="password", max_chars=1000, key="_fac:new:again")
        submitted = st.form_submit_button("Set up the workshop", type="primary")
    if not submitted:
        return
    lines = [line for line in names.splitlines() if line.strip()]
    problems = []
    if not name.strip():
        problems.append("Give the workshop a name.")
    if passphrase != again:
        problems.append("The two passphrases differ; type the same one twice.")
    try:
        teams = team_names(None if lines else int(count), lines)
    except WorkshopSetupError as exc:
        problems.append(markdown_literal(str(exc)))
    bank_text = None
    if bank_file is not None:
        data = bank_file.getvalue()
        try:
            if len(data) > MAX_BANK_BYTES:
                raise ValueError("This file is too large to be a question bank.")
            bank_text = data.decode("utf-8-sig")
            check_bank_upload(bank_text, bank_file.name)  # in a child process with a time and memory budget
        except BankError as exc:
            listed = "\n".join(f"- {markdown_literal(str(p))}" for p in exc.problems[:10])
            problems.append(f"The question bank cannot be used:\n\n{listed}")
        except (UnicodeDecodeError, ValueError) as exc:
            problems.append(f"The question bank cannot be used: {markdown_literal(str(exc))}")
    if problems:
        st.error("\n\n".join(problems))
        return
    try:
        created = store().create_workshop(name, passphrase, teams, day=day, bank_yaml=bank_text,
                                          who="facilitator")
    except (StoreError, WeakPassphraseError) as exc:
        st.error(markdown_literal(str(exc)))
        return
    signed_in(created.workshop.workshop_id, created.key)
    st.session_state[NEW_CODES] = (created.code, list(created.teams))
    st.rerun()


# The codes just made, and their join cards --------------------------------------------------------


def draw_new_codes(workshop: Workshop) -> None:
    workshop_code, teams = st.session_state[NEW_CODES]
    with st.container(border=True):
        st.subheader("New codes")
        st.write("The planner keeps these codes sealed with your passphrase: you can show them again and "
                 "reprint the join cards under \u201cCodes and join cards\u201d, after signing in.")
        if workshop_code:
            st.write("Workshop code (with your passphrase, it opens this page):")
            st.code(workshop_code, language=None)
        st.dataframe(pd.DataFrame([{"Team": team_label(t.team), "Join code": t.code} for t in teams]),
                     hide_index=True, width="stretch")
        st.caption("Teams open the planner, choose \u201cResume with a code\u201d and type their join code. It is "
                   "also their plan's resume code, so they can carry on after the workshop.")
        st.session_state.setdefault(PUBLIC_URL, os.environ.get(PUBLIC_URL_ENV, ""))
        url = st.text_input("The planner's address, printed on the cards", key=PUBLIC_URL, max_chars=500,
                            placeholder="https://plan.example.org")
        left, right = st.columns(2)
        with left:
            join_cards_button(workshop, teams, url, "_fac:cards:new")
        with right:
            if st.button("I have the codes; hide them"):
                st.session_state.pop(NEW_CODES, None)
                st.rerun()


def join_cards_button(workshop: Workshop, teams, url: str, key: str) -> None:
    if url.strip():
        st.download_button(
            "Join cards (.docx)", on_click="ignore", type="primary", icon=":material/download:", key=key,
            data=lambda: to_docx_bytes(build_join_cards(workshop.name, teams, url)),
            file_name=f"join-cards-{zip_name(workshop, dt.date.today()).removesuffix('.zip')}.docx",
            mime=DOCX_MIME)
    else:
        st.caption("Give the planner's address to print join cards.")


def draw_codes(workshop: Workshop) -> None:
    """Every team's current join code, shown again from their sealed copies, with the cards and a roster."""
    with st.expander("Codes and join cards"):
        # Off unless asked: the page may be on the projector, and a code on screen opens that team's plan.
        if not st.toggle("Show every team's current code", key="_fac:codes:show"):
            st.caption("The codes are kept sealed with your passphrase; show them here or reprint the cards.")
            return
        key = st.session_state.get(FACILITATOR_KEY)
        if key is None:
            st.info("Sign out and in again with your passphrase to show the codes.")
            return
        kept = store().workshop_codes(workshop.workshop_id, key)
        if kept.code:
            st.write("Workshop code (with your passphrase, it opens this page):")
            st.code(kept.code, language=None)
        st.dataframe(pd.DataFrame([{"Team": team_label(t), "Join code": c or "not kept: make a new code below"}
                                   for t, c in kept.teams]), hide_index=True, width="stretch",
                     key="_fac:codes:table")
        if kept.missing:
            st.caption(f"{len(kept.missing)} code{'s were' if len(kept.missing) != 1 else ' was'} made before "
                       "the planner kept codes. Give those teams a new code under \u201cA team lost its code\u201d.")
        st.session_state.setdefault(PUBLIC_URL, os.environ.get(PUBLIC_URL_ENV, ""))
        url = st.text_input("The planner's address, printed on the cards", key=PUBLIC_URL, max_chars=500,
                            placeholder="https://plan.example.org")
        shown = [TeamCode(t, c) for t, c in kept.teams if c]
        left, right = st.columns(2)
        with left:
            join_cards_button(workshop, shown, url, "_fac:cards:all")
        with right:
            st.download_button(
                "Roster of codes, one page (.docx)", on_click="ignore", icon=":material/download:",
                data=lambda: to_docx_bytes(build_code_roster(workshop.name, kept.code,
                                                             [(team_label(t), c) for t, c in kept.teams])),
                file_name=f"codes-{zip_name(workshop, dt.date.today()).removesuffix('.zip')}.docx", mime=DOCX_MIME)


# The dashboard ------------------------------------------------------------------------------------


def room_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{"Team": team_label(r.team), "In the room": r.room_status, "Last save": r.last_save_label,
                          "Progress": r.percent, "Rated alone": r.raters} for r in rows])


def disagreement_frame(board) -> pd.DataFrame:
    return pd.DataFrame([{"Team": team_label(d.team), "Area": d.area_number, "Action": d.action_text,
                          "Spread (levels)": d.spread, "Lowest to highest": f"{d.lowest} to {d.highest}",
                          "Members who rated": d.raters} for d in board])


def progress_frame(rows) -> pd.DataFrame:
    records = []
    for row in rows:
        record = {"Team": team_label(row.team), "District": row.district_name, "Progress": row.percent}
        for number, cell in enumerate(row.areas, start=1):
            record[f"{number}. {cell.title}"] = f"{cell.done}/{cell.total} · {cell.readiness_label}"
        record["Required missing"] = row.required_missing
        record["Rated alone"] = row.raters
        record["Last activity"] = row.activity_label
        records.append(record)
    return pd.DataFrame(records)


@st.fragment(run_every=REFRESH_SECONDS)
def draw_dashboard(workshop_id: str, bank) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    try:
        summaries = store().workshop_progress(workshop_id, progress_groups(bank))
    except StoreError as exc:
        # This part reruns on its own every few seconds, outside the page's net (app.py): say it here.
        st.warning(f"{store_problem(exc)} The dashboard tries again every {REFRESH_SECONDS} seconds.",
                   icon=":material/cloud_off:")
        return
    rows = dashboard_rows(bank, summaries, now)
    try:
        board = disagreement_board(bank, [r.team for r in rows], store().workshop_member_levels(workshop_id))
    except StoreError:
        board = []
    st.caption(f"Updated {now.astimezone():%H:%M:%S} · refreshes every {REFRESH_SECONDS} seconds")
    if not rows:
        st.info("This workshop has no teams. Add some under \u201cManage the workshop\u201d.")
        return
    done = sum(1 for r in rows if r.percent == 100)
    quiet = [r for r in rows if r.quiet]
    never = [r for r in rows if not r.joined]
    teams_metric, never_metric, done_metric, quiet_metric = st.columns(4)
    teams_metric.metric("Teams", len(rows))
    never_metric.metric("Never joined", len(never))
    done_metric.metric("Finished", done)
    quiet_metric.metric("Quiet for 10 minutes or more", len(quiet))
    try:
        rounds = store().workshop_round_count(workshop_id)
    except StoreError:
        rounds = 1
    progress_tab, room_tab, apart_tab, heat_tab, combined_tab, *over_time = st.tabs(
        ["Progress", "Room", f"Where members disagree ({len(board)})", "Readiness heat map", "Combined picture"]
        + ([f"Over time ({rounds} rounds)"] if rounds > 1 else []))
    for tab in over_time:
        with tab:
            draw_over_time(workshop_id, bank, "_fac:rounds", stamp=changes_stamp(rounds, rows))
    with room_tab:
        st.dataframe(room_frame(rows), hide_index=True, width="stretch", column_config={
            "Progress": st.column_config.ProgressColumn("Progress", min_value=0, max_value=100, format="%d%%")})
        st.caption("In the room: whether the team has opened its plan with its code, and how many of its "
                   "devices were on the plan's pages in the last two minutes.")
    with apart_tab:
        if board:
            st.dataframe(disagreement_frame(board), hide_index=True, width="stretch")
            st.caption(f"Teams whose members, rating on their own, are {DIVERGENCE_GAP} or more levels apart on "
                       "an action; the widest spread first. That is where a conversation helps.")
        else:
            st.info(f"No team has members {DIVERGENCE_GAP} or more levels apart on an action yet.")
    with progress_tab:
        st.dataframe(progress_frame(rows), hide_index=True, width="stretch", column_config={
            "Progress": st.column_config.ProgressColumn("Progress", min_value=0, max_value=100, format="%d%%")})
        st.caption("Each area: answered and rated / all, then its readiness. \u201cQuiet\u201d: nobody in the team "
                   "has saved anything for 10 minutes and work is left.")
    with heat_tab:
        st.plotly_chart(build_heatmap(bank, rows), config={"displayModeBar": False}, theme=None,
                        key="_fac:heatmap")
    with combined_tab:
        combined = combined_areas(bank, rows)
        st.plotly_chart(build_combined_figure(combined), config={"displayModeBar": False}, theme=None,
                        key="_fac:combined")
        st.caption(combined_alt_text(combined))
        st.table(pd.DataFrame(combined_table(combined)).set_index("Area"))


# Reading one team's plan --------------------------------------------------------------------------


def draw_team_plan(workshop: Workshop, bank) -> None:
    st.subheader("Read a team's plan")
    by_id = {t.plan_id: t for t in workshop.teams}
    chosen = st.selectbox("Team", list(by_id), index=None, key="_fac:read", placeholder="Choose a team",
                          format_func=lambda plan_id: team_label(by_id[plan_id]))
    if chosen is None:
        return
    plan: Plan = store().load(chosen).plan
    spreads = document_spreads(bank, store().member_ratings(chosen))
    with st.container(border=True):
        st.caption("Read-only: only the team can change its plan.")
        st.markdown(f"**{markdown_literal(plan.district.name) or 'District not named yet'}**")
        if plan.district.team:
            st.text("Team: " + ", ".join(f"{m.name} ({m.role})" if m.role else m.name for m in plan.district.team))
        for number, area in enumerate(bank.areas, start=1):
            st.markdown(f"**{number}. {markdown_literal(area.title)}**")
            ratings = []
            for action in area.actions:
                rating = plan.ratings.get(action.id)
                ratings.append({"Action": action.text,
                                "Team's rating": level_label(bank, rating.level if rating else None),
                                "Note": rating.note if rating else "",
                                "Members on their own": spreads.get(action.id, "")})
            if ratings:
                st.dataframe(pd.DataFrame(ratings), hide_index=True, width="stretch")
            for question in area.questions:
                st.caption(markdown_literal(question.text))
                st.text(answer_text(bank, question, plan.answers.get(question.id)) or "Not yet answered")
        options = DocumentOptions(include_rating_spread=bool(spreads), rating_spreads=spreads)
        st.download_button("This team's plan (.docx)", on_click="ignore", icon=":material/download:",
                           data=lambda: to_docx_bytes(build_plan_document(plan, bank, options)),
                           file_name=document_filename(plan, dt.date.today()), mime=DOCX_MIME)


# Managing the workshop ------------------------------------------------------------------------------


@store_safe
def add_teams(workshop_id: str) -> None:
    lines = [line for line in st.session_state.get("_fac:add:names", "").splitlines() if line.strip()]
    try:
        names = team_names(None if lines else int(st.session_state.get("_fac:add:count", 1)), lines)
        added = store().add_teams(workshop_id, names, who="facilitator", key=st.session_state.get(FACILITATOR_KEY))
    except (WorkshopSetupError, StoreError) as exc:
        notify("error", markdown_literal(str(exc)))
        return
    st.session_state[NEW_CODES] = (None, added)
    notify("success", f"Added {len(added)} team{'s' if len(added) != 1 else ''}; their join codes are below.")


@store_safe
def remove_team(workshop_id: str, plan_id: str, name: str) -> None:
    try:
        store().remove_team(workshop_id, plan_id)
    except StoreError as exc:
        notify("error", markdown_literal(str(exc)))
        return
    notify("success", f"{markdown_literal(name)} is no longer in this workshop. Its plan is kept; the team carries "
                      "on with its own code.")


@store_safe
def reissue_code(workshop_id: str, plan_id: str) -> None:
    try:
        fresh = store().reissue_team_code(workshop_id, plan_id, st.session_state.get(FACILITATOR_KEY))
    except StoreError as exc:
        notify("error", markdown_literal(str(exc)))
        return
    st.session_state[NEW_CODES] = (None, [fresh])
    notify("success", f"{markdown_literal(fresh.team.team_name)} has a new join code, below. The old one no "
                      "longer opens the plan; devices already in it carry on.")


@store_safe
def set_status(workshop_id: str, status: str) -> None:
    try:
        store().set_workshop_status(workshop_id, status)
    except StoreError as exc:
        notify("error", markdown_literal(str(exc)))
        return
    if status == WORKSHOP_ARCHIVED:
        notify("success", "The workshop is archived. Its teams carry on alone with their own codes; you can "
                          "still show the codes and collect everything here.")
    elif status == WORKSHOP_CLOSED:
        notify("success", "The workshop is closed: teams can read their plans but not change them.")
    else:
        notify("success", "The workshop is open again: teams can change their plans.")


@store_safe
def delete_workshop(workshop_id: str, name: str) -> None:
    try:
        store().delete_workshop(workshop_id)
    except StoreError as exc:
        notify("error", markdown_literal(str(exc)))
        return
    sign_out()
    notify("success", f"{markdown_literal(name)} is deleted. Every team keeps its plan and code.")


@store_safe
def on_pacing(workshop_id: str) -> None:
    store().set_pacing(workshop_id, st.session_state.get("_fac:focus"), bool(st.session_state.get("_fac:hide")))


def draw_pacing(workshop: Workshop, bank) -> None:
    """Point every team to an area, and hide members' own ratings until everyone present has rated."""
    st.session_state.setdefault("_fac:focus", workshop.focus_area)
    st.session_state.setdefault("_fac:hide", workshop.hide_member_ratings)
    numbers = list(range(1, len(bank.areas) + 1))
    focus, hide = st.columns(2, vertical_alignment="bottom")
    focus.selectbox("Point every team to", numbers, key="_fac:focus", index=None, placeholder="No area",
                    format_func=lambda n: f"Area {n}: {bank.areas[n - 1].title}", on_change=on_pacing,
                    args=(workshop.workshop_id,), help="Shown at the top of every team's pages: "
                                                      "\u201cwe are on area 2\u201d. Clear it to show none.")
    hide.toggle("Hide members' own ratings from each other until all of a team's members have rated",
                key="_fac:hide", on_change=on_pacing, args=(workshop.workshop_id,),
                help="Turn off to reveal every member's ratings to their team now.")


def draw_delete(workshop: Workshop) -> None:
    with st.expander("Delete the workshop"):
        st.write("Deleting removes the workshop, its dashboard and the codes kept for you, for good. Every "
                 "team keeps its plan and its code. Collect everything first.")
        sure = st.checkbox("Yes, delete the workshop for good", key="_fac:delete:sure")
        st.button("Delete the workshop", disabled=not sure, on_click=delete_workshop,
                  args=(workshop.workshop_id, workshop.name))


def draw_manage(workshop: Workshop) -> None:
    st.subheader("Manage the workshop")
    workshop_id = workshop.workshop_id
    if workshop.status == WORKSHOP_ARCHIVED:
        draw_delete(workshop)
        return
    if workshop.status == WORKSHOP_OPEN:
        with st.expander("Add teams"):
            st.number_input("Number of teams to add", min_value=1, max_value=100, value=1, key="_fac:add:count")
            st.text_area("Or their names, one a line", key="_fac:add:names", height=90)
            st.button("Add the teams", on_click=add_teams, args=(workshop_id,))
    if workshop.teams:
        with st.expander("Take a team out of the workshop"):
            by_id = {t.plan_id: t for t in workshop.teams}
            chosen = st.selectbox("Team", list(by_id), index=None, key="_fac:remove", placeholder="Choose a team",
                                  format_func=lambda plan_id: team_label(by_id[plan_id]))
            if chosen is not None:
                name = by_id[chosen].team_name
                bank_note = (" It will use the planner's standard questions from then on."
                             if workshop.bank_yaml is not None else "")
                st.write(f"The plan is not deleted: the team keeps it and its code, and carries on alone. It "
                         f"leaves this dashboard and the collected files.{bank_note}")
                sure = st.checkbox(f"Yes, take {markdown_literal(name)} out of this workshop",
                                   key=f"_fac:remove:sure:{chosen}")
                st.button("Take the team out", disabled=not sure, on_click=remove_team,
                          args=(workshop_id, chosen, name))
        with st.expander("A team lost its code"):
            st.write("Give the team a new join code. Its plan and answers stay as they are; the old code stops "
                     "opening it, so a code left on a table cannot be used. Devices already in the plan carry on.")
            chosen = st.selectbox("Team", list(by_id), index=None, key="_fac:reissue", placeholder="Choose a team",
                                  format_func=lambda plan_id: team_label(by_id[plan_id]))
            st.button("Make a new code", disabled=chosen is None, on_click=reissue_code,
                      args=(workshop_id, chosen))
    if workshop.status == WORKSHOP_OPEN:
        with st.expander("Close the workshop"):
            st.write("Closing makes every team's plan read-only: teams can still open and read their plans and "
                     "download them, but not change them. You can open the workshop again later.")
            sure = st.checkbox("Yes, close the workshop", key="_fac:close:sure")
            st.button("Close the workshop", disabled=not sure, on_click=set_status,
                      args=(workshop_id, WORKSHOP_CLOSED))
    elif workshop.status == WORKSHOP_CLOSED:
        st.button("Open the workshop again", on_click=set_status, args=(workshop_id, WORKSHOP_OPEN))
    if workshop.status == WORKSHOP_OPEN:
        draw_new_round(workshop)
    with st.expander("Archive the workshop"):
        st.write("Archiving ends the workshop for good. Every team carries on alone with its own code, and "
                 "can change its plan again. This page still opens the workshop, read-only, to show the codes "
                 "and collect everything, until you delete it. No plan is deleted.")
        sure = st.checkbox("Yes, archive the workshop", key="_fac:archive:sure")
        st.button("Archive the workshop", disabled=not sure, on_click=set_status,
                  args=(workshop_id, WORKSHOP_ARCHIVED))


def draw_collect(workshop: Workshop, bank) -> None:
    st.subheader("Collect everything")
    st.write("One zip: every team's Word plan (with its members' own ratings beside the agreed ones), progress "
             "and ratings as CSV and Excel, and a short workshop summary with the combined chart.")
    anonymise = st.checkbox("Withhold team names in the summary (Team A, Team B ...)", key="_fac:anonymise",
                            help="For a summary shared beyond the room. The team plans keep their names.")
    st.download_button("Download everything (.zip)", on_click="ignore", type="primary", icon=":material/download:",
                       data=lambda: build_collect_zip(store(), store().workshop(workshop.workshop_id), bank,
                                                      dt.date.today(), anonymise=anonymise),
                       file_name=zip_name(workshop, dt.date.today()), mime="application/zip")


# The page -----------------------------------------------------------------------------------------

st.set_page_config(layout="wide", page_title="Facilitator · Teacher leadership plan")
st.title("Facilitator")
resume_from_device()  # a reload on this device: no passphrase typed in front of the room
show_notice()

workshop_id = st.session_state.get(FACILITATOR)
if workshop_id is None:
    open_tab, create_tab = st.tabs(["Open a workshop", "Set up a workshop"])
    with open_tab:
        draw_open()
    with create_tab:
        draw_create()
    flush_facilitator_cookie()  # last, so the invisible frame shifts no element (an expander would close)
    st.stop()

try:
    workshop = store().workshop(workshop_id)
except UnknownWorkshopError:
    sign_out()
    st.rerun()
try:
    bank = workshop_bank(workshop, current_bank())
except BankError as exc:
    st.error(f"The workshop's question bank cannot be used: {markdown_literal(str(exc.problems[0]))}")
    st.stop()

st.header(markdown_literal(workshop.name))
when = f"{workshop.date:%B} {workshop.date.day}, {workshop.date.year} · " if workshop.date else ""
own = " · its own question bank" if workshop.bank_yaml is not None else ""
st.caption(f"{when}{len(workshop.teams)} team{'s' if len(workshop.teams) != 1 else ''} · "
           f"{STATUS_WORDS[workshop.status]}{own}")
if st.session_state.get(NEW_CODES):
    draw_new_codes(workshop)
else:
    draw_codes(workshop)
st.page_link("app_pages/presenter.py", label="Presenter view, for the projector", icon=":material/tv:")
if workshop.status == WORKSHOP_OPEN:
    draw_pacing(workshop, bank)
draw_dashboard(workshop.workshop_id, bank)
st.divider()
draw_team_plan(workshop, bank)
st.divider()
draw_collect(workshop, bank)
st.divider()
draw_manage(workshop)
st.divider()
if st.button("Sign out of this workshop"):
    sign_out()
    st.rerun()
flush_facilitator_cookie()  # last, so the invisible frame shifts no element (an expander would close)
