"""Content features of a fetched page or PDF, for the page classifier (`ingest.pageclass`).

Every feature is a plain number computed from what the document says and how it is built:
length of the main text (trafilatura), link density, headings, German strategy vocabulary,
dates and contact data. None of them decides anything alone; a fitted logistic regression
weighs them (see `ingest.pageclass` and `python -m evals.pageclass`).

Example:
    >>> view = view_of_text("Digitalstrategie", "Unsere Vision: Handlungsfelder und Ziele.")
    >>> round(features(view)["vocab_title"], 2)
    0.33
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ingest.parsing import html_soup

# German strategy vocabulary (stems, lower case): words that name what a strategy *is*
# (vision, fields of action, goals, measures), not words every municipal page uses
# ("Verwaltung", "Stadt"). Features, never a rule.
STRATEGY_STEMS = (
    "strategie", "leitbild", "vision", "handlungsfeld", "zielbild", "ziele ", "maßnahmen",
    "massnahmen", "digitalisierung", "smart city", "smart region", "smart-city", "leitlinie",
    "agenda", "masterplan", "handlungsempfehlung", "leitprojekt", "schwerpunkte", "roadmap",
    "umsetzung", "transformation", "handlungsbedarf", "strategisch", "zukunftsbild",
    "bürgerbeteiligung", "fortschreibung", "ausgangslage", "querschnitt",
)  # fmt: skip
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß\-]+")
_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)?\d{2}\b|\b\d{1,2}:\d{2}\s?Uhr\b")
# Horizon language ("bis 2030", "Vision 2035", "Zielbild 2040"), independent of today's date.
_HORIZON = re.compile(
    r"\b(?:bis|Vision|Ziel\w*|Horizont|Agenda|Strategie|Leitbild|Perspektive)\s*"
    r"(?:zum\s+Jahr\s+|ins\s+Jahr\s+|Jahr\s+)?[„\"]?(20[2-9]\d)\b",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"@[\w.-]+\.\w{2,}|\bTel\.?|\bTelefon\b|\bFax\b|\b\d{5}\s+[A-ZÄÖÜ]|\bE-Mail\b|\bÖffnungszeiten\b"
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
FEATURE_NAMES = (
    "log_chars", "link_density", "log_links", "vocab_density", "vocab_diversity",
    "vocab_title", "log_headings", "future_years", "date_density", "contact_density",
    "sentence_len", "is_pdf", "list_share", "para_len", "long_text", "linked_headings",
)  # fmt: skip


@dataclass(frozen=True)
class PageView:
    """What the classifier looks at: title, headings, main text and the page's link mass."""

    title: str
    headings: tuple[str, ...]
    main_text: str
    visible_chars: int
    link_chars: int
    links: int
    list_chars: int = 0
    is_pdf: bool = False
    linked_headings: int = 0  # headings that are (or contain) links: teaser cards of a listing


def view_of_html(html: str, url: str | None = None) -> PageView:
    """Build the view of an HTML page: trafilatura's main text, bs4 for the page's structure."""
    import trafilatura

    soup = html_soup(html)
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    heading_tags = soup.find_all(["h1", "h2", "h3"])
    headings = tuple(" ".join(h.get_text(" ").split()) for h in heading_tags)
    linked = sum(1 for h in heading_tags if h.find("a") is not None or h.find_parent("a"))
    visible = " ".join(soup.get_text(" ").split())
    anchors = soup.find_all("a")
    link_chars = sum(len(" ".join(a.get_text(" ").split())) for a in anchors)
    list_chars = sum(len(" ".join(li.get_text(" ").split())) for li in soup.find_all("li"))
    main = trafilatura.extract(html, url=url, include_tables=True, favor_recall=True) or ""
    return PageView(
        title=title,
        headings=headings,
        main_text=main,
        visible_chars=len(visible),
        link_chars=link_chars,
        links=len(anchors),
        list_chars=list_chars,
        linked_headings=linked,
    )


def view_of_text(title: str, text: str, *, is_pdf: bool = False) -> PageView:
    """The view of a PDF (its extracted text) or any plain text: no links, no page chrome."""
    headings = tuple(
        line.strip()
        for line in text.splitlines()
        if 3 <= len(line.strip()) <= 80 and not _SENTENCE_END.search(line.strip())
    )[:40]
    return PageView(
        title=title,
        headings=headings,
        main_text=text,
        visible_chars=len(text),
        link_chars=0,
        links=0,
        is_pdf=is_pdf,
    )


def _stem_hits(text: str) -> tuple[int, int]:
    """(occurrences, distinct stems) of strategy vocabulary in `text`."""
    low = text.casefold()
    counts = [low.count(stem) for stem in STRATEGY_STEMS]
    return sum(counts), sum(1 for c in counts if c)


def features(view: PageView) -> dict[str, float]:
    """The named feature values of a view (see FEATURE_NAMES), each roughly in 0..1."""
    main = view.main_text
    words = max(1, len(_WORD.findall(main)))
    hits, distinct = _stem_hits(main)
    title_hits, _ = _stem_hits(" ".join((view.title, *view.headings[:12])))
    sentences = max(1, len(_SENTENCE_END.findall(main)))
    paragraphs = [p for p in main.split("\n") if p.strip()]
    visible = max(1, view.visible_chars)
    return {
        "log_chars": math.log1p(len(main)) / 10,
        "link_density": min(1.0, view.link_chars / visible),
        "log_links": math.log1p(view.links) / 5,
        "vocab_density": min(1.0, 10 * hits / words),
        "vocab_diversity": distinct / len(STRATEGY_STEMS),
        "vocab_title": min(3, title_hits) / 3,
        "log_headings": math.log1p(len(view.headings)) / 4,
        "future_years": min(1.0, 100 * len(_HORIZON.findall(main)) / words),
        "date_density": min(1.0, 20 * len(_DATE.findall(main)) / words),
        "contact_density": min(1.0, 20 * len(_CONTACT.findall(main)) / words),
        "sentence_len": min(1.0, words / sentences / 30) if sentences >= 3 else 0.5,
        "is_pdf": 1.0 if view.is_pdf else 0.0,
        "list_share": min(1.0, view.list_chars / visible),
        "para_len": min(1.0, len(main) / max(1, len(paragraphs)) / 400),
        "long_text": min(1.0, words / 1500),
        "linked_headings": view.linked_headings / max(1, len(view.headings)),
    }


def feature_vector(view: PageView) -> list[float]:
    """Features in FEATURE_NAMES order (the model's input)."""
    values = features(view)
    return [values[name] for name in FEATURE_NAMES]
