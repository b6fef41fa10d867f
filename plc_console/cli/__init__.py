"""The `plc` command: a Typer root app and one module per command group."""
