"""Why a spreadsheet cannot be imported at all: one clear message naming the file.

Each error's ``code`` is a key of the ``[intake]`` catalog section. A
:class:`FileRefused` (and each of its kinds) names the file: ``file`` among its
parameters, ``path`` as an attribute. ``--map`` mistakes (:class:`BadMapping`,
:class:`UnknownField`) name the value typed. Row-level problems are not errors: see
:class:`plc_console.services.intake.rows.RowProblem`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from plc_console.domain import PlcError
from plc_console.locale import Key

__all__ = [
    "BadMapping",
    "DuplicateColumns",
    "FileRefused",
    "MissingColumns",
    "PlcError",
    "UnknownField",
    "UnusedMapping",
]


def field_keys(keys: Sequence[str], prefix: str = "field.") -> tuple[Key, ...]:
    """Field keys as catalog keys (``prefix`` + key), so a message lists the fields in the
    reader's language."""
    return tuple(Key(f"{prefix}{key}") for key in keys)


def quoted(headers: Sequence[str]) -> str:
    """Headers as the file has them, each in quotes (a header may hold a comma)."""
    return ", ".join(f"“{header}”" for header in headers) or "—"


class FileRefused(PlcError):
    """The file cannot be read as forms; nothing of it is imported (the import exits 2)."""

    def __init__(self, kind: str, path: Path | str, /, **params: object) -> None:
        super().__init__(f"intake.{kind}", file=Path(path).name, **params)
        self.kind = kind
        self.path = Path(path)


class MissingColumns(FileRefused):
    """Required columns were not found among the headers."""

    def __init__(
        self,
        path: Path | str,
        found: Sequence[str],
        missing: Sequence[str],
        *,
        prefix: str = "field.",
    ) -> None:
        super().__init__(
            "missing_columns", path, found=quoted(found), missing=field_keys(missing, prefix)
        )
        self.found = tuple(found)
        self.missing = tuple(missing)


class DuplicateColumns(FileRefused):
    """Two columns hold the same field: which one to take is not ours to guess."""

    def __init__(
        self, path: Path | str, field: str, headers: Sequence[str], *, prefix: str = "field."
    ) -> None:
        super().__init__(
            "duplicate_column", path, field=Key(f"{prefix}{field}"), headers=quoted(headers)
        )
        self.field = field
        self.headers = tuple(headers)


class UnusedMapping(FileRefused):
    """``--map`` names a header the file does not have (a typo would go unnoticed)."""

    def __init__(self, path: Path | str, header: str, found: Sequence[str]) -> None:
        super().__init__("map_unused", path, header=header, found=quoted(found))
        self.header = header


class BadMapping(PlcError):
    """A ``--map`` value that is not ``Header=field``."""

    def __init__(self, mapping: str) -> None:
        super().__init__("intake.bad_mapping", mapping=mapping)
        self.mapping = mapping


class UnknownField(PlcError):
    """A ``--map`` value naming a field the form does not have."""

    def __init__(self, mapping: str, field: str, known: Sequence[str]) -> None:
        super().__init__(
            "intake.unknown_field", mapping=mapping, field=field, fields=", ".join(known)
        )
        self.field = field
