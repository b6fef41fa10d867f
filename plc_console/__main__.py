"""`python -m plc_console` is the same as the `plc` command."""

from plc_console.cli.main import run

run()
