"""Vision catalogue and municipality aggregation over literal payloads (the stored schema)."""

from __future__ import annotations

from typing import Any

import pytest

from rag.vision.catalogue import (
    catalogue_from_payloads,
    catalogue_rows,
    classify_pattern,
    is_values_slogan,
    visions_in_payload,
)
from rag.vision.municipalities import municipalities_from_payloads

pytestmark = pytest.mark.unit

POTSDAM_TEXT = (
    "Diese [Vision der Smart-City-Strategie] konzentriert sich auf die zentralen "
    "Herausforderungen. Ihre Vision lautet: „Smart City Potsdam – Innovativ. Grün. Gerecht. "
    "Zusammen schaffen wir eine nachhaltige Stadt für morgen!“"
)
GUBEN_TEXT = (
    "Die vorliegende Strategie dient als Orientierungshilfe.\n\nDabei wurden vier Zielbilder "
    "entwickelt:\n\nZielbild 1: Eine smarte Europastadt. Das städtische Handeln ist optimal "
    "organisiert.\n\nZielbild 2: Smarter Wandel mit Beteiligung. Durch Beteiligung der "
    "Bürgerschaft werden Interessen berücksichtigt.\n\nZielbild 3: Resiliente Stadtentwicklung. "
    "Lösungen schützen die Stadt vor Gefahren."
)


def payload(text: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "doc_id": "dabb",
        "chunk_id": "c1",
        "title": "2. Digitalisierungsvision/Leitbild – Wohin geht es?",
        "municipality": "Potsdam",
        "kind": None,
        "state": "Brandenburg",
        "population": None,
        "year": None,
        "url": "https://example.org/dabb",
        "source_type": "text",
        "section": None,
        "text": text,
        "ord": 0,
    }
    base.update(kw)
    return base


def registry(mun: str, text: str, **kw: Any) -> dict[str, Any]:
    return payload(
        text,
        doc_id=f"registry-{mun.lower()}",
        municipality=mun,
        source_type="registry",
        title="Strategie",
        section="Registereintrag",
        kind="Stadt",
        url=f"https://{mun.lower()}.example",
        **kw,
    )


def test_registry_slogan_is_the_exact_text_between_the_quotes() -> None:
    text = (
        "Guben (Stadt, Brandenburg), 2023: Smart-City-Strategie der Stadt Guben. "
        "Leitbild/Motto: „Eurostadt Guben / Gubin – Grenzenlos.smart.“ Einwohnerzahl: 16.783."
    )
    [entry] = visions_in_payload(registry("Guben", text, population=16_783))
    assert entry.quote == "Eurostadt Guben / Gubin – Grenzenlos.smart."
    assert entry.quote in text
    assert (entry.source, entry.pattern) == ("registry", "other")
    assert (entry.doc_id, entry.population, entry.url) == (
        "registry-guben",
        16_783,
        "https://guben.example",
    )


def test_registry_without_slogan_has_no_vision() -> None:
    assert visions_in_payload(registry("Ulm", "Ulm (Stadt, Baden-Württemberg), 2021: X.")) == []


def test_stated_vision_in_quotes() -> None:
    [entry] = visions_in_payload(payload(POTSDAM_TEXT, section="Praxisbeispiel Potsdam (2023)"))
    assert entry.quote.startswith("Smart City Potsdam – Innovativ. Grün. Gerecht.")
    assert entry.quote.endswith("für morgen!")
    assert entry.quote in POTSDAM_TEXT
    assert (entry.source, entry.pattern) == ("statement", "three_values")


def test_zielbilder_lines_become_one_set() -> None:
    [entry] = visions_in_payload(payload(GUBEN_TEXT, municipality="Guben"))
    assert entry.quote.startswith("Zielbild 1: Eine smarte Europastadt.")
    assert entry.quote.endswith("vor Gefahren.")
    assert entry.quote in GUBEN_TEXT
    assert entry.pattern == "zielbilder"


def test_vision_heading_line_quotes_the_following_block() -> None:
    text = "DIGITALE AGENDA 40\nDie Ulmer Vision\nUlmer*innen sind Macher.\nAus Ulm. Für Ulm."
    [entry] = visions_in_payload(payload(text, municipality="Ulm", title="Überblick"))
    assert entry.quote == "Ulmer*innen sind Macher.\nAus Ulm. Für Ulm."
    assert entry.source == "heading"


