"""Read a spreadsheet of typed-up paper forms (or of another :class:`~.headers.Schema`'s
rows, such as the expert registry's) into its header row and raw data rows.

Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) are read by python-calamine, which gives each
cell's stored value: a formula's last computed result as the file keeps it, never the
formula, and nothing is evaluated. Text files (.csv, .tsv, .txt) are decoded as UTF-8
(with or without BOM), UTF-16 with BOM, else cp1251 (Russian Excel's "CSV"), and their
delimiter (";", "," or tab) is detected. What the file really holds decides the reader,
so a workbook saved under a .csv name is still read as a workbook.

A file that cannot be read as forms raises :class:`~.errors.FileRefused` (or one of its
kinds) naming the file; nothing of it should be imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from plc_console.services.intake.bulk import gc_paused
from plc_console.services.intake.errors import FileRefused
from plc_console.services.intake.headers import (
    HEADER_SCAN_ROWS,
    PAPER_FORM,
    Schema,
    count_recognised,
    find_header_row,
    header_text,
    map_columns,
)

__all__ = ["TEXT_SUFFIXES", "WORKBOOK_SUFFIXES", "Table", "read_table"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
#: The stream an encrypted (password-protected) .xlsx keeps inside its OLE container.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_DELIMITERS = ";,\t"
_SNIFF_CHARS = 16_384
_MERGED_SHOWN = 5


@dataclass(frozen=True)
class Table:
    """The forms of one sheet: the header row, the field of each recognised column, the
    data rows as raw cell values (text, float, date, datetime, bool; "" when empty), and
    row numbers as the spreadsheet shows them (1-based: the header is usually row 1)."""

    path: Path
    #: The sheet read (None for a text file).
    sheet: str | None
    header_row: int
    #: Each column's header as the file has it ("" for an empty header cell).
    headers: tuple[str, ...]
    #: Column index → field key (``full_name`` …), for the recognised columns only.
    columns: Mapping[int, str]
    rows: Sequence[Sequence[object]]

    @property
    def first_row(self) -> int:
        """The spreadsheet row number of ``rows[0]``."""
        return self.header_row + 1

    @property
    def row_numbers(self) -> range:
        """The spreadsheet row number of each data row, in order."""
        return range(self.first_row, self.first_row + len(self.rows))

    def header_of(self, key: str) -> str:
        """The header of the column holding a field, as the file has it ("" if none)."""
        for index, field in self.columns.items():
            if field == key:
                return self.headers[index]
        return ""

    def records(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(row number, {field key: raw cell}) for each data row (a short row's missing
        cells read as None)."""
        columns = tuple(self.columns.items())
        for number, row in zip(self.row_numbers, self.rows, strict=True):
            width = len(row)
            yield number, {key: row[i] if i < width else None for i, key in columns}


def read_table(
    path: Path | str,
    sheet: str | None = None,
    *,
    overrides: Mapping[str, str | None] | None = None,
    schema: Schema = PAPER_FORM,
) -> Table:
    """Read the forms in ``path``: the named sheet, else the first visible sheet with a
    header row. The header row is the first of the first ten rows with at least three
    recognised headers (titles and blank lines above it are skipped); ``overrides`` are
    the ``--map`` pairs from :func:`~.headers.parse_mapping`. ``schema`` says which
    fields the columns hold and which are required (the paper form's by default).

    Refused with one clear error naming the file: an unknown extension, a file that is
    not a spreadsheet, an empty file, a protected or damaged workbook, a sheet that does
    not exist, no header row with the required columns, headers and no data below them,
    merged cells at or below the header row (.xlsx: calamine reports them).
    """
    reading = _Reading(Path(path), overrides, schema)
    try:
        with gc_paused():
            return _read(reading, sheet)
    except FileRefused as refusal:
        refusal.code = schema.messages.get(refusal.kind, refusal.code)
        raise


@dataclass(frozen=True)
class _Reading:
    """What every step of reading one file needs."""

    path: Path
    overrides: Mapping[str, str | None] | None
    schema: Schema


