"""A table question: its rows shown as a table on wide screens and as cards on phones, and one row at
a time typed into a form, so nothing a person types is sent (or rebuilt under them) before they press
"Add row".

Why not st.data_editor: its cell editor lives in the browser and closes whenever a rerun changes the
editor's data or its place on the page, and every cell commit reruns the page; a team lost keystrokes
and had the page jump under them (issue #13). Here the typed text sits in ordinary text inputs inside an
st.form, which the browser keeps until the form is submitted. The form ("Add a row") comes before the
rows, and each sits in a container of its own, so a row added or deleted neither moves the form on the
screen nor changes its place in the page's tree (Streamlit remounts an element whose place changes,
which drops its focus).

The rows are one st.table (cells through markdown_literal: st.table renders markdown). Under 640 px
the page's style (`ui.style.PAGE_STYLE`) turns each row into a card and `_card_labels` puts each cell's
label above it. Under the rows, "Change or delete a row" holds one box to choose a row: "Change this
row" opens a small form, "Delete this row" removes it. "Add a row", "Change or delete a row" and "Paste
rows from a spreadsheet" are expanders whose insides are drawn only while open (`render_table`).
"""

from __future__ import annotations

import secrets

import pandas as pd
import streamlit as st

from roadmap.bank import Question
from roadmap.plan import MAX_TABLE_ROWS, AnswerError
from roadmap.store import PlanLockedError, StoreError
from roadmap.tables import cell_shown, row_name, rows_from_pasted, unique_labels
from roadmap.text import MAX_ANSWER_CHARS, TextTooLongError, css_literal, markdown_literal

from .messages import cut_off, not_saved
from .state import ERRORS, Drawing, plan_session
from .style import page_action
from .workshop_banner import kept_while_closed, read_only


def _key(gen: int, question_id: str, part: str = "") -> str:
    return f"_w{gen}:{question_id}:{part}" if part else f"_w{gen}:{question_id}"


def _cell_key(gen: int, question_id: str, column_id: str, editing: bool = False) -> str:
    return _key(gen, question_id, f"{'edit' if editing else 'cell'}:{column_id}")


def _saved_rows(question: Question) -> list[dict[str, str]]:
    saved = plan_session().plan.answers.get(question.id) or []
    columns = [c.id for c in question.columns]
    return [{c: "" if row.get(c) is None else str(row.get(c)) for c in columns} for row in saved if isinstance(row, dict)]


def _store_rows(question: Question, rows: list[dict[str, str]], error_key: str) -> bool:
    """Save rows as the table's answer; return True if saved (False: refused, not saved, or a conflict)."""
    errors = st.session_state[ERRORS]
    errors.pop(error_key, None)
    try:
        return plan_session().answer(question.id, rows)
    except PlanLockedError:  # the workshop closed meanwhile: the rows are kept and saved on reopening
        errors[error_key] = kept_while_closed(error_key, ("answer", question.id, rows))
    except (TextTooLongError, AnswerError) as exc:
        errors[error_key] = f"{exc} The table was not changed."
    except StoreError as exc:
        errors[error_key] = not_saved(exc)
    return False


def _typed_row(question: Question, gen: int, editing: bool) -> dict[str, str] | None:
    """Return the row typed into a form, or None (with the reason shown) if it cannot be saved."""
    row = {c.id: (st.session_state.get(_cell_key(gen, question.id, c.id, editing)) or "").strip()
           for c in question.columns}
    error_key = _key(gen, question.id)
    if not any(row.values()):
        st.session_state[ERRORS][error_key] = "Type something in at least one box first."
        return None
    full = next((cell for cell in row.values() if cut_off(cell, "", MAX_ANSWER_CHARS)), None)
    if full is not None:
        st.session_state[ERRORS][error_key] = cut_off(full, "", MAX_ANSWER_CHARS, "A table cell")
        return None
    return row


def _clear(question: Question, gen: int, editing: bool) -> None:
    for column in question.columns:
        st.session_state[_cell_key(gen, question.id, column.id, editing)] = ""


def _focus_again(question: Question, gen: int) -> None:
    # A fresh nonce each time: a counter would start again at 1 in a new session, in a tab whose
    # page script has already carried out "1".
    st.session_state[_key(gen, question.id, "focus")] = secrets.token_hex(8)


def _on_add(question: Question, gen: int) -> None:
    """The add form was submitted: add the typed row at the end, empty the form, keep the cursor in it."""
    row = _typed_row(question, gen, editing=False)
    if row is not None and _store_rows(question, _saved_rows(question) + [row], _key(gen, question.id)):
        _clear(question, gen, editing=False)
        _focus_again(question, gen)


