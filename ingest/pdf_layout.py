"""Page layout from positioned words: lines, running headers/footers, table-of-contents pages,
tables and reading order (recursive XY-cut). Pure functions over pdf_words records.

Decisions are made from what repeats across the document, not from keywords: a running
header is a line at the same height on other pages with (nearly) the same text once digits
are masked; a table-of-contents page is one whose lines mostly end in ascending page numbers;
columns are found as vertical white gaps that cut a region from top to bottom.

Example:
    >>> w = Word("Ulm", 10, 30, 100, 110, 10)
    >>> [s.text for s in segments(PageWords(1, 595, 842, (w,)))]
    ['Ulm']
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ingest.pdf_words import PageWords, Rule, Word

SUPERSCRIPT = str.maketrans("0123456789*", "⁰¹²³⁴⁵⁶⁷⁸⁹*")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
SEGMENT_GAP = 0.6  # a gap wider than this many font sizes ends a segment (cell, column)


@dataclass(frozen=True)
class Segment:
    """Words on one baseline without a wide gap: a line of a column, a table cell line."""

    page: int
    words: tuple[Word, ...]
    size: float  # the main font size of the words
    text: str = field(compare=False)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words if w.size >= self.size * 0.85)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words if w.size >= self.size * 0.85)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if w.size >= self.size * 0.85)


def _text(words: Sequence[Word], size: float) -> str:
    """Words -> text; small raised digits (footnote marks) become superscripts."""
    out: list[str] = []
    for w in words:
        small = w.size < size * 0.8 and (w.text.isdigit() or w.text == "*")
        if small and out:
            out[-1] += w.text.translate(SUPERSCRIPT)
        elif small:
            out.append(w.text.translate(SUPERSCRIPT))
        else:
            out.append(w.text)
    return " ".join(out)


def _main_size(words: Sequence[Word]) -> float:
    weights: dict[float, int] = {}
    for w in words:
        weights[w.size] = weights.get(w.size, 0) + len(w.text)
    return max(weights, key=lambda s: (weights[s], s))


def make_segment(page: int, words: Sequence[Word]) -> Segment:
    ordered = tuple(sorted(words, key=lambda w: w.x0))
    size = _main_size(ordered)
    return Segment(page, ordered, size, _text(ordered, size))


def _is_mark(w: Word, size: float) -> bool:
    """A footnote mark: a short small word (digits, asterisk) beside text of `size`."""
    return w.size < 0.8 * size and len(w.text) <= 3


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words on the same line: vertical overlap of at least half the smaller height."""
    rows: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        h = max(w.bottom - w.top, 0.1)
        for i in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            top, bottom = spans[i]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(h, bottom - top):
                rows[i].append(w)
                if all(_is_mark(v, w.size) for v in rows[i][:-1]):  # a row started by a
                    spans[i] = (w.top, w.bottom)  # raised mark takes the line's span; spans
                    # never grow otherwise (a heading beside two lines must not chain them)
                break
        else:
            rows.append([w])
            spans.append((w.top, w.bottom))
    return rows


BULLETS = frozenset("•●▪■◦○·–-*►▸✓➢")


def _is_bullet(part: Sequence[Word]) -> bool:
    """A list bullet set apart from its item's text stays on the item's segment."""
    return len(part) == 1 and part[0].text in BULLETS


def _crossed(rules: Sequence[Rule], x: float, top: float, bottom: float) -> bool:
    return any(
        not r.horizontal
        and r.x0 - 1 <= x <= r.x1 + 1
        and r.top <= top + 2
        and r.bottom >= bottom - 2
        for r in rules
    )


def segments(page: PageWords) -> list[Segment]:
    """A page's words -> segments (split at wide gaps and at vertical rules), top to bottom."""
    out: list[Segment] = []
    for row in _rows(page.words):
        row.sort(key=lambda w: w.x0)
        size = _main_size(row)
        part = [row[0]]
        for w in row[1:]:
            gap = w.x0 - part[-1].x1
            wide = gap > SEGMENT_GAP * max(size, 1.0) and not _is_bullet(part)
            if wide or _crossed(page.rules, (w.x0 + part[-1].x1) / 2, w.top, w.bottom):
                out.append(make_segment(page.number, part))
                part = []
            part.append(w)
        out.append(make_segment(page.number, part))
    out = _attach_marks(out)
    out.sort(key=lambda s: (round(s.top), s.x0))
    return out


def _attach_marks(segs: list[Segment]) -> list[Segment]:
    """A small segment (footnote mark) touching a larger one on its left or right joins it:
    raised marks may sit on a row of their own when the other column's lines interleave."""
    small = [s for s in segs if len(s.words) <= 2 and len(s.text) <= 3]
    keep = {id(s): s for s in segs}
    for s in small:
        for t in segs:
            if t is s or id(t) not in keep or id(s) not in keep or s.size >= 0.8 * t.size:
                continue
            touching = abs(s.x0 - t.x1) <= 0.3 * t.size or abs(t.x0 - s.x1) <= 0.6 * t.size
            overlap = min(s.bottom, t.bottom) - max(s.top, t.top)
            if touching and overlap > 0:
                keep[id(t)] = make_segment(t.page, [*keep[id(t)].words, *s.words])
                del keep[id(s)]
                break
    return list(keep.values())


