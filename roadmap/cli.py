"""The command line: `python -m roadmap COMMAND ...`.

Consultants script these commands before and after workshops, so names and flags
are stable once shipped. Errors are one plain line on stderr with a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from .bank import DEFAULT_BANK_PATH, Bank, BankError, load_bank
from .plan import PlanFileError, plan_json_schema
from .sample import sample_plan

if TYPE_CHECKING:
    from .store import Store

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A problem to report as one line; `code` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_PROBLEM):
        super().__init__(message)
        self.code = code


def _bank(path: str | None) -> Bank:
    try:
        return load_bank(path or DEFAULT_BANK_PATH)
    except BankError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more; run check-bank for all)" if len(exc.problems) > 1 else ""
        raise CliError(f"the question bank cannot be used: {first}{more}") from None


def write_output(path: Path, data: bytes | str) -> None:
    """Write data to path, creating its folder; raise CliError in plain words."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> None:
    """Print rows under header in columns two spaces apart; the columns numbered in right align right."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(f"{cell:>{w}}" if i in right else f"{cell:<{w}}"
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())


def sentence(problem: Exception | str) -> str:
    """The first line of a problem, starting lower-case, to follow "error: "."""
    text = str(problem).splitlines()[0] if str(problem) else "unknown problem"
    return text[:1].lower() + text[1:]


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help="database URL (default: DATABASE_URL, else data/roadmap.sqlite3)")


@contextmanager
def open_store(args: argparse.Namespace) -> Iterator["Store"]:
    """Open the store named by --database (or DATABASE_URL); turn its errors into one-line CliErrors."""
    from .store import DatabaseUnavailableError, Store, StoreError  # not needed by check-bank and the like

    def as_cli_error(exc: StoreError) -> CliError:
        if isinstance(exc, DatabaseUnavailableError):
            return CliError(f"cannot reach the database at {exc.url}: {exc.reason}")
        return CliError(sentence(exc))

    try:
        store = Store(args.database)
    except StoreError as exc:
        raise as_cli_error(exc) from None
    try:
        yield store
    except StoreError as exc:
        raise as_cli_error(exc) from None
    finally:
        store.close()


def cmd_check_bank(args: argparse.Namespace) -> int:
    path = Path(args.path) if args.path else DEFAULT_BANK_PATH
    try:
        bank = load_bank(path)
    except BankError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{path}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} found", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"{args.path or 'questions.yaml'}: OK, {bank.summary_line()}")
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    bank = _bank(args.bank)
    plan = sample_plan(bank)
    out = Path(args.out)
    write_output(out, plan.to_json())
    print(f"wrote a sample plan for {plan.district.name} to {out}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(plan_json_schema(), indent=2))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, not a usage block."""

    def error(self, message: str):  # noqa: D401 - argparse's name
        raise CliError(f"{message} (see: {self.prog} --help)", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m roadmap",
        description="Teacher Leadership Roadmap planner: check question banks, make plans and documents.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("check-bank", help="check a question bank (default: questions.yaml)",
                       description="Check a question bank and print one line per problem.")
    p.add_argument("path", nargs="?", metavar="PATH")
    p.set_defaults(handler=cmd_check_bank)

    p = sub.add_parser("sample", help="write a complete example plan file",
                       description="Write a complete example plan (.json) for a fictional district.")
    p.add_argument("--bank", metavar="PATH", help="question bank (default: questions.yaml)")
    p.add_argument("--out", required=True, metavar="FILE", help="where to write the plan file")
    p.set_defaults(handler=cmd_sample)

    p = sub.add_parser("schema", help="print the plan file's JSON Schema",
                       description="Print the JSON Schema of the plan file format.")
    p.set_defaults(handler=cmd_schema)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


#: Other modules add their subcommands here (each a function taking the subparsers object).
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: list[str] | None = None) -> int:
    from . import commands  # noqa: F401 - registers the other subcommands

    try:
        args = build_parser().parse_args(argv)
        if not getattr(args, "handler", None):
            build_parser().print_help()
            return EXIT_USAGE
        return args.handler(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except (BankError, PlanFileError) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the promise: never a traceback
        print(f"error: unexpected problem ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_PROBLEM
