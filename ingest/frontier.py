"""The crawl frontier: every in-scope URL is a candidate; a priority queue orders them.

What a link says (strategy words in its text or URL), where it sits (main content, navigation,
footer), what kind of page it came from (strategy, listing, unrelated), how deep it is and
whether it looks like a calendar or search page only change its *priority*, so the page
budget (`--max-pages`) goes to likely pages first. What is fetched at all is the scope's
decision (`ingest.crawlscope`). Two bounds keep traps finite whatever their priority: the
depth limit, and a budget per URL path shape (digits blanked, query ignored), so a calendar
with a "next month" link or a search page with endless parameters yields at most
`TEMPLATE_BUDGET` pages.

Example:
    >>> f = Frontier(max_depth=3)
    >>> f.push(Candidate("https://x.de/", 0, 1.0, via="start"))
    True
    >>> f.pop().url
    'https://x.de/'
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from ingest.crawlscope import path_shape, trap_likeness
from ingest.discovery import Link, looks_like_strategy

TEMPLATE_BUDGET = 25
_NOISE_TEXT = re.compile(
    r"\b(impressum|datenschutz|kontakt|login|anmelden|barrierefrei|cookie|newsletter|drucken"
    r"|druckversion|sprache|english|leichte sprache|gebärdensprache)",
    re.IGNORECASE,
)
_FILE_HINT = re.compile(
    r"(\.pdf$|download|datei|file|anlage|attachment|getfile|dokument|document|media)",
    re.IGNORECASE,
)
_AREA_BONUS = {"main": 0.5, "aside": 0.0, "nav": -0.1, "header": -0.3, "footer": -0.6, "": 0.0}
_FROM_BONUS = {"strategy": 0.8, "navigation": 0.5, "other": -0.3, "": 0.0}


@dataclass(frozen=True)
class Candidate:
    """A URL waiting to be fetched, with why and how eagerly.

    `leaf`: fetched but its links are not followed (a same-host file outside a prefix scope).
    `document`: may become a document (False for start pages of listing-only crawls).
    """

    url: str
    depth: int
    priority: float
    via: str = "link"  # "start" | "link" | "pagination" | "sitemap" | "canonical" | "known"
    leaf: bool = False
    document: bool = True
    anchor: str = ""
    referrer: str = ""  # the page whose link queued this URL


def link_priority(link: Link, depth: int, from_label: str = "") -> float:
    """Higher = fetched earlier. A sum of small, explainable terms; never a veto."""
    text_and_path = f"{link.text} {urlsplit(link.url).path}"
    p = 1.0
    if looks_like_strategy(link):
        p += 1.5
    if _FILE_HINT.search(urlsplit(link.url).path + "?" + urlsplit(link.url).query):
        p += 0.5
    if _NOISE_TEXT.search(text_and_path):
        p -= 0.8
    p += _AREA_BONUS.get(link.area, 0.0) + _FROM_BONUS.get(from_label, 0.0)
    p -= 0.3 * depth + 1.5 * trap_likeness(link.url)
    return p


class Frontier:
    """Priority queue of candidates with de-duplication, depth limit and template budgets."""

    def __init__(self, max_depth: int, template_budget: int = TEMPLATE_BUDGET) -> None:
        self.max_depth = max_depth
        self.template_budget = template_budget
        self._heap: list[tuple[float, int, Candidate]] = []
        self._order = itertools.count()
        self.seen: set[str] = set()
        self.templates: Counter[str] = Counter()
        self.over_budget: list[str] = []

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, candidate: Candidate) -> bool:
        """Queue `candidate` unless seen, too deep or its template's budget is spent."""
        if candidate.url in self.seen or candidate.depth > self.max_depth:
            return False
        template = path_shape(candidate.url)
        if candidate.via not in ("start", "known") and (
            self.templates[template] >= self.template_budget
        ):
            self.over_budget.append(candidate.url)
            self.seen.add(candidate.url)
            return False
        self.templates[template] += 1
        self.seen.add(candidate.url)
        # Repeated shapes sink a little each time: the 20th calendar day is worth less.
        priority = candidate.priority - 0.05 * (self.templates[template] - 1)
        heapq.heappush(self._heap, (-priority, next(self._order), candidate))
        return True

    def pop(self) -> Candidate:
        return heapq.heappop(self._heap)[2]

    def peek(self) -> Candidate | None:
        return self._heap[0][2] if self._heap else None

    def mark_seen(self, url: str) -> None:
        """Record a URL reached another way (a redirect target, a canonical alias)."""
        self.seen.add(url)
