"""The fixture sites themselves: they serve what their ground truth says, their robots rules
forbid what `never_fetch` lists, their PDFs open, and the facts in `expected` are stated."""

from __future__ import annotations

import gzip
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.ingest.sites import SITES, is_allowed, load_expected, serve_site, violations
from tests.ingest.sites.model import Expected, ExpectedDoc

pytestmark = pytest.mark.e2e


def _get(client: httpx.Client, base: str, path: str) -> httpx.Response:
    return client.get(base + path, follow_redirects=True)


def _text(response: httpx.Response) -> str:
    if response.content.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


@pytest.mark.parametrize("name", sorted(SITES))
def test_every_labelled_url_answers(name: str) -> None:
    expected = load_expected(name)
    labelled = [*expected.all_document_paths(), *expected.listings, *expected.tolerated]
    with serve_site(name) as (base, log), httpx.Client() as client:
        for path in labelled:
            assert _get(client, base, path).status_code == 200, path
        for path in expected.noise:
            status = _get(client, base, path).status_code
            assert status == (404 if "/alt/" in path else 200), path
        assert len(log) >= len(labelled) + len(expected.noise)


@pytest.mark.parametrize("name", sorted(SITES))
def test_documents_state_their_facts(name: str) -> None:
    with serve_site(name) as (base, _), httpx.Client() as client:
        for doc in load_expected(name).documents:
            text = " ".join(_text(_get(client, base, p)) for p in (doc.url, *doc.parts))
            for value in _stated(doc):
                assert value.lower() in text.lower(), (doc.url, value)


def _stated(doc: ExpectedDoc) -> list[str]:
    facts = doc.facts
    values = [str(facts[k]) for k in ("municipality", "state", "year", "kind") if k in facts]
    if "population" in facts:
        values.append(f"{facts['population']:,}".replace(",", "."))
    return values


@pytest.mark.parametrize("name", sorted(SITES))
def test_aliases_serve_the_same_document(name: str) -> None:
    with serve_site(name) as (base, _), httpx.Client() as client:
        for doc in load_expected(name).documents:
            main = _get(client, base, doc.url)
            for alias in doc.aliases:
                other = _get(client, base, alias)
                if doc.media == "pdf":
                    assert other.content == main.content, alias
                else:
                    assert _words(_text(main)) & _words(_text(other)), alias
                    assert _overlap(_text(main), _text(other)) > 0.6, alias


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w{5,}", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb))


@pytest.mark.parametrize("name", sorted(SITES))
def test_robots_forbids_never_fetch_and_allows_the_documents(name: str) -> None:
    expected = load_expected(name)
    with serve_site(name) as (base, _), httpx.Client() as client:
        robots = _get(client, base, "/robots.txt").text
    for directive, pattern in expected.disallow:
        assert f"{directive}: {pattern}" in robots
    for path in expected.never_fetch:
        assert not is_allowed(expected.disallow, path), path
    for path in [*expected.all_document_paths(), *expected.listings, *expected.noise]:
        assert is_allowed(expected.disallow, path), path
    for sitemap in expected.sitemaps:
        assert f"Sitemap: {base}{sitemap}" in robots


def test_robots_matcher_follows_rfc_9309() -> None:
    rules = (
        ("Disallow", "/*?print="),
        ("Disallow", "/suche*"),
        ("Disallow", "/intern/"),
        ("Allow", "/intern/oeffentlich/"),
        ("Disallow", "/*.docx$"),
    )
    assert not is_allowed(rules, "/a/b.html?print=1")
    assert is_allowed(rules, "/a/b.html?printer=1&x=print")
    assert not is_allowed(rules, "/suchergebnisse.html?q=x")
    assert is_allowed(rules, "/intern/oeffentlich/protokoll.html")
    assert not is_allowed(rules, "/intern/geheim.html")
    assert not is_allowed(rules, "/vorlage.docx")
    assert is_allowed(rules, "/vorlage.docx?v=2")
    assert any("*" in pattern for s in SITES for _, pattern in load_expected(s).disallow)


