"""One fetched page or PDF, read for the crawler: verdict, links, canonical URL, text key.

The verdict comes from the page classifier over the document's content; the text key (a hash
of the normalised main text) finds the same document under other URLs even when the bytes
differ (print versions, tracking variants, a second CMS path).

Example:
    >>> page = analyse(fetched, "https://x.de/strategie.html")   # doctest: +SKIP
    >>> page.verdict.label, page.canonical, len(page.links)        # doctest: +SKIP
    ('strategy', None, 42)
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import Tag

from ingest.discovery import Link, extract_links, normalize_url
from ingest.pageclass import Verdict, classify_view
from ingest.pagefeatures import PageView, view_of_html, view_of_text
from ingest.parsing import html_soup
from ingest.records import Fetched
from ingest.sniffing import decode_text

PDF_PAGES_READ = 30
SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.9  # share of the smaller text's shingles found in the other
MIN_KEY_CHARS = 200  # shorter main texts are too generic to prove two pages the same


@dataclass(frozen=True)
class PageAnalysis:
    """What the crawler needs from one document."""

    verdict: Verdict
    links: tuple[Link, ...] = ()
    canonical: str | None = None
    text_key: str | None = None
    text: str = ""  # main text (HTML) or extracted text (PDF): for facts and duplicates
    title: str = ""

    @property
    def shingles(self) -> frozenset[int]:
        return shingles(self.text)


def analyse(fetched: Fetched, url: str) -> PageAnalysis:
    """Classify and read one fetched body (HTML or PDF); other types are plain text."""
    if fetched.content_type == "pdf":
        text = pdf_text(fetched.content)
        title = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) > 3), "")
        view = view_of_text(title, text, is_pdf=True)
        return PageAnalysis(classify_view(view), text=text, title=title)
    raw = decode_text(fetched.content)
    if fetched.content_type != "html":
        view = view_of_text("", raw)
        return PageAnalysis(classify_view(view), text=raw, text_key=text_key(raw))
    base = fetched.final_url or url
    view = view_of_html(raw, base)
    return PageAnalysis(
        verdict=classify_view(view),
        links=tuple(extract_links(raw, base)),
        canonical=canonical_of(raw, base),
        text_key=text_key(view.main_text),
        text=view.main_text,
        title=view.title,
    )


def view_for(fetched: Fetched, url: str) -> PageView:
    """The classifier's view of a fetched body (used by evaluations)."""
    if fetched.content_type == "pdf":
        return view_of_text("", pdf_text(fetched.content), is_pdf=True)
    return view_of_html(decode_text(fetched.content), fetched.final_url or url)


def pdf_text(content: bytes, max_pages: int = PDF_PAGES_READ) -> str:
    """Text of the first pages of a PDF; "" when it cannot be read."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        pages = reader.pages[:max_pages]
        return "\n".join((page.extract_text() or "") for page in pages)
    except Exception:  # damaged PDFs raise many types; the parser reports them later
        return ""


def text_key(text: str) -> str | None:
    """sha256 of the casefolded words of a main text; None when too short to be telling."""
    words = re.findall(r"\w+", text.casefold())
    joined = " ".join(words)
    if len(joined) < MIN_KEY_CHARS:
        return None
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE_WORDS) -> frozenset[int]:
    """crc32 of every k-word window of the casefolded text (deterministic across runs)."""
    words = re.findall(r"\w+", text.casefold())
    return frozenset(
        zlib.crc32(" ".join(words[i : i + k]).encode("utf-8"))
        for i in range(max(0, len(words) - k + 1))
    )


def near_duplicate(a: frozenset[int], b: frozenset[int]) -> bool:
    """Containment of the smaller shingle set in the larger >= NEAR_DUPLICATE.

    A print version without the chapter navigation, or a page with another teaser box, keeps
    almost all of the document's shingles; two chapters of one strategy share only boilerplate.
    """
    if len(a) < 20 or len(b) < 20:
        return False
    return len(a & b) / min(len(a), len(b)) >= NEAR_DUPLICATE


def canonical_of(html: str, base: str) -> str | None:
    """The page's <link rel="canonical"> as a normalised absolute URL, if it names one."""
    soup = html_soup(html[:200_000])
    for tag in soup.find_all("link", href=True):
        if not isinstance(tag, Tag):
            continue
        rel = {r.lower() for r in tag.get_attribute_list("rel") if r}
        if "canonical" in rel:
            href = str(tag.get("href") or "").strip()
            try:
                url = normalize_url(urljoin(base, href))
            except ValueError:
                return None
            return url if url.startswith(("http://", "https://")) else None
    return None
