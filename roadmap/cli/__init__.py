"""The command line: `python -m roadmap COMMAND ...`.

Consultants script these commands before and after workshops, so names and flags
are stable once shipped. Errors are one plain line on stderr with a non-zero exit,
never a traceback.

    main.py      the parser and main(); lists every command group
    common.py    what the commands share: CliError, exit codes, options, open_store, print_table
    files.py     check-bank, sample, schema
    plans.py     plans import / export / list
    export.py    export (the Word plan, the blank template)
    workshop.py  workshop create / export / list
"""

from .main import main

__all__ = ["main"]
