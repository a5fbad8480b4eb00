"""Facts a document states about itself, each with where it was read.

municipality, kind, state (Land), population and year come from, in order of trust: meta
tags and JSON-LD, the title and h1, label/value pairs (definition lists, two-column tables,
"Einwohner: 16.783" lines), phrases in the text ("beschlossen am 12.07.2023", "Stand: 04/2023",
"Freistaat Sachsen") and last the page footer or imprint address ("Stadtverwaltung Guben,
Gasstraße 4, 03172 Guben"). A PDF's title page (its first page) stands in for title and h1.
A fact is only returned when the source states it; a year in a title ("Strategie 2030") is a
horizon, not a date, and is never taken.

Example:
    >>> facts = html_facts("<h1>Digitalstrategie der Stadt Guben</h1><p>Einwohner: 16.783</p>")
    >>> facts["municipality"].value, facts["municipality"].where, facts["population"].value
    ('Guben', 'Überschrift', 16783)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup

from ingest.discovery import _NAME, STATES, _from_json_ld, _from_meta, _number
from ingest.parsing import html_soup

FIELDS = ("municipality", "kind", "state", "population", "year")
MAX_TEXT = 60_000
_LABELS = {
    "population": re.compile(r"^(?:einwohner\w*|bevölkerung\w*|bewohner\w*)\b", re.I),
    "state": re.compile(r"^(?:bundesland|land)\s*$", re.I),
    "municipality": re.compile(
        r"^(?:kommune|gemeinde|stadt|landkreis|ort|herausgeber\w*)\s*$", re.I
    ),
    "year": re.compile(
        r"^(?:beschlossen|beschluss\w*|verabschiedet|stand|veröffentlich\w*|jahr|datum)\b", re.I
    ),
}
_MONTHS = "januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
_ADOPTED = re.compile(
    r"\b(?:beschlossen|verabschiedet|\w{0,30}beschluss\w{0,10}|veröffentlicht|stand|fassung)\b"
    r"[^.\n]{0,60}?\b(?:\d{1,2}\.\s?(?:\d{1,2}\.|[A-Za-zäö]+)\s?|(?:0?[1-9]|1[0-2])/|"
    rf"(?:{_MONTHS})\s)?"
    r"((?:19|20)\d{2})\b",
    re.I,
)
_PUBLISHED = re.compile(
    r"\bim\s+Jahr\s+((?:19|20)\d{2})\s+(?:veröffentlicht|beschlossen|verabschiedet|vorgelegt)"
    r"|\b(?:Strategie|Konzept|Leitbild|Agenda|Masterplan)\w*\s+(?:von|aus(?:\s+dem\s+Jahr)?)\s+"
    r"((?:19|20)\d{2})\b(?!\s*(?:bis|-|–))"
    rf"|\b(?:am|vom)\s+\d{{1,2}}\.\s?(?:\d{{1,2}}\.|(?:{_MONTHS}))\s?((?:19|20)\d{{2}})\s+"
    r"(?:\w+\s+){0,3}?(?:beschlossen|verabschiedet|veröffentlicht)",
    re.I,
)
_TITLE_YEAR = re.compile(rf"^(?:(?:{_MONTHS})\s+)?((?:19|20)\d{{2}})$", re.I)
# Administrative kinds, strong before weak: "Smart Region X, Strategie des Landkreises X" is a
# Landkreis; "Region" (also in compounds: Zukunftsregion, Modellregion) only when nothing else.
_KIND_WORDS = {
    "landeshauptstadt": "Stadt", "hansestadt": "Stadt", "kreisstadt": "Stadt",
    "große kreisstadt": "Stadt", "stadt": "Stadt", "gemeinde": "Gemeinde", "markt": "Gemeinde",
    "verbandsgemeinde": "Gemeinde", "samtgemeinde": "Gemeinde", "amt": "Amt",
    "landkreis": "Landkreis", "kreis": "Landkreis",
}  # fmt: skip
_PREFIXED = ("landkreis", "kreis", "amt")  # the registry names them "Landkreis X", "Amt X"
_STRONG_PLACE = re.compile(
    r"\b(Landeshauptstadt|Hansestadt|Große[n]? Kreisstadt|Kreisstadt|Stadt|Verbandsgemeinde"
    r"|Samtgemeinde|Gemeinde|Markt|Amt(?:es)?|Landkreis(?:es)?|Kreis(?:es)?)\s+(" + _NAME + r")"
)
_WEAK_PLACE = re.compile(r"\b(?:[A-ZÄÖÜ][a-zäöü]+)?[Rr]egion\s+(" + _NAME + r")")
_NOT_A_NAME = re.compile(r"^(?:und|der|die|das|des|für|mit|von|im|in|am|zu|ist|hat|wird)$", re.I)
_SEGMENT = re.compile(r"\s*[·•|;,]\s*")
_LAND = "|".join(sorted((re.escape(x) for x in STATES), key=len, reverse=True))
_STATE_IN = re.compile(
    r"\b(?:in|aus|im\s+(?:Norden|Süden|Osten|Westen|Nordwesten|Nordosten|Südwesten|Südosten"
    rf"|Herzen|Zentrum)|des\s+Landes|Land)\s+({_LAND})s?\b"
)
_ZIP_STATE = re.compile(rf"\b\d{{5}}\s+[A-ZÄÖÜ][^()\d]{{1,40}}?\s*\(({_LAND})\)")
_POPULATION = re.compile(
    r"(?:(?:rund|ca\.|etwa|knapp|über)\s+)?(\d{1,3}(?:[.\s\u202f]\d{3}){1,3}|\d{3,7})\s*"
    r"(Mio\.?|Millionen)?\s+Einwohner",
)
_POP_LABEL = re.compile(
    r"Einwohner(?:innen)?(?:zahl)?(?:\s*\([^)]{0,20}\))?\s*[:=]\s*(?:ca\.|rund|etwa)?\s*"
    r"(\d{1,3}(?:[.\s\u202f]\d{3}){1,3}|\d{1,9}(?:,\d+)?)\s*(Mio\.?)?"
)
_STATE_PHRASE = re.compile(r"\b(?:Bundesland|Freistaat|Land)\s*:?\s+([A-ZÄÖÜ][\wäöü\-]+)")
_ADMIN = re.compile(
    r"\b(Stadtverwaltung|Gemeindeverwaltung|Kreisverwaltung|Amtsverwaltung|Landratsamt)\s+"
    r"([A-ZÄÖÜ][\wäöüß\-]+(?:\s+(?:an der|am|in der|im)\s+[A-ZÄÖÜ][\wäöüß\-]+)?)"
)
_ADMIN_KIND = {
    "stadtverwaltung": "Stadt", "gemeindeverwaltung": "Gemeinde", "kreisverwaltung": "Landkreis",
    "amtsverwaltung": "Amt", "landratsamt": "Landkreis",
}  # fmt: skip
_ZIP_TOWN = re.compile(r"\b\d{5}\s+([A-ZÄÖÜ][\wäöüß\-]+(?:\s+[a-zäöü]+\s+[A-ZÄÖÜ][\wäöüß\-]+)?)")


@dataclass(frozen=True)
class Fact:
    """One stated fact and where it was read (German, shown to editors)."""

    value: Any
    where: str


def html_facts(html: str) -> dict[str, Fact]:
    """Facts an HTML page states; see the module docstring for the order of trust."""
    soup = html_soup(html)
    facts: dict[str, Fact] = {}
    _add(facts, _from_meta(soup), "Meta-Angaben")
    _add(facts, _from_json_ld(soup), "JSON-LD")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    footer_text = _pop_footer(soup)
    _add(facts, _heading_facts(soup), "Überschrift")
    _add(facts, _pairs_facts(_label_pairs(soup)), "Tabelle/Definitionsliste")
    text = " ".join(soup.get_text(" ").split())[:MAX_TEXT]
    _add(facts, text_facts(text), "Text")
    _add(facts, _state_element(soup), "Angabe auf der Seite")
    _add(facts, find_place(_main_text(soup)[:MAX_TEXT]) or {}, "Text")
    _add(facts, address_facts(footer_text), "Fußzeile/Impressum")
    return {k: v for k, v in facts.items() if k in FIELDS}


def pdf_facts(text: str) -> dict[str, Fact]:
    """Facts a PDF states: its title page (first ~1500 chars) first, then the text."""
    facts: dict[str, Fact] = {}
    head = text[:1500]
    _add(facts, find_place(" ".join(head.split())) or {}, "PDF-Titelseite")
    _add(facts, text_facts(" ".join(head.split())), "PDF-Titelseite")
    for line in [ln.strip() for ln in head.splitlines() if ln.strip()][:8]:
        if m := _TITLE_YEAR.match(line):
            _add(facts, {"year": int(m.group(1))}, "PDF-Titelseite")
    _add(facts, text_facts(" ".join(text[:30_000].split())), "PDF-Text")
    _add(facts, address_facts(" ".join(text[:30_000].split())), "PDF-Impressum")
    return {k: v for k, v in facts.items() if k in FIELDS}


def text_facts(text: str) -> dict[str, Any]:
    """Facts from running text: population, Land, adoption/"Stand" year, place in a phrase.

    Only the first MAX_TEXT characters are read: facts stand early, and every pattern stays
    linear on them (bounded repetitions; fuzzed in tests/ingest/test_pagefacts.py).
    """
    text = text[:MAX_TEXT]
    found: dict[str, Any] = {}
    if (m := _POP_LABEL.search(text)) or (m := _POPULATION.search(text)):
        found["population"] = _number(m.group(1), millions=bool(m.group(2)))
    found.update(_state_of(text))
    if m := _ADOPTED.search(text):
        found["year"] = int(m.group(1))
    elif m := _PUBLISHED.search(text):
        found["year"] = int(next(g for g in m.groups() if g))
    return {k: v for k, v in found.items() if v is not None}


def _state_of(text: str) -> dict[str, str]:
    """The Land a text places itself in: "Bundesland: X", "Freistaat X", "in X", "im Norden
    Xs", "(X)" after a postcode, or a bare Land name as one item of a fact line."""
    for m in _STATE_PHRASE.finditer(text):
        if m.group(1) in STATES:
            return {"state": m.group(1)}
    for pattern in (_STATE_IN, _ZIP_STATE):
        if found := pattern.search(text):
            return {"state": found.group(1)}
    for segment in _SEGMENT.split(text):
        if segment.strip() in STATES:
            return {"state": segment.strip()}
    return {}


