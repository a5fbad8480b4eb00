"""Decide what a downloaded body really is, by its bytes rather than by headers.

Servers of municipalities often lie: PDFs served as text/html, "strategie.pdf" URLs that
return an HTML error page with status 200, Word files behind .pdf links. The parser must
only see what it can read, so the verdict comes from the content.

Example:
    >>> sniff_type(b"%PDF-1.7\\n...", "text/html", "https://example.org/plan")
    'pdf'
    >>> sniff_type("<!DOCTYPE html><title>Leitbild</title>".encode(), None, "x.txt")
    'html'
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

from rag.core.errors import ParseError

HEAD_BYTES = 8192
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "ZIP-Archiv oder Office-Dokument"),
    (b"\xd0\xcf\x11\xe0", "altes Office-Dokument"),
    (b"\x1f\x8b", "gzip-Archiv"),
    (b"\x89PNG", "PNG-Bild"),
    (b"\xff\xd8\xff", "JPEG-Bild"),
    (b"GIF8", "GIF-Bild"),
    (b"RIFF", "Medien-Datei"),
    (b"{\\rtf", "RTF-Dokument"),
)
_STRONG_HTML = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_WEAK_HTML = re.compile(
    r"^<(?:title|meta|div|p|table|script|style|h[1-6]|ul|section|article|main|a)[\s>/]",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)
_MD_OTHER = re.compile(r"(^\s*[-*+]\s+\S|\[[^\]]+\]\([^)]+\)|^\s*\d+\.\s+\S|\*\*\S)", re.MULTILINE)
_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown")


def sniff_type(content: bytes, declared_content_type: str | None, url_or_name: str) -> str:
    """Return "pdf", "html", "markdown" or "text", judged by the bytes.

    Raises ParseError for empty or binary bodies and for a body that claims to be a PDF
    (by Content-Type or ".pdf" name) but is HTML or text: that is an error page, not a plan.
    """
    if not content.strip():
        raise ParseError(f"Leere Antwort statt eines Dokuments ({url_or_name}).")
    if b"%PDF-" in content[:1024]:
        return "pdf"
    _refuse_binary(content, url_or_name)
    text = decode_text(content[:HEAD_BYTES])
    kind = _text_kind(text, declared_content_type, url_or_name)
    if _claims_pdf(declared_content_type, url_or_name):
        what = "HTML-Fehlerseite statt PDF" if kind == "html" else "Text statt PDF"
        raise ParseError(
            f"{what}: {url_or_name} liefert kein PDF.",
            hint="Link auf der Seite der Kommune prüfen",
        )
    return kind


def decode_text(content: bytes) -> str:
    """Decode bytes as UTF-8 (BOM-aware, also UTF-16 with BOM), falling back to cp1252."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(content) - 3 and exc.reason == "unexpected end of data":
            # A multi-byte character cut off by a size limit: the rest is valid UTF-8.
            return content.decode("utf-8", errors="replace")
        return content.decode("cp1252", errors="replace")


def _refuse_binary(content: bytes, name: str) -> None:
    """Raise ParseError for known binary formats and for bytes that are not text."""
    for magic, label in _BINARY_MAGIC:
        if content.startswith(magic):
            raise ParseError(f"Nicht unterstütztes Format ({label}): {name}.")
    head = content[:HEAD_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if b"\x00" in head:
        raise ParseError(f"Binärdaten statt Text: {name}.")
    text = decode_text(head)
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    if control > max(2, len(text) // 20):
        raise ParseError(f"Binärdaten statt Text: {name}.")


def _text_kind(text: str, declared: str | None, name: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if _STRONG_HTML.search(stripped[:4096]) or _WEAK_HTML.match(stripped):
        return "html"
    if stripped.startswith("<?xml") and "<html" in stripped[:4096].lower():
        return "html"
    mime = _mime(declared)
    path = _path(name)
    if mime == "text/markdown" or path.endswith(_MARKDOWN_EXTENSIONS):
        return "markdown"
    if _MD_HEADING.search(stripped) and _MD_OTHER.search(stripped):
        return "markdown"
    return "text"


def _claims_pdf(declared: str | None, name: str) -> bool:
    return _mime(declared) in ("application/pdf", "application/x-pdf") or _path(name).endswith(
        ".pdf"
    )


def _mime(declared: str | None) -> str:
    return (declared or "").split(";", 1)[0].strip().lower()


def _path(url_or_name: str) -> str:
    """The path part of a URL (or the name itself), lower-cased, for extension checks."""
    try:
        path = urlsplit(url_or_name).path if "://" in url_or_name else url_or_name
    except ValueError:
        path = url_or_name
    return path.lower()
