"""Use cases of the console: plain sync functions taking a Session, returning plain data.

No textual or rich here: the CLI and the TUI call the same functions.
"""