def find_place(text: str) -> dict[str, str] | None:
    """The first administrative unit named ("Stadt Guben", "des Landkreises Northeim"),
    in the registry's naming (Landkreise and Ämter keep their word); "Region X" last."""
    for m in _STRONG_PLACE.finditer(text):
        name = m.group(2).strip(" .-")
        if _NOT_A_NAME.match(name.split()[0]):
            continue
        word = m.group(1).lower()
        word = re.sub(r"(?:es|n)$", "", word) if word not in ("kreis",) else word
        word = {"große kreisstadt": "kreisstadt", "großen kreisstadt": "kreisstadt"}.get(word, word)
        kind = _KIND_WORDS.get(word, "Stadt")
        if word in _PREFIXED:
            name = f"{'Kreis' if word == 'kreis' else word.capitalize()} {name}"
        return {"municipality": name, "kind": kind}
    if weak := _WEAK_PLACE.search(text):
        name = weak.group(1).strip(" .-")
        if not _NOT_A_NAME.match(name.split()[0]):
            return {"municipality": name, "kind": "Region"}
    return None


def _main_text(soup: BeautifulSoup) -> str:
    """Text of <main>/<article> (or the body without nav/header): where the page speaks."""
    main = soup.find("main") or soup.find("article") or soup.find(role="main")
    if main is None:
        return " ".join(soup.get_text(" ").split())
    return " ".join(main.get_text(" ").split())


