"""Values the database cannot hold, refused as a user's error instead of a crash.

Input reaches SQL from many forms and commands; a number beyond 64 bits (an id typed
as 99999999999999999999) or a NUL character in text (PostgreSQL's text refuses it) is
the user's mistake, not the program's. Checking every field of every service for them
would repeat one rule in dozens of places, so the engine translates the driver's
complaint, whatever statement raised it, into one :class:`ValueNotStorable`.
"""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from plc_console.domain import PlcError

#: PostgreSQL's SQLSTATE for "numeric value out of range" (integer out of range).
_OUT_OF_RANGE = "22003"
#: What psycopg says when asked to send a NUL character in text.
_NUL_MESSAGE = "NUL (0x00)"


class ValueNotStorable(PlcError):
    """A number too large or text with a character the database cannot store."""

    def __init__(self, what: str) -> None:
        super().__init__(f"fuzzfix.not_storable_{what}")


def refuse_unstorable_values(engine: Engine) -> None:
    """Have ``engine`` raise :class:`ValueNotStorable` for the driver's refusals above."""
    event.listen(engine, "handle_error", _translate)


def _translate(context: ExceptionContext) -> None:
    original = context.original_exception
    if isinstance(original, OverflowError):  # sqlite3: beyond a signed 64-bit integer
        raise ValueNotStorable("number") from original
    if getattr(original, "sqlstate", None) == _OUT_OF_RANGE:
        raise ValueNotStorable("number") from original
    if _NUL_MESSAGE in str(original):
        raise ValueNotStorable("text") from original
