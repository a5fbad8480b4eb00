"""Crawl the fixture sites (or a site module given by path) and score what was found.

    python -m evals.crawl_sites                         # all fixture sites, Markdown table
    python -m evals.crawl_sites cms ratsinfo --json     # some sites, JSON
    python -m evals.crawl_sites /path/to/site.py        # a site module kept elsewhere
    python -m evals.crawl_sites /path/to/site_dir/      # ... or the directory holding it

Per site: expected documents found, noise indexed (anything that is not an expected document,
one of its aliases or chapter parts, or a tolerated page), documents indexed twice, aliases
merged, requests made, robots.txt violations (an independent RFC 9309 matcher, not protego),
trap fetches against their bound, and per metadata field how many stated facts were read
correctly, wrongly, missed, or invented where the document states nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.crawler import CrawlReport, crawl
from ingest.crawlscope import clean_url
from ingest.records import Fetched
from ingest.snapshots import SnapshotStore
from rag.core.settings import CrawlSettings

FIELDS = ("municipality", "kind", "state", "population", "year")
SETTINGS = CrawlSettings(
    delay_s=0.0, allow_private=True, retries=0, connect_timeout_s=2.0, read_timeout_s=5.0
)


@dataclass
class SiteScore:
    """The numbers of one site (see the module docstring)."""

    site: str
    expected: int
    found: int
    missed: list[str]
    noise: list[str]
    indexed_twice: int
    aliases_merged: int
    requests: int
    robots_violations: list[str]
    traps: dict[str, tuple[int, int]]  # prefix -> (fetches, bound)
    fields: dict[str, dict[str, int]] = field(default_factory=dict)
    wrong_facts: list[str] = field(default_factory=list)
    took_s: float = 0.0
    independent: dict[str, Any] = field(default_factory=dict)  # the sites' own scorer

    @property
    def traps_bounded(self) -> bool:
        return all(n <= bound for n, bound in self.traps.values())


def _key(url_or_path: str) -> str:
    """Comparable form: path + query after the crawler's own cleaning (sorted, no trackers)."""
    parts = urlsplit(
        clean_url("http://h" + url_or_path if url_or_path.startswith("/") else url_or_path)
    )
    return parts.path + ("?" + parts.query if parts.query else "")


@contextlib.contextmanager
def served(site: str) -> Iterator[tuple[str, Any, Any]]:
    """(base_url, request log, expected) of a named fixture site or a site module path."""
    from tests.ingest import sites

    path = Path(site)
    if site in sites.SITES:
        expected = sites.load_expected(site)
        with sites.serve_site(site) as (base, log):
            yield base, log, expected
        return
    from tests.ingest.sites.server import serve

    module = _load_module(_site_module_file(path))
    with serve(module.build) as (base, log):
        yield base, log, module.EXPECTED


def _load_module(path: Path) -> Any:
    """Import a site module by path, registered in sys.modules (dataclasses need that)."""
    import importlib.util

    name = f"crawl_site_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"keine Fixture-Site: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _site_module_file(path: Path) -> Path:
    if path.is_file():
        return path
    raise SystemExit(f"keine Fixture-Site gefunden: {path}")


def expand_sites(args: list[str]) -> list[str]:
    """Site names and module paths; a directory stands for every site module in it."""
    out: list[str] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            modules = [
                str(p)
                for p in sorted(path.glob("*.py"))
                if "EXPECTED" in (text := p.read_text(encoding="utf-8", errors="replace"))
                and "def build" in text
            ]
            if not modules:
                raise SystemExit(f"keine Fixture-Site in {path}")
            out += modules
        else:
            out.append(arg)
    return out


def run_site(site: str, settings: CrawlSettings = SETTINGS, scope: str = "prefix") -> SiteScore:
    """Crawl one site from its start page with an empty store and score the result."""
    with served(site) as (base, log, expected), tempfile.TemporaryDirectory() as tmp:
        docs: list[Fetched] = []
        report = crawl(
            [expected.url(base, expected.start)],
            settings,
            SnapshotStore(Path(tmp)),
            lambda fetched, _new: docs.append(fetched),
            scope=scope,
        )
        requests = log.requests
    from tests.ingest.sites import violations

    score = score_site(expected, report, docs)
    score.independent = independent_score(expected, report, docs, requests, base)
    score.requests = len(requests)
    score.robots_violations = violations(expected, requests)
    score.traps = {
        t.prefix: (sum(1 for r in requests if r.path.startswith(t.prefix)), t.max_fetches)
        for t in expected.traps
    }
    return score


def independent_score(
    expected: Any, report: CrawlReport, docs: list[Fetched], requests: list[Any], base: str
) -> dict[str, Any]:
    """The fixture author's scorer (tests/ingest/sites/scoring.py) as a cross-check."""
    from tests.ingest.sites.scoring import Indexed, score

    items = [
        Indexed(
            d.source.location,
            aliases=tuple(u for u in d.source.urls if u != d.source.location),
            facts={k: f.value for k, f in report.facts.get(d.source.location, {}).items()},
        )
        for d in docs
    ]
    s = score(expected, items, requests, base)
    return {
        "found": s.found,
        "expected": s.expected,
        "noise": len(s.noise_indexed),
        "duplicates": s.duplicates,
        "over_merged": s.over_merged,
        "robots_violations": len(s.robots_violations),
        "traps_bounded": s.traps_bounded,
        "facts_wrong": sum(f.wrong + f.invented for f in s.fields.values()),
        "facts_missing": sum(f.missing for f in s.fields.values()),
    }