def address_facts(text: str) -> dict[str, Any]:
    """Municipality and kind from an administration's address ("Stadtverwaltung X ... 12345 X").

    Only when the postal line names the same town: a state portal's imprint names a ministry,
    not a municipality, and must not make every page on it belong to the capital.
    """
    text = text[:MAX_TEXT]
    towns = {m.group(1) for m in _ZIP_TOWN.finditer(text)}
    found: dict[str, Any] = {}
    for m in _ADMIN.finditer(text):
        name = m.group(2)
        if name in towns or any(t.startswith(name) for t in towns):
            found = {"municipality": name, "kind": _ADMIN_KIND[m.group(1).lower()]}
            break
    place = find_place(text)
    if not found and place and any(t.startswith(place["municipality"]) for t in towns):
        found = dict(place)
    if found:  # the site is the municipality's own: its address names its Land
        found.update(_state_of(text))
    return found


def _add(facts: dict[str, Fact], found: dict[str, Any], where: str) -> None:
    for key, value in found.items():
        if value is not None and key not in facts:
            facts[key] = Fact(value, where)


def _pop_footer(soup: BeautifulSoup) -> str:
    """Remove and return the text of footer-like elements (they describe the site)."""
    parts = []
    for tag in soup.find_all(["footer", "address"]):
        parts.append(" ".join(tag.get_text(" ").split()))
        tag.decompose()
    return " ".join(parts)


