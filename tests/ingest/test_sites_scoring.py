"""The scorer of fixture-site crawls, on literal inputs."""

from __future__ import annotations

import pytest

from tests.ingest.sites import load_expected
from tests.ingest.sites.model import LoggedRequest
from tests.ingest.sites.scoring import FieldScore, Indexed, score, site_path

pytestmark = pytest.mark.unit
BASE = "http://127.0.0.1:4711"
CHAPTER = "/DE/Rathaus/Digitales/Kurzfassung/kapitel_"
PDF = "/SharedDocs/Downloads/DE/Rathaus/2023-07-12_anlage_3.pdf?__blob=publicationFile&v=2"


def _req(path: str) -> LoggedRequest:
    return LoggedRequest("GET", path, {}, 200, 0.0)


def test_site_path_drops_session_ids_and_tracking_only_where_the_site_ignores_them() -> None:
    noise = (";jsessionid=", "utm_*")
    url = BASE + "/a.html;jsessionid=ABC?utm_source=x&id=7"
    assert site_path(url, BASE, noise) == "/a.html?id=7"
    assert site_path(url, BASE) == "/a.html;jsessionid=ABC?utm_source=x&id=7"
    assert site_path(BASE, BASE) == "/"


def test_a_perfect_crawl_scores_full_marks() -> None:
    expected = load_expected("cms")
    indexed = [
        Indexed(
            BASE + CHAPTER + "1.html",
            aliases=(BASE + CHAPTER + "1.html?print=1",),
            facts={
                "municipality": "Stadt Beispielstadt",
                "kind": "Stadt",
                "state": "Hessen",
                "population": 38600,
                "year": 2023,
            },
        ),
        Indexed(BASE + CHAPTER + "2.html"),  # a chapter indexed on its own: fine
        Indexed(
            BASE + PDF, facts={"municipality": "Beispielstadt", "state": "Hessen", "year": "2023"}
        ),
        Indexed(BASE + "/DE/Rathaus/Digitales/digitales_node.html"),  # tolerated
    ]
    s = score(expected, indexed, [_req("/"), _req("/robots.txt")], BASE)
    assert (s.found, s.expected, s.missed, s.noise_indexed) == (2, 2, (), ())
    assert (s.duplicates, s.over_merged, s.robots_violations, s.traps_bounded) == (0, 0, (), True)
    assert s.fields["year"] == FieldScore(right=2)
    assert s.fields["state"] == FieldScore(right=2)  # the PDF's Land is a context fact
    assert s.fields["population"] == FieldScore(right=1, missing=1)


def test_a_bad_crawl_shows_every_kind_of_failure() -> None:
    expected = load_expected("cms")
    indexed = [
        Indexed(BASE + CHAPTER + "1.html", facts={"municipality": "Beispielhausen", "year": 2022}),
        Indexed(BASE + CHAPTER + "1.html?print=1;jsessionid=X", facts={"population": 12}),
        Indexed(BASE + "/DE/Umwelt/Abfall/abfallkalender.html?utm_source=nl"),
    ]
    calendar = [_req(f"/DE/Veranstaltungen/kalender.html?month=2026-{m:02d}") for m in range(1, 13)]
    requests = [*calendar * 3, _req("/suche?q=Digitalstrategie")]
    s = score(expected, indexed, requests, BASE)
    assert (s.found, s.missed) == (1, (PDF,))
    assert s.noise_indexed == ("/DE/Umwelt/Abfall/abfallkalender.html",)
    assert s.duplicates == 1
    assert s.robots_violations == ("/suche?q=Digitalstrategie",)
    assert not s.traps_bounded and s.trap_fetches["/DE/Veranstaltungen/kalender.html"] == 36
    assert s.fields["municipality"] == FieldScore(wrong=1)
    assert s.fields["year"] == FieldScore(wrong=1)
    assert s.fields["kind"] == FieldScore(missing=1)


def test_facts_not_stated_count_as_invented() -> None:
    expected = load_expected("portal")
    doc = next(d for d in expected.documents if d.url.endswith("beispielstedt.html"))
    s = score(
        expected, [Indexed(BASE + doc.url, facts={"population": 5000, "state": "Bayern"})], [], BASE
    )
    assert s.fields["population"] == FieldScore(invented=1)
    assert s.fields["state"] == FieldScore(wrong=1)  # the portal's Land is context: Niedersachsen
