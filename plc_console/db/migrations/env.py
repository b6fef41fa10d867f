"""Alembic environment: runs on the connection that plc_console.db.schema hands it."""

from alembic import context

from plc_console.db.models import Base
from plc_console.db.search import include_name

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("plc-console runs migrations through `plc db upgrade`")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # The search index is made per dialect by migration 0004, not by the models.
        include_name=include_name,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
