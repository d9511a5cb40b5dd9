"""The wizard's three kinds of step: the team, one roadmap area, and the review with its downloads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from roadmap.bank import Area, Bank
from roadmap.charts import build_readiness_figure, readiness_alt_text
from roadmap.document import DEFAULT_SECTIONS, SECTIONS, DocumentOptions, build_blank_template, build_plan_document, document_filename, to_docx_bytes
from roadmap.history import group_edits
from roadmap.plan import MAX_TABLE_ROWS, District, progress, team_from_rows
from roadmap.scoring import score_areas, scored_levels
from roadmap.session import answer_key
from roadmap.store import PlanLockedError, StaleEntryError
from roadmap.text import MAX_SHORT_CHARS, TextTooLongError, markdown_literal, slugify

from .board import draw_board
from .nav import go, rerun_page_if_outside_changed
from .plans import CODE, leave_plan
from .rounds import draw_rounds
from .state import ERRORS, Drawing, bounded_editor, notify, plan_session, reseed_widgets, store, store_safe, widget_key
from .widgets import answer_as_text, apply_editor_changes, cut_off, render_action, render_question
from .workshop_banner import read_only

# The team --------------------------------------------------------------------


def _team_rows() -> list[dict[str, str]]:
    base = st.session_state[widget_key("team", "base")]
    return apply_editor_changes(base, st.session_state.get(widget_key("team")) or {}, ["name", "role"])


def _on_district() -> None:
    """Save the district's name, date and team as one entry (callback, and after team edits)."""
    session = plan_session()
    current = session.plan.district
    st.session_state[ERRORS].pop(widget_key("district"), None)
    name_key = widget_key("district", "name")
    name = st.session_state.get(name_key, current.name) or ""
    refusal = cut_off(name, current.name, MAX_SHORT_CHARS, "The district name")
    if refusal:
        st.session_state[ERRORS][widget_key("district")] = refusal
        st.session_state[name_key] = current.name  # only reached in the name's own callback
        return
    try:
        district = District(
            name=name,
            date=st.session_state.get(widget_key("district", "date"), current.date),
            team=team_from_rows(_team_rows()),
        )
    except (TextTooLongError, ValueError) as exc:
        st.session_state[ERRORS][widget_key("district")] = f"Not saved: {str(exc).splitlines()[0]}"
        return
    if district != current:
        try:
            session.set_district(district)
        except PlanLockedError as exc:  # the plan's workshop is closed
            notify("error", str(exc))
            reseed_widgets()


def draw_team(bank: Bank) -> None:
    session = plan_session()
    district = session.plan.district
    st.header("Your team", anchor=False)
    st.write("Who is planning, and for which district. This goes on the cover of the plan.")
    name_key, date_key, team_key = widget_key("district", "name"), widget_key("district", "date"), widget_key("team")
    st.session_state.setdefault(name_key, district.name)
    st.session_state.setdefault(date_key, district.date or dt.date.today())
    st.session_state.setdefault(widget_key("team", "base"), [{"name": m.name, "role": m.role} for m in district.team])
    off = read_only()  # the plan's workshop is closed
    st.text_input("District name", key=name_key, max_chars=MAX_SHORT_CHARS, on_change=_on_district, disabled=off)
    st.date_input("Date of this planning session", key=date_key, format="YYYY-MM-DD", on_change=_on_district,
                  disabled=off)
    st.write("Planning team")
    too_many = bounded_editor(team_key, MAX_TABLE_ROWS, "The planning team")  # 61 to 200: refused on saving
    st.data_editor(
        pd.DataFrame(st.session_state[widget_key("team", "base")], columns=["name", "role"], dtype="string"),
        key=team_key, num_rows="dynamic", hide_index=True, width="stretch", disabled=off,
        column_config={"name": st.column_config.TextColumn("Name", max_chars=MAX_SHORT_CHARS),
                       "role": st.column_config.TextColumn("Role", max_chars=MAX_SHORT_CHARS)},
    )
    if "district" not in session.conflicts:
        _on_district()  # saves only if the team table changed
    if too_many:
        st.session_state[ERRORS][widget_key("district")] = too_many
    message = st.session_state[ERRORS].get(widget_key("district"))
    if message:
        st.error(message)
    conflict = session.conflicts.get("district")
    if conflict:
        st.warning(f"{markdown_literal(conflict.by)} changed the team details after you opened them; showing their version.")
        session.take_theirs("district")
        reseed_widgets()
    if st.session_state.get(CODE):
        st.subheader("Resume code", anchor=False)
        st.write("Anyone with this code can open and edit this plan, from any device. Keep it for next time; "
                 "it is also printed on the last page of the plan document.")
        st.code(st.session_state[CODE], language=None)


# One area --------------------------------------------------------------------


