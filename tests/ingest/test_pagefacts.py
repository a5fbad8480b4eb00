"""Facts a document states, each with where it was read: literal inputs."""

from __future__ import annotations

import pytest

from ingest.pagefacts import address_facts, find_place, html_facts, pdf_facts, text_facts

pytestmark = pytest.mark.unit


def values(facts: dict) -> dict:  # type: ignore[type-arg]
    return {k: f.value for k, f in facts.items()}


def test_heading_definition_list_and_adoption_phrase() -> None:
    html = """<html><body><header><nav><a href="/">Start</a></nav></header><main>
    <h1>Digitalstrategie 2030 der Stadt Musterhausen</h1>
    <dl><dt>Einwohnerzahl</dt><dd>52.400</dd><dt>Bundesland</dt><dd>Sachsen</dd></dl>
    <p>Der Stadtrat hat die Strategie am 12.07.2023 beschlossen.</p></main>
    <footer>Stadtverwaltung Musterhausen · Markt 1 · 01234 Musterhausen</footer></body></html>"""
    facts = html_facts(html)
    assert values(facts) == {
        "municipality": "Musterhausen", "kind": "Stadt", "population": 52400,
        "state": "Sachsen", "year": 2023,
    }  # fmt: skip
    assert facts["municipality"].where == "Überschrift"
    assert facts["population"].where == "Tabelle/Definitionsliste"


def test_a_horizon_year_in_the_title_is_not_the_year() -> None:
    assert "year" not in values(html_facts("<h1>Vision 2035: Stadt Musterhausen</h1>"))


def test_nothing_is_invented_for_a_page_that_states_nothing() -> None:
    assert html_facts("<h1>Willkommen</h1><p>Schön, dass Sie da sind.</p>") == {}


def test_registry_naming_and_strong_kinds_before_region() -> None:
    text = "Smart Region Beispielland. Strategie des Landkreises Beispielland, 2023"
    assert find_place(text) == {"municipality": "Landkreis Beispielland", "kind": "Landkreis"}
    assert find_place("Zukunftsregion Musterland-Nord") == {
        "municipality": "Musterland-Nord", "kind": "Region",
    }  # fmt: skip
    assert find_place("Amt Seeland") == {"municipality": "Amt Seeland", "kind": "Amt"}


def test_running_text_phrases() -> None:
    assert values_of("Die Stadt (27.900 Einwohner) hat ihre Strategie im Jahr 2024 veröffentlicht")
    found = text_facts("eine Große Kreisstadt mit 24.700 Einwohnern im Norden Baden-Württembergs")
    assert found == {"population": 24700, "state": "Baden-Württemberg"}
    assert text_facts("Kreistagsbeschluss vom 23. März 2023")["year"] == 2023
    assert text_facts("Fassung vom 2. Juni 2021")["year"] == 2021
    assert "year" not in text_facts("Unsere Ziele bis 2030")


def values_of(text: str) -> bool:
    found = text_facts(text)
    return found == {"population": 27900, "year": 2024}


def test_footer_address_only_when_it_is_the_municipality() -> None:
    own = "Magistrat der Stadt Beispielstadt · Rathausplatz 1 · 61234 Beispielstadt (Hessen)"
    assert address_facts(own) == {
        "municipality": "Beispielstadt",
        "kind": "Stadt",
        "state": "Hessen",
    }
    portal = "Netzwerk Kommunal.Digital · Beispielallee 5 · 31234 Beispielhausen"
    assert address_facts(portal) == {}


def test_pdf_title_page() -> None:
    text = "Gemeinsame Digitalstrategie\nZukunftsregion Musterland-Nord\n2023\nVorwort\n..."
    facts = pdf_facts(text)
    assert values(facts) == {"municipality": "Musterland-Nord", "kind": "Region", "year": 2023}
    assert {f.where for f in facts.values()} == {"PDF-Titelseite"}


def test_context_facts_fill_only_what_the_file_does_not_state() -> None:
    from ingest.crawlreport import _carried
    from ingest.pagefacts import Fact

    context = {
        "municipality": Fact("Mustertal", "Überschrift"),
        "state": Fact("Niedersachsen", "Text"),
        "year": Fact(2020, "Text"),
    }
    own = {"municipality": Fact("Mustertal", "PDF-Titelseite"), "year": Fact(2021, "PDF")}
    carried = _carried(own, context)
    assert {k: f.value for k, f in carried.items()} == {"state": "Niedersachsen"}
    assert carried["state"].where.startswith("verlinkende Seite")
    other = {"municipality": Fact("Anderswo", "PDF-Titelseite")}
    assert _carried(other, context) == {}  # a listing of many towns must not lend its facts


@pytest.mark.parametrize(
    "text",
    [
        "Kreistagsbeschluss" * 5000,
        "1.000" * 20000,
        "Stadt " + "A" * 100_000,
        ("Region " + "x" * 50 + " ") * 2000,
        "@" + "a.b-" * 25000,
    ],
)
def test_facts_and_features_stay_fast_on_pathological_text(text: str) -> None:
    import time

    from ingest.pagefeatures import features, view_of_text

    started = time.monotonic()
    html_facts(f"<h1>{text[:500]}</h1><p>{text}</p><footer>{text}</footer>")
    pdf_facts(text)
    features(view_of_text(text[:200], text))
    assert time.monotonic() - started < 3.0
