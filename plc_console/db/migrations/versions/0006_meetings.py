"""Meetings: the requests they address, experts, invitees, preparation list, history.

- ``meetings``: topic, local start time, duration, place or online link, capacity,
  status, the calendar UID and SEQUENCE, minutes, and a version for optimistic locking.
- ``meeting_requests``, ``meeting_experts`` (confirmed, attended), ``meeting_invitees``
  (role, attended), ``meeting_sources`` (the preparation list), ``meeting_events``
  (created, edited, announced, cancelled, held, double bookings overridden with a note).
- The milestones' lead times are app_meta rows (``meeting_lead.<step>``) written only
  when a coordinator changes them: nothing to seed here.

Plain tables and indexes: the same DDL on SQLite and PostgreSQL, no batch mode needed
for creating tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(length: int = 20) -> sa.String:
    # Enums are stored as their string values (see plc_console.db.models._enum).
    return sa.String(length=length)


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", _enum(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("announced_sequence", sa.Integer(), nullable=True),
        sa.Column("preparation_sent_at", sa.DateTime(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_meetings_starts_at", "meetings", ["starts_at"], unique=False)

    op.create_table(
        "meeting_requests",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "request_id"),
    )
    op.create_index("ix_meeting_requests_request", "meeting_requests", ["request_id"], unique=False)

    op.create_table(
        "meeting_experts",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["expert_id"], ["experts.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "expert_id"),
    )
    op.create_index("ix_meeting_experts_expert", "meeting_experts", ["expert_id"], unique=False)

    op.create_table(
        "meeting_invitees",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", _enum(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("meeting_id", "person_id"),
    )
    op.create_index("ix_meeting_invitees_person", "meeting_invitees", ["person_id"], unique=False)

    op.create_table(
        "meeting_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_meeting_sources_meeting", "meeting_sources", ["meeting_id", "position"], unique=False
    )

    op.create_table(
        "meeting_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_meeting_events_meeting_at", "meeting_events", ["meeting_id", "at"], unique=False
    )


def downgrade() -> None:
    for table, index in (
        ("meeting_events", "ix_meeting_events_meeting_at"),
        ("meeting_sources", "ix_meeting_sources_meeting"),
        ("meeting_invitees", "ix_meeting_invitees_person"),
        ("meeting_experts", "ix_meeting_experts_expert"),
        ("meeting_requests", "ix_meeting_requests_request"),
        ("meetings", "ix_meetings_starts_at"),
    ):
        op.drop_index(index, table_name=table)
        op.drop_table(table)
