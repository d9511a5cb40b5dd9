"""What every command shares: the one-line error, exit codes, the --bank and --database options, opening
the store, writing a file and printing a table. Imports no command."""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..bank import DEFAULT_BANK_PATH, Bank, BankError, load_bank

if TYPE_CHECKING:
    from ..store import Store

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A problem to report as one line; `code` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_PROBLEM):
        super().__init__(message)
        self.code = code


def load_bank_option(path: str | None) -> Bank:
    """Return the question bank at path (None: questions.yaml); raise CliError with its first problem."""
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
    from ..store import DatabaseUnavailableError, Store, StoreError  # not needed by check-bank and the like

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
