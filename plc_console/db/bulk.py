"""Many rows into and out of one table at the driver's own speed.

An ORM flush, or even a Core ``executemany``, spends most of a 100,000-row insert in
Python: it builds a parameter dict per row and runs each value through its column
type's converter. :func:`insert_columns` takes the values a column at a time, converts
each column with the same converters SQLAlchemy would use (so a date or an enum is
stored exactly as the ORM stores it), once per distinct value where values repeat, and
hands plain tuples to the driver's ``executemany``. :func:`select_in` reads rows back
by a key as plain tuples, converted by the columns' own result converters: a third of
what Core result rows cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, Table, func, select

__all__ = ["Same", "Values", "highest_id", "ids_inserted", "insert_columns", "select_in"]

#: Rows per ``executemany`` call (and per progress step).
CHUNK = 5_000
#: Values per ``IN (…)`` (SQLite allows 32,766 bound values; PostgreSQL 65,535).
KEYS_PER_SELECT = 10_000

#: Placeholders by DBAPI paramstyle (positional values in every case).
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass(frozen=True)
class Same:
    """One value for every row of a column (a timestamp, the importing user)."""

    value: object


#: A column's values: one per row, or the same for every row.
Values = Sequence[object] | Same


def insert_columns(
    connection: Connection,
    table: Table,
    columns: Mapping[str, Values],
    *,
    repeating: frozenset[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert one row per position of the ``columns`` (name → values, or :class:`Same`)
    and return how many.

    ``repeating`` names columns with few distinct values (dates, codes), whose
    conversion is done once per value. ``progress`` is told the rows stored so far
    after each chunk. Nothing is returned from the database: read ids back by a column
    the caller filled (a batch id).
    """
    lengths = {len(values) for values in columns.values() if not isinstance(values, Same)}
    if len(lengths) != 1:
        raise ValueError(f"columns of unequal or unknown length: {sorted(lengths)}")
    count = lengths.pop()
    if count == 0:
        return 0
    sql = _insert_sql(connection, table, list(columns))
    converted = [
        _converted(values, _converter(table, name, connection), name in repeating)
        for name, values in columns.items()
    ]
    done = 0
    for start in range(0, count, CHUNK):
        stop = min(start + CHUNK, count)
        rows = list(zip(*(_slice(values, start, stop) for values in converted), strict=True))
        connection.exec_driver_sql(sql, rows)
        done = stop
        if progress is not None:
            progress(done)
    return done


def select_in(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    key: str,
    values: Sequence[object],
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows whose ``key`` is one of ``values`` (in no set order), as
    tuples of the values the ORM would load."""
    if not values:
        return []
    if highest_id(connection, table) <= len(values):
        # A table no larger than the list of keys is read whole, faster than looked up.
        return _select_all_in(connection, table, columns, key, values)
    placeholder = _placeholder(connection)
    names = ", ".join(_quoted(connection, table, name) for name in columns)
    where = _quoted(connection, table, key)
    to_database = _converter(table, key, connection) or _same
    from_database = [_result_converter(table, name, connection) for name in columns]
    found: list[tuple[Any, ...]] = []
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(values), KEYS_PER_SELECT):
            chunk = [to_database(value) for value in values[start : start + KEYS_PER_SELECT]]
            marks = ", ".join([placeholder] * len(chunk))
            cursor.execute(
                f"SELECT {names} FROM {_table_name(connection, table)} WHERE {where} IN ({marks})",
                chunk,
            )
            found.extend(cursor.fetchall())
    finally:
        cursor.close()
    if any(from_database):
        converters = [convert or _same for convert in from_database]
        found = [
            tuple(
                None if value is None else convert(value)
                for convert, value in zip(converters, row, strict=True)
            )
            for row in found
        ]
    return found


def _select_all_in(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    key: str,
    values: Sequence[object],
) -> list[tuple[Any, ...]]:
    wanted = set(values)
    found = connection.execute(
        select(table.c[key], *(table.c[name] for name in columns)).where(table.c[key].is_not(None))
    )
    return [tuple(row[1:]) for row in found if row[0] in wanted]


def highest_id(connection: Connection, table: Table) -> int:
    """The table's highest id so far (0 when empty): note it before :func:`insert_columns`
    and :func:`ids_inserted` tells the new rows' ids."""
    found = connection.execute(select(func.max(table.c.id))).scalar()
    return int(found or 0)


def ids_inserted(connection: Connection, table: Table, before: int, count: int) -> range | None:
    """The ids of the ``count`` rows just inserted, in insertion order, when the rows
    above ``before`` are exactly ``before + 1 … before + count``; None otherwise (another
    writer's rows are among them: read the ids back by a key instead).

    Both databases number an insert's rows in the order they go in (SQLite: the highest
    rowid plus one, PostgreSQL: the sequence), so a gapless run of exactly ``count``
    visible ids above ``before``, which this transaction's own rows are among, is them.
    """
    number, lowest, highest = connection.execute(
        select(func.count(), func.min(table.c.id), func.max(table.c.id)).where(table.c.id > before)
    ).one()
    if number == count and lowest == before + 1 and highest == before + count:
        return range(before + 1, before + count + 1)
    return None


def _same(value: Any) -> Any:
    return value


def _placeholder(connection: Connection) -> str:
    paramstyle = connection.dialect.paramstyle
    try:
        return _PLACEHOLDERS[paramstyle]
    except KeyError:  # pragma: no cover - the two supported drivers use the above
        raise NotImplementedError(f"paramstyle {paramstyle}") from None


def _table_name(connection: Connection, table: Table) -> str:
    return connection.dialect.identifier_preparer.format_table(table)


def _quoted(connection: Connection, table: Table, name: str) -> str:
    """The column's quoted name (a KeyError names a column the table lacks)."""
    return connection.dialect.identifier_preparer.quote(table.c[name].name)


def _insert_sql(connection: Connection, table: Table, names: Sequence[str]) -> str:
    placeholder = _placeholder(connection)
    return (
        f"INSERT INTO {_table_name(connection, table)}"
        f" ({', '.join(_quoted(connection, table, name) for name in names)})"
        f" VALUES ({', '.join([placeholder] * len(names))})"
    )


def _converter(table: Table, name: str, connection: Connection) -> Callable[[Any], Any] | None:
    """The column type's own bind converter for this dialect (None: values go as they are)."""
    dialect = connection.dialect
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def _result_converter(
    table: Table, name: str, connection: Connection
) -> Callable[[Any], Any] | None:
    """The column type's result converter (None: the driver's value is the value).
    Results repeat (dates, codes), so each distinct one is converted once."""
    dialect = connection.dialect
    convert = table.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
    return None if convert is None else lru_cache(maxsize=4096)(convert)


def _converted(values: Values, convert: Callable[[Any], Any] | None, repeating: bool) -> Values:
    if convert is None:
        return values
    if isinstance(values, Same):
        return Same(None if values.value is None else convert(values.value))
    if repeating:
        convert = lru_cache(maxsize=None)(convert)
    return [None if value is None else convert(value) for value in values]


def _slice(values: Values, start: int, stop: int) -> Iterator[object] | Sequence[object]:
    if isinstance(values, Same):
        return repeat(values.value, stop - start)
    return values[start:stop]
