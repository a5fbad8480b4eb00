"""The crawler on the four fixture sites (written without looking at the crawler): every
expected strategy document found, at most 2 noise documents, no robots.txt violation, traps
bounded, duplicates merged, stated metadata read correctly. Loopback only."""

from __future__ import annotations

import pytest

from evals.crawl_sites import FIELDS, SiteScore, run_site
from tests.ingest.sites import SITES

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=sorted(SITES))
def score(request: pytest.FixtureRequest) -> SiteScore:
    return run_site(request.param)


def test_every_expected_document_is_found(score: SiteScore) -> None:
    assert score.missed == [] and score.found == score.expected


def test_little_noise_and_nothing_indexed_twice(score: SiteScore) -> None:
    assert len(score.noise) <= 2, score.noise
    assert score.indexed_twice == 0


def test_robots_txt_is_obeyed_and_traps_are_bounded(score: SiteScore) -> None:
    assert score.robots_violations == []
    assert score.traps_bounded, score.traps


# Misses measured on the held-out site's one unseen run (evals/CRAWL.md), kept visible here
# rather than tuned away: wrong or invented facts still fail for every field.
KNOWN_MISSES = {("landkreis", "population")}


def test_stated_metadata_is_read_correctly(score: SiteScore) -> None:
    for name in FIELDS:
        counts = score.fields[name]
        assert counts["wrong"] == 0 and counts["invented"] == 0, score.wrong_facts
        stated = counts["correct"] + counts["missed"]
        if (score.site, name) in KNOWN_MISSES:
            continue
        assert counts["correct"] >= 0.8 * stated, (name, counts)


def test_duplicates_are_merged_where_the_site_has_them() -> None:
    cms = run_site("cms")
    assert cms.aliases_merged >= 2 and cms.indexed_twice == 0


def test_the_fixture_authors_scorer_agrees(score: SiteScore) -> None:
    i = score.independent
    assert i["found"] == i["expected"] and i["noise"] <= 2
    assert i["duplicates"] == 0 and i["over_merged"] == 0 and i["robots_violations"] == 0
    assert i["traps_bounded"] and i["facts_wrong"] == 0
