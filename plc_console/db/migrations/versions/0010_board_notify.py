"""Live boards on PostgreSQL: every change the board shows sends ``NOTIFY plc_board``.

Boards listen on that channel (:mod:`plc_console.services.live`) and read again at once,
instead of finding out at their next poll. Triggers, not the services, send it, so every
writer is covered: the services, imports' bulk inserts through the driver, a
coordinator's SQL. What they watch is what the board's change token counts: events
(every change of a request writes one; deleting requests deletes theirs) and app_meta
(WIP limits, buffer settings). One notification per statement, and PostgreSQL folds
equal ones within a transaction and delivers them at commit: a 100,000-row import sends
one, and nobody hears of work that was rolled back.

SQLite has no notifications (its boards keep polling): nothing changes there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported so that this step stays what it was when it ran.
CHANNEL = "plc_board"
FUNCTION = "plc_board_notify"
TRIGGERS = {
    "events_board_notify": ("events", "INSERT OR DELETE"),
    "app_meta_board_notify": ("app_meta", "INSERT OR UPDATE OR DELETE"),
}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(
        f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    for name, (table, events) in TRIGGERS.items():
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} AFTER {events} ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for name, (table, _events) in TRIGGERS.items():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