# -- running headers and footers --------------------------------------------------------


def mask(text: str) -> str:
    """Text with digits masked and spacing/case normalised: page numbers stop differing."""
    return _SPACE.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def _edge_rows(segs: Sequence[Segment], depth: int = 2) -> list[Segment]:
    """Segments of the top and bottom `depth` lines of a page."""
    tops = sorted({round(s.top) for s in segs})
    keep = set(tops[:depth] + tops[-depth:])
    return [s for s in segs if round(s.top) in keep]


def running_lines(pages: Sequence[Sequence[Segment]], heights: Sequence[float]) -> set[Segment]:
    """Segments repeated at the same height (±1.5 % of the page) on other pages with the same
    masked text (similarity >= 0.8): running headers, footers and page numbers."""
    cands = [(i, s, mask(s.text)) for i, segs in enumerate(pages) for s in _edge_rows(segs)]
    # Pages showing the line: a slide title repeated on two of forty slides is a heading; a
    # line equal only once digits are masked ("1.1 Mobilität", "5.1 Mobilität") needs a third.
    need = max(2, round(0.2 * len(pages)))
    out: set[Segment] = set()
    for i, s, key in cands:
        tol = 0.015 * heights[i]
        seen, same = {i}, {i}
        for j, t, other in cands:
            if j in seen or abs(s.top - t.top) > tol or abs(s.size - t.size) > 0.6:
                continue
            if key == other or (
                min(len(key), len(other)) > 6 and SequenceMatcher(None, key, other).ratio() >= 0.8
            ):
                seen.add(j)
                if _SPACE.sub(" ", t.text).lower() == _SPACE.sub(" ", s.text).lower():
                    same.add(j)
                if len(same) >= need or len(seen) >= max(need, 3):
                    out.add(s)
                    break
    return out | _same_slot(cands, out, heights)


def _same_slot(
    cands: Sequence[tuple[int, Segment, str]], found: set[Segment], heights: Sequence[float]
) -> set[Segment]:
    """Edge segments in a slot (height, font size) that running lines of two other pages use:
    a chapter name in the running header changes from page to page, its slot does not."""
    slots: dict[tuple[float, float], set[int]] = {}
    for i, s, _ in cands:
        if s in found:
            slots.setdefault((s.top, s.size), set()).add(i)

    def in_slot(i: int, s: Segment, top: float, size: float) -> bool:
        return abs(s.top - top) <= 0.004 * heights[i] and abs(s.size - size) <= 0.3

    out = set()
    for (top, size), pages in slots.items():
        members = [(i, s) for i, s, _ in cands if in_slot(i, s, top, size)]
        running = sum(s in found for _, s in members)
        if len(pages) < 2 or running < 0.5 * len(members):
            continue  # a slot mostly of changing text (slide titles) is not a running slot
        out |= {s for i, s in members if s not in found and len(pages - {i}) >= 2}
    return out


# -- tables of contents -----------------------------------------------------------------

_TOC_END = re.compile(r"(?:\.{2,}|…|\s)\s*(\d{1,4})$")


def is_toc_page(segs: Sequence[Segment], page_count: int) -> bool:
    """Most lines end in a page number (after leader dots or a gap) and the numbers ascend."""
    lines = _lines(segs)
    numbers = []
    for line in lines:
        m = _TOC_END.search(line)
        if m and 0 < int(m.group(1)) <= page_count + 20 and len(line) > len(m.group(1)) + 2:
            numbers.append(int(m.group(1)))
    if len(numbers) < 4 or len(numbers) < 0.4 * len(lines):
        return False
    ascending = sum(b >= a for a, b in itertools.pairwise(numbers))
    return ascending >= 0.8 * (len(numbers) - 1)


def _lines(segs: Sequence[Segment]) -> list[str]:
    """Segments of one row joined left to right (a TOC entry and its number are one line)."""
    rows: dict[int, list[Segment]] = {}
    for s in segs:
        rows.setdefault(round((s.top + s.bottom) / 2 / 3), []).append(s)
    return [
        " ".join(s.text for s in sorted(r, key=lambda s: s.x0)) for _, r in sorted(rows.items())
    ]


def body_size(pages: Sequence[Sequence[Segment]]) -> float:
    weights: dict[float, int] = {}
    for segs in pages:
        for s in segs:
            weights[s.size] = weights.get(s.size, 0) + len(s.text)
    return max(weights, key=lambda k: weights[k]) if weights else 10.0


def median(values: Sequence[float], default: float) -> float:
    return statistics.median(values) if values else default
