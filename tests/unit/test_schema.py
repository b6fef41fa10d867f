"""Migrations: a new database gets the whole schema, and it matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from plc_console.db import schema
from plc_console.db.models import Base, Topic
from plc_console.db.search import include_name
from plc_console.services.database import open_database
from plc_console.services.reference import list_topics, read_csv


def test_first_use_creates_the_current_schema_and_seeds_topics(empty_url: str) -> None:
    database = open_database(empty_url)
    try:
        assert schema.current_revision(database.engine) == schema.head_revision()
        with database.sessions() as session:
            topics = list_topics(session)
        assert [t.key for t in topics] == [row["key"] for row in read_csv("topics.csv")]
        assert topics[0].name("ru") == "мотивация обучающихся"
        assert topics[0].name("en") == "engaging students"
    finally:
        database.engine.dispose()


def test_migrations_match_the_models(empty_url: str) -> None:
    database = open_database(empty_url)
    try:
        with database.engine.connect() as connection:
            # As env.py compares: the search index belongs to a migration, not the models.
            opts = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=opts)
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.engine.dispose()


def test_topics_edited_by_coordinators_are_not_seeded_again(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    with database.sessions() as session, session.begin():
        session.delete(session.scalars(select(Topic).where(Topic.key == "dnevnik")).one())
    database.engine.dispose()
    database = open_database(sqlite_url)
    with database.sessions() as session:
        assert "dnevnik" not in {t.key for t in list_topics(session)}
    database.engine.dispose()