def test_vision_section_quotes_the_lead_sentences() -> None:
    text = (
        "Die Verwaltung öffnet sich. Sie richtet ihre Services nutzerorientiert aus. "
        "Dritter Satz bleibt draußen.\n\nZweiter Absatz."
    )
    p = payload(text, municipality="Ulm", title="Strategie", section="Ulmer Vision und Ziele")
    [entry] = visions_in_payload(p)
    assert (
        entry.quote == "Die Verwaltung öffnet sich. Sie richtet ihre Services nutzerorientiert aus."
    )
    assert (entry.source, entry.pattern, entry.section) == (
        "section",
        "other",
        "Ulmer Vision und Ziele",
    )


def test_passages_without_vision_cues_or_owner_yield_nothing() -> None:
    assert visions_in_payload(payload("Ein Absatz über Parkplätze.", title="Mobilität")) == []
    assert visions_in_payload(payload(POTSDAM_TEXT, municipality=None)) == []


@pytest.mark.parametrize(
    ("quote", "source", "pattern"),
    [
        ("Innovativ. Grün. Gerecht.", "registry", "three_values"),
        ("Grün, Gerecht, Produktiv", "registry", "three_values"),
        ("Fortschritt – Innovation – Vernetzung", "registry", "three_values"),
        ("smartes, innovatives und vernetztes Partheland", "registry", "three_values"),
        (
            "lebenswert, nachhaltig, stark, vernetzt, innovativ (Leitziele)",
            "registry",
            "three_values",
        ),
        (
            "Starke Verbindungen – Lebendige Zentren – Gesundes Lebensumfeld (Leitziele)",
            "registry",
            "zielbilder",
        ),
        ("Zielbild 1: A.\nZielbild 2: B.", "zielbilder", "zielbilder"),
        (
            "Hand in Hand im Ilzer Land: Gemeinsam digital werden und analog bleiben",
            "registry",
            "mission",
        ),
        ("Zukunft gestalten ist unsere Tradition", "registry", "mission"),
        ("Eurostadt Guben / Gubin – Grenzenlos.smart.", "registry", "other"),
        ("herzlich digital", "registry", "other"),
        ("Deine Stadt, Deine Ideen (un:box cologne)", "registry", "other"),
        (
            "Die Stadt öffnet sich für die Interessen der Bürger und baut Hürden ab.",
            "section",
            "other",
        ),
    ],
)
def test_classify_pattern(quote: str, source: str, pattern: str) -> None:
    assert classify_pattern(quote, source) == pattern


def test_values_slogan_needs_three_short_values_in_a_short_text() -> None:
    assert is_values_slogan("Smart. Nachhaltig. Resilient.")
    assert not is_values_slogan("Smart Green City")
    assert not is_values_slogan("Eins. Zwei. Drei. " + "und noch sehr viele weitere Worte " * 4)


def test_catalogue_dedupes_by_municipality_and_wording_registry_first() -> None:
    slogan = (
        "Potsdam (Stadt, Brandenburg), 2023: X. Leitbild/Motto: „Smart City Potsdam – Innovativ. "
        "Grün. Gerecht. Zusammen schaffen wir eine nachhaltige Stadt für morgen!“"
    )
    entries = catalogue_from_payloads(
        [
            payload(POTSDAM_TEXT),
            registry("Potsdam", slogan),
            payload(GUBEN_TEXT, municipality="Guben"),
        ]
    )
    assert [(e.municipality, e.source) for e in entries] == [
        ("Guben", "zielbilder"),
        ("Potsdam", "registry"),
    ]
    rows = catalogue_rows(entries)
    assert rows[1]["pattern_label"] == "Slogan aus drei Werten"
    assert set(rows[0]) >= {"municipality", "kind", "state", "population", "quote", "url", "doc_id"}


def test_municipalities_aggregate_registry_facts_and_document_fields() -> None:
    reg_old = registry("Hamburg", "Hamburg: Digitalstrategie (Verwaltung).", year=2020)
    reg_new = registry(
        "Hamburg", "Hamburg: Neue Digitalstrategie.", year=2025, population=1_900_000
    )
    reg_new["url"] = "https://hamburg.example/2025"
    doc = payload("Bürgerbeteiligung und Beteiligung der Jugend.", municipality="Hamburg")
    [m] = municipalities_from_payloads([doc, reg_old, reg_new])
    assert (m.name, m.kind, m.state, m.population, m.year) == (
        "Hamburg",
        "Stadt",
        "Brandenburg",
        1_900_000,
        2025,
    )
    assert m.url == "https://hamburg.example/2025"
    # registry mentions count double: Verwaltung (1 x 2) and Beteiligung (2 x 1) are chosen
    assert m.fields == ("Verwaltung", "Beteiligung")
    assert m.rural is None