def _state_element(soup: BeautifulSoup) -> dict[str, str]:
    """A Land named as an element's whole text (a fact item: <dd>, <li>, <span>) in the
    page's main part (header and navigation excluded)."""
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(["dd", "li", "span", "td", "p", "div", "strong"]):
        if tag.find_parent(["nav", "header"]) is not None:
            continue
        text = " ".join(tag.get_text(" ").split())
        if text in STATES:
            return {"state": text}
    return {}


def _heading_facts(soup: BeautifulSoup) -> dict[str, Any]:
    for name in ("h1", "title", "h2"):
        for tag in soup.find_all(name)[:3]:
            if place := find_place(" ".join(tag.get_text(" ").split())):
                return dict(place)
    return {}


def _label_pairs(soup: BeautifulSoup) -> list[tuple[str, str]]:
    pairs = []
    for dt in soup.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            pairs.append((dt.get_text(" ", strip=True), dd.get_text(" ", strip=True)))
    for row in soup.find_all("tr"):
        cells = row.find_all(["th", "td"])
        if len(cells) == 2:
            pairs.append((cells[0].get_text(" ", strip=True), cells[1].get_text(" ", strip=True)))
    return [(k.rstrip(": "), v) for k, v in pairs]


def _pairs_facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for label, value in pairs:
        for key, pattern in _LABELS.items():
            if key in found or not pattern.match(label):
                continue
            found.update(_pair_value(key, label, value))
    return found


def _pair_value(key: str, label: str, value: str) -> dict[str, Any]:
    if key == "population":
        m = re.search(r"(\d{1,3}(?:[.\s\u202f]\d{3})+|\d+(?:,\d+)?)\s*(Mio\.?)?", value)
        return {"population": _number(m.group(1), bool(m.group(2)))} if m else {}
    if key == "state":
        return {"state": value} if value in STATES else {}
    if key == "year":
        m = re.search(r"\b((?:19|20)\d{2})\b", value)
        return {"year": int(m.group(1))} if m else {}
    place = find_place(f"{label} {value}") or find_place(value)
    return dict(place) if place else {}