def _read(reading: _Reading, sheet: str | None) -> Table:
    path = reading.path
    suffix = path.suffix.casefold()
    if suffix not in WORKBOOK_SUFFIXES + TEXT_SUFFIXES:
        raise FileRefused(
            "unknown_extension", path, suffixes=", ".join(WORKBOOK_SUFFIXES + TEXT_SUFFIXES)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused("cannot_open", path, error=exc.strerror or str(exc)) from exc
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRefused("empty_file", path)
    if data.startswith(_OLE_MAGIC) and suffix in (".xlsx", ".xlsm", ".xlsb"):
        if _ENCRYPTED_PACKAGE in data:
            raise FileRefused("protected", path)
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return _read_workbook(reading, data, sheet)
    if suffix in WORKBOOK_SUFFIXES:
        raise FileRefused("not_a_spreadsheet", path)
    return _read_text(reading, data)


# --- workbooks -------------------------------------------------------------------------


def _read_workbook(reading: _Reading, data: bytes, sheet: str | None) -> Table:
    path = reading.path
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            return _table_of_workbook(reading, workbook, sheet)
    except PasswordError as exc:
        raise FileRefused("protected", path) from exc
    except CalamineError as exc:
        raise FileRefused("corrupt", path, detail=str(exc) or type(exc).__name__) from exc


def _table_of_workbook(reading: _Reading, workbook: CalamineWorkbook, sheet: str | None) -> Table:
    path = reading.path
    worksheets = [m for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    names = [m.name for m in worksheets]
    if sheet is not None:
        candidates = [_sheet_named(path, sheet, names)]
    else:
        visible = [m.name for m in worksheets if m.visible == SheetVisibleEnum.Visible]
        candidates = visible or names
    first: tuple[str, list[list[Any]]] | None = None
    for name in candidates:
        contents = workbook.get_sheet_by_name(name)
        top = contents.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        index = find_header_row(top, reading.overrides, reading.schema)
        if index is not None:
            _refuse_merged_cells(path, name, contents, index)
            rows = contents.to_python(skip_empty_area=False)
            return _table(reading, name, rows, index)
        if first is None and any(_filled(row) for row in top):
            first = (name, top)
    if first is None:
        if sheet is not None:
            raise FileRefused("empty_sheet", path, sheet=sheet)
        raise FileRefused("empty_file", path)
    return _no_header(reading, first[1])


def _sheet_named(path: Path, wanted: str, names: Sequence[str]) -> str:
    """The sheet called ``wanted`` (exactly, else ignoring case and outer spaces)."""
    if wanted in names:
        return wanted
    folded = wanted.strip().casefold()
    for name in names:
        if name.strip().casefold() == folded:
            return name
    raise FileRefused(
        "no_sheet", path, sheet=wanted, sheets=", ".join(f"“{name}”" for name in names)
    )


def _refuse_merged_cells(path: Path, sheet: str, contents: CalamineSheet, header: int) -> None:
    """Merged cells in the header or the data leave a value in one cell and blanks in the
    others, so rows would silently lose fields. Merged titles above the header are fine.
    (calamine reports merges for .xlsx/.xlsm; for other formats it reports none.)"""
    merged = [(start, end) for start, end in contents.merged_cell_ranges or () if end[0] >= header]
    if merged:
        shown = ", ".join(_a1(start) + ":" + _a1(end) for start, end in merged[:_MERGED_SHOWN])
        more = len(merged) - _MERGED_SHOWN
        raise FileRefused(
            "merged_cells", path, sheet=sheet, ranges=shown + (f" (+{more})" if more > 0 else "")
        )


def _a1(cell: tuple[int, int]) -> str:
    """(row, column) from 0 as Excel names the cell: (0, 27) → AB1."""
    row, column = cell
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


# --- text files ------------------------------------------------------------------------


def _read_text(reading: _Reading, data: bytes) -> Table:
    path = reading.path
    text = _decode(path, data)
    lines = text.splitlines()
    delimiter: str | None = None
    first = lines[0].strip() if lines else ""
    if first.casefold().startswith("sep=") and len(first) == 5:
        # Excel's hint line ("sep=;"): Excel hides it, so rows are numbered without it.
        delimiter = first[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    choices = [delimiter] if delimiter else _delimiter_choices(text)
    fallback: list[list[str]] | None = None
    for choice in choices:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=choice))
        index = find_header_row(rows[:HEADER_SCAN_ROWS], reading.overrides, reading.schema)
        if index is not None:
            return _table(reading, None, rows, index)
        fallback = fallback or rows
    if not fallback or not any(_filled(row) for row in fallback[:HEADER_SCAN_ROWS]):
        raise FileRefused("empty_file", path)
    return _no_header(reading, fallback[:HEADER_SCAN_ROWS])


def _decode(path: Path, data: bytes) -> str:
    """UTF-16 with a BOM; else UTF-8 (BOM or not) if it decodes strictly; else cp1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRefused("not_a_spreadsheet", path) from exc
    if b"\x00" in data:
        raise FileRefused("not_a_spreadsheet", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise FileRefused("not_a_spreadsheet", path) from exc


def _delimiter_choices(text: str) -> list[str]:
    """Delimiters to try, the likeliest first: csv.Sniffer's guess on the first lines,
    then the others by how often they occur in the first line."""
    sample = text[:_SNIFF_CHARS]
    first_line = sample.split("\n", 1)[0]
    by_count = sorted(_DELIMITERS, key=lambda d: -first_line.count(d))
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return by_count
    return [sniffed, *(d for d in by_count if d != sniffed)]


# --- both ------------------------------------------------------------------------------


def _filled(row: Sequence[object]) -> bool:
    return any(cell is not None and cell != "" and str(cell).strip() for cell in row)


def _table(
    reading: _Reading, sheet: str | None, rows: Sequence[Sequence[object]], index: int
) -> Table:
    path = reading.path
    header = rows[index]
    columns = map_columns(header, reading.overrides, source=path, schema=reading.schema)
    mapped = tuple(columns)
    end = len(rows)
    while end > index + 1 and not _filled(
        [rows[end - 1][i] for i in mapped if i < len(rows[end - 1])]
    ):
        end -= 1  # formatted but empty rows below the last form
    if end == index + 1:
        raise FileRefused("no_data", path, sheet=sheet or path.name)
    data = rows[index + 1 : end]
    return Table(
        path=path,
        sheet=sheet,
        header_row=index + 1,
        headers=tuple(header_text(cell) for cell in header),
        columns=columns,
        rows=data,
    )


def _no_header(reading: _Reading, top: Sequence[Sequence[object]]) -> Table:
    """No row has enough recognised headers: refuse with the likeliest header row's
    headers (the one with the most recognised, else the first filled one)."""
    overrides, schema = reading.overrides, reading.schema
    filled = [row for row in top if _filled(row)]
    likeliest = max(filled, key=lambda row: count_recognised(row, overrides, schema))
    # Raises when required columns are missing; a schema needing more recognised headers
    # than it requires may find them all and fall through.
    map_columns(likeliest, overrides, source=reading.path, schema=schema)
    raise FileRefused("no_header", reading.path)
