"""The index behind the board's search, which the models do not describe.

Search finds requests whose folded ``search_text`` holds every word as a substring. A
scan of 100,000 texts takes longer than a keystroke may, so migration 0004 adds an index
of the text's trigrams (three-character pieces), in each dialect's own way:

- SQLite: ``requests_search``, an FTS5 table with the trigram tokenizer. Its content is
  ``requests`` itself (no second copy of the text) and ``detail=none`` (the smallest
  index: which rows hold a trigram, not where). Triggers on ``requests`` keep it in
  step, so whatever writes ``search_text`` (registering, editing, imports, migrations)
  needs no call here. A later migration that rebuilds ``requests`` (Alembic's SQLite
  batch mode copies the table) drops those triggers and must create them again.
- PostgreSQL: ``requests_search_trgm``, a pg_trgm GIN index that ``LIKE '%word%'`` uses
  by itself. Without the pg_trgm extension (it may need a superuser) there is no index
  and search scans, more slowly but with the same results.

The index only narrows the candidates: every word is still checked as a substring, so
what search finds never depends on the index (words under three characters have no
trigram and are found by the check alone).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

if TYPE_CHECKING:
    from alembic.runtime.environment import NameFilterParentNames, NameFilterType

#: The SQLite FTS5 table (its shadow tables are named ``requests_search_*``).
SEARCH_TABLE = "requests_search"
#: The PostgreSQL GIN index.
SEARCH_PG_INDEX = "requests_search_trgm"
TRIGRAM = 3
_CACHE_KEY = "plc_search_table"


#: The methodological base's index of product stems (migration 0007): an FTS5 table on
#: SQLite, kept in step with ``products.search_text`` by triggers; on PostgreSQL a GIN
#: index over ``to_tsvector('simple', search_text)``. See
#: :mod:`plc_console.services.products_search`.
PRODUCTS_SEARCH_TABLE = "products_search"
PRODUCTS_SEARCH_PG_INDEX = "products_search_tsv"
_NOT_IN_MODELS = (SEARCH_TABLE, PRODUCTS_SEARCH_TABLE)


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """Alembic's filter when it compares the database with the models: the search
    indexes and their SQLite shadow tables belong to migrations 0004 and 0007, not to
    the models."""
    if name is None or type_ not in ("table", "index"):
        return True
    return not any(name == base or name.startswith(base + "_") for base in _NOT_IN_MODELS)


def has_search_table(connection: Connection) -> bool:
    """Whether this SQLite database has the FTS5 table (SQLite without the trigram
    tokenizer, before 3.34, has none). A yes is remembered for the DBAPI connection."""
    if connection.info.get(_CACHE_KEY):
        return True
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": SEARCH_TABLE},
    ).first()
    if found is None:
        return False
    connection.info[_CACHE_KEY] = True
    return True


def trigram_query(words: Iterable[str]) -> str | None:
    """An FTS5 query for rows holding every trigram of ``words`` (None when no word has
    one): a superset of the rows holding the words, which the caller then checks.

    Each trigram is quoted, so no character of a word is read as query syntax.
    """
    grams = sorted(
        {word[i : i + TRIGRAM] for word in words for i in range(len(word) - TRIGRAM + 1)}
    )
    if not grams:
        return None
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


#: The trigger that indexes each new request (migration 0004).
_INSERT_TRIGGER = f"{SEARCH_TABLE}_insert"


def suspend_insert_trigger(connection: Connection) -> str | None:
    """SQLite: drop the trigger indexing each new request, inside the caller's
    transaction, and return its SQL for :func:`index_batch_and_resume` (None when there
    is none: PostgreSQL, or SQLite without the search table).

    Indexing 100,000 new rows one trigger call at a time takes seven times longer than
    indexing them in one statement afterwards. DDL is transactional in SQLite, so a
    failure before the trigger is back rolls the drop back with everything else.
    """
    if connection.dialect.name != "sqlite":
        return None
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_INSERT_TRIGGER,)
    ).scalar()
    if not sql:
        return None
    connection.exec_driver_sql(f'DROP TRIGGER "{_INSERT_TRIGGER}"')
    return str(sql)


def index_batch_and_resume(connection: Connection, trigger_sql: str, batch_id: int) -> None:
    """Index the requests of an import batch in one statement and put the trigger back."""
    connection.execute(
        text(
            f"INSERT INTO {SEARCH_TABLE}(rowid, search_text)"
            " SELECT id, search_text FROM requests WHERE import_batch_id = :batch"
        ),
        {"batch": batch_id},
    )
    connection.exec_driver_sql(trigger_sql)
