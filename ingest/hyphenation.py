"""Joining PDF lines: a hyphen at a line end is a syllable break ("Bürger-|beteiligung"), a
hard hyphen ("E-|Government", "Know-|how") or a suspended compound ("Bürger-| und ...").

The decision uses the document as its own dictionary, then the orthography of German:
  1. the next word is a coordinating word (und, oder, bzw., sowie ...): suspended, keep "- ";
  2. the hyphenated form occurs elsewhere in the document ("Know-how"): keep the hyphen;
  3. the joined form occurs elsewhere ("Bürgerbeteiligung"): join;
  4. a digit before the hyphen or a capital after it ("5-|jährig", "IT-|Sicherheit"): keep;
  5. otherwise join (a lowercase continuation is a syllable).
Error rates of these rules on generated PDFs and on the corpus's own words: evals/PDF.md.

Example:
    >>> vocab = Vocabulary.of(["Die Bürgerbeteiligung wächst."])
    >>> join_lines("mehr Bürger-", "beteiligung wagen", vocab)
    'mehr Bürgerbeteiligung wagen'
    >>> join_lines("das E-", "Government", vocab)
    'das E-Government'
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Words that follow a suspended hyphen ("Aus- und Weiterbildung"); a feature, not a decision
# on their own: a capitalised or known compound continuation still decides first.
COORDINATING = frozenset(
    ["und", "oder", "bzw", "sowie", "als", "wie", "noch", "beziehungsweise", "bis&"]
)
_WORD = re.compile(r"[\w-]+", re.UNICODE)
_EDGE = ".,;:!?()[]„“”\"'»«*"


@dataclass(frozen=True)
class Vocabulary:
    """Word counts of a document (lowercased, hyphens kept)."""

    counts: Counter[str]

    @staticmethod
    def of(texts: Iterable[str]) -> Vocabulary:
        counts: Counter[str] = Counter()
        for text in texts:
            for w in _WORD.findall(text):
                w = w.strip("-")
                if w:
                    counts[w.lower()] += 1
        return Vocabulary(counts)

    def __contains__(self, word: str) -> bool:
        return self.counts.get(word.lower(), 0) > 0


def hyphen_kind(left: str, right: str, vocab: Vocabulary) -> str:
    """How `left` (ending in '-') and `right` (the next line's first word) go together:
    'join' (drop the hyphen), 'hard' (keep it, no space) or 'suspended' (keep it and a space)."""
    stem = left[:-1].lstrip(_EDGE)
    word = right.rstrip(_EDGE)
    last = stem.rsplit("-", 1)[-1]
    if not stem or not word:
        return "suspended"
    if not word[0].isalnum():  # "(Weiter-" + ")Entwicklung": the hyphen is part of the text
        return "hard"
    if word.lower().rstrip(".") in COORDINATING or word in ("&", "/"):
        return "suspended"
    if f"{stem}-{word}" in vocab:
        return "hard"
    if (stem + word) in vocab or (last + word) in vocab:
        return "join"
    if not stem[-1].isalpha() or word[0].isupper() or word[0].isdigit():
        return "hard"
    return "join"


def join_lines(a: str, b: str, vocab: Vocabulary) -> str:
    """Join two lines of one paragraph, resolving a hyphen at the end of the first."""
    a, b = a.rstrip(), b.lstrip()
    if not a:
        return b
    if not b:
        return a
    if a.endswith("\xad"):  # soft hyphen: always a syllable break
        return a[:-1] + b
    if a.endswith("-") and len(a) > 1 and a[-2].isalnum():
        left = a.rsplit(" ", 1)[-1]
        right = b.split(" ", 1)[0]
        kind = hyphen_kind(left, right, vocab)
        if kind == "join":
            return a[:-1] + b
        if kind == "hard":
            return a + b
    return f"{a} {b}"


_INLINE = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]{2,})-([a-zäöüß]{3,})\b")


def join_inline_hyphens(text: str, vocab: Vocabulary) -> str:
    """A hyphen inside a line left over from an earlier line break ("Bevölkerungs-wachstum")
    is dropped when the joined word is known and the hyphenated one occurs nowhere else."""

    def fix(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        if vocab.counts.get(f"{a}-{b}".lower(), 0) > 1 or (a + b) not in vocab:
            return m.group(0)
        return a + b

    return _INLINE.sub(fix, text)


@functools.cache
def corpus_vocabulary(root: str) -> Vocabulary:
    """Words of the shipped corpus's text files (Markdown and plain text), read once."""
    files = sorted(p for p in Path(root).rglob("*") if p.suffix in (".md", ".txt"))
    return Vocabulary.of(p.read_text(encoding="utf-8", errors="replace") for p in files)