def _on_save_row(question: Question, gen: int, index: int) -> None:
    row = _typed_row(question, gen, editing=True)
    rows = _saved_rows(question)
    if row is None or not 0 <= index < len(rows):
        return
    rows[index] = row
    if _store_rows(question, rows, _key(gen, question.id)):
        st.session_state.pop(_key(gen, question.id, "editing"), None)
        st.session_state[_key(gen, question.id, "pick")] = None  # the next change starts from a fresh choice


def _picked(question: Question, gen: int) -> int | None:
    """The row chosen in the table's "Row to change or delete" box, or None."""
    index = st.session_state.get(_key(gen, question.id, "pick"))
    return index if isinstance(index, int) and 0 <= index < len(_saved_rows(question)) else None


def _on_edit(question: Question, gen: int) -> None:
    index = _picked(question, gen)
    if index is not None:
        rows = _saved_rows(question)
        for column in question.columns:
            st.session_state[_cell_key(gen, question.id, column.id, editing=True)] = rows[index][column.id]
        st.session_state[_key(gen, question.id, "editing")] = index


def _on_cancel(question: Question, gen: int) -> None:
    st.session_state.pop(_key(gen, question.id, "editing"), None)
    st.session_state[ERRORS].pop(_key(gen, question.id), None)


def _on_delete(question: Question, gen: int) -> None:
    index = _picked(question, gen)
    rows = _saved_rows(question)
    if index is not None:
        del rows[index]
        if _store_rows(question, rows, _key(gen, question.id)):
            st.session_state[_key(gen, question.id, "pick")] = None
            if not rows:  # an empty table offers its form again ("Add a row" drawn anew, open)
                st.session_state[_key(gen, question.id, "addfirst")] = True
            editing_key = _key(gen, question.id, "editing")
            editing = st.session_state.get(editing_key)
            if editing == index:
                st.session_state.pop(editing_key, None)
            elif isinstance(editing, int) and editing > index:
                st.session_state[editing_key] = editing - 1


def _on_paste(question: Question, gen: int) -> None:
    paste_key, error_key = _key(gen, question.id, "paste"), _key(gen, question.id)
    text = st.session_state.get(paste_key) or ""
    try:
        pasted = rows_from_pasted(text, [c.id for c in question.columns], [c.label for c in question.columns])
    except AnswerError as exc:
        st.session_state[ERRORS][error_key] = str(exc)
        return
    if not pasted:
        st.session_state[ERRORS][error_key] = "Nothing to add: paste rows copied from a spreadsheet first."
        return
    if _store_rows(question, _saved_rows(question) + pasted, error_key):
        st.session_state[paste_key] = ""


def _fields(question: Question, gen: int, editing: bool) -> None:
    """The row's boxes, two to a line (one under 640 px), in the table's column order."""
    columns = question.columns
    for start in range(0, len(columns), 2):
        for place, column in zip(st.columns(2), columns[start:start + 2]):
            place.text_input(column.label, key=_cell_key(gen, question.id, column.id, editing),
                             max_chars=MAX_ANSWER_CHARS, disabled=read_only())


def _card_labels(question: Question, box: str) -> str:
    """On a phone the table becomes a card a row (PAGE_STYLE): each cell says what it is above it."""
    rules = "".join(f".st-key-{box} td:nth-of-type({n})::before {{ content: {css_literal(column.label)}; }}"
                    for n, column in enumerate(question.columns, start=1))
    return f"<style>@media (max-width: 640px) {{ {rules} }}</style>"


def _rows_shown(question: Question, gen: int, rows: list[dict[str, str]], box: str) -> None:
    """The rows as one table (cards on a phone).

    One element for all the rows, where a card a row cost about 14 (its columns, a caption and a text
    per cell, two buttons): a step with three tables drew 150 elements fewer and changes faster.
    Every cell goes through markdown_literal: st.table renders markdown, a person's text shows as typed.
    """
    frame = pd.DataFrame([[markdown_literal(cell_shown(c, row[c.id])) for c in question.columns] for row in rows],
                         columns=unique_labels([markdown_literal(c.label) for c in question.columns]),
                         index=[str(n) for n in range(1, len(rows) + 1)])
    st.table(frame)
    st.html(_card_labels(question, box))


def _row_picker(question: Question, gen: int, rows: list[dict[str, str]]) -> None:
    """One place to choose a row, and the two things to do with it."""
    with st.container(horizontal=True, vertical_alignment="bottom", key=f"tpick-{gen}-{question.id}"):
        picked = st.selectbox("Row to change or delete", list(range(len(rows))), index=None,
                              placeholder="Choose a row", key=_key(gen, question.id, "pick"),
                              format_func=lambda n: row_name(question.columns, rows[n], n), width=320)
        off = read_only() or picked is None
        st.button("Change this row", key=_key(gen, question.id, "change"), icon=":material/edit:",
                  on_click=_on_edit, args=(question, gen), disabled=off)
        st.button("Delete this row", key=_key(gen, question.id, "delete"), icon=":material/delete:",
                  on_click=_on_delete, args=(question, gen), disabled=off)


