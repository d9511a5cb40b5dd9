"""`python -m roadmap export`: a plan file as the board-ready Word plan or the board's slide deck, or the
blank workshop template.

    export PLAN.json [--out FILE] [--sections cover,summary,...] [--omit-unanswered]
    export PLAN.json --format pptx [--out FILE]
    export --blank [--out FILE]

Without --out the document goes to exports/, named by document.document_filename.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ..document import (
    DEFAULT_SECTIONS,
    SECTIONS,
    TEMPLATE_FILENAME,
    DocumentOptions,
    DocumentOptionsError,
    build_blank_template,
    build_plan_document,
    document_filename,
    parse_sections,
    to_docx_bytes,
)
from ..deck import build_deck, deck_filename, to_pptx_bytes
from ..plan import MAX_PLAN_FILE_BYTES, Plan, PlanFileError, plan_from_json
from .common import EXIT_OK, EXIT_USAGE, CliError, load_bank_option, write_output

DEFAULT_FOLDER = Path("exports")


def read_plan(name: str) -> Plan:
    """Return the plan in the file `name`; raise CliError in one line."""
    path = Path(name)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PLAN_FILE_BYTES + 1)  # plan_from_json refuses anything longer
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return plan_from_json(data)
    except PlanFileError as exc:
        raise CliError(f"{path}: {exc}") from None


def _options(args: argparse.Namespace) -> DocumentOptions:
    try:
        sections = parse_sections(args.sections) if args.sections is not None else DEFAULT_SECTIONS
        return DocumentOptions(sections=sections, unanswered="omit" if args.omit_unanswered else "show")
    except DocumentOptionsError as exc:
        raise CliError(f"--sections: {exc}", EXIT_USAGE) from None


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "pptx":
        if args.blank or args.sections is not None or args.omit_unanswered:
            raise CliError("--blank, --sections and --omit-unanswered apply to the Word plan, not to --format pptx",
                           EXIT_USAGE)
        if not args.plan_file:
            raise CliError("give a plan file (PLAN.json) to make its slides", EXIT_USAGE)
        plan = read_plan(args.plan_file)
        bank = load_bank_option(args.bank)
        today = dt.date.today()
        out = Path(args.out) if args.out else DEFAULT_FOLDER / deck_filename(plan, today)
        write_output(out, to_pptx_bytes(build_deck(plan, bank, today=today)))
        print(f"wrote {out}")
        return EXIT_OK
    if args.blank:
        if args.plan_file:
            raise CliError("--blank writes the empty workshop template; leave out the plan file", EXIT_USAGE)
        if args.sections is not None or args.omit_unanswered:
            raise CliError("--sections and --omit-unanswered apply to a plan, not to --blank", EXIT_USAGE)
        bank = load_bank_option(args.bank)
        document, name = build_blank_template(bank), TEMPLATE_FILENAME
    else:
        if not args.plan_file:
            raise CliError("give a plan file (PLAN.json), or --blank for the workshop template", EXIT_USAGE)
        options = _options(args)
        plan = read_plan(args.plan_file)
        bank = load_bank_option(args.bank)
        today = dt.date.today()
        document = build_plan_document(plan, bank, options, today=today)
        name = document_filename(plan, today)
    out = Path(args.out) if args.out else DEFAULT_FOLDER / name
    write_output(out, to_docx_bytes(document))
    print(f"wrote {out}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="write a plan as a Word document or board slides (or the blank workshop template)",
        description="Write a plan file as the board-ready Word plan, readiness chart included, "
                    "or with --blank the printable workshop template.")
    p.add_argument("plan_file", nargs="?", metavar="PLAN.json", help="the plan file (not with --blank)")
    p.add_argument("--bank", metavar="PATH", help="question bank (default: questions.yaml)")
    p.add_argument("--out", metavar="FILE",
                   help="where to write the .docx (default: exports/DISTRICT-teacher-leadership-plan-DATE.docx)")
    p.add_argument("--format", choices=("docx", "pptx"), default="docx",
                   help="docx: the Word plan (default); pptx: the slides for the board meeting")
    p.add_argument("--blank", action="store_true", help="write the empty workshop template instead of a plan")
    p.add_argument("--sections", metavar="LIST",
                   help=f"comma-separated sections to include (default: all but checkup): {', '.join(SECTIONS)}")
    p.add_argument("--omit-unanswered", action="store_true",
                   help="leave unanswered questions out instead of marking them \"Not yet answered\"")
    p.set_defaults(handler=cmd_export)

