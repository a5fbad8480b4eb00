"""Bytes -> ParsedDoc: Markdown (MyST/Sphinx), plain text, HTML and PDF.

What is kept is exact document text with markup removed (so quotes are faithful); headings
become the section path; PDF pages keep their numbers.

Example:
    >>> secs = markdown_sections("# Vision\\n\\nUlm ist **smart**.")
    >>> secs[0].heading_path, secs[0].text
    (('Vision',), 'Ulm ist smart.')
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from ingest.records import Fetched, ParsedDoc, Section
from ingest.sniffing import decode_text
from rag.core.errors import ParseError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

# Every pattern is linear in its input: unbounded `[^]]*`, `.+?` or `\s*#*\s*$` were
# quadratic (or worse) on unclosed brackets, emphasis markers or tags and on long heading
# lines; fuzzing found 16 KB inputs taking seconds. Longer spans than the bounds stay as text.
_OPEN_DIRECTIVE = re.compile(r"^(```|~~~|:::)\s*\{[^}\n]*\}")
_OPEN_FENCE = re.compile(r"^```")
_CLOSE_ANY = re.compile(r"^(```|~~~|:::)\s*$")
_CLOSE_FENCE = re.compile(r"^```\s*$")
_IMAGE = re.compile(r"!\[[^\]]{0,1000}\]\([^)]{0,2000}\)")
_LINK = re.compile(r"\[([^\]]{1,1000})\]\((?:[^()]|\([^)]{0,2000}\)){0,2000}\)")
_FOOTREF = re.compile(r"\[\^[^\]]{1,200}\]")
_FOOTDEF = re.compile(r"^\[\^[^\]\n]{1,200}\]:.*$", re.M)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,1000}>")
_EMPH = re.compile(
    r"(\*\*|__)(.{1,500}?)\1|(?<![\w*])\*(?!\s)(.{1,500}?)(?<!\s)\*(?![\w*])"
    r"|(?<![\w_])_(?!\s)(.{1,500}?)(?<!\s)_(?![\w_])"
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")  # closing #s are stripped in Python
_LIST = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def clean_inline(text: str) -> str:
    """Remove inline Markdown (images, links, emphasis, footnote refs, HTML tags)."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _FOOTREF.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _EMPH.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text)
    text = text.replace("`", "")
    return _SPACES.sub(" ", text).strip()


def _blocks(lines: list[str]) -> list[str]:
    """Join soft-wrapped lines into paragraphs; list items and table rows stay lines."""
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(" ".join(para))
            para.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
        elif _LIST.match(raw):
            flush()
            out.append(_LIST.sub("- ", line, count=1))
        elif " | " in line or line.startswith("|") or _TABLE_RULE.match(line):  # table row
            flush()
            out.append(line.strip("|").strip())
        else:
            para.append(line)
    flush()
    return [b for b in (clean_inline(b) for b in out) if b and not set(b) <= set("-|: ")]


def _drop_blocks(text: str) -> str:
    """Remove MyST directives (```{figure} ... ```) and code fences in one linear pass.

    A directive closes at the next fence line (```, ~~~ or :::), a code fence at the next
    ``` line; an opener that is never closed stays as text.
    """
    lines = text.split("\n")
    close_any = [i for i, ln in enumerate(lines) if _CLOSE_ANY.match(ln)]
    close_fence = [i for i, ln in enumerate(lines) if _CLOSE_FENCE.match(ln)]
    out: list[str] = []
    i = 0
    while i < len(lines):
        closers: list[int] = []
        if _OPEN_DIRECTIVE.match(lines[i]):
            closers = close_any
        elif _OPEN_FENCE.match(lines[i]):
            closers = close_fence
        k = bisect.bisect_right(closers, i)
        if k < len(closers):
            out.append("")  # the block becomes one empty line, as a regex substitution did
            i = closers[k] + 1
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def markdown_sections(text: str) -> list[Section]:
    """Markdown (with MyST directives) -> sections keyed by heading path."""
    text = _drop_blocks(text)
    text = _FOOTDEF.sub("", text)
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    buf: list[str] = []

    def flush() -> None:
        body = "\n\n".join(_blocks(buf))
        if body:
            sections.append(Section(tuple(h for _, h in path), body))
        buf.clear()

    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            flush()
            title = clean_inline(m.group(2).rstrip().rstrip("#").rstrip())
            level = len(m.group(1))
            path = [(lv, h) for lv, h in path if lv < level]
            if title:
                path.append((level, title))
        else:
            buf.append(line)
    flush()
    return sections


_BOILERPLATE = re.compile(
    r"^(Direkt zu(r Hauptnavigation| zum Inhalt)|Zurück an den Seitenanfang|Webcontent-Anzeige"
    r"|Zum Inhalt springen|Seite drucken|Nach oben|>)\b.*$|^>$",
    re.M,
)


def _is_text_heading(block: str) -> bool:
    return (
        "\n" not in block
        and 3 <= len(block) <= 80
        and block[-1] not in '.!:;,“"”'
        and not (block[-1] == "?" and len(block) > 60)
        and (block[0].isupper() or block[0].isdigit())
        and not _LIST.match(block)
    )