def test_request_log_records_headers_and_answers_conditional_requests() -> None:
    expected = load_expected("portal")
    path = expected.documents[0].url
    with serve_site("portal") as (base, log), httpx.Client() as client:
        first = client.get(base + path, headers={"User-Agent": "probe/1"})
        again = client.get(base + path, headers={"If-None-Match": first.headers["ETag"]})
        since = client.get(
            base + path, headers={"If-Modified-Since": first.headers["Last-Modified"]}
        )
        client.get(base + "/praxisbeispiele/musterstadt.html?print=1")
    assert (first.status_code, again.status_code, since.status_code) == (200, 304, 304)
    assert [r.method for r in log.requests] == ["GET"] * 4
    assert log.requests[0].header("user-agent") == "probe/1"
    assert len(log.conditional()) == 2
    assert violations(expected, log.requests) == ["/praxisbeispiele/musterstadt.html?print=1"]


def test_cms_traps_and_url_noise() -> None:
    with serve_site("cms") as (base, _), httpx.Client() as client:
        far = client.get(base + "/DE/Veranstaltungen/kalender.html?month=2399-01")
        assert "month=2399-02" in far.text and "month=2398-12" in far.text
        plain = client.get(base + "/DE/Rathaus/Digitales/digitales_node.html")
        noisy = client.get(
            base + "/DE/Rathaus/Digitales/digitales_node.html;jsessionid=ABC?utm_source=x"
        )
        assert plain.content == noisy.content
        home = client.get(base + "/", follow_redirects=True)
        assert ";jsessionid=" in home.text and "utm_source=" in home.text
        assert "Download (PDF, 2 MB)" in plain.text and "2023-07-12_anlage_3.pdf" in plain.text
        chapter = client.get(base + "/DE/Rathaus/Digitales/Kurzfassung/kapitel_2.html")
        assert "Kapitel 2 von 3" in chapter.text and 'rel="canonical"' in chapter.text


def test_ratsinfo_download_redirector() -> None:
    with serve_site("ratsinfo") as (base, _), httpx.Client() as client:
        getfile = client.get(base + "/bi/getfile.php?id=77&type=do")
        download = client.get(base + "/bi/download.php?id=77")
        vorlage = client.get(base + "/bi/vo0050.php?__kvonr=4711")
    assert getfile.headers["Content-Disposition"].startswith("attachment; filename=")
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert getfile.content == download.content
    assert "beschlossen am 12.07.2023" in vorlage.content.decode("latin-1")


def test_sitemap_site_hides_its_strategy_from_links() -> None:
    expected = load_expected("sitemap")
    with serve_site("sitemap") as (base, _), httpx.Client() as client:
        reached = _link_closure(client, base, expected)
        index = _get(client, base, expected.sitemaps[0]).text
        child = re.search(r"<loc>([^<]+\.xml\.gz)</loc>", index)
        assert child is not None
        pages = gzip.decompress(client.get(child.group(1)).content).decode()
        documents = _get(client, base, "/sitemaps/dokumente.xml").text
    assert not {d.url for d in expected.documents} & reached
    assert f"<loc>{base}{expected.documents[0].url}</loc>" in pages
    assert f"<loc>{base}{expected.documents[1].url}</loc>" in documents
    assert f"<loc>{base}{expected.never_fetch[0]}</loc>" in pages


@pytest.mark.parametrize("name", ["portal", "cms", "ratsinfo"])
def test_documents_are_reachable_by_links(name: str) -> None:
    """A naive breadth-first walk (robots-respecting, traps cut) reaches every document and
    every alias and part of it."""
    expected = load_expected(name)
    with serve_site(name) as (base, _), httpx.Client() as client:
        reached = _link_closure(client, base, expected)
    missing = expected.all_document_paths() - reached
    assert not missing


def _link_closure(
    client: httpx.Client, base: str, expected: Expected, limit: int = 400
) -> set[str]:
    seen, queue = {expected.start}, deque([expected.start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        response = _get(client, base, path)
        if "html" not in response.headers.get("content-type", ""):
            continue
        soup = BeautifulSoup(response.content, "html.parser")
        base_tag = soup.find("base", href=True)
        page_url = urljoin(base + path, str(base_tag["href"])) if base_tag else base + path
        for a in soup.find_all("a", href=True):
            url = urljoin(page_url, str(a["href"]))
            parts = urlsplit(url)
            target = re.sub(r";jsessionid=[^?]*", "", parts.path) + (
                f"?{parts.query}" if parts.query else ""
            )
            if (
                not url.startswith(base)
                or target in seen
                or not is_allowed(expected.disallow, target)
            ):
                continue
            if any(target.startswith(t.prefix) for t in expected.traps):
                continue
            seen.add(target)
            queue.append(target)
    return seen
