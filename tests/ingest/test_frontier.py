"""Scope, URL cleaning, the priority frontier and robots.txt wildcards: pure functions."""

from __future__ import annotations

import pytest

from ingest.crawlscope import Scope, clean_url, is_home_page, trap_likeness, url_template
from ingest.discovery import Link, extract_links
from ingest.fetching import Robots, attachment_name
from ingest.frontier import Candidate, Frontier, link_priority

pytestmark = pytest.mark.unit


def test_prefix_scope_widens_to_the_host_for_a_home_page() -> None:
    deep = Scope.of(["https://x.de/rathaus/digital/index.html"], "prefix")
    assert deep.admits("https://x.de/rathaus/digital/kapitel-2.html")
    assert not deep.admits("https://x.de/abfall/") and deep.admits_leaf("https://x.de/a.pdf")
    assert not deep.admits_leaf("https://y.de/rathaus/digital/")
    for home in ("https://x.de/", "https://x.de/index.php", "https://x.de/de/"):
        assert is_home_page(home) and Scope.of([home], "prefix").admits("https://x.de/abfall/")
    assert Scope.of(["https://x.de/a/b.html"], "host").admits("https://x.de/z")
    with pytest.raises(ValueError):
        Scope.of(["https://x.de/"], "domain")


def test_clean_url_drops_trackers_and_session_ids_but_keeps_real_parameters() -> None:
    assert clean_url("https://x.de/a;jsessionid=AB12?utm_source=nl&id=7") == "https://x.de/a?id=7"
    assert clean_url("https://x.de/a?sid=abc&page=2&PHPSESSID=z") == "https://x.de/a?page=2"
    assert clean_url("HTTPS://X.DE/a?fbclid=1#top") == "https://x.de/a"
    # courlan's strict mode would drop these; council systems need them.
    assert clean_url("https://x.de/bi/vo0050.php?__kvonr=4711") == (
        "https://x.de/bi/vo0050.php?__kvonr=4711"
    )
    assert clean_url("https://x.de/getfile.php?type=do&id=77") == clean_url(
        "https://x.de/getfile.php?id=77&type=do"
    )


def test_templates_group_endless_url_spaces() -> None:
    a = url_template("https://x.de/kalender?month=2026-05")
    assert a == url_template("https://x.de/kalender?month=2031-11") == "x.de/kalender?month"
    assert url_template("https://x.de/praxis/ulm.html") != url_template(
        "https://x.de/praxis/x.html"
    )
    assert trap_likeness("https://x.de/veranstaltungen/kalender?month=2026-05") >= 0.5
    assert trap_likeness("https://x.de/praxisbeispiele/musterstadt.html") == 0


def test_frontier_orders_by_priority_and_bounds_each_template() -> None:
    frontier = Frontier(max_depth=2, template_budget=3)
    for month in range(1, 10):
        frontier.push(Candidate(f"https://x.de/kalender?month=2026-{month:02d}", 1, 5.0))
    frontier.push(Candidate("https://x.de/strategie.pdf", 1, 6.0))
    assert not frontier.push(Candidate("https://x.de/tief", 3, 9.0))  # deeper than max_depth
    assert not frontier.push(Candidate("https://x.de/strategie.pdf", 1, 1.0))  # seen
    urls = [frontier.pop().url for _ in range(len(frontier))]
    assert urls[0] == "https://x.de/strategie.pdf" and len(urls) == 4
    assert len(frontier.over_budget) == 6


def test_link_priority_orders_but_never_refuses() -> None:
    main = Link("https://x.de/p/1.html", "Mehr erfahren", area="main")
    foot = Link("https://x.de/impressum", "Impressum", area="footer")
    strategy = Link("https://x.de/digitalstrategie.pdf", "Download (PDF, 2 MB)", area="main")
    calendar = Link("https://x.de/kalender?month=2026-06", "»", area="main")
    ranks = [link_priority(link, 1) for link in (strategy, main, foot, calendar)]
    assert ranks[0] > ranks[1] > max(ranks[2:])  # imprint and calendar last, both still queued
    assert link_priority(main, 1, "navigation") > link_priority(main, 1, "other")


def test_links_know_their_area_and_image_links_their_alt_text() -> None:
    html = """<nav><a href="/a">A</a></nav><main><a href="/b"><img src="x.png" alt="Ulm"></a>
    </main><div class="footer"><a href="/c">C</a></div>"""
    links = {link.url.rsplit("/", 1)[1]: link for link in extract_links(html, "https://x.de/")}
    assert (links["a"].area, links["b"].area, links["c"].area) == ("nav", "main", "footer")
    assert links["b"].text == "Ulm"


