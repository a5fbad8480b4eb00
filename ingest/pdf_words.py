"""PDF bytes -> positioned words per page (the input of the layout analysis in pdf_layout).

Two backends give words with their box, font size and weight: pdfplumber (pdfminer.six,
pure Python, also gives ruling lines) and pypdfium2 (PDFium, native). evals/PDF.md compares
them; `WORD_BACKEND` is the one the measurement chose. Coordinates are PDF points with the
origin at the top left (y grows downwards).

Example:
    >>> pages = read_words(open("strategie.pdf", "rb").read())       # doctest: +SKIP
    >>> pages[0].words[0].text                                      # doctest: +SKIP
    'Digitalstrategie'
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rag.core.errors import ParseError

# Ligatures and soft hyphens as PDFs store them -> the letters a reader sees.
_CHAR_MAP = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "\xa0": " "}
)


@dataclass(frozen=True)
class Word:
    """One word on a page: text, box (top-left origin), font size, bold."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A drawn line (table rules, separators): a thin box."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 > 3 * (self.bottom - self.top)


@dataclass(frozen=True)
class PageWords:
    number: int  # from 1
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...] = ()


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "bd", "black", "heavy", "semibold", "demi"))


def plumber_pages(content: bytes) -> Iterator[PageWords]:
    """Words and rules by pdfplumber (pdfminer.six layout)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            raw = page.extract_words(
                keep_blank_chars=False, use_text_flow=False, extra_attrs=["size", "fontname"]
            )
            words = tuple(
                Word(
                    w["text"].translate(_CHAR_MAP),
                    float(w["x0"]),
                    float(w["x1"]),
                    float(w["top"]),
                    float(w["bottom"]),
                    round(float(w["size"]), 1),
                    _is_bold(str(w.get("fontname", ""))),
                )
                for w in raw
                if w["text"].strip() and w.get("upright", True)
            )
            rules = tuple(
                Rule(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"]))
                for e in page.edges
            )
            page.flush_cache()
            yield PageWords(number, float(page.width), float(page.height), words, rules)


def pdfium_pages(content: bytes) -> Iterator[PageWords]:
    """Words by PDFium: characters grouped at spaces, gaps, baseline and size changes."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(content)
    try:
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            width, height = page.get_size()
            textpage = page.get_textpage()
            words = tuple(_pdfium_words(textpage, raw, height))
            yield PageWords(number, float(width), float(height), words, _pdfium_rules(page, height))
            textpage.close()
            page.close()
    finally:
        pdf.close()


def _pdfium_rules(page: object, height: float) -> tuple[Rule, ...]:
    """Thin, long path objects: table rules and separators (as pdfplumber's edges)."""
    import pypdfium2.raw as raw

    out = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):  # type: ignore[attr-defined]
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if (w <= 2.5 and h >= 8) or (h <= 2.5 and w >= 8):
            out.append(Rule(float(left), height - float(top), float(right), height - float(bottom)))
    return tuple(out)


def _pdfium_words(textpage: object, raw: object, height: float) -> Iterator[Word]:
    tp = textpage.raw  # type: ignore[attr-defined]
    chars: list[tuple[str, float, float, float, float, float, bool]] = []
    buf = (raw.FPDF_WCHAR * 128)()  # type: ignore[attr-defined]

    def flush() -> Iterator[Word]:
        if chars:
            text = "".join(c[0] for c in chars).translate(_CHAR_MAP)
            sizes = [c[5] for c in chars]
            yield Word(
                text,
                min(c[1] for c in chars),
                max(c[3] for c in chars),
                height - max(c[4] for c in chars),
                height - min(c[2] for c in chars),
                round(max(sizes), 1),
                all(c[6] for c in chars),
            )
            chars.clear()

    for i in range(raw.FPDFText_CountChars(tp)):  # type: ignore[attr-defined]
        ch = chr(raw.FPDFText_GetUnicode(tp, i))  # type: ignore[attr-defined]
        if ch == "\x02":  # PDFium marks a hyphen at a line end as U+0002
            ch = "-"
        if ch.isspace() or ch == "\x00":
            yield from flush()
            continue
        box = textpage.get_charbox(i, loose=True)  # type: ignore[attr-defined]
        size = float(raw.FPDFText_GetFontSize(tp, i))  # type: ignore[attr-defined]
        n = raw.FPDFText_GetFontInfo(tp, i, buf, 128, None)  # type: ignore[attr-defined]
        bold = n > 0 and _is_bold(bytes(buf)[: n - 1].decode("latin-1", "replace"))
        if chars:
            last = chars[-1]
            if (
                box[0] - last[3] > 0.2 * size
                or abs(box[1] - last[2]) > 0.3 * size
                or abs(size - last[5]) > 0.5
            ):
                yield from flush()
        chars.append((ch, box[0], box[1], box[2], box[3], size, bold))
    yield from flush()


BACKENDS: dict[str, Callable[[bytes], Iterator[PageWords]]] = {
    "pdfplumber": plumber_pages,
    "pypdfium2": pdfium_pages,
}
WORD_BACKEND = "pypdfium2"


# PDFium is not thread-safe (pypdfium2 says so): the app's sessions and the ingest's parse
# thread take turns.
_PDFIUM = threading.Lock()


def read_words(content: bytes, backend: str = WORD_BACKEND) -> list[PageWords]:
    """All pages' words; ParseError for encrypted or unreadable files."""
    try:
        with _PDFIUM:
            return list(BACKENDS[backend](content))
    except ParseError:
        raise
    except Exception as exc:  # damaged files raise many types in both backends
        if "password" in str(exc).lower():
            raise ParseError("PDF ist verschlüsselt und kann nicht gelesen werden") from exc
        raise ParseError(f"PDF nicht lesbar: {type(exc).__name__}: {exc}"[:300]) from exc
