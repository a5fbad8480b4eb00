"""Measure the near-duplicate threshold on real strategy text (`python -m evals.crawl_neardup`).

Each Ulm chapter is rendered twice: as a CMS page (page chrome plus chapter navigation) and as
its print version (bare). The crawler merges two first-seen documents when the smaller one's
5-word shingles are >= 0.9 contained in the other (`ingest.crawlpage.near_duplicate`). Reported:
the lowest containment of a chapter and its print version (must be above the threshold) and
the highest between two different chapters (must be below).
"""

from __future__ import annotations

import itertools
import random
import sys

from evals.pageclass_data import ROOT, _chrome, _markdown_to_html
from ingest.crawlpage import NEAR_DUPLICATE, shingles
from ingest.pagefeatures import view_of_html

NAV = '<p>Kapitel 1 von 3 <a href="/n">Nächstes Kapitel »</a> <a href="?p=1">Druckversion</a></p>'


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def main() -> int:
    rng = random.Random(1)
    pages, prints = [], []
    for path in sorted((ROOT / "corpus" / "ulm").rglob("index.md")):
        title, body = _markdown_to_html(path.read_text(encoding="utf-8")[:40_000])
        pages.append(shingles(view_of_html(_chrome("Ulm", title, body + NAV, rng)).main_text))
        bare = f"<html><body><h1>{title}</h1>{body}</body></html>"
        prints.append(shingles(view_of_html(bare).main_text))
    usable = [i for i in range(len(pages)) if len(pages[i]) >= 20 and len(prints[i]) >= 20]
    same = [containment(pages[i], prints[i]) for i in usable]
    diff = [containment(pages[i], pages[j]) for i, j in itertools.combinations(usable, 2)]
    print(f"threshold {NEAR_DUPLICATE}")
    print(f"chapter vs its print version: {len(same)} pairs, lowest {min(same):.3f}")
    print(f"two different chapters: {len(diff)} pairs, highest {max(diff):.3f}")
    return 0 if min(same) >= NEAR_DUPLICATE > max(diff) else 1


if __name__ == "__main__":
    sys.exit(main())
