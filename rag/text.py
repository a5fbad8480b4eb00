"""Sentence splitting that keeps exact substrings (quotes must be document text).

Abbreviations ("z. B.", "bzw.") and sentence marks inside German quotes („Innovativ. Grün.
Gerecht.“) do not end a sentence.

Example:
    >>> sentence_spans("Erster Satz. Zweiter Satz z. B. hier.")
    [(0, 12), (13, 37)]
"""

from __future__ import annotations

import re

_ABBREV = re.compile(
    r"\b(?:z\. ?B|d\. ?h|u\. ?a|u\. ?v\. ?m|i\. ?d\. ?R|z\. ?T|bzw|ca|Nr|vgl|inkl|ggf|bspw|etc|"
    r"[Ss]|Abs|Kap|Dr|Prof|usw|evtl|insb|sog|Mio|Mrd|Tel|Str|bzgl|ff?)\."
)
_END = re.compile(r"[.!?…][\"“”»)\]]*\s+(?=[A-ZÄÖÜ0-9„\"»(\[])|\n+")
_MAX_QUOTE = 400


def _masked(text: str) -> str:
    """Copy of text (same length) where non-final dots are hidden from the splitter."""
    chars = list(text)
    for m in _ABBREV.finditer(text):
        for i in range(m.start(), m.end()):
            if chars[i] in ". ":
                chars[i] = "\x00"
    depth, opened = 0, 0
    for i, ch in enumerate(text):
        if ch == "„":
            depth, opened = 1, i
        elif (ch == "“" and depth) or (depth and i - opened > _MAX_QUOTE):
            depth = 0
        elif depth and ch in ".!?" and text[i + 1 : i + 2] != "“":
            chars[i] = "\x00"
    return "".join(chars)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    bounds = [m.end() for m in _END.finditer(_masked(text))] + [len(text)]
    for end in bounds:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = end
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
