"""Session-state keys, the cached resources every page uses, and the device cookie.

Answers live in one PlanSession under SESSION, never only in widget keys: Streamlit
forgets the keys of widgets on pages that are not drawn. Widget keys derive from
stable ids (`widget_key`), and are seeded from the plan before a widget is drawn.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
import urllib.parse
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from roadmap.bank import DEFAULT_BANK_PATH, Bank, BankSource, load_bank_text
from roadmap.session import PlanSession
from roadmap.store import DEVICE_TOKEN_DAYS, DatabaseUnavailableError, Store, StoreError, UnknownPlanError
from roadmap.text import clean_text

log = logging.getLogger(__name__)

SESSION = "plan_session"  # the PlanSession this browser tab works on, or absent
STEP = "step"  # 0 = team, 1..N = areas, N + 1 = review
WHO = "who"  # the name this person types, shown in answer history
NOTICE = "notice"  # a one-off message for the next run: (kind, text)
ERRORS = "errors"  # widget key -> plain message about a refused change
DEVICE = "device_token"  # this browser's device token, once issued
COOKIE_PENDING = "cookie_pending"  # ("set", token) or ("clear", "") to send to the browser
WIDGET_GEN = "widget_gen"  # bumped to make every widget reseed from the plan
PAGE_ASK = "_page_ask"  # (nonce, asks): the newest page_action asked for, drawn on every run (page_scripts)
SCROLL_TOP = "scroll_top"  # set when the step changes: the next run scrolls the page back to the top
BANK_PATH_ENV = "ROADMAP_BANK"
MAX_NAME_CHARS = 80
COOKIE_NAME = "roadmap_device"
NAME_COOKIE = "roadmap_name"  # the name this device's person gave, for the history (never a code)
NAME_PENDING = "name_cookie_pending"  # the name to remember in the browser on the next run
NAME_ASKED = "name_asked"  # this tab has asked for a name (answered or skipped): do not ask again
COOKIE_DAYS = DEVICE_TOKEN_DAYS  # renewed on each return, as the server's record of the token is


@st.cache_resource
def bank_source(path: str) -> BankSource:
    return BankSource(path)


@st.cache_resource
def _store(url: str | None, data_dir: str | None) -> Store:
    return Store(url)


def store() -> Store:
    """Return the one Store (and its connection pool) shared by every session of this server."""
    return _store(os.environ.get("DATABASE_URL"), os.environ.get("ROADMAP_DATA_DIR"))


def current_bank() -> Bank:
    """Return the bank to use, showing what is wrong with the file if it is broken.

    Stops the page with a plain message when no good bank has ever loaded.
    """
    path = os.environ.get(BANK_PATH_ENV) or str(DEFAULT_BANK_PATH)
    bank, problems = bank_source(path).current()
    if problems:
        lines = "\n".join(f"- {p}" for p in problems[:10])
        if bank is None:
            st.error(f"The question bank cannot be used, so the planner cannot start. Fix these and reload:\n\n{lines}")
            st.stop()
        st.warning(f"The question bank file has problems, so the planner keeps using the last good version:\n\n{lines}")
    return bank


def init_state() -> None:
    st.session_state.setdefault(STEP, 0)
    if WHO not in st.session_state:
        st.session_state[WHO] = name_from_browser()
    st.session_state.setdefault(ERRORS, {})
    st.session_state.setdefault(WIDGET_GEN, 0)


def plan_session() -> PlanSession | None:
    return st.session_state.get(SESSION)


def widget_key(item_id: str, part: str = "", gen: int | None = None) -> str:
    """Return the widget key for a question or action id (and a part such as 'note')."""
    if gen is None:
        gen = st.session_state.get(WIDGET_GEN, 0)
    return f"_w{gen}:{item_id}:{part}" if part else f"_w{gen}:{item_id}"


@dataclass(frozen=True)
class Drawing:
    """What every widget of a page needs from session state, read once per run: each read of
    st.session_state goes through Streamlit's locks and lookups (about 6 microseconds), and a step
    with 40 widgets read it a hundred times more than a bare page."""

    session: PlanSession
    gen: int
    errors: dict[str, str]

    @classmethod
    def now(cls) -> "Drawing":
        state = st.session_state
        return cls(state[SESSION], state.get(WIDGET_GEN, 0), state[ERRORS])

    def key(self, item_id: str, part: str = "") -> str:
        return widget_key(item_id, part, self.gen)


def reseed_widgets() -> None:
    """Make every widget take its value from the plan again (after a refresh or a plan switch)."""
    st.session_state[WIDGET_GEN] = st.session_state.get(WIDGET_GEN, 0) + 1
    st.session_state[ERRORS] = {}


def notify(kind: str, text: str) -> None:
    st.session_state[NOTICE] = (kind, text)


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        kind, text = notice
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(text)


# Database problems ------------------------------------------------------------

DATABASE_DOWN = "The database did not answer. Everything saved before is safe; try again in a moment."
PLAN_GONE = ("This plan is no longer stored; someone may have deleted it from another device. What is on this "
             "device is still here: download the plan file from the Review step and open it again to store it anew.")


def store_problem(exc: StoreError) -> str:
    """The plain words for a database problem, for the person at the page."""
    log.warning("database problem shown to a user: %s", exc)
    if isinstance(exc, DatabaseUnavailableError):
        return DATABASE_DOWN
    if isinstance(exc, UnknownPlanError):
        return PLAN_GONE
    return str(exc).splitlines()[0] if str(exc) else DATABASE_DOWN


def store_safe(callback: Callable) -> Callable:
    """Wrap a widget callback so a database problem becomes a message on the page, never a traceback
    (Streamlit runs callbacks before the page, outside any try the page could have)."""
    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except StoreError as exc:
            notify("error", store_problem(exc))
    return guarded


# The device cookie -----------------------------------------------------------
# The browser keeps a random device token (never the resume code) so a refresh or
# a server restart brings the team back to its plan. Streamlit can read cookies
# (st.context.cookies) but not set them; a same-origin component iframe can.


# Who is asking ----------------------------------------------------------------


def client() -> str:
    """The address wrong codes and sign-ins are counted under: the connection's own, or behind a proxy
    the operator trusts (ROADMAP_TRUSTED_PROXIES) the client's as that proxy reports it."""
    from roadmap.guard import client_address

    headers = st.context.headers
    return client_address(st.context.ip_address, headers.get("X-Forwarded-For") if headers else None)


