"""Crawl a local fixture site into the index through the CLI; re-crawl embeds nothing."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.ingest.fixture_site import FixtureSite
from ui.cli.main import app

pytestmark = pytest.mark.e2e
RUN = CliRunner()


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        running.state.slow_s = 3.0
        yield running


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    for key, value in {
        "KOMPASS_DATA_DIR": str(data),
        "KOMPASS_EMBED_BACKEND": "hashing",
        "KOMPASS_CRAWL_DELAY_S": "0",
        "KOMPASS_CRAWL_READ_TIMEOUT_S": "1",
        "KOMPASS_CRAWL_CONNECT_TIMEOUT_S": "1",
        "KOMPASS_CRAWL_MAX_BYTES": "1000000",
        "KOMPASS_CRAWL_RETRIES": "0",
    }.items():
        monkeypatch.setenv(key, value)
    return data


def crawl(site: FixtureSite, *extra: str) -> dict:  # type: ignore[type-arg]
    res = RUN.invoke(app, ["crawl", "--url", site.url("/strategien/"), "--json", *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_crawl_indexes_documents_and_recrawl_embeds_nothing(site: FixtureSite, env: Path) -> None:
    first = crawl(site, "--allow-private")
    assert first["indexed"] >= 4 and first["embedded"] > 0
    assert first["skipped_robots"] >= 1
    assert not [p for p in site.paths() if p.startswith("/intern/")]
    assert first["took_s"] < 30
    res = RUN.invoke(app, ["search", "Guben Digitalstrategie", "--json", "--k", "5"])
    hits = json.loads(res.stdout)["hits"]
    assert any("guben" in (h["url"] or "") for h in hits)
    guben = next(h for h in hits if "guben" in (h["url"] or ""))
    assert guben["municipality"] == "Guben" and guben["state"] == "Brandenburg"
    assert guben["kind"] == "Stadt"  # municipality facts merged from the registry row

    before = len(site.requests)
    second = crawl(site, "--allow-private")
    assert second["embedded"] == 0 and second["indexed"] == 0
    assert second["not_modified"] >= 1
    conditional = [
        r
        for r in site.requests[before:]
        if "If-None-Match" in r.headers or "If-Modified-Since" in r.headers
    ]
    assert conditional


def test_private_address_is_refused_without_allow_private(site: FixtureSite, env: Path) -> None:
    summary = crawl(site)
    assert summary["fetched"] == 0 and summary["embedded"] == 0
    assert summary["failed"] and "127.0.0.1" in summary["failed"][0]["source"]
    assert site.requests == []


def test_dry_run_shows_decisions_and_writes_nothing(site: FixtureSite, env: Path) -> None:
    res = RUN.invoke(
        app, ["crawl", "--url", site.url("/strategien/"), "--dry-run", "--json", "--allow-private"]
    )
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert site.paths()[0] == "/robots.txt"
    labels = {d["url"].removeprefix(site.base_url): d["label"] for d in plan["decisions"]}
    assert labels["/strategien/"] == "navigation"
    assert labels["/strategien/guben-digitalstrategie.html"] == "strategy"
    assert any(f["url"].endswith("guben-digitalstrategie.html") for f in plan["found"])
    assert not env.exists() or not any(env.rglob("*.json"))  # no index, no snapshots
    human = RUN.invoke(
        app, ["crawl", "--url", site.url("/strategien/"), "--dry-run", "--allow-private"]
    )
    assert "INDEX" in human.stdout and "FOLGEN" in human.stdout


def test_unknown_scope_is_a_usage_error(site: FixtureSite, env: Path) -> None:
    res = RUN.invoke(app, ["crawl", "--url", site.url("/"), "--scope", "domain"])
    assert res.exit_code == 2 and site.requests == []
