"""Reference data shipped with the project (data/): topics, demo experts, templates."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Topic
from plc_console.services.errors import PlcError
from plc_console.services.meta import get_meta, set_meta
from plc_console.services.views import TopicView

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
TOPICS_SEEDED = "topics_seeded"


def data_dir() -> Path:
    """data/ of the checkout, or its copy inside an installed wheel."""
    installed = _PACKAGE_DIR / "_data"
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed_topics(session: Session) -> int:
    """Add the shipped topics once per database; later edits by coordinators are kept."""
    if get_meta(session, TOPICS_SEEDED):
        return 0
    existing = set(session.scalars(select(Topic.key)))
    position = session.scalar(select(func.coalesce(func.max(Topic.position), 0))) or 0
    added = 0
    for row in read_csv("topics.csv"):
        if row["key"] in existing:
            continue
        position += 1
        session.add(
            Topic(
                key=row["key"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                position=position,
                active=True,
            )
        )
        added += 1
    set_meta(session, TOPICS_SEEDED, "1")
    session.flush()
    return added


def topics_by_key(session: Session, keys: Sequence[str]) -> list[Topic]:
    """The topics with these keys, in the order given; an unknown key is refused by name."""
    if not keys:
        return []
    found = {t.key: t for t in session.scalars(select(Topic).where(Topic.key.in_(keys)))}
    for key in keys:
        if key not in found:
            raise PlcError("error.unknown_topic", topic=key)
    return [found[key] for key in dict.fromkeys(keys)]


def list_topics(session: Session, *, include_inactive: bool = False) -> list[TopicView]:
    query = select(Topic).order_by(Topic.position, Topic.id)
    if not include_inactive:
        query = query.where(Topic.active.is_(True))
    return [TopicView(t.id, t.key, t.name_ru, t.name_en, t.active) for t in session.scalars(query)]
