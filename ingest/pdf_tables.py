"""Tables on a PDF page from segment alignment: rows of cells, so a measure stays with its field.

A table is a run of lines whose segments all start at a few shared x positions (the column
anchors; at least three), with no segment reaching over the next anchor, beginning with a
line that fills at least three columns and holding at least two such lines. Logical rows
are separated by horizontal rules or by a line gap wider than the gap inside a cell; an
empty first cell takes the value above (row-spanning fields).

Example:
    >>> row_text(("Handlungsfeld", "Maßnahme"), ("Mobilität", "Radwege"))
    'Handlungsfeld: Mobilität; Maßnahme: Radwege'
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.pdf_layout import Segment
from ingest.pdf_words import Rule

Joiner = Callable[[str, str], str]


@dataclass(frozen=True)
class Table:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    segments: frozenset[Segment]


def _lines(segs: Sequence[Segment]) -> list[list[Segment]]:
    lines: list[list[Segment]] = []
    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        if lines and abs(lines[-1][0].top - s.top) <= 0.4 * s.size:
            lines[-1].append(s)
        else:
            lines.append([s])
    return [sorted(ln, key=lambda s: s.x0) for ln in lines]


def _fits(line: list[Segment], anchors: list[float], tol: float) -> bool:
    for s in line:
        k = _column(s, anchors, tol)
        if k is None or (k + 1 < len(anchors) and s.x1 > anchors[k + 1] - tol / 2):
            return False
    return True


def _column(s: Segment, anchors: list[float], tol: float) -> int | None:
    for k, a in enumerate(anchors):
        if abs(s.x0 - a) <= tol:
            return k
    return None


def _run(lines: list[list[Segment]], start: int) -> tuple[int, list[float]]:
    """How many lines from `start` form a table, and its anchors."""
    first = lines[start]
    size = max(s.size for s in first)
    anchors = [s.x0 for s in first]
    tol = 0.7 * size
    end, full = start + 1, 1
    while end < len(lines):
        line = lines[end]
        if line[0].top - lines[end - 1][0].bottom > 2.5 * size or not _fits(line, anchors, tol):
            break
        full += len(line) >= 3
        end += 1
    return (end - start if full >= 2 else 0), anchors


def _row_breaks(
    lines: list[list[Segment]], rules: Sequence[Rule], x0: float, x1: float
) -> list[bool]:
    """True where a line starts a new logical row."""
    tops = [ln[0].top for ln in lines]
    pitches = [b - a for a, b in itertools.pairwise(tops)]
    pitch = min(pitches) if pitches else 0.0
    hrules = [r for r in rules if r.horizontal and r.x1 - r.x0 > 0.5 * (x1 - x0)]
    out = [True]
    for prev, line, step in zip(lines, lines[1:], pitches, strict=False):
        bottom = max(s.bottom for s in prev)
        ruled = any(bottom - 1 <= r.top <= line[0].top + 1 for r in hrules)
        out.append(ruled or step > 1.3 * pitch)
    return out


def find_tables(segs: Sequence[Segment], rules: Sequence[Rule], join: Joiner) -> list[Table]:
    lines = _lines(segs)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if len(lines[i]) < 3:
            i += 1
            continue
        n, anchors = _run(lines, i)
        if n < 2:
            i += 1
            continue
        table = _table(lines[i : i + n], anchors, rules, join)
        if not table.rows:  # one logical row: text set in columns, not a table
            i += 1
            continue
        tables.append(table)
        i += n
    return tables


def _table(
    lines: list[list[Segment]], anchors: list[float], rules: Sequence[Rule], join: Joiner
) -> Table:
    members = [s for ln in lines for s in ln]
    x0, x1 = min(s.x0 for s in members), max(s.x1 for s in members)
    tol = 0.7 * max(s.size for s in lines[0])
    rows: list[list[str]] = []
    for line, new in zip(lines, _row_breaks(lines, rules, x0, x1), strict=True):
        if new:
            rows.append([""] * len(anchors))
        for s in line:
            k = _column(s, anchors, tol) or 0
            rows[-1][k] = join(rows[-1][k], s.text) if rows[-1][k] else s.text
    header = tuple(rows[0])
    body: list[tuple[str, ...]] = []
    for row in rows[1:]:
        if row == list(header):
            continue  # the header repeated after a page break
        if not row[0] and body:
            row[0] = body[-1][0]
        body.append(tuple(row))
    return Table(
        lines[0][0].page,
        x0,
        min(s.top for s in members),
        x1,
        max(s.bottom for s in members),
        header,
        tuple(body),
        frozenset(members),
    )


def row_text(header: Sequence[str], row: Sequence[str]) -> str:
    """One table row as a self-contained line: 'Handlungsfeld: …; Maßnahme: …'."""
    if not any(header):
        return "; ".join(c for c in row if c)
    return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, row, strict=False) if c)
