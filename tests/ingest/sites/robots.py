"""An independent RFC 9309 matcher for checking request logs against a site's robots rules.

Deliberately our own few lines (not protego, not urllib.robotparser): the oracle of a test
must not share code with the thing under test. Rules: `*` matches any run of characters, a
trailing `$` anchors the end, the longest matching pattern wins, Allow wins a tie.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.ingest.sites.model import Expected, LoggedRequest


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


def is_allowed(rules: Iterable[tuple[str, str]], path: str) -> bool:
    """Whether `path` (with query) may be fetched under `rules` ((directive, pattern) pairs)."""
    if path == "/robots.txt":
        return True
    best: tuple[int, bool] | None = None
    for directive, pattern in rules:
        if not pattern or not _pattern_regex(pattern).match(path):
            continue
        candidate = (len(pattern), directive.lower() == "allow")
        if best is None or candidate > best:
            best = candidate
    return True if best is None else best[1]


def robots_txt(expected: Expected, base_url: str = "") -> str:
    """The robots.txt text for `expected.disallow` (and Sitemap lines when given a base)."""
    # A group for other bots first: a parser that merges groups would apply "Disallow: /".
    lines = ["# robots.txt", "User-agent: SemrushBot", "User-agent: AhrefsBot", "Disallow: /", ""]
    lines += ["User-agent: *"]
    lines += [f"{directive}: {pattern}" for directive, pattern in expected.disallow]
    if base_url:
        lines += [""] + [f"Sitemap: {base_url}{path}" for path in expected.sitemaps]
    return "\n".join(lines) + "\n"


def violations(expected: Expected, requests: Iterable[LoggedRequest]) -> list[str]:
    """Paths requested although robots.txt forbids them."""
    return [r.path for r in requests if not is_allowed(expected.disallow, r.path)]
