"""The blank templates shipped in data/ are what `write_template` makes now (no drift).

Compared by what staff and the importer see (sheets, cells, checks, formats), not by
bytes: a workbook's bytes change with its creation time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from plc_console.services.intake.template import write_template
from plc_console.services.reference import data_dir


def _describe(path: Path) -> dict[str, Any]:
    book = openpyxl.load_workbook(path)
    sheets: dict[str, Any] = {}
    for sheet in book.worksheets:
        sheets[sheet.title] = {
            "cells": [
                [(c.value, bool(c.font.bold), c.comment.text if c.comment else None) for c in row]
                for row in sheet.iter_rows()
            ],
            "validations": sorted(
                (
                    str(v.sqref),
                    v.type,
                    v.operator,
                    v.formula1,
                    v.formula2,
                    v.allow_blank,
                    v.errorStyle,
                    v.prompt,
                    v.error,
                )
                for v in sheet.data_validations.dataValidation
            ),
            "columns": {
                letter: (dim.width, dim.number_format, bool(dim.alignment.wrap_text))
                for letter, dim in sorted(sheet.column_dimensions.items())
            },
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "frozen": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
        }
    properties = book.properties
    return {
        "sheets": list(book.sheetnames),
        "content": sheets,
        "properties": (properties.title, properties.creator, properties.language),
    }


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_shipped_template_is_current(tmp_path: Path, lang: str) -> None:
    shipped = data_dir() / f"paper-form-{lang}.xlsx"
    assert shipped.is_file(), f"missing {shipped}"
    fresh = write_template(tmp_path / shipped.name, lang)
    assert _describe(shipped) == _describe(fresh), (
        f"{shipped} differs from what plc makes now; "
        f"regenerate it: plc template data/{shipped.name} --lang {lang}"
    )
