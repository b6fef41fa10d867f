"""Words as the methodological base compares them: folded, stop words dropped, stemmed.

Russian words are reduced to their Snowball stem ("урок", "уроки", "уроков", "уроках"
→ "урок"; "дети", "детей" → "дет"), English words likewise with the English stemmer;
words with digits stay as they are. Products store the stems of their text
(``products.search_text``, written by the products service), and a query is stemmed the
same way, so word forms match on SQLite and PostgreSQL alike. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

from plc_console.domain import fold_for_search

# Letters and digits only: the FTS5 unicode61 tokenizer splits on everything else
# (underscores too), so a stem is always one token of the index.
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")

#: Words too common to find anything by: prepositions, conjunctions, particles, pronouns.
STOP_WORDS = frozenset(
    """
    а без бы в во вот для до же за и из или к как ко ли на над не ни но о об обо от по под
    при про с со так то у что чтобы это этот эта эти его ее их мы вы он она они я ты
    a an and are as at be by for from in is of on or the to with
    """.split()
)

_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65_536)
def stem_word(word: str) -> str:
    """The stem of one folded word (lower case, ё as е)."""
    if any(c.isdigit() for c in word):
        return word
    if _CYRILLIC.search(word) and not _LATIN.search(word):
        return str(_RUSSIAN.stemWord(word))
    if _LATIN.search(word) and not _CYRILLIC.search(word):
        return str(_ENGLISH.stemWord(word))
    return word


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words in order (repeats kept), stop words left out."""
    words = _WORD.findall(fold_for_search(text))
    return [stem_word(w) for w in words if w not in STOP_WORDS]


def stem_set(text: str) -> frozenset[str]:
    return frozenset(stems(text))


def product_search_text(
    title: str, summary: str, author_names: Iterable[str], topic_names: Iterable[str]
) -> str:
    """What a product is found by: the stems of its title, summary, authors and topics
    (in both languages), each stem once, space-separated."""
    text = " ".join([title, summary, *author_names, *topic_names])
    return " ".join(dict.fromkeys(stems(text)))
