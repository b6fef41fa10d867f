"""Board speed: a trigram index for search, a covering board index, WIP limits per row.

- ``requests_search``: on SQLite an FTS5 trigram table over requests.search_text kept in
  step by triggers; on PostgreSQL a pg_trgm GIN index (skipped, with a warning, when the
  extension cannot be created). See plc_console.db.search.
- ``ix_requests_board`` replaces ``ix_requests_stage_since``: the same order, plus the
  columns the board filters on, so counts and windows stay in the index.
- ``ix_request_topics_topic``: a topic's requests, for the topic filter;
  ``ix_people_role_experience``: the people of a role, for the role filters;
  ``ix_requests_person_stage`` replaces ``ix_requests_person_id``: a person's requests
  with their stage, so a role's requests are counted per column from the index.
- WIP limits move from one JSON value in app_meta to one row per column
  (``wip_limit.<stage>``), so two desks setting limits never overwrite each other, and a
  ``board_settings_version`` row counts changes to them for the board's change token.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import json
import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported so that this step stays what it was when it ran.
SEARCH_TABLE = "requests_search"
SEARCH_PG_INDEX = "requests_search_trgm"
WIP_JSON_KEY = "wip_limits"
WIP_KEY_PREFIX = "wip_limit."
SETTINGS_VERSION_KEY = "board_settings_version"
WIP_STAGES = ("received", "triage", "scheduled", "preparation", "session", "product", "feedback")

# External content: the text stays in requests, the FTS table holds only the trigrams.
# detail=none and columnsize=0 keep it small (the board needs neither positions nor
# ranking); case_sensitive 1 because search_text is folded already, by Python's rules.
_SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
    " search_text, content='requests', content_rowid='id',"
    " tokenize='trigram case_sensitive 1', detail=none, columnsize=0)",
    # The usual triggers of an external-content table: FTS5 forgets a row by being told
    # its old text.
    f"CREATE TRIGGER {SEARCH_TABLE}_insert AFTER INSERT ON requests BEGIN"
    f" INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
    " END",
    f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON requests BEGIN"
    f" INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " END",
    f"CREATE TRIGGER {SEARCH_TABLE}_update AFTER UPDATE OF search_text ON requests BEGIN"
    f" INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    f" INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
    " END",
    # Index the rows already there.
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')",
]


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_stage_since")
        batch_op.drop_index("ix_requests_person_id")
        batch_op.create_index("ix_requests_person_stage", ["person_id", "stage"], unique=False)
        batch_op.create_index(
            "ix_requests_board",
            ["stage", "stage_since", "chain_started_at", "category", "channel", "person_id"],
            unique=False,
        )
    with op.batch_alter_table("request_topics", schema=None) as batch_op:
        batch_op.create_index("ix_request_topics_topic", ["topic_id", "request_id"], unique=False)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_people_role_experience", ["role", "experience_years"], unique=False
        )
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _create_sqlite_search(connection)
    elif connection.dialect.name == "postgresql":
        _create_pg_search(connection)
    _split_wip_limits(connection)


def _create_sqlite_search(connection: sa.Connection) -> None:
    create_table, *rest = _SQLITE_CREATE
    try:
        connection.exec_driver_sql(create_table)
    except sa.exc.OperationalError as exc:
        # An SQLite without FTS5 or its trigram tokenizer (before 3.34): nothing was
        # created, and search works by scanning alone.
        warnings.warn(f"no search index, search will scan: {exc.orig}", stacklevel=1)
        return
    for statement in rest:
        connection.exec_driver_sql(statement)


def _create_pg_search(connection: sa.Connection) -> None:
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        # Creating an extension may need a superuser, or the server may not have it;
        # without it search scans.
        warnings.warn(f"no pg_trgm extension, search will scan: {exc.orig}", stacklevel=1)
        return
    connection.exec_driver_sql(
        f"CREATE INDEX {SEARCH_PG_INDEX} ON requests USING gin (search_text gin_trgm_ops)"
    )


def _split_wip_limits(connection: sa.Connection) -> None:
    """One JSON value → one row per column; what the board would skip is dropped."""
    meta = sa.table("app_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    raw = connection.scalar(sa.select(meta.c.value).where(meta.c.key == WIP_JSON_KEY))
    try:
        stored = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        stored = {}
    rows = [
        {"key": WIP_KEY_PREFIX + stage, "value": str(value)}
        for stage, value in (stored.items() if isinstance(stored, dict) else [])
        if stage in WIP_STAGES
        and isinstance(value, int)
        and not isinstance(value, bool)
        and value >= 1
    ]
    rows.append({"key": SETTINGS_VERSION_KEY, "value": "0"})
    connection.execute(sa.delete(meta).where(meta.c.key == WIP_JSON_KEY))
    connection.execute(sa.insert(meta), rows)


def downgrade() -> None:
    connection = op.get_bind()
    _join_wip_limits(connection)
    if connection.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_{trigger}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    elif connection.dialect.name == "postgresql":
        # The extension stays: other databases' objects may use it.
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {SEARCH_PG_INDEX}")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_role_experience")
    with op.batch_alter_table("request_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_request_topics_topic")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_board")
        batch_op.drop_index("ix_requests_person_stage")
        batch_op.create_index("ix_requests_person_id", ["person_id"], unique=False)
        batch_op.create_index(
            "ix_requests_stage_since", ["stage", "stage_since", "chain_started_at"], unique=False
        )


def _join_wip_limits(connection: sa.Connection) -> None:
    meta = sa.table("app_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    per_stage = meta.c.key.startswith(WIP_KEY_PREFIX, autoescape=True)
    limits = {
        key.removeprefix(WIP_KEY_PREFIX): int(value)
        for key, value in connection.execute(sa.select(meta.c.key, meta.c.value).where(per_stage))
        if value.isdigit()
    }
    connection.execute(sa.delete(meta).where(per_stage | (meta.c.key == SETTINGS_VERSION_KEY)))
    ordered = {stage: limits[stage] for stage in WIP_STAGES if stage in limits}
    if ordered:
        connection.execute(sa.insert(meta), [{"key": WIP_JSON_KEY, "value": json.dumps(ordered)}])
