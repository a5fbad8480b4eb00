"""Pure functions that find links, sitemaps and stated facts in HTML and XML strings.

Nothing here touches the network: the crawler hands in what it fetched.

Example:
    >>> links = extract_links('<a href="/digitalstrategie.pdf">Strategie</a>', "https://x.de/a/")
    >>> links[0].url, looks_like_strategy(links[0])
    ('https://x.de/digitalstrategie.pdf', True)
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from ingest.parsing import html_soup
from ingest.sniffing import decode_text
from rag.core.errors import ParseError
from rag.core.vocabulary import ISO_STATES, STATES

_KINDS = {
    "stadt": "Stadt", "hansestadt": "Stadt", "landeshauptstadt": "Stadt", "kreisstadt": "Stadt",
    "gemeinde": "Gemeinde", "markt": "Gemeinde", "amt": "Amt", "landkreis": "Landkreis",
    "kreis": "Landkreis", "region": "Region", "verbandsgemeinde": "Gemeinde",
    "samtgemeinde": "Gemeinde",
}  # fmt: skip
_STRATEGY_WORDS = (
    "digitalstrategie", "digitale strategie", "digitalisierungsstrategie", "smart city",
    "smart-city", "smartcity", "smart region", "smart-region", "strategie", "leitbild",
    "digitale agenda", "masterplan", "zukunftsstrategie", "digitalisierung", "zielbild",
    "vision",
)  # fmt: skip
_NOISE = re.compile(
    r"\b(impressum|datenschutz\w*|kontakt\w*|login|anmelden|barrierefreiheit|cookie\w*"
    r"|newsletter|stellenangebot\w*|veranstaltung\w*|karriere|suche)\b"
)
_PAGINATION_TEXT = re.compile(
    r"^(?:(?:weiter|nächste|naechste|next|vorwärts)(?:\s+seite)?|mehr ergebnisse|seite \d+|\d{1,3})$",
    re.IGNORECASE,
)
_ARROWS = " »›>«‹<\u2192"

_PAGINATION_QUERY = re.compile(
    r"(?:^|[&;?])(?:page|seite|pg|paged|start|offset|currentpage|[^=&]*\[currentpage\])=\d+",
    re.IGNORECASE,
)
_PAGINATION_PATH = re.compile(r"/(?:page|seite)/\d+/?$", re.IGNORECASE)
_SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "ftp:", "file:")
_NAME = (
    r"(?:(?:Bad|Sankt|St\.|Groß|Klein|Neu|Alt|Markt|Hansestadt)\s+)?[A-ZÄÖÜ][\wäöüß\-]*"
    r"(?:\s+(?:an der|am|an|in der|im|ob der|vor der)\s+[A-ZÄÖÜ][\wäöüß\-]*)?"
)
_PLACE = re.compile(
    r"\b(Landeshauptstadt|Hansestadt|Kreisstadt|Stadt|Gemeinde|Markt|Amt|Landkreis(?:es)?"
    r"|Kreis(?:es)?|Region|Verbandsgemeinde|Samtgemeinde)\s+(" + _NAME + r")"
)
_POPULATION = re.compile(
    r"(?:Einwohner(?:innen)?(?:\s*(?:und|/)\s*Einwohner(?:innen)?)?(?:zahl)?\s*[:=]\s*"
    r"(?:ca\.|rund|etwa)?\s*(?P<a>\d{1,3}(?:[.\s\u202f]\d{3})+|\d+(?:,\d+)?)\s*(?P<ma>Mio\.?)?)"
    r"|(?:(?P<b>\d{1,3}(?:[.\s\u202f]\d{3})+|\d+(?:,\d+)?)\s*(?P<mb>Mio\.?|Millionen)?\s+"
    r"Einwohner)",
)
_STATE_LABEL = re.compile(r"Bundesland\s*[:=]\s*([A-ZÄÖÜ][\wäöü\-]+)")
_STATE_PHRASE = re.compile(r"\b(?:Land|Freistaat|Bundesland)\s+([A-ZÄÖÜ][\wäöü\-]+)")
_STAND = re.compile(
    r"\bStand\s*[:]?\s*(?:\d{1,2}[./]\s*)?(?:\d{1,2}[./]\s*|[A-ZÄ][a-zä]+\.?\s+)?((?:19|20)\d{2})"
)
_YEAR = re.compile(r"\b((?:19|20)\d{2})")
_VISION_HEADING = re.compile(r"^\s*(unser(?:e)?\s+)?(vision|leitbild)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A hyperlink found on a page: absolute URL without fragment, its text and rel values."""

    url: str
    text: str = ""
    rel: tuple[str, ...] = ()
    area: str = ""  # "main" | "nav" | "header" | "footer" | "aside" | "" (unknown)


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: page URLs of a urlset, or child sitemaps of a sitemapindex."""

    kind: str  # "urlset" | "sitemapindex"
    urls: tuple[str, ...]


def normalize_url(url: str) -> str:
    """Canonical form for de-duplication: lower-case scheme/host, no fragment, no default port."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if port and port != default:
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", parts.query, ""))


