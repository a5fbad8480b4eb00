"""A composed answer (`Draft`) -> Answer: citation numbers, German text, parts.

Every sentence keeps its verbatim text and gets the [n] of a citation whose quote is the
exact passage span holding it; sentences of one passage that are close together share one
citation. Registry rows become table rows. The text renders every part (lead, steps,
examples, table rows), so the `answer` string alone answers the question.

Example:
    >>> with_marker("Am Anfang steht die Vision.", 1)
    'Am Anfang steht die Vision [1].'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.candidates import Candidate
from rag.core.records import Answer, AnswerPart, Citation, Hit
from rag.core.vocabulary import format_population

MAX_QUOTE = 700  # one citation's quote spans at most this many characters
HEADINGS = {
    "step": "Schritte:",
    "vision": "Visionen und Leitbilder:",
    "field": "Handlungsfelder:",
    "example": "Beispiele:",
    "context": "Weitere Belege:",
    "row": "Einträge im Register:",
}


@dataclass(frozen=True)
class Item:
    """One line of an answer: sentences of one passage (in passage order), or a registry row."""

    role: str
    cands: tuple[Candidate, ...]
    label: str | None = None


@dataclass(frozen=True)
class Draft:
    shape: str
    items: tuple[Item, ...]


def with_marker(sentence: str, n: int) -> str:
    """[n] before the sentence's final mark, so any sentence splitter keeps it with it."""
    body = " ".join(sentence.split())
    end = ""
    while body and body[-1] in ".!?…":
        body, end = body[:-1], body[-1] + end
    return f"{body} [{n}]{end or '.'}"


class _Citer:
    """Numbers citations in order of first use; close sentences of a passage share one."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._spans: list[tuple[str, int, int]] = []  # (chunk_id, start, end) per citation

    def cite(self, cand: Candidate, group: Sequence[Candidate]) -> int:
        chunk = cand.hit.passage.chunk_id
        for i, (cid, a, b) in enumerate(self._spans):
            if cid == chunk and a <= cand.unit.start and cand.unit.end <= b:
                return i + 1
        near = [c for c in group if abs(c.unit.start - cand.unit.start) <= MAX_QUOTE]
        a = min(c.unit.start for c in near)
        b = max(c.unit.end for c in near if c.unit.end - a <= MAX_QUOTE) if near else cand.unit.end
        a, b = min(a, cand.unit.start), max(b, cand.unit.end)
        text = cand.hit.passage.text
        self._spans.append((chunk, a, b))
        self.citations.append(Citation(len(self.citations) + 1, cand.hit, text[a:b]))
        return len(self.citations)


def _row_cells(hit: Hit, n: int) -> tuple[tuple[str, str], ...]:
    d = hit.passage.doc
    cells = [
        ("Kommune", d.municipality or "–"),
        ("Land", d.state or "–"),
        ("Art", d.kind or "–"),
        ("Jahr", str(d.year) if d.year else "–"),
        ("Titel", d.title),
    ]
    slogan = re.search(r"Leitbild/Motto: „(.+?)“", hit.passage.text)
    if slogan:
        cells.append(("Leitbild/Motto", slogan.group(1)))
    if d.population:
        cells.append(("Einwohner", format_population(d.population)))
    cells.append(("Quelle", f"{d.url or '–'} [{n}]"))
    return tuple(cells)


def _table(rows: Sequence[tuple[tuple[str, str], ...]]) -> list[str]:
    """A Markdown table over the union of the rows' columns (first row's order first)."""
    cols: list[str] = []
    for cells in rows:
        cols += [k for k, _ in cells if k not in cols]
    cols.remove("Quelle")
    cols.append("Quelle")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for cells in rows:
        d = dict(cells)
        values = [d.get(c, "–").replace("|", "/") for c in cols]
        lines.append("| " + " | ".join(values) + " |")
    return lines


def _line(item: Item, citer: _Citer, counter: int) -> tuple[str, AnswerPart]:
    numbers = [citer.cite(c, item.cands) for c in item.cands]
    body = " ".join(with_marker(c.unit.text, n) for c, n in zip(item.cands, numbers, strict=True))
    cites = tuple(dict.fromkeys(numbers))
    part = AnswerPart(item.role, body, cites, item.label)
    if item.role == "lead":
        return body, part
    if item.role == "step":
        who = f" ({item.label})" if item.label else ""
        return f"{counter}. {body}{who}", part
    prefix = f"{item.label}: " if item.label else ""
    return f"- {prefix}{body}", part


def render(question: str, draft: Draft, hits: Sequence[Hit]) -> Answer:
    """Number citations, render the text (headings, lists, table) and the parts."""
    citer = _Citer()
    lines: list[str] = []
    parts: list[AnswerPart] = []
    rows: list[tuple[tuple[str, str], ...]] = []
    role = None
    counter = 0
    for item in draft.items:
        if item.role == "row":
            n = citer.cite(item.cands[0], item.cands)
            cells = _row_cells(item.cands[0].hit, n)
            rows.append(cells)
            parts.append(
                AnswerPart("row", " | ".join(v for _, v in cells), (n,), item.label, cells)
            )
            continue
        if item.role != role and item.role in HEADINGS:
            lines += ["", HEADINGS[item.role]] if lines else [HEADINGS[item.role]]
            counter = 0
        role = item.role
        counter += 1
        line, part = _line(item, citer, counter)
        lines.append(line)
        parts.append(part)
    if rows:
        lines += (["", HEADINGS["row"]] if lines else [HEADINGS["row"]]) + _table(rows)
    text = "\n".join(lines).strip()
    return Answer(
        question,
        text,
        tuple(citer.citations),
        hits=tuple(hits),
        shape=draft.shape,
        parts=tuple(parts),
    )
