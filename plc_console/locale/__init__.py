"""Russian and English message catalogs and the language choice.

Catalogs are TOML files beside this module, one flat table of ``key = "text"`` each;
``{name}`` placeholders are filled with :meth:`str.format`. The language comes from
``PLC_LANG`` (ru or en), else the system locale, else English.
"""

from __future__ import annotations

import locale as _system_locale
import os
import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path

LANG_ENV = "PLC_LANG"
SUPPORTED = ("ru", "en")
DEFAULT = "en"
_CATALOG_DIR = Path(__file__).parent


class Key(str):
    """A message-catalog key passed as a parameter: shown translated, not as the key."""

    __slots__ = ()


class UnsupportedLanguage(ValueError):
    def __init__(self, given: str) -> None:
        super().__init__(f"unsupported language {given!r}: use one of {', '.join(SUPPORTED)}")
        self.given = given


def normalize(lang: str) -> str:
    """'ru', 'RU', 'ru_RU.UTF-8' → 'ru'; anything we have no catalog for is refused."""
    code = lang.strip().replace("-", "_").split("_")[0].split(".")[0].lower()
    if code not in SUPPORTED:
        raise UnsupportedLanguage(lang)
    return code


def detect(explicit: str | None = None) -> str:
    """The language to speak: an explicit choice, ``PLC_LANG``, the system locale, English."""
    chosen = explicit or os.environ.get(LANG_ENV)
    if chosen:
        return normalize(chosen)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "ru" if value.lower().startswith("ru") else DEFAULT
    system = _system_locale.getlocale()[0] or ""
    return "ru" if system.lower().startswith("ru") else DEFAULT


@cache
def catalog(lang: str) -> dict[str, str]:
    with (_CATALOG_DIR / f"{lang}.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return _flatten(data)


def _flatten(data: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


class Translator:
    """Looks messages up in one language; a missing key falls back to English, then the key."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize(lang)
        self._messages = catalog(self.lang)
        self._fallback = catalog(DEFAULT)

    def __call__(self, key: str, **params: object) -> str:
        template = self._messages.get(key) or self._fallback.get(key) or key
        if not params:
            return template
        shown = {name: self.value(value) for name, value in params.items()}
        try:
            return template.format(**shown)
        except (KeyError, IndexError):
            return template

    def value(self, value: object) -> object:
        """Enum members read as their label in this language (``stage.triage`` …).

        A tuple or list reads as its items' labels joined by commas.
        """
        if isinstance(value, StrEnum):
            return self(f"{type(value).__name__.lower()}.{value.value}")
        if isinstance(value, Key):
            return self(value)
        if isinstance(value, tuple | list):
            return ", ".join(str(self.value(item)) for item in value)
        return value

    def label(self, value: StrEnum) -> str:
        return str(self.value(value))
