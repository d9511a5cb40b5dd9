"""A light Streamlit client: speaks the server's websocket protocol, draws nothing.

Used by the room bench so its figures measure the server, not 30 browsers drawing
on the server's own cores. It does what the browser's frontend does on the wire:

- gets the `_streamlit_xsrf` cookie from `/_stcore/health`, then opens
  `/_stcore/stream` with the subprotocols ["streamlit", token] and an Origin;
- asks for each run with a `rerun_script` BackMsg carrying the current page's
  hash and the state of every widget shown (the changed one included; a button
  click is a trigger that is true for that one run);
- collects the run's elements from the ForwardMsg deltas until `script_finished`;
- asks for a deferred download (`st.download_button` with a callable) with a
  backend operation request, then fetches the file over HTTP.

It claims no cached messages, so the server never sends `ref_hash` references.
It does not run scripts in iframes (so sets no device cookie), does not answer
data editors, radios or select boxes (the server keeps their last values), and
has no reconnection logic: a dropped connection fails the call.

    page = await client.open()              # first run
    page = await client.type("District name", "Springfield")
    page = await client.click("Start the plan")
"""

from __future__ import annotations

import asyncio
import itertools
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Iterator

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
MAIN, SIDEBAR = 0, 1  # the first number of a delta path: which root container the element is in
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
TEXT_KINDS = {"markdown": "body", "text": "body", "heading": "body", "alert": "body", "code": "code_text"}
# HTTP requests (the cookie, the downloads) run in threads; enough that ten downloads do not queue.
_http = ThreadPoolExecutor(max_workers=32, thread_name_prefix="st-client-http")
_request_ids = itertools.count(1)


class ClientError(RuntimeError):
    """The server did something this client cannot follow (an error run, a missing widget)."""


@dataclass
class Page:
    """The elements of one finished run, in page order, with helpers to find them."""

    elements: list[tuple[tuple[int, ...], object]] = field(default_factory=list)  # (delta path, Element)
    page_script_hash: str = ""
    status: int = ForwardMsg.FINISHED_SUCCESSFULLY

    def widgets(self, sidebar: bool | None = None) -> Iterator[tuple[str, object]]:
        """Yield (kind, proto) for each widget, e.g. ("text_area", TextArea)."""
        for path, element in self.elements:
            if sidebar is not None and (path[0] == SIDEBAR) != sidebar:
                continue
            kind = element.WhichOneof("type")
            proto = getattr(element, kind)
            if getattr(proto, "id", ""):
                yield kind, proto

    def widget(self, label: str, kind: str | None = None, sidebar: bool | None = None):
        """Return the first widget whose label starts with label (and of kind, if given)."""
        for found_kind, proto in self.widgets(sidebar):
            if (kind is None or found_kind == kind) and getattr(proto, "label", "").startswith(label):
                return proto
        raise ClientError(f"no widget labelled {label!r} on the page; labels: {self.labels()[:40]}")

    def labels(self, kind: str | None = None, sidebar: bool | None = None) -> list[str]:
        return [getattr(p, "label", "") for k, p in self.widgets(sidebar) if kind is None or k == kind]

    def texts(self, sidebar: bool | None = None) -> list[str]:
        """Return the body of every text element (markdown, captions, headings, alerts, st.text)."""
        found = []
        for path, element in self.elements:
            if sidebar is not None and (path[0] == SIDEBAR) != sidebar:
                continue
            kind = element.WhichOneof("type")
            if kind in TEXT_KINDS:
                found.append(getattr(getattr(element, kind), TEXT_KINDS[kind]))
        return found

    def exceptions(self) -> list[str]:
        return [f"{e.exception.type}: {e.exception.message}" for _, e in self.elements
                if e.WhichOneof("type") == "exception"]


