"""Reading order on a PDF page: columns from white gutters, full-width items between them.

A gutter is a vertical strip (at least one font size wide) that no column-width segment
covers, with several segments on both sides. Segments that cross a gutter (headings, tables,
full-width paragraphs) split the page into bands; each band is read column by column, left to
right, each column top to bottom.

Example:
    >>> from ingest.pdf_layout import make_segment
    >>> from ingest.pdf_words import Word
    >>> a = make_segment(1, [Word("links", 50, 90, 100, 110, 10)])
    >>> b = make_segment(1, [Word("rechts", 300, 340, 100, 110, 10)])
    >>> [[s.text for s in col] for col in columns([b, a], 10.0)]
    [['links'], ['rechts']]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Box(Protocol):
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...


def gutters(items: Sequence[Box], size: float) -> list[tuple[float, float]]:
    """White vertical strips between text columns: (x_start, x_end)."""
    if len(items) < 6:
        return []
    left, right = min(b.x0 for b in items), max(b.x1 for b in items)
    narrow = [b for b in items if b.x1 - b.x0 < 0.62 * (right - left)]
    spans = sorted((b.x0, b.x1) for b in narrow)
    out: list[tuple[float, float]] = []
    reach = left
    for x0, x1 in spans:
        if x0 - reach >= size:
            out.append((reach, x0))
        reach = max(reach, x1)
    return [g for g in out if _sides(narrow, g) and g[0] > left]


def _sides(narrow: Sequence[Box], gap: tuple[float, float]) -> bool:
    before = sum(b.x1 <= gap[0] + 0.5 for b in narrow)
    after = sum(b.x0 >= gap[1] - 0.5 for b in narrow)
    return min(before, after) >= 2 and max(before, after) >= 3  # a last column may be short


def bands(items: Sequence[Box], size: float) -> list[list[Box]]:
    """Items split where a white band higher than three font sizes crosses the whole page
    (a slide title above three text columns does not hide their gutters)."""
    out: list[list[Box]] = []
    bottom = float("-inf")
    for item in sorted(items, key=lambda b: (b.top, b.x0)):
        if not out or item.top - bottom > 3 * size:
            out.append([])
        out[-1].append(item)
        bottom = max(bottom, item.bottom)
    return out


def columns(items: Sequence[Box], size: float) -> list[list[Box]]:
    """Items in reading order, grouped into columns (a full-width item is its own group)."""
    return [group for band in bands(items, size) for group in _columns(band, size)]


def _columns(items: Sequence[Box], size: float) -> list[list[Box]]:
    gaps = gutters(items, size)
    ordered = sorted(items, key=lambda b: (b.top, b.x0))
    if not gaps:
        return [ordered] if ordered else []
    cuts = [(a + b) / 2 for a, b in gaps]
    out: list[list[Box]] = []
    band: list[Box] = []
    wide = False  # the last group holds full-width items (consecutive ones stay together)
    for item in ordered:
        if any(item.x0 < c < item.x1 for c in cuts):
            if band or not wide:
                out.extend(_band(band, cuts))
                out.append([])
            out[-1].append(item)
            band, wide = [], True
        else:
            band.append(item)
    out.extend(_band(band, cuts))
    return [group for group in out if group]


def _band(band: Sequence[Box], cuts: Sequence[float]) -> list[list[Box]]:
    cols: list[list[Box]] = [[] for _ in range(len(cuts) + 1)]
    for item in band:
        k = sum(item.x0 >= c for c in cuts)
        cols[k].append(item)
    return cols
