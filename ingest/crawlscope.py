"""Where a crawl may go (its scope) and what a URL is (its cleaned form, its template).

The scope decides what is fetched, never a keyword: `host` admits every page of the start
hosts, `prefix` every page under the start URL's directory (the whole host when the start is
a home page). A same-host link leaving a prefix scope may be fetched as a *leaf*: one hop,
never expanded (strategy PDFs live under /fileadmin/ while the page about them is under
/rathaus/). URLs are cleaned (courlan's tracker removal plus session ids) so that tracking
and session variants collapse; their *template* (digits and query values blanked) lets the
frontier bound calendars and search pages that generate endless URLs.

Example:
    >>> scope = Scope.of(["https://x.de/rathaus/digital/"], "prefix")
    >>> scope.admits("https://x.de/rathaus/digital/leitbild.html"), scope.admits("https://x.de/")
    (True, False)
    >>> clean_url("https://x.de/a;jsessionid=AB12?utm_source=nl&id=7&PHPSESSID=x")
    'https://x.de/a?id=7'
    >>> url_template("https://x.de/kalender?monat=2024-05&tag=3")
    'x.de/kalender?monat&tag'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.discovery import normalize_url

SCOPES = ("host", "prefix")
# Session ids and click ids courlan's tracker list does not cover (measured, see tests).
_SESSION_KEYS = re.compile(
    r"^(?:phpsessid|jsessionid|sid|sessionid|session_id|s_id|cfid|cftoken|sessid|zenid|"
    r"oscsid|osCsid|wicket.*|_ga|_gl|fbclid|gclid|msclkid|mc_cid|mc_eid|yclid|igshid)$",
    re.IGNORECASE,
)
_PATH_SESSION = re.compile(r";(?:jsessionid|sessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)
_HOME_PAGES = re.compile(
    r"^/(?:(?:de|en|deutsch|start|startseite|home|index|portal)(?:\.\w{2,5})?/?"
    r"|index\.\w{2,5}|)$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_CALENDAR = re.compile(
    r"(?:kalender|calendar|termin|veranstaltung|event|datum|date|monat|month|jahr|year|woche"
    r"|week|tag=|day=|suche|search|[?&](?:q|s|query|such\w*)=)",
    re.IGNORECASE,
)
_DATE_IN_URL = re.compile(r"(?:19|20)\d{2}[-/_.]?(?:0[1-9]|1[0-2])(?:[-/_.]?\d{2})?")


def clean_url(url: str) -> str:
    """Normalised URL without fragment, tracking parameters and session ids.

    courlan's `clean_url` removes trackers (utm_*, fbclid, ...) and sorts the query. Its
    strict mode is not used: it drops every parameter outside a short list, including the
    ones council systems need (`si0057.php?__ksinr=123` became `si0057.php`). Session ids
    courlan keeps (`;jsessionid=` in the path, which it even percent-encodes, `sid`,
    `PHPSESSID`) are removed here.
    """
    from courlan import clean_url as courlan_clean

    url = normalize_url(_PATH_SESSION.sub("", url))
    cleaned = courlan_clean(url) or url
    parts = urlsplit(normalize_url(cleaned))
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in kept if not _SESSION_KEYS.match(k)]
    query = urlencode(kept, safe="/:,[]")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def url_template(url: str) -> str:
    """host/path with digit runs blanked and query keys without values: a URL's "shape"."""
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    path = _DIGITS.sub("#", parts.path)
    return parts.netloc + path + ("?" + "&".join(keys) if keys else "")


def path_shape(url: str) -> str:
    """host/path with digit runs blanked, query ignored: the unit of the frontier's budget.

    A calendar answers `?month=`, `?month=&day=` and more under one path; counting per path
    bounds all of them together (measured on the fixture CMS: per-template budgets let 61
    calendar pages through, per path 30).
    """
    parts = urlsplit(url)
    return parts.netloc + _DIGITS.sub("#", parts.path)


def trap_likeness(url: str) -> float:
    """0..1: how much a URL looks like a calendar/search/date page (orders, never decides)."""
    parts = urlsplit(url)
    score = 0.0
    if _CALENDAR.search(parts.path + "?" + parts.query):
        score += 0.5
    if _DATE_IN_URL.search(parts.path + "?" + parts.query):
        score += 0.3
    if len(parse_qsl(parts.query)) >= 3:
        score += 0.2
    return min(1.0, score)


def is_home_page(url: str) -> bool:
    return bool(_HOME_PAGES.match(urlsplit(url).path or "/"))


def _directory(path: str) -> str:
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


@dataclass(frozen=True)
class Scope:
    """Hosts and path prefixes a crawl may visit. Build with `Scope.of`."""

    mode: str
    prefixes: frozenset[tuple[str, str]]  # (host, path prefix); "/" = whole host

    @classmethod
    def of(cls, start_urls: list[str], mode: str = "prefix") -> Scope:
        if mode not in SCOPES:
            raise ValueError(f"unbekannter Umfang '{mode}' (erlaubt: host, prefix)")
        return cls(mode, frozenset(_prefix(u, mode) for u in start_urls))

    def widen(self, url: str) -> Scope:
        """The scope plus the prefix of `url` (a start URL's redirect target)."""
        return Scope(self.mode, self.prefixes | {_prefix(url, self.mode)})

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(h for h, _ in self.prefixes)

    def admits(self, url: str) -> bool:
        """Is `url` a page of the scope (fetched, and its links followed)?"""
        parts = urlsplit(url)
        host, path = parts.netloc.lower(), parts.path or "/"
        return any(h == host and path.startswith(p) for h, p in self.prefixes)

    def admits_leaf(self, url: str) -> bool:
        """Same host as the scope: may be fetched one hop from an admitted page."""
        return urlsplit(url).netloc.lower() in self.hosts

    def describe(self) -> str:
        return ", ".join(sorted(f"{h}{p}" for h, p in self.prefixes))


def _prefix(url: str, mode: str) -> tuple[str, str]:
    parts = urlsplit(normalize_url(url))
    if mode == "host" or is_home_page(url):
        return parts.netloc.lower(), "/"
    return parts.netloc.lower(), _directory(parts.path or "/")
