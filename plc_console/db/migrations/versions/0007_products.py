"""Products, their review and the requesters' feedback; the methodological base's index.

- ``products``: kind, title, summary, link or file path, review state, reviewer (an
  expert), the meeting it came from, when published, the stems it is found by
  (``search_text``) and a version for optimistic locking.
- ``product_authors`` (experts of the registry or names typed as they are),
  ``product_topics``, ``product_requests`` (the requests it came from),
  ``product_events`` (its history: review states, reviewer, comments, answers, feedback).
- ``feedback_records``: contacted when, usable yes / partly / no, usefulness 1–5, comment.
- The search index over ``products.search_text`` (stems written by the service, so both
  dialects find the same products):

  - SQLite: ``products_search``, an FTS5 table (unicode61 tokenizer; the stems are
    folded already) with ``products`` as its external content, kept in step by
    triggers as ``requests_search`` of migration 0004. An SQLite without FTS5 gets no
    table and the service scans instead, with the same results.
  - PostgreSQL: ``products_search_tsv``, a GIN index over
    ``to_tsvector('simple', search_text)`` (the 'simple' configuration: the stems are
    already stemmed by Python's Snowball stemmer, the same algorithm as 'russian').

- Planned stage durations and the fever chart's bands are app_meta rows
  (``buffers.days.<stage>``, ``buffers.band.<name>``) written only when a coordinator
  changes them: nothing to seed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported so that this step stays what it was when it ran.
SEARCH_TABLE = "products_search"
SEARCH_PG_INDEX = "products_search_tsv"

_SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
    " search_text, content='products', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0', detail=none, columnsize=0)",
    f"CREATE TRIGGER {SEARCH_TABLE}_insert AFTER INSERT ON products BEGIN"
    f" INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
    " END",
    f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON products BEGIN"
    f" INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " END",
    f"CREATE TRIGGER {SEARCH_TABLE}_update AFTER UPDATE OF search_text ON products BEGIN"
    f" INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    f" INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
    " END",
]


def _enum(length: int = 20) -> sa.String:
    # Enums are stored as their string values (see plc_console.db.models._enum).
    return sa.String(length=length)


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=1000), nullable=True),
        sa.Column("state", _enum(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("search_text", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["experts.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_products_meeting_id", "products", ["meeting_id"], unique=False)
    op.create_index("ix_products_reviewer_id", "products", ["reviewer_id"], unique=False)
    op.create_index(
        "ix_products_state_published", "products", ["state", "published_at"], unique=False
    )

    op.create_table(
        "product_authors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["expert_id"], ["experts.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("product_id", "position", name="uq_product_authors_position"),
    )
    op.create_index("ix_product_authors_expert", "product_authors", ["expert_id"], unique=False)

    op.create_table(
        "product_topics",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("product_id", "topic_id"),
    )
    op.create_index(
        "ix_product_topics_topic", "product_topics", ["topic_id", "product_id"], unique=False
    )

    op.create_table(
        "product_requests",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id", "request_id"),
    )
    op.create_index("ix_product_requests_request", "product_requests", ["request_id", "product_id"])

    op.create_table(
        "product_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("from_state", _enum(), nullable=True),
        sa.Column("to_state", _enum(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_product_events_product_at", "product_events", ["product_id", "at"], unique=False
    )

    op.create_table(
        "feedback_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("usable", _enum(), nullable=False),
        sa.Column("usefulness", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_feedback_records_request", "feedback_records", ["request_id", "recorded_at"]
    )
    op.create_index("ix_feedback_records_product", "feedback_records", ["product_id"])

    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _create_sqlite_search(connection)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"CREATE INDEX {SEARCH_PG_INDEX} ON products"
            " USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def _create_sqlite_search(connection: sa.Connection) -> None:
    create_table, *triggers = _SQLITE_CREATE
    try:
        connection.exec_driver_sql(create_table)
    except sa.exc.OperationalError as exc:
        # An SQLite built without FTS5: nothing was created, and the base is searched by
        # scanning the stems instead.
        warnings.warn(f"no products search index, search will scan: {exc.orig}", stacklevel=1)
        return
    for statement in triggers:
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_{trigger}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {SEARCH_PG_INDEX}")
    for table, indexes in (
        ("feedback_records", ("ix_feedback_records_product", "ix_feedback_records_request")),
        ("product_events", ("ix_product_events_product_at",)),
        ("product_requests", ("ix_product_requests_request",)),
        ("product_topics", ("ix_product_topics_topic",)),
        ("product_authors", ("ix_product_authors_expert",)),
        (
            "products",
            ("ix_products_state_published", "ix_products_reviewer_id", "ix_products_meeting_id"),
        ),
    ):
        for index in indexes:
            op.drop_index(index, table_name=table)
        op.drop_table(table)
