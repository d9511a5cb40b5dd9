"""`python -m roadmap workshop ...`: set up a facilitated workshop, and collect everything at the end.

    workshop create --name NAME --teams N | --team NAME ...   print the workshop code and each team's join code
    workshop export CODE --out FILE.zip                       every team's Word plan, CSV, Excel and a summary
    workshop list [--json]                                    every workshop on this server (never its codes)
    workshop codes CODE [--cards FILE] [--roster FILE]        every team's current join code; reprint the cards
    workshop close|reopen|archive CODE [--yes]                teams read-only / editable again / let go
    workshop delete CODE [--yes]                              remove the workshop (every team's plan is kept)
    workshop passphrase CODE [--new-passphrase-file FILE]     a new facilitator passphrase; the codes resealed

Every command but list needs the facilitator passphrase: from --passphrase-file FILE,
else the environment variable ROADMAP_FACILITATOR_PASSPHRASE, else typed at a
prompt. It is never printed. Each takes `--database URL` (default: DATABASE_URL,
else the local SQLite file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

from ..bank import DEFAULT_BANK_PATH, MAX_BANK_BYTES, Bank, BankError, load_bank_text
from ..document import to_docx_bytes
from ..store import (
    WORKSHOP_ARCHIVED, WORKSHOP_CLOSED, WORKSHOP_OPEN, TeamCode, WeakPassphraseError, check_passphrase,
)
from ..workshop import (
    PUBLIC_URL_ENV, WorkshopSetupError, build_code_roster, build_join_cards, team_label, team_names, workshop_bank,
)
from ..workshop_exports import build_collect_zip
from .rounds import add_workshop_new_round
from .common import (
    EXIT_OK, CliError, add_database_option, load_bank_option, open_store, print_table, sentence, write_output,
)

PASSPHRASE_ENV = "ROADMAP_FACILITATOR_PASSPHRASE"
BANK_ENV = "ROADMAP_BANK"
#: Who the store records as the author of plans made from the command line.
CLI_AUTHOR = "command line"


def _passphrase(args: argparse.Namespace, confirm: bool) -> str:
    """Return the facilitator passphrase from --passphrase-file, the environment or a prompt."""
    if args.passphrase_file:
        path = Path(args.passphrase_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read the passphrase file {path}: {getattr(exc, 'strerror', None) or exc}") from None
        return lines[0].strip() if lines else ""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise CliError(f"give the facilitator passphrase with --passphrase-file FILE or {PASSPHRASE_ENV}")
    typed = getpass.getpass("Facilitator passphrase: ")
    if confirm and getpass.getpass("Type it again: ") != typed:
        raise CliError("the two passphrases typed differ; nothing was created")
    return typed


def _workshop_bank_text(path: str) -> str:
    """Return the text of a question bank file once it loads cleanly; raise CliError with its first problem."""
    source = Path(path)
    try:
        with source.open("rb") as handle:
            data = handle.read(MAX_BANK_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(data) > MAX_BANK_BYTES:
        raise CliError(f"{source} is larger than a question bank can be ({MAX_BANK_BYTES // 1_000_000} MB)")
    try:
        text = data.decode("utf-8-sig")
        load_bank_text(text, str(source))
    except UnicodeDecodeError:
        raise CliError(f"{source} is not a text file; a question bank is YAML") from None
    except BankError as exc:
        more = f" (and {len(exc.problems) - 1} more; run check-bank for all)" if len(exc.problems) > 1 else ""
        raise CliError(f"the question bank cannot be used: {exc.problems[0]}{more}") from None
    return text


def _default_bank(args: argparse.Namespace) -> Bank:
    return load_bank_option(args.bank or os.environ.get(BANK_ENV) or str(DEFAULT_BANK_PATH))


def cmd_create(args: argparse.Namespace) -> int:
    try:
        names = team_names(args.teams, args.team or ())
    except WorkshopSetupError as exc:
        raise CliError(sentence(exc)) from None
    url = (args.url or os.environ.get(PUBLIC_URL_ENV, "")).strip()
    if args.cards and not url:
        raise CliError(f"join cards need the planner's address: give --url URL or set {PUBLIC_URL_ENV}")
    bank_text = _workshop_bank_text(args.bank) if args.bank else None
    passphrase = _passphrase(args, confirm=True)
    try:
        check_passphrase(passphrase)
    except WeakPassphraseError as exc:
        raise CliError(sentence(exc)) from None
    if args.cards:
        write_output(Path(args.cards), b"")  # a path that cannot be written fails before any code is made
    with open_store(args) as store:
        created = store.create_workshop(args.name, passphrase, names, day=args.date, bank_yaml=bank_text,
                                        who=CLI_AUTHOR)
    if args.cards:
        write_output(Path(args.cards), to_docx_bytes(build_join_cards(created.workshop.name, created.teams, url)))
    workshop = created.workshop
    if args.json:
        print(json.dumps({
            "workshop": {"name": workshop.name, "date": workshop.date.isoformat() if workshop.date else None,
                         "code": created.code, "own_bank": bank_text is not None},
            "teams": [{"position": t.team.position, "name": t.team.team_name, "code": t.code}
                      for t in created.teams],
            "cards": args.cards,
        }, ensure_ascii=False, indent=2))
        return EXIT_OK
    when = f" ({workshop.date.isoformat()})" if workshop.date else ""
    print(f"Workshop: {workshop.name}{when}")
    print(f"Workshop code: {created.code}  (with the passphrase, opens the facilitator page)")
    print_table(("Team", "Join code"), [(f"{t.team.position}. {t.team.team_name}", t.code) for t in created.teams])
    print("A team's join code is also its resume code: keep it to carry on after the workshop.")
    if args.cards:
        print(f"wrote {len(created.teams)} join card{'s' if len(created.teams) != 1 else ''} to {args.cards}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    code = " ".join(args.code)
    default_bank = _default_bank(args)
    passphrase = _passphrase(args, confirm=False)
    with open_store(args) as store:
        workshop = store.open_workshop(code, passphrase, client="command line")
        try:
            bank = workshop_bank(workshop, default_bank)
        except BankError as exc:
            raise CliError(f"the workshop's question bank cannot be used: {exc.problems[0]}") from None
        data = build_collect_zip(store, workshop, bank, dt.date.today(), anonymise=args.anonymise)
    out = Path(args.out)
    write_output(out, data)
    count = len(workshop.teams)
    print(f"wrote {count} team plan{'s' if count != 1 else ''}, ratings, progress and the summary of "
          f"{workshop.name} to {out}")
    return EXIT_OK


def _confirm(args: argparse.Namespace, question: str) -> None:
    """Ask question at a terminal (y/N); without a terminal, --yes is needed. Raise CliError if not confirmed."""
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise CliError("add --yes to confirm (there is no terminal to ask)")
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise CliError("not confirmed; nothing was changed")


def cmd_codes(args: argparse.Namespace) -> int:
    code = " ".join(args.code)
    url = (args.url or os.environ.get(PUBLIC_URL_ENV, "")).strip()
    if args.cards and not url:
        raise CliError(f"join cards need the planner's address: give --url URL or set {PUBLIC_URL_ENV}")
    passphrase = _passphrase(args, confirm=False)
    with open_store(args) as store:
        workshop, key = store.sign_in_workshop(code, passphrase, client="command line")
        kept = store.workshop_codes(workshop.workshop_id, key)
    shown = [TeamCode(team, team_code) for team, team_code in kept.teams if team_code]
    if args.cards:
        write_output(Path(args.cards), to_docx_bytes(build_join_cards(workshop.name, shown, url)))
    if args.roster:
        roster = build_code_roster(workshop.name, kept.code or code.strip().upper(),
                                   [(team_label(team), team_code) for team, team_code in kept.teams])
        write_output(Path(args.roster), to_docx_bytes(roster))
    if args.json:
        print(json.dumps({"workshop": {"name": workshop.name, "status": workshop.status},
                          "teams": [{"position": t.position, "name": t.team_name, "code": c}
                                    for t, c in kept.teams]}, ensure_ascii=False, indent=2))
    else:
        print(f"Workshop: {workshop.name} ({workshop.status})")
        print_table(("Team", "Join code"), [(team_label(t), c or "not kept") for t, c in kept.teams])
        if kept.missing:
            print(f"{len(kept.missing)} code{'s were' if len(kept.missing) != 1 else ' was'} made before codes "
                  "were kept; give those teams a new code on the facilitator page.")
    if args.cards:
        print(f"wrote {len(shown)} join card{'s' if len(shown) != 1 else ''} to {args.cards}")
    if args.roster:
        print(f"wrote the roster of {len(kept.teams)} teams to {args.roster}")
    return EXIT_OK


_STATUS_CHANGES = {
    "close": (WORKSHOP_CLOSED, "Close {name}? Every team's plan becomes read-only.",
              "closed {name}: teams can read their plans but not change them"),
    "reopen": (WORKSHOP_OPEN, "Open {name} again? Teams can change their plans.",
               "opened {name} again: teams can change their plans"),
    "archive": (WORKSHOP_ARCHIVED, "Archive {name}? The teams carry on alone for good; you can still export it.",
                "archived {name}: the teams carry on alone; export and codes still work with the passphrase"),
}


def cmd_status(args: argparse.Namespace) -> int:
    status, question, done = _STATUS_CHANGES[args.workshop_action]
    code = " ".join(args.code)
    passphrase = _passphrase(args, confirm=False)
    with open_store(args) as store:
        workshop = store.open_workshop(code, passphrase, client="command line")
        if workshop.status == status:
            print(f"{workshop.name} is already {status}; nothing was changed.")
            return EXIT_OK
        _confirm(args, question.format(name=workshop.name))
        store.set_workshop_status(workshop.workshop_id, status)
    print(done.format(name=workshop.name))
    return EXIT_OK


def cmd_passphrase(args: argparse.Namespace) -> int:
    code = " ".join(args.code)
    passphrase = _passphrase(args, confirm=False)
    if args.new_passphrase_file:
        new = _passphrase(argparse.Namespace(passphrase_file=args.new_passphrase_file), confirm=False)
    elif sys.stdin.isatty():
        new = getpass.getpass("New facilitator passphrase: ")
        if getpass.getpass("Type it again: ") != new:
            raise CliError("the two new passphrases typed differ; nothing was changed")
    else:
        raise CliError("give the new passphrase with --new-passphrase-file FILE")
    try:
        check_passphrase(new)
    except WeakPassphraseError as exc:
        raise CliError(sentence(exc)) from None
    with open_store(args) as store:
        workshop = store.change_passphrase(code, passphrase, new, client="command line")
    print(f"{workshop.name} has a new facilitator passphrase; its codes are sealed with it, and every "
          "facilitator device is signed out")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    code = " ".join(args.code)
    passphrase = _passphrase(args, confirm=False)
    with open_store(args) as store:
        workshop = store.open_workshop(code, passphrase, client="command line")
        count = len(workshop.teams)
        _confirm(args, f"Delete {workshop.name} for good? Its {count} teams keep their plans and codes; the "
                       "workshop, its dashboard and its kept codes are gone.")
        store.delete_workshop(workshop.workshop_id)
    print(f"deleted {workshop.name}; its {count} team plan{'s are' if count != 1 else ' is'} kept")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-14") from None


def _team_count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of teams") from None


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        found = store.list_workshops()
    if args.json:
        print(json.dumps([{"name": w.name, "date": w.date.isoformat() if w.date else None, "status": w.status,
                           "teams": w.teams,
                           "last_activity": w.last_activity.isoformat() if w.last_activity else None}
                          for w in found], indent=2))
        return EXIT_OK
    if not found:
        print("No workshops yet.")
        return EXIT_OK
    rows = [(w.name, w.date.isoformat() if w.date else "", w.status, str(w.teams),
             w.last_activity.strftime("%Y-%m-%d %H:%M UTC") if w.last_activity else "") for w in found]
    print_table(("Workshop", "Date", "Status", "Teams", "Last activity"), rows, right=(3,))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workshop", help="facilitated workshops: create, export, list, codes, close, reopen, archive",
                       description="Set up a workshop of many teams, and collect every team's plan at the end.")
    actions = p.add_subparsers(dest="workshop_action", metavar="ACTION", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--passphrase-file", metavar="FILE",
                            help=f"file whose first line is the facilitator passphrase (else {PASSPHRASE_ENV}, "
                                 "else a prompt)")
        add_database_option(parser)

    a = actions.add_parser("create", help="create a workshop and its teams; print their codes",
                           description="Create a workshop and one plan per team. Prints the workshop code and "
                                       "each team's join code (its plan's resume code).")
    a.add_argument("--name", required=True, help="the workshop's name")
    teams = a.add_mutually_exclusive_group(required=True)
    teams.add_argument("--teams", type=_team_count, metavar="N", help="make N teams called Team 1 ... Team N")
    teams.add_argument("--team", action="append", metavar="NAME", help="a team's name (repeat for each team)")
    a.add_argument("--date", type=_date, default=dt.date.today(), metavar="YYYY-MM-DD",
                   help="the workshop's date (default: today)")
    a.add_argument("--bank", metavar="PATH", help="the workshop's own question bank (check it with check-bank)")
    a.add_argument("--cards", metavar="FILE", help="also write printable join cards (.docx), one per team")
    a.add_argument("--url", metavar="URL", help=f"the planner's address for the cards (default: {PUBLIC_URL_ENV})")
    a.add_argument("--json", action="store_true", help="print the codes as JSON")
    common(a)
    a.set_defaults(handler=cmd_create)

    a = actions.add_parser("export", help="write every team's plan, the ratings and a summary to a zip",
                           description="Write one zip: every team's Word plan, progress and ratings as CSV and "
                                       "Excel, and a short workshop summary with the combined chart.")
    a.add_argument("code", nargs="+", metavar="CODE", help="the workshop code, e.g. K7QF-M2XR-9P")
    a.add_argument("--out", required=True, metavar="FILE.zip", help="where to write the zip")
    a.add_argument("--anonymise", action="store_true",
                   help="name the teams Team A, Team B ... in the summary (the team plans keep their names)")
    a.add_argument("--bank", metavar="PATH",
                   help=f"question bank for a workshop without its own (default: {BANK_ENV}, else questions.yaml)")
    common(a)
    a.set_defaults(handler=cmd_export)

    a = actions.add_parser("list", help="list the workshops on this server (codes are never shown)",
                           description="List every workshop: name, date, status, teams and last activity. "
                                       "Workshop and join codes are never stored, so never shown.")
    a.add_argument("--json", action="store_true", help="print the list as JSON")
    add_database_option(a)
    a.set_defaults(handler=cmd_list)

    a = actions.add_parser("codes", help="show every team's current join code; reprint the join cards",
                           description="Show the workshop's code and every team's current join code (kept "
                                       "sealed with the passphrase); optionally reprint the join cards and a "
                                       "one-page roster.")
    a.add_argument("code", nargs="+", metavar="CODE", help="the workshop code, e.g. K7QF-M2XR-9P")
    a.add_argument("--cards", metavar="FILE", help="write printable join cards (.docx), one per team")
    a.add_argument("--roster", metavar="FILE", help="write a one-page roster of teams and codes (.docx)")
    a.add_argument("--url", metavar="URL", help=f"the planner's address for the cards (default: {PUBLIC_URL_ENV})")
    a.add_argument("--json", action="store_true", help="print the codes as JSON")
    common(a)
    a.set_defaults(handler=cmd_codes)

    for action, what in (("close", "make every team's plan read-only"),
                         ("reopen", "let the teams change their plans again"),
                         ("archive", "end the workshop: the teams carry on alone (you can still export it)"),
                         ("delete", "remove the workshop for good (every team's plan and code are kept)")):
        a = actions.add_parser(action, help=what, description=f"{what[:1].upper()}{what[1:]}. Asks for "
                                                              "confirmation at a terminal.")
        a.add_argument("code", nargs="+", metavar="CODE", help="the workshop code, e.g. K7QF-M2XR-9P")
        a.add_argument("--yes", action="store_true", help="do not ask for confirmation (for scripts)")
        common(a)
        a.set_defaults(handler=cmd_delete if action == "delete" else cmd_status)

    a = actions.add_parser("passphrase", help="give the workshop a new facilitator passphrase",
                           description="Give the workshop a new facilitator passphrase (the current one from "
                                       "--passphrase-file, the environment or a prompt); the kept codes are "
                                       "sealed again with the new one.")
    a.add_argument("code", nargs="+", metavar="CODE", help="the workshop code, e.g. K7QF-M2XR-9P")
    a.add_argument("--new-passphrase-file", metavar="FILE",
                   help="file whose first line is the new passphrase (else typed twice at a prompt)")
    common(a)
    a.set_defaults(handler=cmd_passphrase)

    add_workshop_new_round(actions, common, _passphrase)

