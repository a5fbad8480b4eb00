"""The sentences of a passage as answer candidates: exact spans plus what kind of text they are.

An answer may only state whole statements. A passage also holds questions ("Wo fangen wir an
und wer ist dafür zuständig?"), headings ("Einstiegsfragen zur Entwicklung einer
Digitalstrategie (FAQ)"), list stubs ("Im Fokus der Schreibwerkstatt stehen:") and list items
("Entwickeln einer Roadmap"). `units` splits a passage into spans and labels each one, so a
composer can keep statements as prose and use list items only where a list is asked for
(steps, Handlungsfelder). The labels are definitions of form, not of topic: a question ends
with "?", a stub introduces a list (ends with ":") or is too short to state anything, a
heading is a line of its own without a sentence end, an item is a line opened by a bullet or
a line inside a run of such lines.

Example:
    >>> [u.form for u in units("Wo fangen wir an?\\nAm Anfang steht die Vision.")]
    ['question', 'statement']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.core.text import sentence_spans

Form = str  # statement | item | question | stub | heading | fragment | reference
_BULLET = re.compile(r"^(?:[-–—•·*▪►‣○●]|\d{1,2}[.)]|[a-z][.)])\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_END = frozenset(".!…")
_CLOSERS = "\"'“”»«)]"
_REFERENCE = re.compile(r"\((?:19|20)\d\d[a-z]?\)")
_INITIAL = re.compile(r"\b[A-ZÄÖÜ]\.,? ")
MIN_WORDS = 4  # fewer content words state nothing on their own ("Bildung", "Ziele:")
MAX_CHARS = 420


@dataclass(frozen=True)
class Unit:
    """One span of a passage: exact text `passage[start:end]` and its form."""

    start: int
    end: int
    text: str
    form: Form
    index: int  # position among the passage's units

    @property
    def prose(self) -> bool:
        """May stand as a sentence of an answer."""
        return self.form == "statement"

    @property
    def listable(self) -> bool:
        """May stand as an entry of a list (steps, fields): statements and list items."""
        return self.form in ("statement", "item")


def _line_of(text: str, start: int, end: int) -> tuple[str, str]:
    """The whole line holding text[start:end] and the line before it."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    line = text[a : b if b >= 0 else len(text)]
    prev_end = a - 1
    pa = text.rfind("\n", 0, max(0, prev_end)) + 1 if prev_end > 0 else 0
    prev = text[pa:prev_end] if prev_end > 0 else ""
    return line, prev


def classify(sentence: str, line: str, prev_line: str) -> Form:
    """The form of one sentence, given its line and the line before (see the module doc)."""
    s = sentence.strip()
    words = _WORD.findall(s)
    if s.endswith("?") or s.endswith("?“") or s.endswith("?”"):
        return "question"
    if s.endswith(":") or len(words) < MIN_WORDS:
        return "stub"
    letters = [ch for ch in s if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) > 0.4 * len(letters) or "|" in s:
        return "heading"  # running heads, footers, table lines ("DIGITALE AGENDA | STADT ULM")
    if _REFERENCE.search(s) and _INITIAL.search(s):
        return "reference"  # a bibliography entry ("Ruf, H., & Kober, P. (2019). …")
    bullet = bool(_BULLET.match(line.strip()))
    own_line = line.strip() == s or (bullet and _BULLET.sub("", line.strip()) == s)
    if bullet and own_line:
        return "item"
    if s.rstrip(_CLOSERS)[-1:] not in _END and not own_line:
        return "fragment"  # no sentence end inside running text: a cut, a footer, a caption
    if own_line and s.rstrip(_CLOSERS)[-1:] not in _END:
        # A line of its own without a sentence end: a list line after a stub, else a heading.
        prev = prev_line.strip()
        return "item" if prev.endswith(":") or _BULLET.match(prev) else "heading"
    return "statement"


def _strip_bullet(text: str, start: int, end: int) -> int:
    m = _BULLET.match(text[start:end])
    return start + m.end() if m else start


def units(text: str) -> list[Unit]:
    """The labelled sentence spans of a passage, in order (over-long sentences are cut at a
    word boundary, so a quote stays readable)."""
    out: list[Unit] = []
    for a, b in sentence_spans(text):
        a = _strip_bullet(text, a, b)
        if not text[a:b].strip():
            continue
        line, prev = _line_of(text, a, b)
        form = classify(text[a:b], line, prev)  # the whole sentence, before any cut
        if b - a > MAX_CHARS:
            cut = text.rfind(" ", a, a + MAX_CHARS)
            b = cut if cut > a else a + MAX_CHARS
        out.append(Unit(a, b, text[a:b], form, len(out)))
    return out
