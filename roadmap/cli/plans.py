"""`python -m roadmap plans ...`: the server operator's view of stored plans.

    plans import PLAN.json         store a plan file; print its new resume code
    plans export CODE --out FILE   write the plan with that resume code to a plan file
    plans list                     district, last change and progress of every stored plan
    plans new-round CODE [--label TEXT]   close the plan's round and start the next; print its label

Each takes `--database URL` (default: DATABASE_URL, else the local SQLite file).
`list` never prints resume codes: they are the only key to a plan.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..plan import MAX_PLAN_FILE_BYTES, PlanFileError, overall_percent, plan_from_json, progress
from ..rounds import RoundError
from ..store import RoundChangeError, UnknownCodeError
from .common import (
    EXIT_OK, CliError, add_database_option, load_bank_option, open_store, print_table, sentence, write_output,
)

#: Who the store records as the author of plans stored from the command line.
CLI_AUTHOR = "command line"


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.plan_file)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PLAN_FILE_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        plan = plan_from_json(data)
    except PlanFileError as exc:
        raise CliError(f"{path}: {exc}") from None
    with open_store(args) as store:
        created = store.import_plan(plan, who=CLI_AUTHOR)
    name = plan.district.name or "a plan without a district name"
    print(f"Stored {name}. Resume code: {created.code}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    code = " ".join(args.code)  # a code pasted with spaces arrives in pieces
    with open_store(args) as store:
        try:
            plan = store.export_plan(code, client="command line")
        except UnknownCodeError as exc:
            raise CliError(f"{code}: {sentence(exc)}") from None
    out = Path(args.out)
    write_output(out, plan.to_json())
    print(f"wrote the plan for {plan.district.name or 'a district without a name'} to {out}")
    return EXIT_OK


def cmd_new_round(args: argparse.Namespace) -> int:
    code = " ".join(args.code)
    with open_store(args) as store:
        try:
            stored = store.open_by_code(code, client="command line")
            started = store.start_round(stored.plan_id, args.label, seen_round=len(stored.plan.rounds) + 1,
                                        who=CLI_AUTHOR)
        except UnknownCodeError as exc:
            raise CliError(f"{code}: {sentence(exc)}") from None
        except (RoundError, RoundChangeError) as exc:
            raise CliError(sentence(exc)) from None
    print(started.label)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    bank = load_bank_option(args.bank)
    with open_store(args) as store:
        rows = []
        for summary in store.list_plans():
            plan = store.load(summary.plan_id).plan
            rows.append((summary.district_name or "(no name yet)",
                         summary.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
                         f"{overall_percent(progress(plan, bank))}%"))
    if not rows:
        print("No plans stored yet.")
        return EXIT_OK
    print_table(("District", "Last change", "Progress"), rows, right=(2,))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plans", help="stored plans: import, export, list, new-round",
                       description="Work with the plans stored in the database (DATABASE_URL, "
                                   "else the local SQLite file).")
    actions = p.add_subparsers(dest="plans_action", metavar="ACTION", required=True)

    a = actions.add_parser("import", help="store a plan file and print its resume code",
                           description="Store a plan file (.json) as a new plan and print its resume code.")
    a.add_argument("plan_file", metavar="PLAN.json")
    add_database_option(a)
    a.set_defaults(handler=cmd_import)

    a = actions.add_parser("export", help="write the plan with a resume code to a plan file",
                           description="Write the stored plan with this resume code to a plan file (.json).")
    a.add_argument("code", nargs="+", metavar="CODE", help="the plan's resume code, e.g. K7QF-M2XR-9P")
    a.add_argument("--out", required=True, metavar="FILE", help="where to write the plan file")
    add_database_option(a)
    a.set_defaults(handler=cmd_export)

    a = actions.add_parser("list", help="list stored plans (district, last change, progress)",
                           description="List every stored plan: district, last change and progress. "
                                       "Resume codes are never shown.")
    a.add_argument("--bank", metavar="PATH", help="question bank for progress (default: questions.yaml)")
    add_database_option(a)
    a.set_defaults(handler=cmd_list)

    a = actions.add_parser("new-round", help="close the plan's round and start the next; print its label",
                           description="Close the open round of the plan with this resume code, as it is, and "
                                       "start the next with every answer and rating carried forward, each not "
                                       "yet reviewed. Prints the new round's label.")
    a.add_argument("code", nargs="+", metavar="CODE", help="the plan's resume code, e.g. K7QF-M2XR-9P")
    a.add_argument("--label", metavar="TEXT", help="the new round's name, e.g. 'Spring 2027' (default: today's date)")
    add_database_option(a)
    a.set_defaults(handler=cmd_new_round)
