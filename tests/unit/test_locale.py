"""Both message catalogs are complete, agree on placeholders, and the language is chosen right."""

from __future__ import annotations

import re
import string
from enum import StrEnum
from pathlib import Path

import pytest

from plc_console import domain
from plc_console.locale import Translator, UnsupportedLanguage, catalog, detect

PACKAGE = Path(domain.__file__).parent


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_russian_and_english_have_the_same_messages() -> None:
    ru, en = catalog("ru"), catalog("en")
    assert sorted(set(en) - set(ru)) == []
    assert sorted(set(ru) - set(en)) == []
    for key in en:
        assert en[key].strip() and ru[key].strip(), key
        assert _placeholders(en[key]) == _placeholders(ru[key]), key


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_vocabulary_value_has_a_label(lang: str) -> None:
    t = Translator(lang)
    enums = [
        value
        for value in vars(domain).values()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    ]
    for enum_type in enums:
        if enum_type.__name__ == "Zone":
            continue  # zones are shown as colours
        for member in enum_type:
            key = f"{enum_type.__name__.lower()}.{member.value}"
            assert key in catalog(lang), key
            assert t.label(member) != key


def test_every_message_key_the_code_uses_exists() -> None:
    """Keys written in the code as string literals (e.g. "rule.skip_forward") are catalogued."""
    prefixes = "rule|error|invalid|cli|list|key|help|tui|field|young|app"
    pattern = re.compile(rf"""["']((?:{prefixes})\.[a-z_]+)["']""")
    used = {
        key
        for path in PACKAGE.rglob("*.py")
        for key in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the pattern finds the keys"
    missing = sorted(key for key in used if key not in catalog("en"))
    assert missing == []


def test_translation_fills_placeholders_with_translated_values() -> None:
    ru = Translator("ru")
    message = ru("rule.skip_forward", source=domain.Stage.RECEIVED, target=domain.Stage.SESSION)
    assert "«Заявка получена»" in message and "«Совместная работа»" in message


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLC_LANG", raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert detect() == "ru"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert detect() == "en"  # a system locale we have no catalog for falls back to English
    monkeypatch.setenv("PLC_LANG", "RU")
    assert detect() == "ru"
    assert detect("en") == "en"  # an explicit choice wins over the environment
    monkeypatch.setenv("PLC_LANG", "de")
    with pytest.raises(UnsupportedLanguage):
        detect()
