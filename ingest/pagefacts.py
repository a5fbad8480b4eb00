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

from ingest.discovery import STATES, _from_json_ld, _from_meta, _number, _place
from ingest.parsing import html_soup

FIELDS = ("municipality", "kind", "state", "population", "year")
_LABELS = {
    "population": re.compile(r"^(?:einwohner\w*|bevölkerung\w*|bewohner\w*)\b", re.I),
    "state": re.compile(r"^(?:bundesland|land)\s*$", re.I),
    "municipality": re.compile(r"^(?:kommune|gemeinde|stadt|landkreis|ort|herausgeber\w*)\s*$", re.I),
    "year": re.compile(
        r"^(?:beschlossen|beschluss\w*|verabschiedet|stand|veröffentlich\w*|jahr|datum)\b", re.I
    ),
}
_ADOPTED = re.compile(
    r"\b(?:beschlossen|verabschiedet|beschluss\w*|ratsbeschluss|veröffentlicht|stand)\b"
    r"[^.\n]{0,60}?\b(?:\d{1,2}\.\s?(?:\d{1,2}\.|[A-Za-zäö]+)\s?|(?:0?[1-9]|1[0-2])/|"
    r"(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\s)?"
    r"((?:19|20)\d{2})\b",
    re.I,
)
_POPULATION = re.compile(
    r"(?:(?:rund|ca\.|etwa|knapp|über)\s+)?(\d{1,3}(?:[.\s\u202f]\d{3})+|\d{3,7})\s*"
    r"(Mio\.?|Millionen)?\s+Einwohner",
)
_POP_LABEL = re.compile(
    r"Einwohner(?:innen)?(?:zahl)?(?:\s*\([^)]{0,20}\))?\s*[:=]\s*(?:ca\.|rund|etwa)?\s*"
    r"(\d{1,3}(?:[.\s\u202f]\d{3})+|\d+(?:,\d+)?)\s*(Mio\.?)?"
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
    text = " ".join(soup.get_text(" ").split())
    _add(facts, text_facts(text), "Text")
    _add(facts, address_facts(footer_text), "Fußzeile/Impressum")
    return {k: v for k, v in facts.items() if k in FIELDS}


def pdf_facts(text: str) -> dict[str, Fact]:
    """Facts a PDF states: its title page (first ~1500 chars) first, then the text."""
    facts: dict[str, Fact] = {}
    head = text[:1500]
    _add(facts, _place(" ".join(head.split())) or {}, "PDF-Titelseite")
    _add(facts, text_facts(" ".join(head.split())), "PDF-Titelseite")
    _add(facts, text_facts(" ".join(text[:30_000].split())), "PDF-Text")
    _add(facts, address_facts(" ".join(text[:30_000].split())), "PDF-Impressum")
    return {k: v for k, v in facts.items() if k in FIELDS}


def text_facts(text: str) -> dict[str, Any]:
    """Facts from running text: population, Land, adoption/"Stand" year, place in a phrase."""
    found: dict[str, Any] = {}
    if m := _POP_LABEL.search(text):
        found["population"] = _number(m.group(1), millions=bool(m.group(2)))
    elif m := _POPULATION.search(text):
        found["population"] = _number(m.group(1), millions=bool(m.group(2)))
    for m in _STATE_PHRASE.finditer(text):
        if m.group(1) in STATES:
            found["state"] = m.group(1)
            break
    if m := _ADOPTED.search(text):
        found["year"] = int(m.group(1))
    return {k: v for k, v in found.items() if v is not None}


def address_facts(text: str) -> dict[str, Any]:
    """Municipality and kind from an administration's address ("Stadtverwaltung X ... 12345 X").

    Only when the postal line names the same town: a state portal's imprint names a ministry,
    not a municipality, and must not make every page on it belong to the capital.
    """
    towns = {m.group(1) for m in _ZIP_TOWN.finditer(text)}
    for m in _ADMIN.finditer(text):
        name = m.group(2)
        if name in towns or any(t.startswith(name) for t in towns):
            return {"municipality": name, "kind": _ADMIN_KIND[m.group(1).lower()]}
    return {}


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


def _heading_facts(soup: BeautifulSoup) -> dict[str, Any]:
    for name in ("h1", "title", "h2"):
        for tag in soup.find_all(name)[:3]:
            if place := _place(" ".join(tag.get_text(" ").split())):
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
    place = _place(f"{label} {value}") or _place(value)
    return dict(place) if place else {}
