"""How an error reaches the user: one line in their language, never a traceback."""

from __future__ import annotations

from plc_console.domain import PlcError
from plc_console.locale import Translator


def describe_error(error: BaseException, t: Translator) -> str:
    """One line for the user: our errors in their language, others by type and first line."""
    if isinstance(error, PlcError):
        return t(error.code, **error.params)
    first_line = next(iter(str(error).strip().splitlines()), "")
    detail = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
    return t("tui.unexpected", message=detail)
