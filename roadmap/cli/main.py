"""The parser and `main`: every command group, in the order --help lists them."""

from __future__ import annotations

import argparse
import sys

from ..bank import BankError
from ..plan import PlanFileError
from . import checkup, export, files, plans, workshop
from .common import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, CliError

#: Each module adds its commands to the parser with register(subparsers).
COMMAND_GROUPS = (files, plans, export, checkup, workshop)


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
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
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
