"""The methodological base: published products found by text, topic and kind.

Text is matched by stems (:mod:`plc_console.services.products_text`): "урок" finds
"уроки", "уроков", "на уроках"; a product matches when it holds every word of the query
(stop words aside) in its title, summary, authors or topics. The stems are stored in
``products.search_text`` by the products service and searched with each database's
own full-text index (migration 0007):

- SQLite: the FTS5 table ``products_search`` (``MATCH`` on the quoted stems); an SQLite
  without FTS5 scans the stems instead, with the same results;
- PostgreSQL: ``to_tsvector('simple', search_text) @@ plainto_tsquery('simple', …)``,
  served by the GIN index ``products_search_tsv``.

Hits are ranked in Python, the same on both: a query word in the title counts twice,
elsewhere once; ties go to the most recently published.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    and_,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from plc_console.db.models import Product
from plc_console.db.search import PRODUCTS_SEARCH_TABLE
from plc_console.domain import ProductKind, ProductState
from plc_console.services.products_read import filtered, summaries
from plc_console.services.products_text import stem_set, stems
from plc_console.services.products_views import BaseHit

_CACHE_KEY = "plc_products_search_table"
_fts = table(PRODUCTS_SEARCH_TABLE, column("rowid", Integer), column(PRODUCTS_SEARCH_TABLE))
_SIMPLE: ColumnElement[str] = literal_column("'simple'::regconfig")
#: A query word found in the title weighs this much; anywhere else, 1.
TITLE_WEIGHT = 2.0


def has_products_search_table(connection: Connection) -> bool:
    """Whether this SQLite database has the FTS5 table (remembered once it has)."""
    if connection.info.get(_CACHE_KEY):
        return True
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": PRODUCTS_SEARCH_TABLE},
    ).first()
    if found is None:
        return False
    connection.info[_CACHE_KEY] = True
    return True


def fts_query(words: Collection[str]) -> str:
    """An FTS5 query for rows holding every one of ``words``, each quoted so that no
    character is read as query syntax."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in sorted(words))


def stems_condition(session: Session, words: Collection[str]) -> ColumnElement[bool]:
    """Products whose stored stems hold every one of ``words`` (stems already)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        vector = func.to_tsvector(_SIMPLE, Product.search_text)
        query = func.plainto_tsquery(_SIMPLE, " ".join(sorted(words)))
        return vector.op("@@")(query)
    if dialect == "sqlite" and has_products_search_table(session.connection()):
        matching = select(_fts.c.rowid).where(_fts.c[PRODUCTS_SEARCH_TABLE].match(fts_query(words)))
        return Product.id.in_(matching)
    # No index: the stems are space-separated, so " stem " is a whole stem.
    padded = literal(" ") + Product.search_text + literal(" ")
    conditions = [padded.contains(f" {w} ", autoescape=True) for w in sorted(words)]
    return and_(*conditions)


def search_base(
    session: Session,
    text: str = "",
    *,
    topic_keys: Collection[str] = (),
    kinds: Collection[ProductKind] = (),
    limit: int | None = 50,
    states: Collection[ProductState] = (ProductState.PUBLISHED,),
) -> list[BaseHit]:
    """Published products holding every word of ``text`` in any of its forms, of any of
    ``topic_keys`` and ``kinds`` (empty: any), best first; without words, the newest
    publications first. ``states`` widens the search beyond the base (e.g. a screen
    listing drafts)."""
    words = set(stems(text))
    query = filtered(
        select(Product.id, Product.title, Product.published_at),
        states=states,
        kinds=kinds,
        topic_keys=topic_keys,
    )
    newest_first = (Product.published_at.desc(), Product.updated_at.desc(), Product.id.desc())
    if not words:
        rows = list(session.execute(query.order_by(*newest_first).limit(limit)))
        found = summaries(session, [row.id for row in rows])
        return [BaseHit(found[row.id], 0.0) for row in rows]
    rows = list(session.execute(query.where(stems_condition(session, words))))
    scored = []
    for row in rows:
        in_title = stem_set(row.title)
        score = sum(TITLE_WEIGHT if w in in_title else 1.0 for w in words)
        stamp = row.published_at.timestamp() if row.published_at else 0.0
        scored.append((-score, -stamp, -row.id))
    scored.sort()
    chosen = scored[:limit] if limit is not None else scored
    found = summaries(session, [-item[2] for item in chosen])
    return [BaseHit(found[-item[2]], -item[0]) for item in chosen]
