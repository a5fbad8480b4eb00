"""The typesetter of the synthetic strategy PDFs (evals.pdf_synth): lines, columns, running
headers and footers, footnotes, tables and a table of contents, recorded as ground truth.

It lays out every line itself (reportlab canvas, no Platypus) so that each hyphenation,
column break and footer is known exactly.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rag.core.text import split_sentences

A4 = (595.0, 842.0)
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float
    margin: float
    top: float
    bottom: float
    columns: int
    gap: float
    header: str
    footer: str
    indent_paragraphs: bool
    ruled_table: bool
    rowspan_fields: bool
    landscape: bool
    shuffled_stream: bool = False  # text drawn in random order (reading order only by geometry)


@functools.cache
def _fonts(name: str) -> tuple[str, str]:
    """(regular, bold) font names; Vera is the TTF reportlab ships."""
    if name != "Vera":
        return name, {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}[name]
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("Vera", str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("VeraBd", str(folder / "VeraBd.ttf")))
    return "Vera", "VeraBd"


@functools.cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="de_DE")


class Canvas:
    """A reportlab canvas that records what is drawn per page (drawn in `save`)."""

    def __init__(self, out: IO[bytes], style: Style) -> None:
        from reportlab.pdfgen.canvas import Canvas as RLCanvas

        self.size = (A4[1], A4[0]) if style.landscape else A4
        self.rl = RLCanvas(out, pagesize=self.size, invariant=1)
        self.regular, self.bold = _fonts(style.font)
        self.pages: list[list[tuple[Any, ...]]] = []

    def width(self, text: str, size: float, bold: bool = False) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return float(stringWidth(text, self.bold if bold else self.regular, size))

    def text(self, page: int, x: float, y: float, s: str, size: float, bold: bool = False) -> None:
        while len(self.pages) <= page:
            self.pages.append([])
        self.pages[page].append(("t", x, y, s, size, bold))

    def line(self, page: int, x0: float, y0: float, x1: float, y1: float) -> None:
        self.pages[page].append(("l", x0, y0, x1, y1))

    def save(self, shuffle: random.Random | None = None) -> None:
        for ops in self.pages:
            if shuffle is not None:  # content-stream order need not be reading order
                shuffle.shuffle(ops)
            for op in ops:
                if op[0] == "t":
                    _, x, y, s, size, bold = op
                    self.rl.setFont(self.bold if bold else self.regular, size)
                    self.rl.drawString(x, y, s)
                else:
                    self.rl.setLineWidth(0.5)
                    self.rl.line(*op[1:])
            self.rl.showPage()
        self.rl.save()


Token = tuple[str, int | None]  # a word and the footnote number after it
Break = tuple[str, str]  # (the text a reader must produce, "soft" | "hard" | "suspended")


def break_lines(
    tokens: list[Token], width: float, measure: Any, first_indent: float = 0.0
) -> tuple[list[list[Token]], list[Break]]:
    """Greedy line breaking with German hyphenation; returns the lines and the breaks at a
    hyphen with what a reader must make of them ("Bürgerbeteiligung", "E-Government",
    "Bürger- und")."""
    lines: list[list[Token]] = []
    breaks: list[Break] = []
    line: list[Token] = []
    room = width - first_indent
    queue = list(reversed(tokens))
    while queue:
        word, note = queue.pop()
        if measure([*line, (word, note)]) <= room:
            line.append((word, note))
            continue
        split = next((sp for sp in _splits(word) if measure([*line, (sp[0], None)]) <= room), None)
        if split:
            left, right, joined = split
            line.append((left, None))
            queue.append((right, note))
            breaks.append((left[:-1] + right, "soft") if joined else (left + right, "hard"))
        elif not line:
            line.append((word, note))  # longer than a line: it overflows
        else:
            queue.append((word, note))
            if line[-1][0].endswith("-") and line[-1][1] is None:
                breaks.append((f"{line[-1][0]} {word}", "suspended"))
        lines.append(line)
        line = []
        room = width
    if line:
        lines.append(line)
    return lines, breaks


def _splits(word: str) -> list[tuple[str, str, bool]]:
    """Where a word may break, longest left part first: after a hard hyphen, or at pyphen's
    syllable points (then a hyphen is added: joined=True)."""
    core = word.strip(".,;:!?()„“\"'")
    if not core:
        return []
    start = word.index(core)
    if "-" in core.strip("-"):
        i = word.index("-", start + 1)
        return [(word[: i + 1], word[i + 1 :], False)] if i < len(word) - 2 else []
    if len(core) < 6 or not core.isalpha():
        return []
    out = []
    for left, _ in _hyphenator().iterate(core):
        left = left.rstrip("-")
        if len(left) >= 3 and len(core) - len(left) >= 3:
            cut = start + len(left)
            out.append((word[:cut] + "-", word[cut:], True))
    return out


@dataclass
class Flow:
    """Where the next line goes: page, column, cursor and the column's footnotes."""

    page: int = 0
    column: int = 0
    y: float = 0.0
    region_top: float = 0.0
    notes: list[list[Token]] | None = None
    note_height: float = 0.0
    used: bool = False


def sentences_of(text: str) -> list[str]:
    return split_sentences(text)


@dataclass
class Truth:
    """What a perfect reader returns for one generated PDF."""

    seed: int
    style: Style
    pages: int = 0
    sentences: list[str] = field(default_factory=list)  # body and footnote sentences
    order: list[str] = field(default_factory=list)  # body sentences in reading order
    running: dict[int, list[str]] = field(default_factory=dict)  # page -> header/footer lines
    toc_pages: list[int] = field(default_factory=list)
    toc_entries: list[tuple[str, int]] = field(default_factory=list)
    table_header: tuple[str, ...] = ()
    table_rows: list[tuple[str, ...]] = field(default_factory=list)
    hyphen_breaks: list[tuple[str, str]] = field(default_factory=list)  # (expected, kind)
    headings: dict[int, list[str]] = field(default_factory=dict)  # page -> headings, titles