def text_sections(text: str) -> list[Section]:
    """Plain text: paragraphs split on blank lines; a short lone line is a heading."""
    sections: list[Section] = []
    heading: tuple[str, ...] = ()
    buf: list[str] = []
    text = _BOILERPLATE.sub("", text.replace("\r\n", "\n"))
    for raw in re.split(r"\n\s*\n", text):
        block = "\n".join(_SPACES.sub(" ", ln).strip() for ln in raw.strip().splitlines())
        block = block.strip()
        if not block:
            continue
        if _is_text_heading(block):
            if buf:
                sections.append(Section(heading, "\n\n".join(buf)))
                buf = []
            heading = (block,)
        else:
            buf.append(block)
    if buf:
        sections.append(Section(heading, "\n\n".join(buf)))
    return sections


def pdf_reading_sections(content: bytes) -> tuple[list[Section], list[Section]]:
    """PDF -> (paragraph sections with page numbers, removed running lines and TOC pages).

    The reading step (ingest.pdf_reading) joins lines into paragraphs, removes running
    headers/footers and table-of-contents pages, keeps table rows whole and columns in order.
    """
    from ingest.hyphenation import corpus_vocabulary
    from ingest.pdf_reading import read_pdf
    from rag.core.settings import ROOT

    reading = read_pdf(content, known=corpus_vocabulary(str(ROOT / "corpus")))
    sections: list[Section] = []
    # (level, text, page, has text under it); a heading superseded before any text came
    # under it is document text (slides set whole lines in large type), never dropped.
    path: list[tuple[int, str, int, bool]] = []

    def add(heading: tuple[str, ...], text: str, page: int | None) -> None:
        last = sections[-1] if sections else None
        if last and last.heading_path == heading and last.page == page:
            sections[-1] = Section(heading, f"{last.text}\n\n{text}", page)
        else:
            sections.append(Section(heading, text, page))

    def close(level: int) -> None:
        kept = [e for e in path if e[0] < level]
        orphans = [e for e in path if e[0] >= level and not e[3]]
        if orphans:
            for lv, text, page, _ in orphans:
                add(tuple(h for v, h, _, _ in kept if v < lv), text, page)
            kept = [(lv, h, pg, True) for lv, h, pg, _ in kept]
        path[:] = kept

    for block in reading.blocks:
        if block.kind == "heading":
            close(block.level)
            path.append((block.level, block.text, block.page, False))
            continue
        path[:] = [(lv, h, pg, True) for lv, h, pg, _ in path]
        add(tuple(h for _, h, _, _ in path), block.text, block.page)
    close(-1)
    removed = [Section((r.reason,), r.text, r.page) for r in reading.removed]
    return sections, removed


def pdf_sections(content: bytes) -> list[Section]:
    """PDF -> paragraph sections (page numbers from 1)."""
    return pdf_reading_sections(content)[0]


def html_soup(html: str) -> BeautifulSoup:
    """BeautifulSoup over lxml's HTML parser: linear on any input, never rejects markup.

    The stdlib html.parser is quadratic on unclosed attribute quotes (3,000 `<meta name="`
    in 36 KB took 3.5 s) and raises on broken `<![` sections; fuzzing found both.
    """
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml")


def html_sections(content: bytes, url: str | None = None) -> tuple[list[Section], str | None]:
    """HTML -> sections from the main content (trafilatura), with a bs4 fallback.

    Returns the sections and the page title.
    """
    import trafilatura

    html = decode_text(content)
    soup = html_soup(html)
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    md = trafilatura.extract(
        html,
        url=url,
        output_format="markdown",
        include_links=False,
        include_images=False,
        include_tables=True,
        favor_recall=True,
    )
    if md and md.strip():
        return markdown_sections(md), title
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()
    return text_sections(soup.get_text("\n\n", strip=True)), title


def parse(fetched: Fetched) -> ParsedDoc:
    """Parse fetched bytes by their sniffed type; raise ParseError if no text remains."""
    src = fetched.source
    kind = fetched.content_type
    title = None
    removed: list[Section] = []
    if kind == "pdf":
        sections, removed = pdf_reading_sections(fetched.content)
    elif kind == "html":
        sections, title = html_sections(fetched.content, fetched.final_url or src.location)
    elif kind == "markdown":
        sections = markdown_sections(decode_text(fetched.content))
    else:
        sections = text_sections(decode_text(fetched.content))
    if not sections:
        raise ParseError(f"Kein lesbarer Text in {src.location}")
    meta = src.meta
    if not meta.title and (title or sections[0].heading_path):
        from dataclasses import replace

        meta = replace(meta, title=title or sections[0].heading_path[0])
    return ParsedDoc(
        meta=meta,
        sections=tuple(sections),
        source_id=src.source_id,
        urls=src.urls,
        removed=tuple(removed),
        parser=parser_version(kind),
    )


def parser_version(content_type: str) -> str:
    """Recorded per document: another version re-reads the document (PDFs only so far)."""
    if content_type == "pdf":
        from ingest.pdf_reading import PARSER_VERSION

        return PARSER_VERSION
    return ""
