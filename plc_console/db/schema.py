"""Schema versions: create a new database, upgrade an old one, refuse a mismatched one.

Alembic is driven from code (no alembic.ini to ship): the migration scripts live in
``plc_console/db/migrations`` inside the package.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaMismatch(Exception):
    """The database's schema differs from the one this console was built for."""

    def __init__(self, current: str | None, head: str, newer: bool) -> None:
        self.current = current
        self.head = head
        self.newer = newer
        if newer:
            message = (
                f"the database schema ({current}) is newer than this console ({head}): "
                "update plc-console"
            )
        else:
            message = (
                f"the database schema ({current}) is older than this console ({head}): "
                "run `plc db upgrade`"
            )
        super().__init__(message)


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_empty(engine: Engine) -> bool:
    """True for a database with no tables at all (a new file or a new PostgreSQL database)."""
    return not inspect(engine).get_table_names()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction per migration step."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def check_current(engine: Engine) -> None:
    """Raise :class:`SchemaMismatch` unless the database is at this console's schema."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    newer = current is not None and current not in known_revisions()
    raise SchemaMismatch(current, head, newer)


def prepare(engine: Engine) -> None:
    """Open a database for work: create the schema on first use, else insist it is current."""
    if is_empty(engine):
        upgrade(engine)
        return
    check_current(engine)


def backup_sqlite(engine: Engine) -> Path | None:
    """Copy an SQLite file to ``NAME.YYYYMMDD-HHMMSS.bak`` before changing its schema."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.{stamp}.bak")
    # The online backup API gives a consistent copy even while other consoles write.
    raw = engine.raw_connection()
    try:
        import sqlite3

        with sqlite3.connect(target) as destination:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
    finally:
        raw.close()
    shutil.copymode(source, target)
    return target
