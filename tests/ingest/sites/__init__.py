"""Fixture websites for crawler tests, each a declarative `Site` with its ground truth.

    >>> with serve_site("portal") as (base_url, log):            # doctest: +SKIP
    ...     crawl(base_url + load_expected("portal").start)
    ...     assert not violations(load_expected("portal"), log.requests)

Sites: "portal" (a), "cms" (b), "ratsinfo" (c), "sitemap" (d). A site kept outside the repo
is loaded by file path with `serve_site_file` / `load_expected_file` (same format).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from tests.ingest.sites.model import Expected, ExpectedDoc, LoggedRequest, RequestLog, Site, Trap
from tests.ingest.sites.robots import is_allowed, violations
from tests.ingest.sites.scoring import FieldScore, Indexed, Score, score
from tests.ingest.sites.server import serve

SITES = {
    "portal": "portal",
    "cms": "cms",
    "ratsinfo": "ratsinfo",
    "sitemap": "sitemap_only",
    "landkreis": "landkreis",
}

__all__ = [
    "SITES",
    "Expected",
    "ExpectedDoc",
    "FieldScore",
    "Indexed",
    "LoggedRequest",
    "RequestLog",
    "Score",
    "Site",
    "Trap",
    "is_allowed",
    "load_expected",
    "load_expected_file",
    "score",
    "serve_site",
    "serve_site_file",
    "violations",
]


def _module(name: str) -> ModuleType:
    if name not in SITES:
        raise KeyError(f"unknown site {name!r}; known: {sorted(SITES)}")
    return importlib.import_module(f"tests.ingest.sites.{SITES[name]}")


def _module_from_file(path: str | Path) -> ModuleType:
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"fixture_site_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load a site from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_expected(name: str) -> Expected:
    """The ground truth of a site (site-relative paths)."""
    expected: Expected = _module(name).EXPECTED
    return expected


def serve_site(name: str) -> contextlib.AbstractContextManager[tuple[str, RequestLog]]:
    """Serve a site on 127.0.0.1 (random port): `with serve_site("cms") as (base_url, log)`."""
    build: Callable[[str], Site] = _module(name).build
    return serve(build)


def load_expected_file(path: str | Path) -> Expected:
    """The ground truth of a site module given by file path (e.g. a held-out site)."""
    expected: Expected = _module_from_file(path).EXPECTED
    return expected


@contextlib.contextmanager
def serve_site_file(path: str | Path) -> Iterator[tuple[str, RequestLog]]:
    """Serve a site module given by file path."""
    with serve(_module_from_file(path).build) as served:
        yield served