def test_robots_wildcards_follow_rfc_9309() -> None:
    from protego import Protego

    rules = "User-agent: *\nDisallow: /*?print=\nDisallow: /*.docx$\nDisallow: /suche\n"
    rules += "Disallow: /intern/\nAllow: /intern/oeffentlich/\n"
    robots = Robots(parser=Protego.parse(rules))
    agent = "Strategiekompass/0.1 (+https://example.org)"
    assert not robots.can_fetch(agent, "https://x.de/seite.html?print=1")
    assert not robots.can_fetch(agent, "https://x.de/a/plan.docx")
    assert robots.can_fetch(agent, "https://x.de/a/plan.docx?x=1")  # $ anchors the end
    assert not robots.can_fetch(agent, "https://x.de/suche?q=x")
    assert robots.can_fetch(agent, "https://x.de/intern/oeffentlich/a.html")
    assert not robots.can_fetch(agent, "https://x.de/intern/a.html")
    assert robots.can_fetch(agent, "https://x.de/seite.html")


def test_content_disposition_names() -> None:
    assert attachment_name('attachment; filename="Vorlage_2023-118_Anlage_1.pdf"') == (
        "Vorlage_2023-118_Anlage_1.pdf"
    )
    assert attachment_name("attachment; filename*=UTF-8''Stra%C3%9Fe.pdf") == "Straße.pdf"
    assert attachment_name('inline; filename="../../etc/passwd"') == ".._.._etc_passwd"
    assert attachment_name(None) is None and attachment_name("inline") is None


def test_near_duplicates_and_text_keys() -> None:
    from ingest.crawlpage import canonical_of, near_duplicate, shingles, text_key

    body = " ".join(f"Satz {i} über die Digitalisierung der Verwaltung." for i in range(60))
    page = shingles(body + " Kapitel 1 von 3 Nächstes Kapitel")
    print_version = shingles(body)
    other_chapter = shingles(
        " ".join(f"Abschnitt {i} zur Mobilität im Quartier." for i in range(60))
    )
    assert near_duplicate(page, print_version) and not near_duplicate(page, other_chapter)
    assert not near_duplicate(shingles("zu kurz"), shingles("zu kurz"))
    assert text_key(body) == text_key(body.upper()) and text_key("kurz") is None
    html = '<head><link rel="canonical" href="/a/kapitel_1.html"></head>'
    assert canonical_of(html, "https://x.de/a/node.html") == "https://x.de/a/kapitel_1.html"
    assert canonical_of("<p>nichts</p>", "https://x.de/") is None


def test_path_shape_is_the_budget_unit() -> None:
    from ingest.crawlscope import path_shape

    month = path_shape("https://x.de/kalender.html?month=2026-05")
    day = path_shape("https://x.de/kalender.html?month=2026-05&day=3")
    assert month == day == "x.de/kalender.html"
    frontier = Frontier(max_depth=5, template_budget=4)
    for i in range(10):
        frontier.push(Candidate(f"https://x.de/kalender.html?month=2026-{i:02d}", 1, 1.0))
        frontier.push(Candidate(f"https://x.de/kalender.html?month=2026-{i:02d}&day=1", 1, 1.0))
    assert len(frontier) == 4


def test_embedded_viewers_are_links() -> None:
    html = '<main><iframe src="/viewer/strategie.pdf" title="Strategie"></iframe>'
    html += '<object data="/files/plan.pdf"></object><embed src="javascript:x"></main>'
    urls = [link.url for link in extract_links(html, "https://x.de/a/")]
    assert urls == ["https://x.de/viewer/strategie.pdf", "https://x.de/files/plan.pdf"]


def test_registry_row_of_a_crawled_page() -> None:
    from ingest.registry import RegistryRow
    from ingest.webindex import registry_for

    def row(name: str, url: str) -> RegistryRow:
        return RegistryRow.model_validate(
            {"id": name.lower(), "municipality": name, "kind": "Stadt", "state": "Hessen",
             "title": f"Strategie {name}", "url": url}
        )  # fmt: skip

    rows = [row("Guben", "https://portal.de/guben.html"), row("Ulm", "https://ulm.de/s")]
    assert registry_for("https://portal.de/guben.html", rows).municipality == "Guben"  # type: ignore[union-attr]
    assert registry_for("https://portal.de/x.html", rows).municipality == "Guben"  # type: ignore[union-attr]
    assert registry_for("https://portal.de/x.html", rows, "Mustertal") is None
    assert registry_for("https://other.de/x", rows, "Ulm").municipality == "Ulm"  # type: ignore[union-attr]
