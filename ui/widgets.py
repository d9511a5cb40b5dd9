"""Draw one question or one action with the widget its kind calls for, and save on change.

Each widget's key derives from the question or action id (`state.widget_key`). The
key is seeded from the plan before the widget is drawn, and its `on_change`
callback hands the new value to the PlanSession, which checks and saves it.
User text is only ever shown through widgets or `st.text`, never as HTML.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from roadmap.bank import Action, Bank, Question
from roadmap.plan import AnswerError
from roadmap.session import Conflict, answer_key, rating_key
from roadmap.store import PlanLockedError, StoreError
from roadmap.tables import row_as_text
from roadmap.text import MAX_ANSWER_CHARS, MAX_SHORT_CHARS, TextTooLongError, markdown_literal

from .messages import cut_off, not_saved
from .rounds import review_mark
from .state import ERRORS, Drawing, plan_session, store_safe
from .tables import render_table
from .workshop_banner import kept_while_closed, read_only

NOT_CHOSEN = "Not chosen yet"


def _seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _refuse(key: str, message: str, restore: Any) -> None:
    """Show message under the widget and put back the saved value (allowed inside its own callback)."""
    st.session_state[ERRORS][key] = message
    st.session_state[key] = restore


def _save(question_id: str, value: Any, key: str, restore: Any) -> None:
    session = plan_session()
    st.session_state[ERRORS].pop(key, None)
    try:
        session.answer(question_id, value)
    except PlanLockedError:  # closed while this person typed: keep what is in the box
        st.session_state[ERRORS][key] = kept_while_closed(key, ("answer", question_id, value))
    except TextTooLongError as exc:
        _refuse(key, str(exc), restore)
    except AnswerError as exc:
        _refuse(key, f"{exc} It was not saved.", restore)
    except StoreError as exc:
        st.session_state[ERRORS][key] = not_saved(exc)


# Callbacks -------------------------------------------------------------------


def _on_text(question_id: str, key: str, limit: int) -> None:
    value = st.session_state[key] or ""
    saved = plan_session().plan.answers.get(question_id, "")
    refusal = cut_off(value, saved, limit)
    if refusal:
        _refuse(key, refusal, saved)
        return
    _save(question_id, value, key, saved)


def _on_choice(question_id: str, key: str) -> None:
    saved = plan_session().plan.answers.get(question_id)
    _save(question_id, st.session_state[key] or "", key, saved)


def _on_checks(question_id: str, ids: list[str], keys: list[str]) -> None:
    chosen = [i for i, k in zip(ids, keys) if st.session_state.get(k)]
    _save(question_id, chosen, keys[0], st.session_state.get(keys[0]))


def _on_decision(question_id: str, pole_key: str, rationale_key: str) -> None:
    value = {"pole": st.session_state.get(pole_key) or "", "rationale": st.session_state.get(rationale_key) or ""}
    saved = plan_session().plan.answers.get(question_id) or {"pole": "", "rationale": ""}
    session = plan_session()
    st.session_state[ERRORS].pop(rationale_key, None)
    try:
        session.answer(question_id, value)
    except PlanLockedError:
        st.session_state[ERRORS][rationale_key] = kept_while_closed(rationale_key, ("answer", question_id, value))
    except (TextTooLongError, AnswerError) as exc:
        st.session_state[ERRORS][rationale_key] = str(exc)
        st.session_state[pole_key] = saved.get("pole") or None
        st.session_state[rationale_key] = saved.get("rationale", "")
    except StoreError as exc:
        st.session_state[ERRORS][rationale_key] = not_saved(exc)


def apply_editor_changes(base: list[dict[str, str]], changes: dict, columns: list[str]) -> list[dict[str, str]]:
    """Return the rows of a table after the edits st.data_editor reports (edited, added, deleted)."""
    rows = [dict(r) for r in base]
    for index, edits in (changes.get("edited_rows") or {}).items():
        index = int(index)
        if 0 <= index < len(rows):
            rows[index].update({c: "" if v is None else str(v) for c, v in edits.items() if c in columns})
    deleted = {int(i) for i in changes.get("deleted_rows") or []}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    for added in changes.get("added_rows") or []:
        rows.append({c: "" if added.get(c) is None else str(added.get(c)) for c in columns})
    return rows


def _on_rating(action_id: str, level_key: str, note_key: str) -> None:
    session = plan_session()
    saved = session.plan.ratings.get(action_id)
    st.session_state[ERRORS].pop(note_key, None)
    note = st.session_state.get(note_key) or ""
    refusal = cut_off(note, saved.note if saved else "", MAX_ANSWER_CHARS, "This note")
    if refusal:
        _refuse(note_key, refusal, saved.note if saved else "")
        return
    try:
        session.rate(action_id, st.session_state.get(level_key), note)
    except PlanLockedError:
        st.session_state[ERRORS][note_key] = kept_while_closed(
            note_key, ("rate", action_id, st.session_state.get(level_key), note))
    except (TextTooLongError, AnswerError) as exc:
        st.session_state[ERRORS][note_key] = str(exc)
        st.session_state[note_key] = saved.note if saved else ""
    except StoreError as exc:
        st.session_state[ERRORS][note_key] = not_saved(exc)


# Drawing ---------------------------------------------------------------------


def _label(question: Question) -> str:
    """Return the question as a widget label, plain text: screen readers read it as it is."""
    # Not escaped: Streamlit puts a label as it is into the widget's aria-label, so a screen reader would read
    # the backslashes (widget labels render no raw HTML; their markdown is a small subset).
    return f"{question.text} (required)" if question.required else question.text


def _show_error(key: str, errors: dict[str, str] | None = None) -> None:
    message = (st.session_state[ERRORS] if errors is None else errors).get(key)
    if message:
        st.error(message, icon=":material/error:")


def _source_line(bank: Bank, source_id: str) -> None:
    source = bank.sources_by_id.get(source_id)
    if source is not None and not source.own:
        st.caption(markdown_literal(source.label))


def render_question(question: Question, bank: Bank, drawing: Drawing | None = None) -> None:
    """Draw a question's widget, its help and source, and any refusal or conflict under it."""
    drawing = drawing or Drawing.now()
    saved = drawing.session.plan.answers.get(question.id)
    kind = question.kind
    key = drawing.key(question.id)
    error_key = key
    off = read_only()  # the plan's workshop is closed
    if kind in ("text", "short_text"):
        limit = question.max_chars or (MAX_ANSWER_CHARS if kind == "text" else MAX_SHORT_CHARS)
        _seed(key, saved if isinstance(saved, str) else "")
        widget = st.text_area if kind == "text" else st.text_input
        extra = {"height": 160} if kind == "text" else {}
        widget(_label(question), key=key, max_chars=limit, help=None, on_change=_on_text,
               args=(question.id, key, limit), disabled=off, **extra)
    elif kind == "choice":
        ids = [o.id for o in question.options]
        _seed(key, saved if saved in ids else None)
        st.radio(_label(question), ids, index=None, key=key, format_func=question.option_label,
                 on_change=_on_choice, args=(question.id, key), disabled=off)
    elif kind in ("multi_choice", "domains"):
        if kind == "domains":
            items = [(d.id, d.title, d.gist) for d in bank.domains]
        else:
            items = [(o.id, o.label, "") for o in question.options]
        chosen = set(saved or [])
        ids = [i for i, _, _ in items]
        keys = [drawing.key(question.id, i) for i in ids]
        error_key = keys[0]
        st.write(_label(question))
        for (item_id, title, gist), item_key in zip(items, keys):
            _seed(item_key, item_id in chosen)
            st.checkbox(title, key=item_key, help=None, on_change=_on_checks, args=(question.id, ids, keys),
                        disabled=off)
            if gist:
                st.caption(markdown_literal(gist))
    elif kind == "table":
        error_key = render_table(question, _label(question), drawing)
    elif kind == "decision":
        pole_key, rationale_key = drawing.key(question.id, "pole"), drawing.key(question.id, "rationale")
        error_key = rationale_key
        saved = saved if isinstance(saved, dict) else {}
        _seed(pole_key, saved.get("pole") or None)
        _seed(rationale_key, saved.get("rationale", ""))
        st.radio(_label(question), [p.id for p in question.poles], index=None, key=pole_key,
                 format_func=question.option_label, horizontal=True,
                 on_change=_on_decision, args=(question.id, pole_key, rationale_key), disabled=off)
        st.text_area("Why, and which features sit on each side?", key=rationale_key, height=110,
                     max_chars=MAX_ANSWER_CHARS, on_change=_on_decision, args=(question.id, pole_key, rationale_key),
                     disabled=off)
    if question.help and kind != "table":  # a table shows its help above its rows
        st.caption(markdown_literal(question.help))
    _source_line(bank, question.source)
    _show_error(error_key, drawing.errors)
    review_mark(answer_key(question.id), drawing.session)
    conflict = drawing.session.conflicts.get(answer_key(question.id))
    if conflict:
        render_conflict(conflict, question.text)


