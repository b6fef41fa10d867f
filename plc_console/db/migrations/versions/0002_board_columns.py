"""Board columns: when the critical chain started, and text folded for search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from plc_console.domain import request_search_text

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_started_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    # The chain starts when a request first entered triage: read it from the events.
    connection.execute(
        sa.text(
            "UPDATE requests SET chain_started_at = ("
            " SELECT MIN(e.at) FROM events e"
            " WHERE e.request_id = requests.id AND e.to_stage = 'triage')"
        )
    )
    rows = connection.execute(
        sa.text(
            "SELECT r.id, r.number, p.full_name, r.problem"
            " FROM requests r JOIN people p ON p.id = r.person_id"
        )
    ).all()
    if rows:
        connection.execute(
            sa.text("UPDATE requests SET search_text = :text WHERE id = :id"),
            [
                {"id": row.id, "text": request_search_text(row.number, row.full_name, row.problem)}
                for row in rows
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("search_text")
        batch_op.drop_column("chain_started_at")