def _widget_state(kind: str, proto) -> WidgetState | None:
    """Return the state the frontend would hold for a widget it has just drawn, or None for none.

    Buttons hold nothing between runs (a click is a one-run trigger). Kinds not listed here
    are left out: the server then keeps their last value, which is what a user who does not
    touch them would send.
    """
    state = WidgetState(id=proto.id)
    if kind in ("text_area", "text_input"):
        state.string_value = proto.value if proto.set_value else proto.default
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind == "date_input":
        state.string_array_value.data[:] = list(proto.value if proto.set_value else proto.default)
    else:
        return None
    return state


def _http_get(url: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read(), dict(response.headers.items())


class StClient:
    """One browser tab's worth of Streamlit session, over one websocket."""

    def __init__(self, base_url: str, timeout: float = 120.0, headers: dict[str, str] | None = None):
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})  # sent with the websocket's opening request (X-Forwarded-For, say)
        self.timeout = timeout
        self.session_id = ""
        self.page = Page()
        self._values: dict[str, WidgetState] = {}  # widget id -> the value this "browser" holds
        self._page_hash = ""
        self._building: dict[tuple[int, ...], object] = {}
        self._run_done: asyncio.Future | None = None
        self._operations: dict[str, asyncio.Future] = {}
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._xsrf = ""

    # Connection ---------------------------------------------------------------

    async def open(self, query_string: str = "") -> Page:
        """Connect and ask for the first run, as a browser opening the app does; return the page."""
        loop = asyncio.get_running_loop()
        _, headers = await loop.run_in_executor(_http, _http_get, f"{self.base_url}/_stcore/health")
        cookie = SimpleCookie()
        for name, value in headers.items():
            if name.lower() == "set-cookie":
                cookie.load(value)
        self._xsrf = cookie[XSRF_COOKIE].value if XSRF_COOKIE in cookie else ""
        ws_url = "ws" + self.base_url[len("http"):] + "/_stcore/stream"
        self._socket = await connect(
            ws_url, subprotocols=["streamlit", self._xsrf] if self._xsrf else ["streamlit"],
            origin=self.base_url,
            additional_headers={**self.headers, **({"Cookie": f"{XSRF_COOKIE}={self._xsrf}"} if self._xsrf else {})},
            max_size=None, compression=None, open_timeout=self.timeout)
        self._reader = asyncio.create_task(self._read(), name="st-client-read")
        return await self.rerun(query_string=query_string)

    async def close(self) -> None:
        """Close the websocket, as closing a tab does (the server keeps the session for its TTL)."""
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            try:
                await self._reader
            except Exception:  # the reader's error was already given to whoever waited
                pass

    async def __aenter__(self) -> "StClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # Runs ---------------------------------------------------------------------

    async def rerun(self, changes: dict[str, WidgetState] | None = None, query_string: str = "") -> Page:
        """Send one rerun with every shown widget's state (changes applied) and return the finished page.

        A change whose state is a trigger is sent for this run only.
        """
        states = dict(self._values)
        for widget_id, state in (changes or {}).items():
            states[widget_id] = state
            if state.WhichOneof("value") not in ("trigger_value", "json_trigger_value", "string_trigger_value"):
                self._values[widget_id] = state
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = query_string
        rerun.page_script_hash = self._page_hash
        rerun.widget_states.widgets.extend(states.values())
        rerun.context_info.timezone = "UTC"
        rerun.context_info.timezone_offset = 0
        rerun.context_info.locale = "en-GB"
        rerun.context_info.url = f"{self.base_url}/"
        rerun.context_info.is_embedded = False
        rerun.context_info.color_scheme = "light"
        self._run_done = asyncio.get_running_loop().create_future()
        await self._socket.send(message.SerializeToString())
        page = await asyncio.wait_for(self._run_done, self.timeout)
        if page.status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR or page.exceptions():
            raise ClientError(f"the run failed: {page.exceptions() or 'compile error'}")
        return page

    async def type(self, label: str, value: str, sidebar: bool | None = None, rerun: bool = True) -> Page | None:
        """Set a text box (labelled label) to value and, unless rerun is False, rerun as leaving it does."""
        proto = self.page.widget(label, sidebar=sidebar)
        state = WidgetState(id=proto.id, string_value=value)
        if not rerun:  # a box inside a form: held until the form is submitted
            self._values[proto.id] = state
            return None
        return await self.rerun({proto.id: state})

    async def click(self, label: str, sidebar: bool | None = None) -> Page:
        """Click the button whose label starts with label: a trigger true for one run."""
        proto = self.page.widget(label, kind="button", sidebar=sidebar)
        return await self.rerun({proto.id: WidgetState(id=proto.id, trigger_value=True)})

    async def download(self, label: str) -> tuple[bytes, float]:
        """Click a download button and return the file's bytes and the seconds it took.

        A deferred download (a callable `data=`) is asked for with a backend operation
        request; the server runs the callable and answers with a media URL to fetch.
        """
        proto = self.page.widget(label, kind="download_button")
        began = time.perf_counter()
        url = proto.url
        if proto.deferred_file_id:
            request_id = f"op-{next(_request_ids)}"
            message = BackMsg()
            message.backend_operation_request.request_id = request_id
            message.backend_operation_request.session_id = self.session_id
            message.backend_operation_request.deferred_file.file_id = proto.deferred_file_id
            answer = asyncio.get_running_loop().create_future()
            self._operations[request_id] = answer
            await self._socket.send(message.SerializeToString())
            response = await asyncio.wait_for(answer, self.timeout)
            if response.error_msg:
                raise ClientError(f"the download failed: {response.error_msg}")
            url = response.deferred_file.url
        if not url.startswith("http"):
            url = self.base_url + (url if url.startswith("/") else "/" + url)
        body, _ = await asyncio.get_running_loop().run_in_executor(_http, _http_get, url)
        return body, time.perf_counter() - began

    # Reading ------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for raw in self._socket:
                message = ForwardMsg()
                message.ParseFromString(raw)
                self._handle(message)
        except Exception as exc:
            self._fail(exc)
            raise
        self._fail(ConnectionError("the server closed the connection"))

    def _fail(self, exc: BaseException) -> None:
        for waiting in [self._run_done, *self._operations.values()]:
            if waiting is not None and not waiting.done():
                waiting.set_exception(exc)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":  # a run starts: its elements replace the last run's
            self._building = {}
            self._page_hash = message.new_session.page_script_hash
            if message.new_session.initialize.session_id:
                self.session_id = message.new_session.initialize.session_id
        elif kind == "delta":
            delta = message.delta
            if delta.WhichOneof("type") == "new_element":
                self._building[tuple(message.metadata.delta_path)] = delta.new_element
        elif kind == "script_finished":
            if message.script_finished in FINISHED:
                self._finish(message.script_finished)
        elif kind == "backend_operation_response":
            waiting = self._operations.pop(message.backend_operation_response.request_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(message.backend_operation_response)
        elif kind == "ref_hash":  # never expected: this client claims no cached messages
            self._fail(ClientError("the server sent a cached-message reference"))
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            error = message.session_event.script_compilation_exception
            self._fail(ClientError(f"the script failed: {error.type}: {error.message}"))
        # Everything else (session status, page config, navigation, heartbeats) needs no answer.

    def _finish(self, status: int) -> None:
        elements = sorted(self._building.items())
        self.page = Page(elements, self._page_hash, status)
        shown = {}
        for kind, proto in self.page.widgets():
            state = _widget_state(kind, proto)
            if state is None:
                continue
            held = self._values.get(proto.id)
            shown[proto.id] = state if proto.set_value or held is None else held
        self._values = shown  # the frontend drops the state of widgets no longer shown
        if self._run_done is not None and not self._run_done.done():
            self._run_done.set_result(self.page)