def render_action(action: Action, bank: Bank, drawing: Drawing | None = None) -> None:
    """Draw one high-impact action: the rubric levels with their descriptors, and an evidence note."""
    drawing = drawing or Drawing.now()
    rating = drawing.session.plan.ratings.get(action.id)
    level_key, note_key = drawing.key(action.id, "level"), drawing.key(action.id, "note")
    _seed(level_key, rating.level if rating and rating.level in bank.levels_by_id else None)
    _seed(note_key, rating.note if rating else "")
    levels = list(bank.levels)
    st.radio(
        f"Readiness: {action.text[0].upper()}{action.text[1:]}", [lv.id for lv in levels],
        index=None, key=level_key, horizontal=True,
        format_func=lambda i: _level_text(bank, i),
        captions=[markdown_literal(lv.descriptor) for lv in levels],
        on_change=_on_rating, args=(action.id, level_key, note_key), disabled=read_only(),
    )
    if action.source != "report":  # the area's actions come from the report unless labelled otherwise
        _source_line(bank, action.source)
    st.text_input("Evidence or note (optional)", key=note_key, max_chars=MAX_ANSWER_CHARS,
                  on_change=_on_rating, args=(action.id, level_key, note_key), disabled=read_only())
    _show_error(note_key, drawing.errors)
    review_mark(rating_key(action.id), drawing.session)
    conflict = drawing.session.conflicts.get(rating_key(action.id))
    if conflict:
        render_conflict(conflict, action.text)