def _row_form(question: Question, gen: int, index: int) -> None:
    with st.form(key=_key(gen, question.id, f"editform:{index}"), border=False):
        st.markdown(f"**Change row {index + 1}**")
        _fields(question, gen, editing=True)
        with st.container(horizontal=True):
            st.form_submit_button(f"Save row {index + 1}", type="primary", icon=":material/check:",
                                  on_click=_on_save_row, args=(question, gen, index), disabled=read_only())
            st.form_submit_button("Cancel", on_click=_on_cancel, args=(question, gen))


def _on_change_toggled(question: Question, gen: int) -> None:
    """"Change or delete a row" was closed: a row being changed is left unchanged. (Its boxes are not drawn
    while closed, so Streamlit forgets what they held: reopened with the form, they would come back empty,
    and saving them would empty the row.)"""
    if not st.session_state.get(_key(gen, question.id, "changeopen")):
        _on_cancel(question, gen)


def _on_add_opened(question: Question, gen: int) -> None:
    """"Add a row" was opened: the cursor goes to its first box, ready to type."""
    if st.session_state.get(_key(gen, question.id, "addopen")):
        _focus_again(question, gen)


def render_table(question: Question, label: str, drawing: Drawing) -> str:
    """Draw a table question: "Add a row" with its form, the rows so far, "Change or delete a row" and
    "Paste rows from a spreadsheet".

    Each of the three is drawn only while it is open: a form of four to six boxes, a row box and two
    buttons cost a step change about 20 elements a table, a third of step 4's. "Add a row" is open while
    the table has no rows, and stays as the person leaves it until they move to another step. It comes
    before the rows so that a row added below it never moves the form under the person typing.
    Return the key its messages are shown under.
    """
    gen = drawing.gen
    columns = question.columns
    rows = _saved_rows(question)
    form = f"tform-{gen}-{question.id}"
    st.markdown(f"**{markdown_literal(label)}**")
    if question.help:
        st.caption(markdown_literal(question.help))
    # The default is fixed for the step's visit: the first row added must not close the form under the person.
    opened = st.session_state.setdefault(_key(gen, question.id, "addfirst"), not rows)
    with st.expander("Add a row", key=_key(gen, question.id, "addopen"), expanded=opened, icon=":material/add:",
                     on_change=_on_add_opened, args=(question, gen)) as adding:
        if adding.open:
            with st.container(key=form):
                with st.form(key=_key(gen, question.id, "form"), border=False):
                    _fields(question, gen, editing=False)
                    st.form_submit_button("Add row", type="primary", icon=":material/add:", on_click=_on_add,
                                          args=(question, gen), disabled=read_only())
                # After the form, so its coming never moves the form. Drawn on every run until the next row:
                # the fragment's run that adds a row is often cut short by a whole-page rerun (the progress
                # changed), and an ask drawn only once was lost with it.
                if nonce := st.session_state.get(_key(gen, question.id, "focus")):
                    page_action(nonce=nonce, focus=form)
    box = f"trows-{gen}-{question.id}"
    with st.container(key=box):
        if not rows:
            st.caption("No rows yet.")
        else:
            _rows_shown(question, gen, rows, box)
    if rows:
        editing = st.session_state.get(_key(gen, question.id, "editing"))
        with st.expander("Change or delete a row", key=_key(gen, question.id, "changeopen"),
                         icon=":material/edit:", on_change=_on_change_toggled, args=(question, gen)) as changing:
            if changing.open:
                _row_picker(question, gen, rows)
                if isinstance(editing, int) and 0 <= editing < len(rows):
                    with st.container(border=True, key=f"tedit-{gen}-{question.id}"):
                        _row_form(question, gen, editing)
    if len(rows) < MAX_TABLE_ROWS:
        with st.expander("Paste rows from a spreadsheet", key=_key(gen, question.id, "pasteopen"),
                         icon=":material/content_paste:", on_change="rerun") as paste:
            if not paste.open:  # drawn only when opened: three elements fewer a table on every run of the step
                return _key(gen, question.id)
            with st.form(key=_key(gen, question.id, "pasteform"), border=False):
                st.text_area("Rows copied from Excel or Google Sheets, one row a line, cells in this order: "
                             + ", ".join(c.label for c in columns), key=_key(gen, question.id, "paste"),
                             height=120, max_chars=MAX_ANSWER_CHARS, disabled=read_only())
                st.form_submit_button("Add the pasted rows", icon=":material/content_paste:",
                                      on_click=_on_paste, args=(question, gen), disabled=read_only())
    return _key(gen, question.id)