def draw_area(bank: Bank, area: Area, step: int) -> None:
    drawing = Drawing.now()
    st.header(f"{step}. {markdown_literal(area.title)}", anchor=False)
    st.write(markdown_literal(area.summary))
    if area.actions:
        st.subheader("Readiness on the high-impact actions", anchor=False)
        st.caption("The report's high-impact actions for this area. For each, choose where your district "
                   "stands today; the level descriptions are under each choice.")
        _actions_alone(area.actions, bank, drawing)
    if area.questions:
        st.subheader("Questions", anchor=False)
        for group in question_groups(area.questions):
            _questions_alone(group, bank, drawing)


# The actions are one fragment, each table question one, and the questions between tables one each run:
# a change reruns its fragment alone, not the whole step (about 40 widgets and the sidebar). Fewer,
# larger fragments because each costs every whole-page run a copy of Streamlit's drawing state. When the change moves what the rest of the page shows (the counts, the
# saved time), the fragment asks for the whole page (`rerun_page_if_outside_changed`).


@st.fragment
def _actions_alone(actions, bank: Bank, drawing: Drawing) -> None:
    """The area's actions, one fragment for all: a rating reruns the four of them (a few ms), and each
    fragment costs every whole-page run a copy of Streamlit's drawing state."""
    for action in actions:
        with st.container(border=True):
            render_action(action, bank, drawing)
    rerun_page_if_outside_changed(bank)


def question_groups(questions: list) -> list[list]:
    """The area's questions in the fragments they are drawn in, in order: a table question alone (a row
    added reruns its table only), and each run of other questions between tables together."""
    groups: list[list] = []
    for question in questions:
        if question.kind == "table" or not groups or groups[-1][-1].kind == "table":
            groups.append([question])
        else:
            groups[-1].append(question)
    return groups


@st.fragment
def _questions_alone(questions, bank: Bank, drawing: Drawing) -> None:
    for question in questions:
        with st.container(border=True):
            render_question(question, bank, drawing)
    rerun_page_if_outside_changed(bank)


# The review ------------------------------------------------------------------


def draw_review(bank: Bank) -> None:
    session = plan_session()
    plan = session.plan
    scores = score_areas(plan, bank)
    areas = progress(plan, bank)
    st.header("Review and export", anchor=False)

    st.subheader("Readiness by area", anchor=False)
    st.caption("The team's self-assessment.")
    st.plotly_chart(_fit_to_a_phone(build_readiness_figure(scores, bank)), config={"displayModeBar": False},
                    theme=None, alt=readiness_alt_text(scores))
    scale = scored_levels(bank)
    st.table(pd.DataFrame(
        [{"Area": s.title, "Actions rated": s.count_label,
          f"Mean level ({scale[0].value}-{scale[-1].value})": s.mean_label,
          "Nearest level": s.level_name or "Not rated"} for s in scores]).set_index("Area"))
    st.caption(f"A self-assessment by the planning team. Each area's readiness is the mean level of its rated "
               f"actions, from {scale[0].value} ({markdown_literal(scale[0].label)}) to {scale[-1].value} "
               f"({markdown_literal(scale[-1].label)}); actions marked not applicable are left out and named.")

    with st.expander("Ratings action by action"):
        # A list rather than a grid: a grid of long action texts is cut off on a phone.
        for area in bank.areas:
            if not area.actions:
                continue
            st.markdown(f"**{markdown_literal(area.title)}**")
            for action in area.actions:
                rating = plan.ratings.get(action.id)
                level = bank.levels_by_id.get(rating.level) if rating and rating.level else None
                st.markdown(f"- {markdown_literal(action.text[:1].upper() + action.text[1:])}: "
                            f"**{markdown_literal(level.label) if level else 'Not rated'}**")
                if rating and rating.note:
                    st.caption(f"Evidence or note: {markdown_literal(rating.note)}")

    st.subheader("Still to do", anchor=False)
    missing = [(n, a) for n, a in enumerate(areas, start=1) if a.missing_required or not a.complete]
    if not missing:
        st.success("Every question is answered and every action rated.")
    for number, area in missing:
        with st.container(border=True):
            unanswered = area.questions - area.answered
            unrated = area.actions - area.rated
            parts = []
            if unrated:
                parts.append(f"{unrated} action{'s' if unrated != 1 else ''} not rated")
            if unanswered:
                parts.append(f"{unanswered} question{'s' if unanswered != 1 else ''} not answered")
            st.markdown(f"**{number}. {markdown_literal(area.title)}**: " + ", ".join(parts))
            for question_id in area.missing_required:
                st.text(f"Required: {bank.questions[question_id].text}")
            st.button(f"Go to {markdown_literal(area.title)}", key=f"_goto:{area.area_id}", on_click=go, args=(number,))

    draw_board(bank)
    draw_rounds(bank)
    _downloads(bank)
    _history(bank)
    _danger_zone()


def _fit_to_a_phone(figure):
    """Return the review's chart laid out to fit 375 px as well as a projector: its title is the heading
    above it (a plotly title does not wrap, so a phone cut it off), and each level's name on the axis
    breaks at its spaces so neighbouring names do not overlap."""
    ticks = figure.layout.xaxis.ticktext
    figure.update_layout(title=None, margin={"t": 10})
    if ticks:
        figure.update_xaxes(ticktext=[t.replace(" ", "<br>") for t in ticks], tickfont={"size": 12})
    return figure


