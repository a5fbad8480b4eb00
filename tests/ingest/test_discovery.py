"""Links, pagination, strategy heuristics, sitemaps and stated facts, on literal strings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.discovery import (
    Link,
    extract_links,
    extract_page_metadata,
    is_pagination,
    looks_like_strategy,
    normalize_url,
    parse_sitemap,
    read_sitemap,
)
from rag.core.errors import ParseError

pytestmark = pytest.mark.unit

BASE = "https://www.guben.de/stadt/strategien/index.html"


def urls(html: str, base: str = BASE) -> list[str]:
    return [link.url for link in extract_links(html, base)]


def test_links_are_absolute_without_fragments_and_deduplicated() -> None:
    html = """<a href="digitalstrategie.pdf#seite=3">PDF</a>
    <a href="/leitbild/">Leitbild</a><a href="//cdn.guben.de/a.pdf">CDN</a>
    <a href="https://WWW.Guben.de:443/leitbild/#oben">Leitbild oben</a>
    <a href="#inhalt">Springe</a><a href="?seite=2">2</a>"""
    assert urls(html) == [
        "https://www.guben.de/stadt/strategien/digitalstrategie.pdf",
        "https://www.guben.de/leitbild/",
        "https://cdn.guben.de/a.pdf",
        "https://www.guben.de/stadt/strategien/index.html?seite=2",
    ]


def test_nofollow_mailto_javascript_and_tel_are_dropped() -> None:
    html = """<a rel="nofollow" href="/bewerten">Strategie bewerten</a>
    <a rel="noopener NoFollow" href="/b">B</a><a href="mailto:info@guben.de">Mail</a>
    <a href="JavaScript:void(0)">Drucken</a><a href="tel:+49356">Anruf</a>
    <a href="ftp://x.de/a">FTP</a><a>ohne href</a><a href="/ok">ok</a>"""
    assert urls(html) == ["https://www.guben.de/ok"]


def test_base_href_and_head_link_rel_next() -> None:
    html = """<html><head><base href="https://smart.guben.de/de/">
    <link rel="next" href="liste?page=2"><link rel="stylesheet" href="a.css"></head>
    <body><a href="vision">Vision</a></body></html>"""
    links = extract_links(html, BASE)
    assert [link.url for link in links] == [
        "https://smart.guben.de/de/liste?page=2",
        "https://smart.guben.de/de/vision",
    ]
    assert links[0].rel == ("next",)


def test_malformed_html_still_yields_links() -> None:
    html = "<html><body><p><a href='/a-strategie.html'>A<div><a href=/b.pdf>B</p></td></body"
    assert urls(html) == ["https://www.guben.de/a-strategie.html", "https://www.guben.de/b.pdf"]


@pytest.mark.parametrize(
    "link",
    [
        Link("https://x.de/liste?seite=2", "2"),
        Link("https://x.de/liste", "Weiter »"),
        Link("https://x.de/liste", "Nächste Seite"),
        Link("https://x.de/liste", "»"),
        Link("https://x.de/liste", "", ("next",)),
        Link("https://x.de/news?page=4", "mehr"),
        Link("https://x.de/blog/page/3/", "ältere Beiträge"),
        Link("https://x.de/liste?tx_news_pi1%5BcurrentPage%5D=2", "x"),
    ],
)
def test_pagination_links(link: Link) -> None:
    assert is_pagination(link)


@pytest.mark.parametrize(
    "link",
    [
        Link("https://x.de/digitalstrategie", "Digitalstrategie"),
        Link("https://x.de/weiterlesen", "Weiterlesen"),
        Link("https://x.de/?p=123", "Beitrag"),
        Link("https://x.de/2030", "Vision 2030"),
    ],
)
def test_not_pagination(link: Link) -> None:
    assert not is_pagination(link)


@pytest.mark.parametrize(
    "link",
    [
        Link("https://x.de/rathaus/digitalstrategie/", "Unsere Ziele"),
        Link("https://x.de/a/b", "Smart City Guben"),
        Link("https://x.de/smart-city", "Projekt"),
        Link("https://x.de/leitbild.html", "Mehr"),
        Link("https://x.de/files/Strategie_Digitalisierung_2023.PDF", "Download"),
        Link("https://x.de/files/beschluss.pdf", "Beschluss des Stadtrats"),
        Link("https://x.de/x", "Digitale Agenda 2025"),
        Link("https://x.de/zukunft", "Unsere Vision für Grünheide"),
    ],
)
def test_strategy_like_links(link: Link) -> None:
    assert looks_like_strategy(link)


@pytest.mark.parametrize(
    "link",
    [
        Link("https://x.de/impressum", "Impressum"),
        Link("https://x.de/datenschutz", "Datenschutzerklärung"),
        Link("https://x.de/files/datenschutzerklaerung.pdf", "Datenschutz (PDF)"),
        Link("https://x.de/aktuelles/", "Aktuelles"),
        Link("https://x.de/kontakt", "Kontakt zur Smart-City-Strategie"),
        Link("https://x.de/abfall", "Abfallkalender"),
    ],
)
def test_not_strategy_like_links(link: Link) -> None:
    assert not looks_like_strategy(link)


SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def test_parse_sitemap_urlset_and_index() -> None:
    urlset = f"""<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS}>
      <url><loc> https://x.de/a </loc><lastmod>2023-04-01</lastmod></url>
      <url><loc>https://x.de/b?x=1&amp;y=2</loc></url><url></url></urlset>"""
    assert parse_sitemap(urlset) == ["https://x.de/a", "https://x.de/b?x=1&y=2"]
    index = f"""<sitemapindex {SITEMAP_NS}><sitemap><loc>https://x.de/s1.xml</loc></sitemap>
      <sitemap><loc>https://x.de/s2.xml.gz</loc></sitemap></sitemapindex>"""
    assert read_sitemap(index).kind == "sitemapindex"
    assert parse_sitemap(index) == ["https://x.de/s1.xml", "https://x.de/s2.xml.gz"]
    assert parse_sitemap("<urlset><url><loc>https://x.de/ohne-ns</loc></url></urlset>") == [
        "https://x.de/ohne-ns"
    ]


