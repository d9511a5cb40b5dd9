"""Who is rating on this device: a member picks their name from the team list (or adds it once), and the
device remembers it in a cookie (a name, not a secret), so a reload keeps it."""

from __future__ import annotations

import json
import urllib.parse

import streamlit as st

from roadmap.plan import District, Member
from roadmap.store import PlanLockedError, StoreError

from .state import plan_session

MEMBER = "team_ratings_member"  # the name this person rates under (kept when the page is left)
COOKIE_NAME = "roadmap_member"
COOKIE_DAYS = 60
_PENDING = "member_cookie_pending"
ADD_ME = "\u2795 Someone else: add my name"


def team_names() -> list[str]:
    """Return the plan's team list (the names on its team step), in order, without blanks or repeats."""
    seen, names = set(), []
    for person in plan_session().plan.district.team:
        name = " ".join(person.name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def remembered() -> str:
    """Return the name this device rated under before (from its cookie), or ''."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (AppTest)
        return ""
    return urllib.parse.unquote(value) if isinstance(value, str) else ""


def choose(name: str) -> None:
    """Rate under name from now on, on this tab and (by cookie) this device."""
    st.session_state[MEMBER] = name
    session = plan_session()
    if session is not None and not session.who:
        session.who = name
    st.session_state[_PENDING] = name


def add_to_team(name: str) -> str | None:
    """Add name to the plan's team list (once) and rate under it; return why not, or None."""
    name = " ".join(name.split())
    if not name:
        return "Type your name first."
    existing = {n.casefold(): n for n in team_names()}
    if name.casefold() in existing:
        choose(existing[name.casefold()])
        return None
    session = plan_session()
    district = session.plan.district
    try:
        session.set_district(District(name=district.name, date=district.date,
                                      team=[*district.team, Member(name=name, role="")]))
    except PlanLockedError as exc:
        return str(exc)
    except (StoreError, ValueError) as exc:
        return f"Your name was not added: {str(exc).splitlines()[0]}"
    choose(name)
    return None


def flush_member_cookie() -> None:
    """Send the chosen name to the browser's cookie (an invisible, same-origin component)."""
    name = st.session_state.pop(_PENDING, None)
    if name is None:
        return
    value = json.dumps(f"{COOKIE_NAME}={urllib.parse.quote(name)}; Max-Age={COOKIE_DAYS * 86400}; Path=/; "
                       "SameSite=Strict")
    st.iframe(f"<script>window.parent.document.cookie = {value};</script>", height=1)