# Table editors ---------------------------------------------------------------


def bounded_editor(key: str, max_rows: int, what: str) -> str | None:
    """Drop a table editor's pending edits when they hold more rows than max_rows; return the message to show.

    Call before drawing the editor. st.data_editor applies each added row to its table one at a time,
    so an edit of thousands of rows (easy to send by hand) would keep the server busy for minutes;
    this looks only at the size of the edit, so refusing it costs nothing.
    """
    state = st.session_state.get(key)
    if not isinstance(state, dict):
        return None
    sizes = [len(state.get(part) or ()) for part in ("added_rows", "edited_rows", "deleted_rows")]
    if max(sizes, default=0) <= max_rows:
        return None
    del st.session_state[key]
    return f"{what} can have at most {max_rows} rows. The rows just added were not kept."


def name_from_browser() -> str:
    """Return the name this device remembers for its person, or ''."""
    try:
        value = st.context.cookies.get(NAME_COOKIE)
    except Exception:  # no browser behind this session (AppTest, bare mode)
        return ""
    return clean_text(urllib.parse.unquote(value))[:MAX_NAME_CHARS].strip() if isinstance(value, str) else ""


def set_who(name: str) -> None:
    """Use name for this person's changes from now on, and remember it on this device."""
    name = clean_text(name or "")[:MAX_NAME_CHARS].strip()
    st.session_state[WHO] = name
    st.session_state[NAME_ASKED] = True
    st.session_state[NAME_PENDING] = name
    session = plan_session()
    if session is not None:
        session.who = name


