"""The question bank: questions.yaml loaded, checked and turned into frozen models.

Loading never raises a bare YAML or pydantic error: every problem becomes a
`BankProblem` naming the file, the line and the dotted key path, collected in a
`BankError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .text import excerpt

DEFAULT_BANK_PATH = Path(__file__).resolve().parent.parent / "questions.yaml"

QUESTION_KINDS = ("text", "short_text", "choice", "multi_choice", "table", "decision", "domains")
QuestionKind = Literal["text", "short_text", "choice", "multi_choice", "table", "decision", "domains"]

_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_ID_RULE = "must be lower-case letters, digits and hyphens, starting with a letter or digit"
#: The biggest bank file check-bank will read; a real bank is a few dozen kilobytes.
MAX_BANK_BYTES = 2_000_000
#: The most YAML nodes (keys, values, list items) a bank may hold. The planner's own bank has about
#: 750; a bank of 10,000 loads in about half a second, so no bank can keep a server busy for long.
MAX_BANK_NODES = 10_000
#: The most problems one check reports; a file with more is probably not a question bank at all.
MAX_BANK_PROBLEMS = 50


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _nonempty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


class Choice(_Model):
    """One option of a choice, a column of a table, or a pole of a decision."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    _label_nonempty = field_validator("label")(_nonempty)


ColumnType = Literal["text", "number"]
COLUMN_TYPES = ("text", "number")


class Column(Choice):
    """A column of a table question. `type: number` columns hold numbers, so totals can be computed."""

    type: ColumnType = "text"


