"""PDF bytes -> paragraphs with their page: the PDF reading step of ingest, crawl and intake.

Steps: positioned words (pdf_words) -> segments -> running headers/footers and table-of-
contents pages removed (and recorded, so an editor sees them) -> tables as rows
("Handlungsfeld: …; Maßnahme: …") -> columns in reading order -> lines joined into
paragraphs (hyphenation resolved with the document's own vocabulary) -> a paragraph cut by a
column or page break joined again; footnotes set apart so they do not cut sentences.

Example:
    >>> reading = read_pdf(open("strategie.pdf", "rb").read())      # doctest: +SKIP
    >>> reading.blocks[3].page, reading.blocks[3].text               # doctest: +SKIP
    (4, 'Die Bürgerbeteiligung wächst.')
    >>> reading.removed[0].reason                                    # doctest: +SKIP
    'Kopf-/Fußzeile'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.hyphenation import Vocabulary, join_inline_hyphens, join_lines
from ingest.pdf_layout import (
    BULLETS,
    Segment,
    body_size,
    is_toc_page,
    median,
    running_lines,
    segments,
)
from ingest.pdf_order import columns
from ingest.pdf_tables import Table, find_tables, row_text
from ingest.pdf_words import WORD_BACKEND, read_words
from rag.core.text import sentence_spans

# Recorded per document in the ingest state: a new version re-reads every PDF (and embeds only
# the chunks whose text changed).
PARSER_VERSION = "pdf-reading-1"
RUNNING = "Kopf-/Fußzeile"
TOC = "Inhaltsverzeichnis"
_ENDS_SENTENCE = re.compile(r"[.!?:…;][\"'“”»)\]⁰¹²³⁴⁵⁶⁷⁸⁹]*$")
_MARK = re.compile(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹*]+|^\d{1,2}\s")
_MARK_SPACE = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹*]+|\d{1,2})\s*")


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, table row or footnote with the page it starts on."""

    page: int
    kind: str  # "text" | "heading" | "table" | "footnote"
    text: str
    level: int = 0  # headings: 1 = largest


@dataclass(frozen=True)
class Removed:
    page: int
    text: str
    reason: str  # RUNNING | TOC


@dataclass(frozen=True)
class PdfReading:
    blocks: tuple[Block, ...]
    removed: tuple[Removed, ...]
    pages: int
    toc_pages: tuple[int, ...]


@dataclass
class _Para:
    page: int
    kind: str
    size: float
    text: str
    x0: float
    x1: float
    bottom: float
    level: int = 0
    top: float = 0.0
    first: bool = False  # first paragraph of its column
    last: bool = False  # last text of its column (footnotes aside)
    foot: bool = False  # only footnotes follow it in its column (it reaches the foot)


def read_pdf(
    content: bytes, backend: str = WORD_BACKEND, known: Vocabulary | None = None
) -> PdfReading:
    """Read a PDF into paragraphs; what was left out is listed in `removed`.

    `known`: words known from elsewhere (the corpus) besides the document's own, for
    hyphens ("Bevölkerungs-wachstum" left over from an earlier line break)."""
    pages = read_words(content, backend)
    segs = [segments(p) for p in pages]
    running = running_lines(segs, [p.height for p in pages])
    removed = [Removed(s.page, s.text, RUNNING) for page in segs for s in page if s in running]
    body = [[s for s in page if s not in running] for page in segs]
    toc = tuple(p.number for p, b in zip(pages, body, strict=True) if is_toc_page(b, len(pages)))
    for n in toc:
        removed += [Removed(n, s.text, TOC) for s in body[n - 1]]
        body[n - 1] = []
    vocab = Vocabulary.of(s.text for page in body for s in page)
    if known is not None:
        vocab = Vocabulary(vocab.counts + known.counts)
    size = body_size(body)
    paras: list[_Para] = []
    notes: list[_Para] = []
    extent: dict[int, tuple[float, float]] = {}  # page -> (top, bottom) of its text
    for page, page_segs in zip(pages, body, strict=True):
        tables = find_tables(page_segs, page.rules, lambda a, b: join_lines(a, b, vocab))
        in_table = set().union(*(t.segments for t in tables)) if tables else set()
        items: list[Segment | Table] = [s for s in page_segs if s not in in_table]
        items += tables
        page_paras = _paragraphs(columns(items, size), size, vocab)
        main = [p for p in page_paras if p.kind != "footnote"]
        if main:
            extent[page.number] = (min(p.top for p in main), max(p.bottom for p in main))
        notes += [p for p in page_paras if p.kind == "footnote"]
        paras += [p for p in page_paras if p.kind != "footnote"]
        paras += notes  # footnotes after the page's text, out of the sentence flow
        notes = []
    blocks = _merge_continuations(paras, size, vocab, extent)
    return PdfReading(tuple(blocks), tuple(removed), len(pages), toc)


