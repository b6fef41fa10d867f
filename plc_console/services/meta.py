"""Facts about the database itself, kept in the app_meta table."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plc_console.db.models import AppMeta


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(AppMeta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(AppMeta, key)
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value
