"""`check-bank`, `sample` and `schema`: the question bank and the plan file, no database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..bank import DEFAULT_BANK_PATH, BankError, load_bank
from ..plan_schema import plan_json_schema
from ..sample import MAX_SAMPLE_ROUNDS, sample_plan
from .common import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, CliError, load_bank_option, write_output


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
    if not 1 <= args.rounds <= MAX_SAMPLE_ROUNDS:
        raise CliError(f"--rounds: give a number from 1 to {MAX_SAMPLE_ROUNDS}, not {args.rounds}", EXIT_USAGE)
    bank = load_bank_option(args.bank)
    plan = sample_plan(bank, rounds=args.rounds)
    out = Path(args.out)
    write_output(out, plan.to_json())
    rounds = f" with {args.rounds} rounds" if args.rounds > 1 else ""
    print(f"wrote a sample plan for {plan.district.name}{rounds} to {out}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(plan_json_schema(), indent=2))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check-bank", help="check a question bank (default: questions.yaml)",
                       description="Check a question bank and print one line per problem.")
    p.add_argument("path", nargs="?", metavar="PATH")
    p.set_defaults(handler=cmd_check_bank)

    p = sub.add_parser("sample", help="write a complete example plan file",
                       description="Write a complete example plan (.json) for a fictional district.")
    p.add_argument("--bank", metavar="PATH", help="question bank (default: questions.yaml)")
    p.add_argument("--out", required=True, metavar="FILE", help="where to write the plan file")
    p.add_argument("--rounds", type=int, default=1, metavar="N",
                   help="rounds of review, half a year apart, whose ratings and some answers differ (default: 1)")
    p.set_defaults(handler=cmd_sample)

    p = sub.add_parser("schema", help="print the plan file's JSON Schema",
                       description="Print the JSON Schema of the plan file format.")
    p.set_defaults(handler=cmd_schema)