@pytest.mark.parametrize(
    "xml",
    [
        """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
        <urlset><url><loc>&lol2;</loc></url></urlset>""",
        """<!DOCTYPE urlset SYSTEM "file:///etc/passwd"><urlset/>""",
        "<urlset><url><loc>kaputt</url>",
        "<html><body>Keine Sitemap</body></html>",
        "",
    ],
)
def test_parse_sitemap_refuses_entities_and_garbage(xml: str) -> None:
    with pytest.raises(ParseError):
        parse_sitemap(xml)


def test_metadata_from_german_text_and_vision_block() -> None:
    html = """<html><head><title>Smart City | Guben</title></head><body>
    <h1>Smart-City-Strategie der Stadt Guben</h1>
    <p>Einwohner: 16.783 · Bundesland: Brandenburg · Stand: 04/2023</p>
    <div class="teaser vision-block"><p>Eurostadt Guben / Gubin – Grenzenlos.smart.</p></div>
    </body></html>"""
    assert extract_page_metadata(html) == {
        "title": "Smart-City-Strategie der Stadt Guben",
        "municipality": "Guben",
        "kind": "Stadt",
        "state": "Brandenburg",
        "population": 16783,
        "year": 2023,
        "vision": "Eurostadt Guben / Gubin – Grenzenlos.smart.",
    }


def test_metadata_landkreis_population_phrases_and_heading_vision() -> None:
    html = """<h1>Digitalstrategie des Landkreises Oder-Spree</h1>
    <p>Im Landkreis leben rund 1,2 Mio. Einwohner im Land Brandenburg.</p>
    <p>Stand: 12. März 2021</p><h2>Unser Leitbild</h2>
    <p>Digital, nah und gemeinsam.</p><p>Zweiter Absatz gehört nicht dazu.</p>"""
    meta = extract_page_metadata(html)
    assert meta["kind"] == "Landkreis" and meta["municipality"] == "Oder-Spree"
    assert meta["population"] == 1_200_000
    assert meta["state"] == "Brandenburg"
    assert meta["year"] == 2021
    assert meta["vision"] == "Digital, nah und gemeinsam."


def test_metadata_from_meta_tags_and_json_ld_wins_over_text() -> None:
    html = """<html><head>
    <meta name="geo.placename" content="Bad Belzig, Brandenburg">
    <meta name="geo.region" content="DE-BB"><meta name="dcterms.date" content="2022-05-03">
    <script type="application/ld+json">{"@context": "https://schema.org",
      "@type": "GovernmentOrganization", "name": "Stadt Bad Belzig", "population": "11000",
      "address": {"addressRegion": "Brandenburg"}}</script>
    <script type="application/ld+json">{kaputt</script></head>
    <body><h1>Strategie</h1><p>Stand: 2019. Ca. 9.999 Einwohner.</p>
    <section id="leitbild"><p>Bad Belzig wird digitale Kurstadt im Hohen Fläming.</p></section>
    </body></html>"""
    meta = extract_page_metadata(html)
    assert meta["municipality"] == "Bad Belzig"
    assert meta["state"] == "Brandenburg"
    assert meta["year"] == 2022
    assert meta["population"] == 11000
    assert meta["kind"] == "Stadt"
    assert meta["vision"] == "Bad Belzig wird digitale Kurstadt im Hohen Fläming."


def test_metadata_absent_is_not_invented() -> None:
    html = "<html><body><p>Die Sonne scheint 2030 über Strategien.</p></body></html>"
    assert extract_page_metadata(html) == {}
    assert "vision" not in extract_page_metadata("<nav id='vision'>Vision</nav>")


def test_normalize_url() -> None:
    assert normalize_url("HTTPS://WWW.Guben.DE:443#top") == "https://www.guben.de/"
    assert normalize_url("http://x.de:8080/a?b=1#c") == "http://x.de:8080/a?b=1"
    assert normalize_url("http://[::1]:80/") == "http://[::1]/"


@settings(deadline=None)
@given(st.text(max_size=300))
def test_extract_links_never_crashes_and_stays_http(html: str) -> None:
    for link in extract_links(html, BASE):
        assert link.url.startswith(("http://", "https://")) and "#" not in link.url


@settings(deadline=None)
@given(st.text(max_size=300))
def test_extract_page_metadata_never_crashes(html: str) -> None:
    assert isinstance(extract_page_metadata(html), dict)
