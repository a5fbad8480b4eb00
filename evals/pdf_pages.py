"""Page flow of the synthetic strategy PDFs: title page, table of contents, chapters in one or
two columns, footnotes at the foot of their column, a table of measures, running headers and
footers. Everything drawn is recorded in the ground truth (evals.pdf_synth.Truth)."""

from __future__ import annotations

import random
from typing import Any

from evals.pdf_layout_draw import Canvas, Flow, Style, Token, Truth, break_lines


class Typesetter:
    def __init__(
        self,
        canvas: Canvas,
        style: Style,
        content: dict[str, Any],
        truth: Truth,
        rng: random.Random,
    ) -> None:
        self.c, self.s, self.content, self.truth, self.rng = canvas, style, content, truth, rng
        self.W, self.H = canvas.size
        self.left, self.right = style.margin, self.W - style.margin
        self.top, self.bottom = self.H - style.top, style.bottom
        width = self.right - self.left
        self.colw = (width - (style.columns - 1) * style.gap) / style.columns
        self.lead = style.size * style.leading
        self.flow = Flow()
        self.headings: list[tuple[int, str, int]] = []  # (level, title, printed page)
        self.chapter_at: dict[int, str] = {}
        self.notes_left = list(content["notes"])
        self.note_no = 0

    # -- measuring and drawing ---------------------------------------------------------
    def measure(self, size: float, bold: bool = False) -> Any:
        def width(tokens: list[Token]) -> float:
            text = " ".join(w for w, _ in tokens)
            marks = sum(self.c.width(str(n), size * 0.6) for _, n in tokens if n)
            return self.c.width(text, size, bold) + marks

        return width

    def draw_tokens(self, x: float, y: float, tokens: list[Token], size: float, bold: bool) -> None:
        run: list[str] = []
        for word, note in tokens:
            run.append(word)
            if note:
                text = " ".join(run)
                self.c.text(self.flow.page, x, y, text, size, bold)
                x += self.c.width(text, size, bold)
                self.c.text(self.flow.page, x, y + size * 0.35, str(note), size * 0.6)
                x += self.c.width(str(note), size * 0.6) + self.c.width(" ", size)
                run = []
        if run:
            self.c.text(self.flow.page, x, y, " ".join(run), size, bold)

    # -- flow --------------------------------------------------------------------------
    def col_x(self) -> float:
        return self.left + self.flow.column * (self.colw + self.s.gap)

    def new_page(self) -> None:
        self.finish_column()
        self.flow = Flow(page=self.flow.page + 1, y=self.top, region_top=self.top)

    def next_column(self) -> None:
        if self.flow.column + 1 < self.s.columns:
            self.finish_column()
            self.flow.column += 1
            self.flow.y = self.flow.region_top
            self.flow.notes, self.flow.note_height = None, 0.0
        else:
            self.new_page()

    def room(self) -> float:
        return self.flow.y - self.bottom - self.flow.note_height

    def finish_column(self) -> None:
        notes = self.flow.notes or []
        if not notes:
            return
        size = self.s.size * 0.8
        y = self.bottom + self.flow.note_height
        x = self.col_x()
        self.c.line(self.flow.page, x, y - 3, x + 50, y - 3)
        y -= 4
        for number, lines in notes:
            for i, tokens in enumerate(lines):
                y -= size * 1.25
                if i == 0:
                    self.c.text(self.flow.page, x, y + size * 0.35, str(number), size * 0.6)
                self.draw_tokens(x + size * 0.8, y, tokens, size, False)

    def place(self, tokens: list[Token], size: float, bold: bool, indent: float = 0.0) -> None:
        notes = [n for _, n in tokens if n]
        need, note_lines = self.lead, []
        for n in notes:
            text = self.content["notes"][n - 1]
            lines, _ = break_lines(
                [(w, None) for w in text.split()], self.colw - size, self.measure(size * 0.8)
            )
            note_lines.append((n, lines))
        extra = sum(len(ls) * size * 0.8 * 1.25 for _, ls in note_lines)
        extra += 8 if note_lines and not self.flow.notes else 0
        if self.room() < need + extra:
            self.next_column()
        self.flow.y -= need
        self.draw_tokens(self.col_x() + indent, self.flow.y, tokens, size, bold)
        self.flow.used = True
        if note_lines:
            self.flow.notes = (self.flow.notes or []) + note_lines
            self.flow.note_height += extra
        self.chapter_at.setdefault(self.flow.page + 1, self.current_chapter)

    # -- blocks ------------------------------------------------------------------------
    def heading(self, level: int, title: str) -> None:
        size = self.s.size * (1.45 if level == 1 else 1.15)
        if self.room() < self.lead * 4:
            self.next_column()
        if self.flow.y < self.flow.region_top - 1:
            self.flow.y -= self.lead * (1.0 if level == 1 else 0.6)
        self.flow.y -= size * 1.3 - self.lead
        self.place([(w, None) for w in title.split()], size, True)
        self.flow.y -= self.lead * 0.3
        self.headings.append((level, title, self.flow.page + 1))
        self.truth.headings.setdefault(self.flow.page + 1, []).append(title)

    def paragraph(self, sentences: list[str], first: bool) -> None:
        tokens: list[Token] = [(w, None) for w in " ".join(sentences).split()]
        if self.notes_left and self.rng.random() < 0.3:
            self.notes_left.pop()
            self.note_no += 1
            tokens[-1] = (tokens[-1][0], self.note_no)
            self.truth.sentences.extend(_sentences(self.content["notes"][self.note_no - 1]))
        indent = self.s.size * 1.5 if self.s.indent_paragraphs and not first else 0.0
        if not self.s.indent_paragraphs and self.flow.y < self.flow.region_top - 1:
            self.flow.y -= self.lead * 0.6
        lines, breaks = break_lines(tokens, self.colw, self.measure(self.s.size), indent)
        self.truth.hyphen_breaks.extend(breaks)
        for i, line in enumerate(lines):
            self.place(line, self.s.size, False, indent if i == 0 else 0.0)
        self.truth.sentences.extend(sentences)
        self.truth.order.extend(sentences)

    def table(self) -> None:
        header, rows = self.content["table"]
        self.truth.table_header = header
        self.truth.table_rows = list(rows)
        self.paragraph(["Tabelle 1: Maßnahmen im Überblick"], True)
        self.truth.sentences.pop()
        self.truth.order.pop()
        if self.s.columns > 1 and self.flow.used:
            self.new_page()
        width = self.right - self.left if self.s.columns > 1 else self.colw
        shares = (0.2, 0.4, 0.15, 0.25)
        widths = [width * f for f in shares]
        size = self.s.size * 0.9
        self.flow.y -= self.lead * 0.5
        self.table_row(header, widths, size, True)
        previous = None
        for row in rows:
            cells = list(row)
            if self.s.rowspan_fields and row[0] == previous:
                cells[0] = ""
            if not self.table_row(tuple(cells), widths, size, False):
                self.new_page()
                self.table_row(header, widths, size, True)
                self.table_row(row, widths, size, False)
            previous = row[0]
        self.flow.region_top = self.flow.y - self.lead
        self.flow.y = self.flow.region_top
        self.flow.column = 0

    def table_row(
        self, cells: tuple[str, ...], widths: list[float], size: float, bold: bool
    ) -> bool:
        pad = 3.0
        wrapped = [
            break_lines([(w, None) for w in c.split()], wd - 2 * pad, self.measure(size, bold))[0]
            for c, wd in zip(cells, widths, strict=True)
        ]
        height = max(len(w) for w in wrapped) * size * 1.25 + 2 * pad
        if height > self.room():  # the column's footnotes keep their place
            return False
        x, top = self.left, self.flow.y
        for lines, wd in zip(wrapped, widths, strict=True):
            for i, tokens in enumerate(lines):
                self.draw_tokens(x + pad, top - pad - size - i * size * 1.25, tokens, size, bold)
            if self.s.ruled_table:
                self.c.line(self.flow.page, x, top, x, top - height)
            x += wd
        if self.s.ruled_table or bold:
            self.c.line(self.flow.page, self.left, top - height, x, top - height)
        if self.s.ruled_table:
            self.c.line(self.flow.page, self.left, top, x, top)
            self.c.line(self.flow.page, x, top, x, top - height)
        self.flow.y = top - height
        self.flow.used = True
        return True

    # -- pages -------------------------------------------------------------------------
    def title_page(self) -> None:
        ct = self.content
        for text, size, y in (
            (ct["title"], 26.0, 0.62),
            (ct["subtitle"], 16.0, 0.55),
            (ct["date"], 12.0, 0.3),
        ):
            x = (self.W - self.c.width(text, size, size > 20)) / 2
            self.c.text(0, x, self.H * y, text, size, size > 20)
            self.truth.headings.setdefault(1, []).append(text)

    def toc_page(self) -> None:
        size = self.s.size
        y = self.top - size * 1.45
        self.c.text(1, self.left, y, "Inhalt", size * 1.45, True)
        y -= self.lead * 1.5
        leaders = self.rng.random() < 0.6
        for level, title, page in self.headings:
            x = self.left + (0 if level == 1 else 15)
            num = str(page)
            bold = level == 1
            self.c.text(1, x, y, title, size, bold)
            nx = self.right - self.c.width(num, size, bold)
            self.c.text(1, nx, y, num, size, bold)
            if leaders:
                start = x + self.c.width(title, size, bold) + 4
                dots = int((nx - 4 - start) / self.c.width(".", size))
                self.c.text(1, start, y, "." * max(dots, 0), size)
            self.truth.toc_entries.append((title, page))
            y -= self.lead * (1.4 if level == 1 else 1.15)
        self.truth.toc_pages = [2]
        self.chapter_at[2] = "Inhalt"

    def running(self) -> None:
        ct, s, total = self.content, self.s, len(self.c.pages)
        small = s.size * 0.8
        for index in range(1, total):
            n = index + 1
            pieces: list[tuple[str, str]] = []  # (where, text)
            if s.header == "title-rule":
                pieces += [("hl", ct["title"]), ("hr", ct["town"])]
            elif s.header == "logo-line":
                pieces += [("hl", f"STADT {ct['town'].upper()}"), ("hr", "Digitalstrategie")]
            elif s.header == "alternating":
                pieces += [("hl", ct["title"])] if n % 2 == 0 else [("hr", self.chapter_at[n])]
            if s.footer == "page":
                pieces.append(("fc", str(n)))
            elif s.footer == "seite-von":
                pieces.append(("fr", f"Seite {n} von {total}"))
            elif s.footer == "dash":
                pieces.append(("fc", f"– {n} –"))
            else:
                pieces += [
                    ("fl", ct["date"]),
                    ("fc", f"{ct['title'].upper()} | STADT"),
                    ("fr", str(n)),
                ]
            for where, text in pieces:
                y = self.H - s.top + 24 if where[0] == "h" else s.bottom - 30
                w = self.c.width(text, small)
                x = {"l": self.left, "r": self.right - w, "c": (self.W - w) / 2}[where[1]]
                self.c.text(index, x, y, text, small)
            if s.header in ("title-rule", "logo-line"):
                self.c.line(index, self.left, self.H - s.top + 20, self.right, self.H - s.top + 20)
            self.truth.running[n] = [t for _, t in pieces]

    @property
    def current_chapter(self) -> str:
        return next((t for lv, t, _ in reversed(self.headings) if lv == 1), "")

    def run(self) -> None:
        self.title_page()
        self.flow = Flow(page=2, y=self.top, region_top=self.top)
        for number, (chapter, sections) in enumerate(self.content["chapters"]):
            self.heading(1, chapter)
            for title, paragraphs in sections:
                self.heading(2, title)
                for i, sentences in enumerate(paragraphs):
                    self.paragraph(sentences, i == 0)
            if number == self.content["table_chapter"]:
                self.table()
        self.finish_column()
        self.toc_page()
        self.running()
        self.c.save(random.Random(self.truth.seed) if self.s.shuffled_stream else None)
        self.truth.pages = len(self.c.pages)


def _sentences(text: str) -> list[str]:
    from rag.core.text import split_sentences

    return split_sentences(text)


def draw_document(
    canvas: Canvas, style: Style, content: dict[str, Any], truth: Truth, rng: random.Random
) -> None:
    Typesetter(canvas, style, content, truth, rng).run()
