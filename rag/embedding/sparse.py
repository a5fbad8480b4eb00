"""German BM25 sparse vectors (qdrant_edge.Bm25: Snowball stemming, German stopwords).

The same encoder feeds both backends; the server applies IDF (Modifier.IDF) at query time.
Optionally German compounds are split before encoding ("Digitalisierungsstrategie" ->
"Digitalisierung Strategie"), so a query word can match inside a compound.

Example:
    >>> enc = KeywordEncoder()
    >>> idx, _ = enc.query("Digitalstrategien")
    >>> idx == enc.query("Digitalstrategie")[0]
    True
"""

from __future__ import annotations

import re
from functools import lru_cache

import qdrant_edge

SparseVec = tuple[list[int], list[float]]
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _bm25() -> qdrant_edge.Bm25:
    return qdrant_edge.Bm25(qdrant_edge.Bm25Config(language="german"))


@lru_cache(maxsize=50_000)
def _split_word(word: str) -> tuple[str, ...]:
    """Split one German compound into parts, recursively; short words stay whole."""
    if len(word) < 10:
        return (word,)
    from compound_split import char_split  # type: ignore[import-untyped]

    try:
        candidates = char_split.split_compound(word)
    except (IndexError, ValueError, KeyError):
        return (word,)
    if not candidates:
        return (word,)
    score, head, tail = candidates[0]
    if score < 0.3 or len(head) < 4 or len(tail) < 4:
        return (word,)
    return (*_split_word(head), *_split_word(tail))


def split_compounds(text: str) -> str:
    """Append the parts of long compounds to the text (the whole word stays too)."""
    extra: list[str] = []
    for word in _WORD.findall(text):
        parts = _split_word(word)
        if len(parts) > 1:
            extra.extend(parts)
    return f"{text} {' '.join(extra)}" if extra else text


class KeywordEncoder:
    """BM25 document/query encoder; `compounds=True` adds compound splitting."""

    def __init__(self, compounds: bool = False) -> None:
        self.compounds = compounds
        self.name = "bm25-german-idf" + ("+compounds" if compounds else "")

    def _prep(self, text: str) -> str:
        return split_compounds(text) if self.compounds else text

    def document(self, text: str) -> SparseVec:
        sv = _bm25().embed_document(self._prep(text))
        return list(sv.indices), list(sv.values)

    def query(self, text: str) -> SparseVec:
        sv = _bm25().embed_query(self._prep(text))
        return list(sv.indices), list(sv.values)

    def terms(self, text: str) -> frozenset[int]:
        """Stemmed, stopword-free term ids of a text (for overlap scoring)."""
        return frozenset(_bm25().embed_query(text).indices)
