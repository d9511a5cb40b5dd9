"""`python -m roadmap workshop new-round CODE [--label TEXT]`: a follow-up session, every team's new round at once.

Registered by workshop.py's parser (one call), so the workshop commands stay in one group; the
passphrase is read the way every workshop command reads it, by the function workshop.py passes in.
"""

from __future__ import annotations

import argparse
from typing import Callable

from ..rounds import RoundError
from ..store import RoundChangeError
from .common import EXIT_OK, CliError, open_store, sentence

#: Who the store records as having started the rounds.
CLI_AUTHOR = "command line"


def add_workshop_new_round(actions: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None],
                           passphrase: Callable[[argparse.Namespace, bool], str]) -> None:
    """Add `new-round` to the workshop command's actions."""

    def cmd_new_round(args: argparse.Namespace) -> int:
        code = " ".join(args.code)
        secret = passphrase(args, False)
        with open_store(args) as store:
            workshop = store.open_workshop(code, secret, client="command line")
            try:
                started = store.start_workshop_round(workshop.workshop_id, args.label, who=CLI_AUTHOR)
            except (RoundError, RoundChangeError) as exc:
                raise CliError(sentence(exc)) from None
        if not started:
            print(f"{workshop.name} has no teams; no round was started.")
            return EXIT_OK
        label = started[0][1].label
        print(f"Started round \u201c{label}\u201d for {len(started)} team{'s' if len(started) != 1 else ''} "
              f"of {workshop.name}")
        return EXIT_OK

    a = actions.add_parser("new-round", help="start a new round for every team of a workshop at once",
                           description="Close every team's open round, as it is, and start the next with every "
                                       "answer and rating carried forward (a follow-up session). All teams or "
                                       "none: a closed workshop is refused.")
    a.add_argument("code", nargs="+", metavar="CODE", help="the workshop code, e.g. K7QF-M2XR-9P")
    a.add_argument("--label", metavar="TEXT", help="the new rounds' name, e.g. 'Spring 2027' (default: today's date)")
    common(a)
    a.set_defaults(handler=cmd_new_round)
