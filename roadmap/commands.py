"""Imports the modules that add subcommands to the command line (see cli.EXTRA_COMMANDS)."""
from . import plans_cli  # noqa: F401
from . import export_cli  # noqa: F401
from . import workshop_cli  # noqa: F401