def _downloads(bank: Bank) -> None:
    session = plan_session()
    plan = session.plan.model_copy(deep=True)  # the downloads see the plan as it is now
    code = st.session_state.get(CODE)
    st.subheader("Download", anchor=False)
    with st.container(border=True):
        st.markdown("**Teacher leadership plan (Word)**")
        st.caption("For the school board: cover, one-page summary with the readiness chart, one section per area, "
                   "and sources.")
        with st.expander("Choose what goes in"):
            chosen = [name for name, description in SECTIONS.items()
                      if st.checkbox(description[0].upper() + description[1:], value=name in DEFAULT_SECTIONS, key=f"_doc:{name}")]
            unanswered = st.radio("Questions not answered yet", ["show", "omit"], horizontal=True,
                                  key="_doc:unanswered",
                                  format_func={"show": "Show as \u201cNot yet answered\u201d", "omit": "Leave out"}.get)
            with_code = st.checkbox("Print the resume code on the last page (anyone holding the document can then "
                                    "open and edit the plan; leave it out for copies going outside the team)",
                                    value=False, key="_doc:code")
        if not chosen:
            st.warning("Choose at least one part of the document to download it.")
            return
        options = DocumentOptions(sections=frozenset(chosen), unanswered=unanswered, include_resume_code=with_code)

        def make_document() -> bytes:
            return to_docx_bytes(build_plan_document(plan, bank, options, resume_code=code if with_code else None))

        st.download_button("Download the plan (.docx)", data=make_document, on_click="ignore", type="primary",
                           file_name=document_filename(plan, dt.date.today()), icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    left, right = st.columns(2)
    with left:
        st.download_button("Plan file (.json)", data=plan.to_json(), on_click="ignore",
                           file_name=f"{slugify(plan.district.name)}-teacher-leadership-plan.json",
                           mime="application/json", help="Open it again later or on another server.")
    with right:
        st.download_button("Blank workshop template (.docx)", on_click="ignore",
                           data=lambda: to_docx_bytes(build_blank_template(bank)),
                           file_name="teacher-leadership-plan-workshop-template.docx",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           help="Every question and the rubric, with room to write by hand.")


@store_safe
def _restore(key: str, version: int) -> None:
    session = plan_session()
    try:
        session.store.restore(session.plan_id, key, version, session.versions.get(key, 0), session.who)
    except PlanLockedError as exc:  # the plan's workshop is closed
        notify("error", str(exc))
    except StaleEntryError:
        notify("warning", "A teammate changed this answer a moment ago. Look at the newest version, "
                          "then restore again if you still want the earlier one.")
    session.refresh()
    reseed_widgets()


def _history(bank: Bank) -> None:
    session = plan_session()
    st.subheader("Version history", anchor=False)
    st.caption("Every earlier version of every answer is kept. Pick a question to see who changed it and when, "
               "and bring an earlier version back.")
    ids = [q.id for a in bank.areas for q in a.questions]
    chosen = st.selectbox("Question", ids, index=None, key="_hist:question", placeholder="Choose a question",
                          format_func=lambda i: bank.questions[i].text)
    if chosen is None:
        return
    key = answer_key(chosen)
    versions = group_edits(session.store.history(session.plan_id, key))
    if not versions:
        st.caption("No versions saved yet.")
    question = bank.questions[chosen]
    for version in versions:
        entry = version.entry
        with st.container(border=True):
            when = entry.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            edits = f" · {version.edits} edits from {version.started_at.astimezone().strftime('%H:%M')}" \
                if version.edits > 1 else ""
            st.caption(f"{markdown_literal(entry.updated_by) or 'Someone who gave no name'} · {when}{edits}")
            _version(session, key, question, entry, bank)
            if version.earlier:
                with st.expander(f"The {len(version.earlier)} edits before it"):
                    for earlier in version.earlier:
                        st.caption(earlier.updated_at.astimezone().strftime("%H:%M:%S"))
                        _version(session, key, question, earlier, bank)


def _version(session, key: str, question, entry, bank: Bank) -> None:
    st.text(answer_as_text(question, entry.value, bank)[:2000] or "(empty)")
    if entry.version != session.versions.get(key):
        st.button("Restore this version", key=f"_hist:restore:{entry.version}",
                  on_click=_restore, args=(key, entry.version))


@store_safe
def _delete() -> None:
    try:
        store().delete_plan(plan_session().plan_id)
    except PlanLockedError as exc:  # the plan's workshop is closed
        notify("error", str(exc))
        return
    leave_plan()


def _danger_zone() -> None:
    with st.expander("Delete this plan"):
        st.write("Deleting removes the plan, every answer and its history from this server for good. "
                 "Download the plan file first if you may want it again.")
        sure = st.checkbox("I understand this cannot be undone", key="_delete:sure")
        st.button("Delete the plan for good", disabled=not sure, on_click=_delete, type="secondary")