def extract_links(html: str, base_url: str) -> list[Link]:
    """All followable http(s) links of a page, absolute, de-duplicated, in page order.

    Honours <base href>, drops fragments, mailto:/javascript: and rel="nofollow" links; also
    returns <link rel="next"> from the head, since pagination often lives there.
    """
    soup = html_soup(html)
    base_tag = soup.find("base", href=True)
    base = urljoin(base_url, str(base_tag["href"])) if isinstance(base_tag, Tag) else base_url
    links: list[Link] = []
    seen: set[str] = set()
    for tag in soup.find_all(["a", "area", "link"], href=True):
        link = _link_from_tag(tag, base)
        if link is not None and link.url not in seen:
            seen.add(link.url)
            links.append(link)
    for link in _embedded(soup, base):  # PDFs shown in a viewer: <iframe>, <embed>, <object>
        if link.url not in seen:
            seen.add(link.url)
            links.append(link)
    return links


def _embedded(soup: BeautifulSoup, base: str) -> list[Link]:
    found = []
    for tag in soup.find_all(["iframe", "embed", "object"]):
        ref = str(tag.get("src") or tag.get("data") or "").strip()
        if not ref or ref.lower().startswith(_SKIPPED_SCHEMES):
            continue
        try:
            url = normalize_url(urljoin(base, ref))
        except ValueError:
            continue
        if url.startswith(("http://", "https://")):
            found.append(Link(url=url, text=str(tag.get("title") or ""), area=_area_of(tag)))
    return found


