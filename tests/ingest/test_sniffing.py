"""Content sniffing: the bytes decide, not the headers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sniffing import decode_text, sniff_type
from rag.core.errors import ParseError
from tests.ingest.fixture_site import PDF_TWO_PAGES, make_pdf

pytestmark = pytest.mark.unit

HTML = "<!DOCTYPE html><html><head><title>Leitbild</title></head><body>Größe</body></html>"


def test_pdf_is_recognised_by_magic_bytes_whatever_the_header_says() -> None:
    pdf = make_pdf(PDF_TWO_PAGES)
    assert sniff_type(pdf, "text/html; charset=utf-8", "https://x.de/strategie") == "pdf"
    assert sniff_type(pdf, None, "upload.bin") == "pdf"
    assert sniff_type(b"\r\n  junk %PDF-1.7\n...", "application/octet-stream", "x") == "pdf"


@pytest.mark.parametrize(
    "body",
    [
        HTML.encode(),
        b"\n\n  " + HTML.encode(),
        b"\xef\xbb\xbf" + HTML.encode(),
        HTML.encode("utf-16"),
        b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
        b"<div class='vision'>Grenzenlos smart</div>",
        "<!doctype HTML><p>Straße</p>".encode("cp1252"),
    ],
)
def test_html_is_recognised_by_content(body: bytes) -> None:
    assert sniff_type(body, "text/plain", "https://x.de/seite.txt") == "html"


def test_markdown_and_text() -> None:
    md = b"# Digitalstrategie\n\n## Ziele\n\n- Breitband\n- [Link](https://x.de)\n"
    assert sniff_type(md, None, "README") == "markdown"
    assert sniff_type(b"Einfach nur Text.", "text/markdown", "x") == "markdown"
    assert sniff_type(b"Einfach nur Text.", None, "notizen.md") == "markdown"
    assert sniff_type("Schöne Grüße aus Guben.".encode(), "text/html", "x.html") == "text"
    assert sniff_type(b"# 1 hashtag only", None, "x") == "text"


@pytest.mark.parametrize(
    ("declared", "url"),
    [
        ("text/html", "https://x.de/dokumente/strategie.pdf"),
        ("application/pdf", "https://x.de/download?id=7"),
        ("application/pdf; charset=binary", "https://x.de/Strategie.PDF?x=1"),
    ],
)
def test_html_error_page_behind_a_pdf_link_is_an_error(declared: str, url: str) -> None:
    with pytest.raises(ParseError, match="HTML-Fehlerseite statt PDF"):
        sniff_type(HTML.encode(), declared, url)


def test_text_behind_a_pdf_link_is_an_error_too() -> None:
    with pytest.raises(ParseError, match="kein PDF"):
        sniff_type(b"Datei nicht gefunden", "application/pdf", "x.pdf")


@pytest.mark.parametrize(
    "body",
    [
        b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x1f\x8b\x08\x00",
        b"Text\x00mit\x00Nullbytes",
        bytes(range(1, 32)) * 20,
        b"",
        b"   \n\t ",
    ],
)
def test_binary_and_empty_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(ParseError):
        sniff_type(body, "text/html", "https://x.de/seite")


def test_decode_text_handles_the_usual_encodings() -> None:
    assert decode_text("Größe".encode()) == "Größe"
    assert decode_text("Größe".encode("cp1252")) == "Größe"
    assert decode_text(b"\xef\xbb\xbfStra\xc3\x9fe") == "Straße"
    assert decode_text("Übersicht".encode("utf-16")) == "Übersicht"
    assert decode_text("„Smart City“ – 2030".encode("cp1252")) == "„Smart City“ – 2030"
    # A body cut in the middle of "ü" by a size limit stays UTF-8, not mojibake.
    assert decode_text("Grüße für".encode()[:-1]).startswith("Grüße f")


@settings(deadline=None)
@given(st.binary(max_size=512), st.sampled_from([None, "text/html", "application/pdf"]))
def test_sniff_type_returns_a_kind_or_raises_parse_error(body: bytes, declared: str | None) -> None:
    try:
        kind = sniff_type(body, declared, "https://x.de/datei")
    except ParseError:
        return
    assert kind in ("pdf", "html", "markdown", "text")


@settings(deadline=None)
@given(st.text(max_size=300))
def test_decode_text_round_trips_utf8(text: str) -> None:
    assert decode_text(text.encode("utf-8")) == text.removeprefix("\ufeff")