def score_site(expected: Any, report: CrawlReport, docs: list[Fetched]) -> SiteScore:
    """Compare the indexed documents with the site's ground truth."""
    owner: dict[str, Any] = {}
    for doc in expected.documents:
        for path in (doc.url, *doc.aliases, *doc.parts):
            owner[_key(path)] = doc
    tolerated = {_key(p) for p in expected.tolerated}
    hits: dict[str, int] = {}
    noise: list[str] = []
    matched: list[tuple[Any, Fetched]] = []
    for fetched in docs:
        keys = {_key(u) for u in (*fetched.source.urls, fetched.source.location)}
        doc = next((owner[k] for k in keys if k in owner), None)
        if doc is None:
            if not keys & tolerated:
                noise.append(_key(fetched.source.location))
            continue
        is_part = _key(fetched.source.location) in {_key(p) for p in doc.parts}
        hits[doc.url] = hits.get(doc.url, 0) + (0 if is_part else 1)
        if not is_part or doc.url not in {d.url for d, _ in matched}:
            matched.append((doc, fetched))
    found = {doc.url for doc, _ in matched}
    score = SiteScore(
        site=expected.site,
        expected=len(expected.documents),
        found=len(found),
        missed=[d.url for d in expected.documents if d.url not in found],
        noise=noise,
        indexed_twice=sum(max(0, n - 1) for n in hits.values()),
        aliases_merged=len(report.duplicates),
        requests=0,
        robots_violations=[],
        traps={},
        took_s=round(report.took_s, 2),
    )
    _score_facts(score, matched, report)
    return score


def _score_facts(score: SiteScore, matched: list[tuple[Any, Fetched]], report: CrawlReport) -> None:
    counts = {f: {"correct": 0, "wrong": 0, "missed": 0, "invented": 0} for f in FIELDS}
    seen: set[str] = set()
    for doc, fetched in matched:
        if doc.url in seen:
            continue
        seen.add(doc.url)
        read = report.facts.get(fetched.source.location, {})
        stated = {**doc.context_facts, **doc.facts}
        for name in FIELDS:
            got = read[name].value if name in read else None
            want = stated.get(name)
            if want is None:
                bucket = "invented" if got is not None else None
            elif got is None:
                bucket = "missed" if name in doc.facts else None
            else:
                bucket = "correct" if str(got) == str(want) else "wrong"
            if bucket:
                counts[name][bucket] += 1
            if bucket in ("wrong", "invented"):
                where = read[name].where if name in read else ""
                score.wrong_facts.append(f"{doc.url} {name}: {got!r} ({where}) != {want!r}")
    score.fields = counts


def table(scores: list[SiteScore]) -> str:
    """Markdown tables: crawl results and metadata accuracy per field."""
    rows = [
        "| site | found / expected | noise indexed | indexed twice | aliases merged | requests"
        " | robots violations | traps (fetches/bound) | took s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        traps = ", ".join(f"{n}/{b}" for n, b in s.traps.values()) or "–"
        rows.append(
            f"| {s.site} | {s.found} / {s.expected} | {len(s.noise)} | {s.indexed_twice} | "
            f"{s.aliases_merged} | {s.requests} | {len(s.robots_violations)} | {traps} | "
            f"{s.took_s} |"
        )
    rows += [
        "",
        "Cross-check with the fixture author's scorer (tests/ingest/sites/scoring.py):",
        "",
    ]
    rows += [
        "| site | found | noise | duplicates | over-merged | robots | traps bounded"
        " | facts wrong+invented | facts missing |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        i = s.independent
        rows.append(
            f"| {s.site} | {i['found']}/{i['expected']} | {i['noise']} | {i['duplicates']} | "
            f"{i['over_merged']} | {i['robots_violations']} | {i['traps_bounded']} | "
            f"{i['facts_wrong']} | {i['facts_missing']} |"
        )
    rows += [
        "",
        "Metadata (correct / stated; wrong, missed, invented where nothing is stated):",
        "",
    ]
    rows += ["| site | " + " | ".join(FIELDS) + " |", "|---" * (len(FIELDS) + 1) + "|"]
    for s in scores:
        cells = []
        for name in FIELDS:
            c = s.fields.get(name, {})
            stated = c.get("correct", 0) + c.get("wrong", 0) + c.get("missed", 0)
            extra = [f"{k} {c[k]}" for k in ("wrong", "missed", "invented") if c.get(k)]
            cells.append(
                f"{c.get('correct', 0)}/{stated}" + (f" ({', '.join(extra)})" if extra else "")
            )
        rows.append(f"| {s.site} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl fixture sites and score the crawler.")
    parser.add_argument("sites", nargs="*", help="site names or site module paths (default: all)")
    parser.add_argument("--scope", default="prefix", choices=("host", "prefix"))
    parser.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    args = parser.parse_args(argv)
    from tests.ingest.sites import SITES

    names = expand_sites(args.sites) or list(SITES)
    started = time.monotonic()
    scores = [run_site(name, scope=args.scope) for name in names]
    if args.json:
        print(json.dumps([asdict(s) for s in scores], ensure_ascii=False, indent=1))
    else:
        print(table(scores))
        for s in scores:
            details = [*(f"missed {m}" for m in s.missed), *(f"noise {n}" for n in s.noise)]
            details += [f"robots violation {v}" for v in s.robots_violations] + s.wrong_facts
            for line in details:
                print(f"- {s.site}: {line}")
        print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
