"""The one place services read the time, so tests and demo data can pass their own."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: how every timestamp is stored (SQLite keeps no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)