def device_token_from_browser() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and value else None


def remember_device(token: str) -> None:
    st.session_state[DEVICE] = token
    st.session_state[COOKIE_PENDING] = ("set", token)


def forget_device() -> None:
    st.session_state.pop(DEVICE, None)
    st.session_state[COOKIE_PENDING] = ("clear", "")


def _cookie_asked() -> str:
    pending = st.session_state.pop(COOKIE_PENDING, None)
    if not pending:
        return ""
    action, token = pending
    age = COOKIE_DAYS * 86400 if action == "set" else 0
    # The page adds Secure whenever it came over HTTPS, so the token never travels in the clear. (Page
    # script cannot set HttpOnly; see the README's Reliability section.)
    return f"{COOKIE_NAME}={token}; Max-Age={age}; Path=/; SameSite=Strict"


def flush_cookie() -> None:
    """Send a pending cookie change to the browser. Call it last on a page (see page_scripts)."""
    page_scripts(scroll=False)


def _merged_cookies(older: str, newer: str) -> str:
    """Cookie lines ("name=value; ...", one a line) of both, the newer line of each cookie name kept."""
    lines: dict[str, str] = {}
    for line in older.splitlines() + newer.splitlines():
        if line:
            lines[line.split("=", 1)[0]] = line
    return "\n".join(lines.values())


def page_scripts(cookie: bool = True, scroll: bool = True) -> None:
    """Carry out what the page has pending in the browser: set or clear the device cookie, scroll to the
    top after a step change (folding the sidebar on a phone). See ui.style.page_action.

    Call it last on a page: an element that comes and goes before others shifts their places, and
    Streamlit then redraws them, dropping the focus of whatever the person was using (a rating chosen
    with the arrow keys lost its focus this way). Nothing here is an iframe for Tab to stop on.
    """
    from .style import page_action

    asks = {}
    if cookie:
        cookies = [value] if (value := _cookie_asked()) else []
        if NAME_PENDING in st.session_state:
            name = urllib.parse.quote(st.session_state.pop(NAME_PENDING), safe="")
            cookies.append(f"{NAME_COOKIE}={name}; Max-Age={365 * 86400 if name else 0}; Path=/; SameSite=Strict")
        if cookies:
            asks["cookie"] = "\n".join(cookies)
    if scroll and st.session_state.pop(SCROLL_TOP, False):
        asks["scroll"] = "1"
    if asks:
        # Cookies of the previous ask go along (setting a cookie again is harmless; the newest value of each
        # name wins): that ask may never have reached the browser. A scroll is never repeated.
        _, before = st.session_state.get(PAGE_ASK, ("", {}))
        if before.get("cookie"):
            asks["cookie"] = _merged_cookies(before["cookie"], asks.get("cookie", ""))
        st.session_state[PAGE_ASK] = (secrets.token_hex(8), asks)
    # The newest ask is drawn on every run, not only the one that made it: a run cut short by the next
    # (a click during it, or a fragment's whole-page rerun) never reaches the screen, and a cookie asked
    # for only there was lost. The browser carries out each nonce once.
    if PAGE_ASK in st.session_state:
        nonce, pending = st.session_state[PAGE_ASK]
        page_action(nonce=nonce, **pending)


# A workshop's own question bank -----------------------------------------------


@st.cache_data(max_entries=50, show_spinner=False)
def _parsed_bank(digest: str, _text: str) -> Bank:
    return load_bank_text(_text, "the workshop's question bank")


def bank_for_plan(plan_id: str | None, default: Bank) -> Bank:
    """Return the question bank of the workshop plan_id belongs to, when it has its own; else default.

    Parsed once per bank text (keyed by its SHA-256) for every session of the server.
    """
    text = store().workshop_bank_text(plan_id) if plan_id else None
    if text is None:
        return default
    return _parsed_bank(hashlib.sha256(text.encode("utf-8")).hexdigest(), text)