def _link_from_tag(tag: Tag, base: str) -> Link | None:
    rel = tuple(r.lower() for r in tag.get_attribute_list("rel") if r)
    if "nofollow" in rel or (tag.name == "link" and not {"next", "prev"} & set(rel)):
        return None
    href = str(tag.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(_SKIPPED_SCHEMES):
        return None
    try:
        url = normalize_url(urljoin(base, href))
    except ValueError:
        return None
    if not url.startswith(("http://", "https://")):
        return None
    text = " ".join(tag.get_text(" ", strip=True).split()) or str(tag.get("title") or "")
    if not text:  # image-only links: the image's alt or title text is the link text
        img = tag.find("img")
        if isinstance(img, Tag):
            text = " ".join(str(img.get("alt") or img.get("title") or "").split())
    return Link(url=url, text=text, rel=rel, area=_area_of(tag))


_AREA_TAGS = {"nav": "nav", "header": "header", "footer": "footer", "aside": "aside",
              "main": "main", "article": "main"}  # fmt: skip
_AREA_MARKS = (
    ("footer", "footer"), ("breadcrumb", "nav"), ("nav", "nav"), ("menu", "nav"),
    ("sidebar", "aside"), ("header", "header"), ("content", "main"), ("main", "main"),
)  # fmt: skip


def _area_of(tag: Tag) -> str:
    """Where on the page a link sits, from the nearest landmark element or class/id.

    At most 40 ancestors are looked at: linear time even on pathologically nested markup.
    """
    for parent in itertools.islice(tag.parents, 40):
        name = parent.name or ""
        if name in _AREA_TAGS:
            return _AREA_TAGS[name]
        marks = " ".join(
            [
                *(str(c) for c in parent.get_attribute_list("class") if c),
                str(parent.get("id") or ""),
            ]
        ).lower()
        for mark, area in _AREA_MARKS:
            if mark in marks:
                return area
    return ""


def is_pagination(link: Link) -> bool:
    """True for "next page" links of listings: rel=next, "Weiter", "Nächste", "»", page=N."""
    if "next" in link.rel:
        return True
    text = link.text.strip()
    if text and (not text.strip(_ARROWS) or _PAGINATION_TEXT.match(text.strip(_ARROWS))):
        return True
    parts = urlsplit(link.url)
    return bool(
        _PAGINATION_QUERY.search(unquote(parts.query)) or _PAGINATION_PATH.search(parts.path)
    )


def looks_like_strategy(link: Link) -> bool:
    """Heuristic: does this link probably lead to a strategy page or a strategy PDF?"""
    haystack = f"{_fold(link.text)} {_fold(urlsplit(link.url).path)}".replace("_", " ")
    if _NOISE.search(haystack):
        return False
    if any(word in haystack or word.replace(" ", "-") in haystack for word in _STRATEGY_WORDS):
        return True
    return urlsplit(link.url).path.lower().endswith(".pdf")


def _fold(text: str) -> str:
    return (
        text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
        + " "
        + text.casefold()
    )


def parse_sitemap(xml: str) -> list[str]:
    """Page URLs of a urlset, or child sitemap URLs of a sitemapindex (see `read_sitemap`)."""
    return list(read_sitemap(xml).urls)


def read_sitemap(xml: str) -> Sitemap:
    """Parse a sitemap; DOCTYPE/ENTITY declarations are refused (no entity expansion)."""
    head = xml.lstrip("\ufeff \t\r\n")
    if re.search(r"<!(DOCTYPE|ENTITY)", head, re.IGNORECASE):
        raise ParseError("Sitemap abgelehnt: DOCTYPE/ENTITY-Deklarationen sind nicht erlaubt.")
    try:
        root = ET.fromstring(head)
    except ET.ParseError as exc:
        raise ParseError(f"Sitemap ist kein gültiges XML: {exc}.") from exc
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"Keine Sitemap: Wurzelelement '{kind}'.")
    child = "url" if kind == "urlset" else "sitemap"
    urls = []
    for entry in root:
        if entry.tag.rsplit("}", 1)[-1] != child:
            continue
        for field in entry:
            if field.tag.rsplit("}", 1)[-1] == "loc" and field.text and field.text.strip():
                urls.append(field.text.strip())
    return Sitemap(kind=kind, urls=tuple(urls))


def read_sitemap_bytes(data: bytes, limit: int) -> Sitemap:
    """Parse a downloaded sitemap, gunzipping .xml.gz bodies without letting a bomb pass `limit`."""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                data = handle.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise ParseError("Sitemap: defektes gzip-Archiv.") from exc
        if len(data) > limit:
            raise ParseError("Sitemap zu groß (entpackt).")
    return read_sitemap(decode_text(data))


def extract_page_metadata(html: str) -> dict[str, Any]:
    """Facts a page states about itself: title, municipality, kind, state, population, year,
    vision. Only keys that were found are returned.

    Sources in order of trust: meta tags, JSON-LD, then German phrases in the visible text
    ("Einwohner: 16.783", "Landkreis Oder-Spree", "Bundesland: Brandenburg", "Stand: 04/2023").
    """
    soup = html_soup(html)
    found: dict[str, Any] = {}
    for source in (_from_meta(soup), _from_json_ld(soup)):
        for key, value in source.items():
            found.setdefault(key, value)
    vision = _vision_block(soup)
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    text = " ".join(soup.get_text(" ").split())
    for key, value in _from_text(soup, text).items():
        found.setdefault(key, value)
    if vision:
        found["vision"] = vision
    return found


def _from_meta(soup: BeautifulSoup) -> dict[str, Any]:
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").lower()
        if key and tag.get("content"):
            meta.setdefault(key, str(tag["content"]).strip())
    found: dict[str, Any] = {}
    if place := meta.get("geo.placename"):
        found["municipality"] = place.split(",")[0].strip()
    region = meta.get("geo.region", "").upper().removeprefix("DE-")
    if region in ISO_STATES:
        found["state"] = ISO_STATES[region]
    for key in ("dcterms.date", "dc.date", "date", "article:published_time", "dcterms.modified"):
        if (year := _year(meta.get(key, ""))) is not None:
            found["year"] = year
            break
    if title := meta.get("og:title"):
        found["title"] = title
    return found