class Source(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    citation: str
    own: bool = False


class Level(_Model):
    """A readiness level. `value` None means the level is left out of the score."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    descriptor: str
    value: int | None = Field(default=None, ge=0)


class Domain(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    title: str
    gist: str


class Action(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    text: str
    source: str
    _text_nonempty = field_validator("text")(_nonempty)


class Question(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    text: str
    kind: QuestionKind
    source: str
    help: str | None = None
    required: bool = False
    in_summary: bool = False
    max_chars: int | None = Field(default=None, ge=1)
    options: tuple[Choice, ...] | None = None
    columns: tuple[Column, ...] | None = None
    poles: tuple[Choice, ...] | None = None

    _text_nonempty = field_validator("text")(_nonempty)

    @model_validator(mode="after")
    def _fits_its_kind(self) -> "Question":
        needs = {"choice": "options", "multi_choice": "options", "table": "columns", "decision": "poles"}
        wanted = needs.get(self.kind)
        for key in ("options", "columns", "poles"):
            present = getattr(self, key) is not None
            if key == wanted and not present:
                raise ValueError(f"a {self.kind} question needs `{key}`")
            if key != wanted and present:
                raise ValueError(f"`{key}` does not belong on a {self.kind} question")
        if wanted:
            items = getattr(self, wanted)
            if self.kind == "decision" and len(items) != 2:
                raise ValueError("a decision needs exactly two poles")
            if len(items) < 1:
                raise ValueError(f"`{wanted}` must not be empty")
            ids = [item.id for item in items]
            if dupes := sorted({i for i in ids if ids.count(i) > 1}):
                raise ValueError(f"`{wanted}` ids used twice: {', '.join(dupes)}")
        if self.max_chars is not None and self.kind not in ("text", "short_text"):
            raise ValueError("`max_chars` only applies to text and short_text questions")
        return self

    def column(self, column_id: str) -> Column | None:
        """Return the table column with that id, or None."""
        return next((c for c in self.columns or () if c.id == column_id), None)

    def option_label(self, option_id: str) -> str:
        """Return the label of an option or pole id, or the id itself if the bank no longer has it."""
        for item in (self.options or ()) + (self.poles or ()):
            if item.id == option_id:
                return item.label
        return option_id


class Area(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    title: str
    summary: str
    actions: tuple[Action, ...] = ()
    questions: tuple[Question, ...] = ()

    _title_nonempty = field_validator("title")(_nonempty)


class Bank(_Model):
    title: str = "Teacher Leadership Roadmap"
    sources: tuple[Source, ...]
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...] = ()
    areas: tuple[Area, ...]

    @model_validator(mode="after")
    def _consistent(self) -> "Bank":
        if not self.areas:
            raise ValueError("a bank needs at least one area")
        ids = [a.id for a in self.areas]
        ids += [x.id for a in self.areas for x in (*a.actions, *a.questions)]
        if dupes := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"ids used twice: {', '.join(dupes)}")
        for group, items in (("levels", self.levels), ("domains", self.domains), ("sources", self.sources)):
            gids = [x.id for x in items]
            if dupes := sorted({i for i in gids if gids.count(i) > 1}):
                raise ValueError(f"{group} ids used twice: {', '.join(dupes)}")
        scored = [lv.value for lv in self.levels if lv.value is not None]
        if len(scored) < 2:
            raise ValueError("levels need at least two scored levels (with a `value`)")
        if scored != sorted(set(scored)):
            raise ValueError("scored levels must be listed from lowest to highest value, each value once")
        if len(self.levels) - len(scored) > 1:
            raise ValueError("at most one level may be left out of the score (no `value`)")
        known_sources = {s.id for s in self.sources}
        for area in self.areas:
            for item in (*area.actions, *area.questions):
                if item.source not in known_sources:
                    raise ValueError(
                        f"source of {item.id}: `{item.source}` is not one of the bank's sources "
                        f"({', '.join(sorted(known_sources))})"
                    )
            for q in area.questions:
                if q.kind == "domains" and not self.domains:
                    raise ValueError(f"{q.id}: a domains question needs the bank's `domains` list")
        return self

    # Lookups. The bank is frozen, so these are computed once per instance.
    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for a in self.areas for q in a.questions}

    @cached_property
    def actions(self) -> dict[str, Action]:
        return {x.id: x for a in self.areas for x in a.actions}

    @cached_property
    def levels_by_id(self) -> dict[str, Level]:
        return {lv.id: lv for lv in self.levels}

    def level_text(self, level_id: str | None, unrated: str) -> str:
        """A rating as a reader sees it: '3 · Developing', 'Not applicable', or unrated when there is none."""
        if not level_id:
            return unrated
        level = self.levels_by_id.get(level_id)
        if level is None:
            return f"{level_id} (not a level of this question bank)"
        return level.label if level.value is None else f"{level.value} \u00b7 {level.label}"

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def domains_by_id(self) -> dict[str, Domain]:
        return {d.id: d for d in self.domains}

    @property
    def top_value(self) -> int:
        return max(lv.value for lv in self.levels if lv.value is not None)

    def area_of(self, item_id: str) -> Area | None:
        """Return the area holding a question or action id, or None."""
        for area in self.areas:
            if any(x.id == item_id for x in (*area.actions, *area.questions)):
                return area
        return None

    def summary_line(self) -> str:
        n_q = len(self.questions)
        n_a = len(self.actions)
        return f"{len(self.areas)} areas, {n_a} actions, {n_q} questions"


# Loading -------------------------------------------------------------------


@dataclass(frozen=True)
class BankProblem:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} line {self.line}"
        return f"{where}, {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class BankError(Exception):
    """A bank that cannot be used; `problems` holds one entry per mistake."""

    def __init__(self, problems: list[BankProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class _RefusedYAML(yaml.MarkedYAMLError):
    """YAML that may be valid but is refused in a bank: anchors and aliases, or too many values."""


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key given twice in one mapping, anchors and aliases, and huge files.

    Aliases (`*name`) let a few hundred bytes stand for billions of values (the "billion laughs"):
    a bank never needs them, so they are refused before anything is built. So is a bank of more
    than MAX_BANK_NODES values, which would only keep the server busy.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _RefusedYAML(
                problem="anchors and aliases (`&name`, `*name`) are not allowed in a question bank; "
                        "write each value out in full",
                problem_mark=event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_BANK_NODES:
            raise _RefusedYAML(
                problem=f"has more than {MAX_BANK_NODES:,} values; a question bank is far smaller",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKeyError(
                    problem=f"key `{key}` is given twice (first on line {seen[key] + 1})",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_of(root: yaml.Node | None, loc: tuple) -> int | None:
    """Walk composed YAML nodes along a pydantic error location; return a 1-based line."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
            if nxt is None:
                key_node = next((k for k, _ in node.value if k.value == part), None)
                return key_node.start_mark.line + 1 if key_node is not None else line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


_FRIENDLY = {
    "missing": "is required but missing",
    "extra_forbidden": "is not a known key (check the spelling)",
    "literal_error": None,
}


def _message(err: dict) -> str:
    kind = err["type"]
    if kind == "literal_error" and err["loc"] and err["loc"][-1] == "type":
        return f"must be one of {', '.join(COLUMN_TYPES)} (got `{excerpt(err.get('input'))}`)"
    if kind == "literal_error":
        return f"must be one of {', '.join(QUESTION_KINDS)} (got `{excerpt(err.get('input'))}`)"
    if kind == "string_pattern_mismatch":
        return f"{_ID_RULE} (got `{excerpt(err.get('input'))}`)"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in ("tuple_type", "list_type"):
        return "must be a list"
    if kind == "model_type" or kind == "model_attributes_type":
        return "must be a mapping of keys to values"
    if kind == "string_type":
        return "must be text"
    return _FRIENDLY.get(kind) or str(err["msg"])


def _compose(text: str) -> tuple[object, yaml.Node | None]:
    """Return (data, root node) of YAML text, parsed once by the strict loader."""
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return data, root


def load_bank_text(text: str, name: str = "questions.yaml") -> Bank:
    """Return the Bank described by YAML `text`; raise BankError naming `name` and lines.

    Bounded whatever the text holds: at most MAX_BANK_NODES values are read, aliases are refused,
    every message quotes at most a short excerpt of the file, and at most MAX_BANK_PROBLEMS
    problems are listed.
    """
    if len(text) > MAX_BANK_BYTES:
        raise BankError([BankProblem(name, None, "", f"is larger than {MAX_BANK_BYTES // 1_000_000} MB; is it the right file?")])
    try:
        data, root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = excerpt(exc.problem or str(exc), 300)
        if isinstance(exc, _RefusedYAML):
            raise BankError([BankProblem(name, line, "", detail)]) from None
        raise BankError([BankProblem(name, line, "", f"not valid YAML: {detail}")]) from None
    except yaml.YAMLError as exc:
        raise BankError([BankProblem(name, None, "", f"not valid YAML: {excerpt(str(exc), 300)}")]) from None
    except RecursionError:
        raise BankError([BankProblem(name, None, "", "is nested too deeply to be a question bank")]) from None
    if not isinstance(data, dict):
        raise BankError([BankProblem(name, 1, "", "must be a mapping with `levels` and `areas` at the top")])
    located = _locate_reference_problems(data, root, name)
    try:
        bank = Bank.model_validate(data)
    except ValidationError as exc:
        problems = list(located)
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
            message = _message(err)
            if located and not loc and message.startswith(_LOCATED_PREFIXES):
                continue  # already reported above, with its own line
            problems.append(BankProblem(name, _line_of(root, loc), _dotted(loc), excerpt(message, 300)))
        raise BankError(_capped(problems)) from None
    return bank


def _capped(problems: list[BankProblem]) -> list[BankProblem]:
    """Return at most MAX_BANK_PROBLEMS problems, the last saying how many more there were."""
    if len(problems) <= MAX_BANK_PROBLEMS:
        return problems
    first = problems[:MAX_BANK_PROBLEMS]
    more = len(problems) - MAX_BANK_PROBLEMS
    return first + [BankProblem(first[0].file, None, "", f"and {more:,} more problems (fix these first)")]


_LOCATED_PREFIXES = ("ids used twice", "source of ")


def _locate_reference_problems(data: dict, root: yaml.Node, name: str) -> list[BankProblem]:
    """Return duplicate ids and unknown sources with the line of the offending entry.

    Bank's own validator finds the same mistakes, but without a line to point at.
    """
    problems: list[BankProblem] = []
    areas = data.get("areas")
    sources = data.get("sources")
    known = {s.get("id") for s in sources if isinstance(s, dict)} if isinstance(sources, list) else None
    if not isinstance(areas, list):
        return problems
    seen: dict[str, str] = {}

    def visit(item: object, loc: tuple) -> None:
        if not isinstance(item, dict):
            return
        ident = item.get("id")
        if isinstance(ident, str):
            if ident in seen:
                problems.append(BankProblem(name, _line_of(root, loc + ("id",)), _dotted(loc + ("id",)),
                                            f"id `{excerpt(ident)}` is already used at {seen[ident]}"))
            else:
                seen[ident] = _dotted(loc)
        source = item.get("source")
        if known is not None and loc[-2:-1] != ("areas",) and isinstance(source, str) and source not in known:
            problems.append(BankProblem(name, _line_of(root, loc + ("source",)), _dotted(loc + ("source",)),
                                        excerpt(f"`{excerpt(source)}` is not one of the bank's sources "
                                                f"({', '.join(sorted(map(str, known)))})", 300)))

    for i, area in enumerate(areas):
        visit(area, ("areas", i))
        if isinstance(area, dict):
            for group in ("actions", "questions"):
                if isinstance(area.get(group), list):
                    for j, item in enumerate(area[group]):
                        visit(item, ("areas", i, group, j))
    return problems


def load_bank(path: str | Path = DEFAULT_BANK_PATH) -> Bank:
    """Return the Bank in the file at `path`; raise BankError if it is missing or wrong."""
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_BANK_BYTES:
            raise BankError([BankProblem(name, None, "", f"is larger than {MAX_BANK_BYTES // 1_000_000} MB; is it the right file?")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BankError([BankProblem(str(path), None, "", "file not found")]) from None
    except IsADirectoryError:
        raise BankError([BankProblem(str(path), None, "", "is a folder, not a file")]) from None
    except UnicodeDecodeError:
        raise BankError([BankProblem(name, None, "", "is not UTF-8 text")]) from None
    except OSError as exc:
        raise BankError([BankProblem(str(path), None, "", f"cannot be read ({exc.strerror})")]) from None
    return load_bank_text(text, name)


class BankSource:
    """The bank in one file, reloaded when the file changes, keeping the last good one.

    `current()` returns (bank, problems): the newest bank that loaded, and the
    problems of the file as it is now (empty when it is fine). A server keeps
    serving the last good bank while a consultant fixes a broken edit.
    """

    def __init__(self, path: str | Path = DEFAULT_BANK_PATH):
        import threading

        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._bank: Bank | None = None
        self._problems: list[BankProblem] = []

    def _file_stamp(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def current(self) -> tuple[Bank | None, list[BankProblem]]:
        stamp = self._file_stamp()
        with self._lock:
            if stamp is None or stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._bank = load_bank(self.path)
                    self._problems = []
                except BankError as exc:
                    self._problems = exc.problems
            return self._bank, list(self._problems)
