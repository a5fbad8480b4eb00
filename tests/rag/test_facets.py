"""Facets named in German questions (rag.facets) and their effect on retrieval."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.registry import STATES
from rag.core.records import SearchFilters
from rag.facets import MunicipalityNames, detect

pytestmark = pytest.mark.unit

NAMES = MunicipalityNames(
    ["Potsdam", "Guben", "Landkreis Dahme-Spreewald", "Ulm", "Münster", "Regensburg", "Herne",
     "Bad Belzig und Wiesenburg/Mark", "Cottbus/Chóśebuz"]
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "states", "kinds"),
    [
        ("Welche Landkreise in Brandenburg haben eine Digitalstrategie?", ("Brandenburg",), ("Landkreis",)),
        ("Welche sächsischen Städte und Kreise haben eine Digitalstrategie?", ("Sachsen",), ("Landkreis", "Stadt", "kreisfreie Stadt")),
        ("Welche Strategien im Register kommen aus Nordrhein-Westfalen?", ("Nordrhein-Westfalen",), ()),
        ("Strategien aus NRW?", ("Nordrhein-Westfalen",), ()),
        ("Gibt es eine kleine hessische Gemeinde mit Smart-City-Plan?", ("Hessen",), ("Gemeinde",)),
        ("Welches Amt in Schleswig-Holstein arbeitet an einem Konzept?", ("Schleswig-Holstein",), ("Amt",)),
        ("Was plant Niedersachsen?", ("Niedersachsen",), ()),
        ("Welche Orte in Sachsen-Anhalt?", ("Sachsen-Anhalt",), ()),
        ("Welche Landkreise außerhalb Brandenburgs haben ein Motto?", (), ("Landkreis",)),
        ("Wie formulieren wir als Stadt eine Vision?", (), ()),
        ("Wer ist im Amt für Digitales zuständig?", (), ()),
    ],
)  # fmt: skip
def test_states_and_kinds(question: str, states: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    f = detect(question).filters
    assert f.states == states
    assert f.kinds == kinds


def test_sizes_and_years() -> None:
    f = detect("Welche Städte haben mehr als 100.000 Einwohner?").filters
    assert f.population_min == 100_000 and f.population_max is None
    assert detect("Kommunen unter 20 Tausend Einwohnern").filters.population_max == 20_000
    # "Großstadt" is the size class (programme's or from the population), not a bound, so
    # programme Großstädte without a known population stay in
    big = detect("Welche Großstadt in Thüringen hat einen Entwurf vorgelegt?").filters
    assert big.size_classes == ("Großstadt",) and big.states == ("Thüringen",)
    assert big.population_min is None
    assert detect("Welche Großstädte haben eine Strategie?").filters.size_classes == ("Großstadt",)
    # a compound that only starts with the word names no size
    assert detect("Was plant die Großstadtregion?").filters.size_classes == ()
    assert detect("Wer war schon vor 2018 unterwegs?").filters.year_max == 2017
    assert detect("Strategien seit 2021").filters.year_min == 2021
    f = detect("Welche Kommunen haben ihr Papier im Jahr 2023 verabschiedet?").filters
    assert (f.year_min, f.year_max) == (2023, 2023)
    assert detect("Wo fangen wir an?").empty
    both = detect("Strategien vor 2018 und nach 2020").filters
    assert (both.year_min, both.year_max) == (None, None)


def test_named_municipalities() -> None:
    assert NAMES.find("Wie unterscheiden sich die Visionen von Potsdam und Guben?") == (
        "Guben",
        "Potsdam",
    )
    assert NAMES.find("Was plant der Landkreis Dahme-Spreewald?") == ("Landkreis Dahme-Spreewald",)
    assert NAMES.find("Wie viele Handlungsfelder haben Ulm, Cottbus und Herne?") == (
        "Cottbus/Chóśebuz",
        "Herne",
        "Ulm",
    )
    assert NAMES.find("Wie ist Ulms Strategie aufgebaut?") == ("Ulm",)
    # "Bad" and "Mark" alone name nothing; the distinctive words are needed.
    assert NAMES.find("Was bedeutet Smart City für eine Stadt an der Mark?") == ()
    assert NAMES.find("Welche Strategie hat Dahme?") == ()


def test_boosts_put_facets_first_and_are_bounded() -> None:
    f = detect("Welche Landkreise in Brandenburg? Und Potsdam, Guben, Ulm, Herne?", NAMES)
    boosts = f.boosts(limit=3)
    assert boosts[0] == SearchFilters(states=("Brandenburg",), kinds=("Landkreis",))
    assert len(boosts) == 3
    assert all(b.municipalities for b in boosts[1:])


def test_narrowed_keeps_explicit_filters_and_intersects_ranges() -> None:
    user = SearchFilters(states=("Bayern",), year_min=2020)
    both = user.narrowed(
        SearchFilters(states=("Brandenburg",), kinds=("Stadt",), year_min=2018, year_max=2022)
    )
    assert both.states == ("Bayern",)  # what the user chose wins
    assert both.kinds == ("Stadt",)
    assert (both.year_min, both.year_max) == (2020, 2022)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_valid_facets(text: str) -> None:
    f = detect(text, NAMES)
    assert set(f.filters.states) <= set(STATES)
    assert all(m in NAMES.find(text) for m in f.municipalities)
    if f.filters.year_min is not None and f.filters.year_max is not None:
        assert f.filters.year_min <= f.filters.year_max


def test_long_pasted_text_is_cut_before_matching() -> None:
    tail = " in Brandenburg"
    assert detect("1 000 " * 5000 + tail).filters.states == ()  # beyond MAX_CHARS
    assert detect("Strategien" + tail).filters.states == ("Brandenburg",)