def _paragraphs(groups: Sequence[Sequence[object]], size: float, vocab: Vocabulary) -> list[_Para]:
    out: list[_Para] = []
    for group in groups:
        start = len(out)
        lines = [g for g in group if isinstance(g, Segment)]
        pitch = median(
            [b.top - a.top for a, b in itertools.pairwise(lines) if b.top > a.top],
            size * 1.2,
        )
        left = min((s.x0 for s in lines), default=0.0)
        right = max((s.x1 for s in lines), default=0.0)
        current: _Para | None = None
        prev: Segment | None = None
        for item in group:
            if isinstance(item, Table):
                out += [
                    _Para(
                        item.page,
                        "table",
                        size,
                        row_text(item.header, r),
                        item.x0,
                        item.x1,
                        item.bottom,
                        top=item.top,
                    )
                    for r in item.rows
                ]
                current = prev = None
                continue
            assert isinstance(item, Segment)
            if current is None or prev is None or _breaks(prev, item, pitch, left, right, size):
                current = _Para(
                    item.page,
                    _kind(item, size),
                    item.size,
                    item.text,
                    item.x0,
                    item.x1,
                    item.bottom,
                    top=item.top,
                )
                current.first = len(out) == start
                out.append(current)
            else:
                current.text = join_lines(current.text, item.text, vocab)
                current.x1, current.bottom = max(current.x1, item.x1), item.bottom
            prev = item
        body = [p for p in out[start:] if p.kind != "footnote"]
        if body:
            body[-1].last = True
            body[-1].foot = out[-1] is not body[-1]
    return _classify(out, size)


def _breaks(
    prev: Segment, line: Segment, pitch: float, left: float, right: float, size: float
) -> bool:
    """Does `line` start a new paragraph after `prev` (same column)?"""
    if abs(prev.size - line.size) > 0.6 or prev.bold != line.bold:
        return True
    if line.top - prev.top > 1.35 * pitch or line.top < prev.top:
        return True
    if _MARK.match(line.text) and line.size < size * 0.92:
        return True  # the next footnote
    ended = _sentence_ends(prev.text, line.text)
    if line.text[:1] in BULLETS and line.text[1:2] == " ":  # the next list item; a dash may
        return line.text[0] not in "–-*" or ended or prev.text.endswith(":")  # be a parenthesis
    indented = line.x0 > left + 0.8 * line.size and line.x0 - prev.x0 > 0.8 * line.size
    short = prev.x1 < right - 0.25 * (right - left)
    return ended and (indented or short)


def _sentence_ends(a: str, b: str) -> bool:
    """Does a sentence end between line `a` and line `b`? The corpus's sentence splitter
    decides, so "am 13." / "Oktober" and "bspw." / "Bürger" go on."""
    if not _ENDS_SENTENCE.search(a):
        return False
    tail = a[-60:]
    return any(end == len(tail) for _, end in sentence_spans(f"{tail} {b[:30]}"))


def _kind(seg: Segment, size: float) -> str:
    if seg.size >= size * 1.12 or (seg.bold and not _ENDS_SENTENCE.search(seg.text)):
        return "heading"
    if seg.size < size * 0.92 and _MARK.match(seg.text):
        return "footnote"
    return "text"


def _classify(paras: list[_Para], size: float) -> list[_Para]:
    for p in paras:
        if p.kind == "heading" and (len(p.text) > 160 or _ENDS_SENTENCE.search(p.text)):
            p.kind = "text"
        if p.kind == "footnote":
            p.text = _MARK_SPACE.sub(r"\1 ", p.text, count=1).strip()
    return paras


def _continues(a: _Para, b: _Para, extent: dict[int, tuple[float, float]], size: float) -> bool:
    """`b` goes on with the unfinished `a`: the end of one column and the start of the next;
    across a page only when `a` reaches the foot of its page and `b` starts at the top."""
    if not (a.last and b.first and abs(a.size - b.size) <= 0.6):
        return False
    if a.page == b.page:
        return True
    reach = 3 * size
    at_foot = a.foot or a.bottom >= extent[a.page][1] - reach
    return at_foot and b.top <= extent[b.page][0] + reach


def _merge_continuations(
    paras: list[_Para], size: float, vocab: Vocabulary, extent: dict[int, tuple[float, float]]
) -> list[Block]:
    """A text paragraph that does not end a sentence continues in the next text paragraph
    (the next column or page); footnotes and tables in between stay where they are."""
    heading_sizes = sorted({round(p.size) for p in paras if p.kind == "heading"}, reverse=True)
    out: list[_Para] = []
    open_text: _Para | None = None  # a text paragraph whose last sentence is not finished
    tail: _Para | None = None  # its last piece (where on the page it ends)
    for p in paras:
        target = p
        if p.kind == "text" and open_text and tail and _continues(tail, p, extent, size):
            open_text.text = join_lines(open_text.text, p.text, vocab)
            target = open_text
        else:
            out.append(p)
        if p.kind == "heading":
            p.level = heading_sizes.index(round(p.size)) + 1
        if p.kind == "text":
            open_text = None if _ENDS_SENTENCE.search(target.text) else target
            tail = p
        elif p.kind != "footnote":
            open_text = None
    return [
        Block(
            p.page,
            p.kind,
            join_inline_hyphens(p.text, vocab) if p.kind != "heading" else p.text,
            p.level,
        )
        for p in out
    ]
