"""`python -m roadmap checkup PLAN.json [--bank PATH] [--json]`: what the plan checkup flags.

Exit status: 0 when nothing is flagged, 1 when something is, 2 for a plan file or bank that
cannot be read (one line on stderr, as every command's errors are).
"""

from __future__ import annotations

import argparse
import json

from ..checkup import check_plan
from .common import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, CliError, load_bank_option
from .export import read_plan


def cmd_checkup(args: argparse.Namespace) -> int:
    try:
        plan = read_plan(args.plan_file)
        bank = load_bank_option(args.bank)
    except CliError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    findings = check_plan(plan, bank)
    if args.json:
        print(json.dumps({"district": plan.district.name, "flagged": len(findings),
                          "findings": [f.as_dict() for f in findings]}, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(f"- {finding.line()} (step {finding.step})")
        name = plan.district.name or "this plan"
        if findings:
            print(f"{len(findings)} thing{'s' if len(findings) != 1 else ''} to look at in {name}.")
        else:
            print(f"Nothing flagged in {name}.")
    return EXIT_PROBLEM if findings else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "checkup", help="check a plan against the roadmap's own logic (exit 1 when something is flagged)",
        description="Check a plan file against the roadmap's logic: measures for each priority, baselines, "
                    "targets and dates, rationales, next steps for low ratings, funding against the roles' "
                    "cost, dates after the plan's date. Exit 0 when nothing is flagged, 1 when something is, "
                    "2 for a file that cannot be read.")
    p.add_argument("plan_file", metavar="PLAN.json", help="the plan file")
    p.add_argument("--bank", metavar="PATH", help="question bank (default: questions.yaml)")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(handler=cmd_checkup)
