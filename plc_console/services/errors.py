"""Errors a service raises for the user to read; each names a message-catalog key."""

from __future__ import annotations

from plc_console.domain import PlcError, RuleViolation
from plc_console.locale import Key

__all__ = ["InvalidInput", "NotFound", "PlcError", "RuleViolation", "StaleVersion"]


class NotFound(PlcError):
    def __init__(self, ref: object) -> None:
        super().__init__("error.not_found", ref=ref)


class StaleVersion(PlcError):
    """Someone else changed the request since it was read; nothing was written."""

    def __init__(self, number: str) -> None:
        super().__init__("error.stale", number=number)
        self.number = number


class InvalidInput(PlcError):
    """A field's value cannot be used: ``field`` names it, ``reason`` (``invalid.*``) says why."""

    def __init__(self, field: str, reason: str, **params: object) -> None:
        super().__init__(f"invalid.{reason}", field=Key(f"field.{field}"), **params)
        self.field = field
        self.reason = reason