def _level_text(bank: Bank, level_id: str) -> str:
    return bank.level_text(level_id, NOT_CHOSEN)


def value_as_text(value: Any) -> str:
    """An answer of any kind as plain text, to show two versions side by side or an old version."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if hasattr(value, "model_dump"):
        return value_as_text(value.model_dump())
    if isinstance(value, list):
        return "\n".join(value_as_text(v) for v in value)
    return str(value)


def answer_as_text(question: Question | None, value: Any, bank: Bank) -> str:
    """An answer as its question shows it, in plain text: a table's rows with their column names
    ('Row 1: Measure: ... · Target: ...'), a choice's label, a decision's side and rationale."""
    if question is None or value is None:
        return value_as_text(value)
    if question.kind == "table" and isinstance(value, list):
        ids, labels = [c.id for c in question.columns], [c.label for c in question.columns]
        return "\n".join(f"Row {n}: {row_as_text(row, ids, labels)}" for n, row in enumerate(value, start=1)
                         if isinstance(row, dict))
    if question.kind == "choice" and isinstance(value, str):
        return question.option_label(value) if value else ""
    if question.kind == "multi_choice" and isinstance(value, list):
        return "; ".join(question.option_label(v) for v in value)
    if question.kind == "domains" and isinstance(value, list):
        titles = {d.id: d.title for d in bank.domains}
        return "; ".join(titles.get(v, v) for v in value)
    if question.kind == "decision" and isinstance(value, dict):
        pole = value.get("pole") or ""
        side = question.option_label(pole) if pole else "No side chosen"
        return f"{side}\n{value.get('rationale') or ''}".strip()
    return value_as_text(value)


def render_conflict(conflict: Conflict, what: str) -> None:
    """Show both versions of an entry two people changed at once, and let this person choose."""
    when = conflict.at.astimezone().strftime("%H:%M") if conflict.at else "just now"
    by = markdown_literal(conflict.by)
    with st.container(border=True):
        st.warning(f"{by[:1].upper()}{by[1:]} changed this at {when}, after you opened it, so your version was not saved yet. "
                   "Choose which to keep; nothing is lost either way (see Version history on the Review step).",
                   icon=":material/group:")
        mine, theirs = st.columns(2)
        mine.text_area("Your version", value_as_text(conflict.mine), disabled=True, key=f"_c:mine:{conflict.key}")
        theirs.text_area(f"{by}'s version", value_as_text(conflict.theirs), disabled=True,
                         key=f"_c:theirs:{conflict.key}")
        keep, take = st.columns(2)
        keep.button("Keep my version", key=f"_c:keep:{conflict.key}", on_click=_keep_mine, args=(conflict.key,))
        take.button(f"Use {by}'s version", key=f"_c:take:{conflict.key}", on_click=_take_theirs,
                    args=(conflict.key,))


@store_safe
def _keep_mine(key: str) -> None:
    from .state import notify, reseed_widgets

    try:
        plan_session().keep_mine(key)
    except AnswerError as exc:  # e.g. the workshop was closed meanwhile: the plan is read-only
        notify("error", str(exc))
    reseed_widgets()


@store_safe
def _take_theirs(key: str) -> None:
    from .state import reseed_widgets

    plan_session().take_theirs(key)
    reseed_widgets()
