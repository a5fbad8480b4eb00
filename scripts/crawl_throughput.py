"""Crawl throughput at the default politeness (1 s per host) against the local fixture site.

Usage: PYTHONPATH=. .venv/bin/python scripts/crawl_throughput.py
"""

import tempfile
import time
from pathlib import Path

from ingest.webindex import crawl_into_index
from rag.core.settings import EmbeddingSettings, Settings
from tests.ingest.fixture_site import FixtureSite

KEYS = ("fetched", "indexed", "embedded", "not_modified", "unchanged", "skipped_robots", "errors")


def main() -> None:
    with FixtureSite() as site:
        site.state.slow_s = 2.0
        data = Path(tempfile.mkdtemp())
        settings = Settings(data_dir=data, embed=EmbeddingSettings(backend="hashing"))
        for label in ("first", "second"):
            before = len(site.requests)
            t0 = time.perf_counter()
            summary = crawl_into_index(settings, [site.url("/strategien/")], allow_private=True)
            seconds = time.perf_counter() - t0
            sent = len(site.requests) - before
            print(
                label,
                f"{seconds:.1f} s",
                {k: summary[k] for k in KEYS},
                f"requests {sent} ({sent / seconds:.2f}/s)",
            )


if __name__ == "__main__":
    main()
