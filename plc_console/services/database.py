"""Opening a database for work: reach it, create or check its schema, seed reference data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from plc_console.db import schema
from plc_console.db.engine import (
    check_connection,
    describe,
    make_engine,
    make_session_factory,
    resolve_url,
    transaction,
)
from plc_console.services.reference import seed_topics


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def label(self) -> str:
        return describe(self.engine)


def open_database(given_url: str | None, *, demo: bool = False, create: bool = True) -> Database:
    """Connect, create the schema on first use (or refuse an outdated one), seed topics.

    Raises ``DatabaseConfigError`` for a URL or path that cannot be used and
    ``SchemaMismatch`` for a database that needs ``plc db upgrade`` (or a newer console).
    """
    engine = make_engine(resolve_url(given_url, demo=demo))
    try:
        check_connection(engine)
        if create:
            schema.prepare(engine)
        else:
            schema.check_current(engine)
        sessions = make_session_factory(engine)
        try:
            with transaction(sessions) as session:
                seed_topics(session)
        except IntegrityError:
            pass  # another desk seeded the same topics at the same moment: they are there
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, sessions)
