"""Score a crawl of a fixture site against its ground truth (pure functions).

`score(expected, indexed, requests, base_url)` takes what the crawler indexed (one `Indexed`
per document, with the URLs it merged into it and the facts it read) and the server's request
log, and counts what the issue asks for: documents found / expected, noise indexed, requests,
robots violations, duplicates left unmerged, trap fetches, metadata accuracy per field.

Example:
    >>> s = score(expected, [Indexed(base + "/a.html", facts={"year": 2023})], log.requests, base)
    >>> s.found, s.noise_indexed, s.robots_violations                          # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.ingest.sites.model import Expected, ExpectedDoc, LoggedRequest
from tests.ingest.sites.robots import violations

FIELDS = ("municipality", "kind", "state", "population", "year")
_NAME_PREFIX = re.compile(
    r"^(stadt|gemeinde|große kreisstadt|hansestadt|zukunftsregion|landkreis|kreis|amt)\s+"
)


@dataclass(frozen=True)
class Indexed:
    """One document the crawler indexed: its URL, the other URLs merged into it, its facts."""

    url: str
    aliases: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldScore:
    """Per metadata field: right, wrong, missing (stated but not read), invented (not stated)."""

    right: int = 0
    wrong: int = 0
    missing: int = 0
    invented: int = 0


@dataclass(frozen=True)
class Score:
    site: str
    found: int
    expected: int
    missed: tuple[str, ...]
    noise_indexed: tuple[str, ...]
    requests: int
    robots_violations: tuple[str, ...]
    duplicates: int  # documents indexed more than once (extra part-only items are fine)
    over_merged: int  # indexed items that hold more than one expected document
    trap_fetches: dict[str, int]
    traps_bounded: bool
    fields: dict[str, FieldScore]


def site_path(url: str, base_url: str, url_noise: tuple[str, ...] = ()) -> str:
    """`url` as a site path, without session ids and tracking parameters the site ignores."""
    path = url.removeprefix(base_url.rstrip("/")) or "/"
    if ";jsessionid=" in url_noise:
        path = re.sub(r";jsessionid=[^?#/]*", "", path)
    parts = urlsplit(path)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if "utm_*" in url_noise:
        query = [(k, v) for k, v in query if not k.startswith("utm_")]
    return parts.path + ("?" + urlencode(query) if query else "")


def _same(field_name: str, got: Any, want: Any) -> bool:
    if field_name in ("population", "year"):
        try:
            return int(got) == int(want)
        except (TypeError, ValueError):
            return False
    if field_name == "municipality":
        got_name, want_name = str(got).strip().lower(), str(want).strip().lower()
        return _NAME_PREFIX.sub("", got_name) == _NAME_PREFIX.sub("", want_name)
    return str(got).strip().lower() == str(want).strip().lower()


def _field_scores(matches: list[tuple[ExpectedDoc, Indexed]]) -> dict[str, FieldScore]:
    tallies = {f: Counter[str]() for f in FIELDS}
    for doc, got in matches:
        for name in FIELDS:
            value = got.facts.get(name)
            if name in doc.facts:
                outcome = (
                    "missing"
                    if value is None
                    else ("right" if _same(name, value, doc.facts[name]) else "wrong")
                )
            elif value is None:
                continue
            elif name in doc.context_facts:
                outcome = "right" if _same(name, value, doc.context_facts[name]) else "wrong"
            else:
                outcome = "invented"
            tallies[name][outcome] += 1
    return {name: FieldScore(**counts) for name, counts in tallies.items()}


def score(
    expected: Expected, indexed: list[Indexed], requests: list[LoggedRequest], base_url: str
) -> Score:
    """Compare a crawl with the ground truth of its site."""
    owner: dict[str, ExpectedDoc] = {
        path: doc for doc in expected.documents for path in (doc.url, *doc.aliases, *doc.parts)
    }
    whole: dict[str, list[Indexed]] = {d.url: [] for d in expected.documents}
    part_only: dict[str, list[Indexed]] = {d.url: [] for d in expected.documents}
    noise: list[str] = []
    over_merged = 0
    for item in indexed:
        paths = {site_path(u, base_url, expected.url_noise) for u in (item.url, *item.aliases)}
        docs = {owner[p].url: owner[p] for p in paths if p in owner}
        if not docs:
            main = site_path(item.url, base_url, expected.url_noise)
            if main not in expected.tolerated:
                noise.append(main)
        over_merged += len(docs) > 1
        for doc in docs.values():
            covers_whole = any(p in (doc.url, *doc.aliases) for p in paths)
            (whole if covers_whole else part_only)[doc.url].append(item)
    found = [d for d in expected.documents if whole[d.url] or part_only[d.url]]
    # Facts are judged on the item that holds the document itself, else on its first part.
    matches = [(d, (whole[d.url] or part_only[d.url])[0]) for d in found]
    trap_fetches = {
        t.prefix: sum(1 for r in requests if r.path.startswith(t.prefix)) for t in expected.traps
    }
    return Score(
        site=expected.site,
        found=len(found),
        expected=len(expected.documents),
        missed=tuple(d.url for d in expected.documents if d not in found),
        noise_indexed=tuple(noise),
        requests=len(requests),
        robots_violations=tuple(violations(expected, requests)),
        duplicates=sum(1 for items in whole.values() if len(items) > 1),
        over_merged=over_merged,
        trap_fetches=trap_fetches,
        traps_bounded=all(trap_fetches[t.prefix] <= t.max_fetches for t in expected.traps),
        fields=_field_scores(matches),
    )
