"""Events: two covering indexes for the term report at scale.

``ix_events_history`` (request_id, at, id, kind, from_stage, to_stage) replaces
``ix_events_request_at`` (request_id, at), whose lookups it serves as well. Ordered by
moment and id within a request and holding what each event changed, it answers "the
request's stage at a moment" with one backward search and gives the lead times every
request's stage changes in order, both without touching the wide rows (actor, note). A
report over a million events then no longer sorts them or reads the table for each.

``ix_events_target`` (to_stage, at, kind, request_id, id) finds the moves into one stage
in a span, the requests done in a term, without walking every event of the term.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY = ["request_id", "at", "id", "kind", "from_stage", "to_stage"]
TARGET = ["to_stage", "at", "kind", "request_id", "id"]


def upgrade() -> None:
    op.create_index("ix_events_history", "events", HISTORY, unique=False)
    op.create_index("ix_events_target", "events", TARGET, unique=False)
    op.drop_index("ix_events_request_at", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_request_at", "events", ["request_id", "at"], unique=False)
    op.drop_index("ix_events_target", table_name="events")
    op.drop_index("ix_events_history", table_name="events")
