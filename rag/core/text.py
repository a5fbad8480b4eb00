"""Sentence splitting that keeps exact substrings (quotes must be document text).

A sentence ends at . ! ? … (and any closing quotes or brackets) when whitespace and a visible
sentence start follow. Abbreviations ("z. B.", "bzw.", "Nr."), initials and ordinals
("am 1. Mai") do not end a sentence, nor do marks inside German quotes („Innovativ. Grün.
Gerecht.“). A line break ends a sentence unless `line_breaks=False` (text wrapped mid-sentence).
Marks matching `trailing` (citation markers such as "[1]") stay with the sentence before them.

Each boundary is decided by looking back, plus the first character of the next sentence, so
appending text never moves an earlier boundary and splitting may resume at any sentence start:
the LLM post-check relies on this to check a streamed answer sentence by sentence.

Example:
    >>> sentence_spans("Erster Satz. Zweiter Satz z. B. hier.")
    [(0, 12), (13, 37)]
    >>> split_sentences("Bis 2030 kommt Glasfaser. [1] Danach 5G.", trailing=re.compile(r"\\[\\d\\]"))
    ['Bis 2030 kommt Glasfaser. [1]', 'Danach 5G.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_STOP = re.compile(r"([.!?…]+)[\"'“”»«)\]]*")
_ABBREVIATION_WORDS = (
    "abs allg anm art bspw bzgl bzw ca chr dr etc evtl exkl ff gem ggf hrsg inkl insb jh kap "
    "lt max min mind mio mrd nr prof rd sog st str tel tsd usw vgl zzgl ziff"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# No "[": a mark such as "[1]" after a stop belongs to the sentence before it (`trailing`).
_SENTENCE_START = frozenset("\"'„“»(*-–•#")
_QUOTE_CLOSE = re.compile('[“”"]')
_MAX_QUOTE = 400  # an unclosed „ stops hiding sentence ends after this many characters


def _is_abbreviation(text: str, dot: int) -> bool:
    """The word before text[dot] is an abbreviation, an initial or an ordinal ("1. Mai")."""
    i = dot
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
        i -= 1
    word = text[i:dot]
    return (
        word.lower() in _ABBREVIATIONS
        or (len(word) == 1 and word.isalpha())  # initials and "z. B.", "u. a.", "S. 12"
        or (word.isdigit() and len(word) <= 2)  # ordinals: "am 1. Mai", "im 3. Quartal"
    )


def _in_quote(text: str, pos: int) -> bool:
    """text[pos] lies inside a German quotation („…“) opened at most _MAX_QUOTE before."""
    opened = text.rfind("„", max(0, pos - _MAX_QUOTE), pos)
    return opened >= 0 and not _QUOTE_CLOSE.search(text, opened, pos)


def _continues(text: str, stop: re.Match[str]) -> bool:
    """The stop does not end the sentence: an abbreviation's dot, or a mark inside a quote."""
    if stop.group(1) == "." and _is_abbreviation(text, stop.start()):
        return True
    return _in_quote(text, stop.start()) and not _QUOTE_CLOSE.match(text, stop.end(1))


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in _SENTENCE_START


def _ends(text: str, trailing: re.Pattern[str] | None) -> Iterator[int]:
    """Offsets where a sentence ends at a stop (after its trailing marks, if any)."""
    for stop in _STOP.finditer(text):
        if _continues(text, stop):
            continue
        end = stop.end()
        while trailing and (mark := trailing.match(text, _skip_space(text, end))):
            end = mark.end()
        nxt = _skip_space(text, end)
        if end < nxt < len(text) and _starts_sentence(text[nxt]):
            yield end


def sentence_spans(
    text: str, *, line_breaks: bool = True, trailing: re.Pattern[str] | None = None
) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, without surrounding whitespace."""
    cuts = list(_ends(text, trailing))
    if line_breaks:
        cuts += [i for i, ch in enumerate(text) if ch == "\n"]
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [*sorted(cuts), len(text)]:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = end
    return spans


def split_sentences(
    text: str, *, line_breaks: bool = True, trailing: re.Pattern[str] | None = None
) -> list[str]:
    """The sentences of `text`, each an exact substring (see `sentence_spans`)."""
    spans = sentence_spans(text, line_breaks=line_breaks, trailing=trailing)
    return [text[a:b] for a, b in spans]