def _from_json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                for key, value in _json_ld_item(item).items():
                    found.setdefault(key, value)
    return found


def _json_ld_item(item: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    raw_type = item.get("@type")
    kinds = {str(t) for t in raw_type} if isinstance(raw_type, list) else {str(raw_type)}
    if {"City", "GovernmentOrganization", "AdministrativeArea", "Place"} & kinds:
        if isinstance(item.get("name"), str):
            found.update(_place(item["name"]) or {"municipality": item["name"]})
        address = item.get("address")
        if isinstance(address, dict) and address.get("addressRegion") in STATES:
            found["state"] = address["addressRegion"]
    if isinstance(item.get("population"), int | str):
        found["population"] = _number(str(item["population"]))
    for key in ("datePublished", "dateModified"):
        if (year := _year(str(item.get(key, "")))) is not None:
            found.setdefault("year", year)
    if isinstance(item.get("headline"), str):
        found["title"] = item["headline"]
    return {k: v for k, v in found.items() if v is not None}


def _from_text(soup: BeautifulSoup, text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    title = _title(soup)
    if title:
        found["title"] = title
    for candidate in (title, text):
        if place := _place(candidate):
            found.update(place)
            break
    if match := _POPULATION.search(text):
        number = match.group("a") or match.group("b")
        millions = match.group("ma") or match.group("mb")
        found["population"] = _number(number, millions=bool(millions))
    if state := _state(text):
        found["state"] = state
    if match := _STAND.search(text):
        found["year"] = int(match.group(1))
    return {k: v for k, v in found.items() if v is not None}


def _title(soup: BeautifulSoup) -> str:
    """The page's h1 (or <title>), whitespace-normalised and at most ~160 characters."""
    for name in ("h1", "title"):
        tag = soup.find(name)
        text = " ".join(tag.get_text(" ").split()) if tag else ""
        if text and len(text) <= 160:
            return text
    tag = soup.find("h1") or soup.find("title")
    text = " ".join(tag.get_text(" ").split()) if tag else ""
    return text[:160].rsplit(" ", 1)[0] if len(text) > 160 else text


def _place(text: str) -> dict[str, str] | None:
    match = _PLACE.search(text)
    if not match:
        return None
    word = match.group(1).lower().removesuffix("es")
    return {"kind": _KINDS.get(word, match.group(1)), "municipality": match.group(2).strip(" .-")}


def _state(text: str) -> str | None:
    for pattern in (_STATE_LABEL, _STATE_PHRASE):
        for match in pattern.finditer(text):
            if match.group(1) in STATES:
                return match.group(1)
    return None


def _number(raw: str, millions: bool = False) -> int | None:
    cleaned = re.sub(r"[.\s\u202f]", "", raw.strip())
    try:
        value = float(cleaned.replace(",", "."))
    except ValueError:
        return None
    return round(value * 1_000_000) if millions else int(value)


def _year(raw: str) -> int | None:
    match = _YEAR.search(raw)
    return int(match.group(1)) if match else None


def _vision_block(soup: BeautifulSoup) -> str | None:
    """Text of an element marked as vision/Leitbild, or of the paragraph after such a heading."""
    for tag in soup.find_all(True):
        classes = [str(c) for c in tag.get_attribute_list("class") if c]
        marks = " ".join([*classes, str(tag.get("id") or "")]).lower()
        if ("vision" in marks or "leitbild" in marks) and tag.name not in ("body", "html"):
            text = " ".join(tag.get_text(" ").split())
            if len(text) >= 30:
                return text[:2000]
    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        if _VISION_HEADING.match(heading.get_text(" ")):
            text = ""
            for sibling in heading.find_next_siblings():
                if re.match(r"^h[1-6]$", sibling.name or "") or text:
                    break
                text = " ".join(sibling.get_text(" ").split())
            if not text and (paragraph := heading.find_next("p")) is not None:
                text = " ".join(paragraph.get_text(" ").split())
            if text:
                return text[:2000]
    return None
