"""The blank expert-registry templates shipped in data/ are what the code makes now."""

from __future__ import annotations

from pathlib import Path

import pytest

from plc_console.services.experts_template import write_expert_template
from plc_console.services.reference import data_dir
from tests.unit.test_paper_form_template import _describe


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_shipped_template_is_current(tmp_path: Path, lang: str) -> None:
    shipped = data_dir() / f"experts-{lang}.xlsx"
    assert shipped.is_file(), f"missing {shipped}"
    fresh = write_expert_template(tmp_path / shipped.name, lang)
    assert _describe(shipped) == _describe(fresh), (
        f"{shipped} differs from what plc makes now; regenerate it: python -c "
        f'"from plc_console.services.experts_template import write_expert_template; '
        f"write_expert_template('data/{shipped.name}', '{lang}')\""
    )
