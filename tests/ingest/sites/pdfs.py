"""Real PDFs generated at test time with fpdf2 (core Helvetica font, text extractable)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fpdf import FPDF

# The core fonts are Latin-1; typographic characters are mapped to their plain forms.
_PLAIN = str.maketrans({"„": '"', "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "’": "'"})


def _plain(text: str) -> str:
    return text.translate(_PLAIN)


@dataclass(frozen=True)
class PdfDoc:
    """A PDF: a title page (lines, the first one large) and sections (heading, paragraphs)."""

    title_lines: tuple[str, ...]
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    meta_title: str = ""  # the PDF's Info /Title; real files often carry a misleading one
    author: str = ""


@lru_cache(maxsize=64)
def render_pdf(doc: PdfDoc) -> bytes:
    """The PDF bytes (deterministic: fixed creation date)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    if doc.meta_title:
        pdf.set_title(_plain(doc.meta_title))
    if doc.author:
        pdf.set_author(_plain(doc.author))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.ln(50)
    first, *rest = doc.title_lines
    pdf.multi_cell(0, 11, _plain(first), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    for line in rest:
        pdf.ln(3)
        pdf.multi_cell(0, 7, _plain(line), new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in doc.sections:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 9, _plain(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for paragraph in paragraphs:
            pdf.ln(2)
            pdf.multi_cell(0, 5.5, _plain(paragraph), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _fixed_date():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime(2023, 7, 1, 9, 0, tzinfo=dt.UTC)


_FIXED_DATE = _fixed_date()
