"""Vision-Werkstatt similarity: pure functions with literal values, the profile's validation and
the German "why" line."""

from __future__ import annotations

import pytest

from rag.core.errors import UserInputError
from rag.core.vocabulary import FIELD_NAMES, STATE_NEIGHBOURS, field_hits, format_population
from rag.vision.similarity import (
    KIND_GROUP,
    NEUTRAL,
    OTHER_CLASS,
    SAME_CLASS,
    UNKNOWN_SIZE,
    WEIGHTS,
    Candidate,
    Parts,
    Profile,
    chosen_fields,
    compare,
    field_similarity,
    kind_similarity,
    population_similarity,
    rank_candidates,
    scale_text_scores,
    size_similarity,
    state_similarity,
    why_text,
)

pytestmark = pytest.mark.unit


def town(**kw: object) -> Profile:
    base: dict[str, object] = {
        "name": "Musterstadt",
        "kind": "Stadt",
        "state": "Brandenburg",
        "population": 20_000,
        "focus": ("Beteiligung", "Verwaltung"),
    }
    base.update(kw)
    return Profile(**base)  # type: ignore[arg-type]


def test_weights_sum_to_one() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Stadt", "Stadt", 1.0),
        ("Stadt", "kreisfreie Stadt", 0.8),
        ("Region", "Amt", 0.8),
        ("Verbund", "Region", 0.8),
        (KIND_GROUP, "Region", 1.0),
        (KIND_GROUP, "Amt", 1.0),
        ("Gemeinde", "Amt", 0.6),
        ("Stadt", "Region", 0.5),
        ("Gemeinde", "Stadt", 0.5),
        ("Landkreis", "Region", 0.5),
        ("Landkreis", "Stadt", 0.1),
        ("Stadt", None, NEUTRAL),
    ],
)
def test_kind_similarity(a: str, b: str | None, expected: float) -> None:
    assert kind_similarity(a, b) == expected
    assert kind_similarity(b, a) == expected  # symmetric


def test_population_similarity_in_log10() -> None:
    assert population_similarity(20_000, 20_000) == 1.0
    assert population_similarity(16_783, 20_000) == pytest.approx(1 - 0.07614 / 1.5, abs=1e-4)
    # a factor of 10 costs two thirds, a factor of ~32 (1.5 decades) everything
    assert population_similarity(2_000, 20_000) == pytest.approx(1 / 3)
    assert population_similarity(3_000, 3_000_000) == 0.0
    assert population_similarity(None, 20_000) == NEUTRAL
    assert population_similarity(20_000, None) == NEUTRAL


def test_state_similarity_same_neighbour_other() -> None:
    assert state_similarity("Brandenburg", "Brandenburg") == 1.0
    assert state_similarity("Brandenburg", "Sachsen") == 0.5
    assert state_similarity("Brandenburg", "Berlin") == 0.5
    assert state_similarity("Brandenburg", "Bayern") == 0.0
    assert state_similarity("Sachsen", "Bayern") == 0.5
    assert state_similarity("Saarland", "Rheinland-Pfalz") == 0.5
    assert state_similarity("Brandenburg", None) == 0.0


def test_state_adjacency_is_symmetric_and_complete() -> None:
    assert len(STATE_NEIGHBOURS) == 16
    for state, neighbours in STATE_NEIGHBOURS.items():
        assert state not in neighbours
        for n in neighbours:
            assert state in STATE_NEIGHBOURS[n], (state, n)
    # islands of the table: Berlin only touches Brandenburg, Bremen only Niedersachsen
    assert STATE_NEIGHBOURS["Berlin"] == {"Brandenburg"}
    assert STATE_NEIGHBOURS["Bremen"] == {"Niedersachsen"}


def test_field_similarity_rewards_focus_over_breadth() -> None:
    focus = ["Beteiligung", "Verwaltung"]
    assert field_similarity(focus, ["Beteiligung", "Verwaltung"]) == 1.0
    assert field_similarity(focus, ["Beteiligung"]) == 0.5
    assert field_similarity(focus, []) == 0.0
    everything = field_similarity(focus, FIELD_NAMES)
    assert everything == pytest.approx(0.5 + 0.5 * 2 / 12)
    assert everything < 1.0
    assert field_similarity([], ["Bildung"]) == NEUTRAL


def test_field_hits_match_german_compounds() -> None:
    hits = field_hits("Mehr Bürgerbeteiligung, eine digitale Verwaltung und der ÖPNV-Rufbus.")
    assert hits == {"Verwaltung": 1, "Mobilität": 2, "Beteiligung": 1}
    # "Handeln" is not trade, "Schulden" are not schools
    assert field_hits("Das städtische Handeln ohne Schulden") == {}
    assert chosen_fields({"Bildung": 2.0, "Kultur": 1.0}) == ("Bildung",)


def test_scale_text_scores() -> None:
    assert scale_text_scores({"a": 0.8, "b": 0.9, "c": 0.85}) == pytest.approx(
        {"a": 0.0, "b": 1.0, "c": 0.5}
    )
    assert scale_text_scores({"a": 0.5, "b": 0.5}) == {"a": NEUTRAL, "b": NEUTRAL}
    assert scale_text_scores({}) == {}


def test_compare_total_is_the_weighted_sum() -> None:
    guben = Candidate("Guben", "Stadt", "Brandenburg", 16_783, frozenset({"Beteiligung"}))
    parts = compare(town(), guben, text=1.0)
    expected = 0.25 * 1 + 0.25 * population_similarity(16_783, 20_000) + 0.25 * 1
    expected += 0.15 * 0.5 + 0.10 * 1.0
    assert parts.total == pytest.approx(expected)
    assert parts.shared == ("Beteiligung",)


def test_why_text_of_a_close_match() -> None:
    guben = Candidate("Guben", "Stadt", "Brandenburg", 16_783, frozenset({"Beteiligung"}))
    assert why_text(town(), guben, compare(town(), guben)) == (
        "gleicher Typ, ähnliche Größe (16.783 vs. 20.000 EW), ebenfalls Brandenburg, "
        "Fokus Beteiligung"
    )


def test_why_text_says_unknown_population_and_neighbours() -> None:
    p = town(setting="ländlich")
    c = Candidate("Großenhain", "Stadt", "Sachsen", None, frozenset({"Verwaltung"}), rural=True)
    why = why_text(p, c, compare(p, c, text=0.9))
    assert why == (
        "gleicher Typ, Einwohnerzahl unbekannt, Nachbarland Sachsen, "
        "Fokus Verwaltung, ebenfalls ländlich geprägt, "
        "Texte passen inhaltlich zu Ihren Schwerpunkten"
    )


def test_unknown_population_falls_back_to_the_size_class_and_ranks_below_known_sizes() -> None:
    p = town(focus=())  # 20,000: Mittelstadt
    same_class = Candidate("Einbeck", "Stadt", "Niedersachsen", None, size_class="Mittelstadt")
    other_class = Candidate(
        "Zwönitz", "Stadt", "Sachsen", None, size_class="Kleinstadt/Landgemeinde"
    )
    nothing = Candidate("Großenhain", "Stadt", "Sachsen", None)
    known = Candidate("Geestland", "Stadt", "Niedersachsen", 30_847)
    assert size_similarity(p, same_class) == SAME_CLASS
    assert size_similarity(p, other_class) == OTHER_CLASS
    assert size_similarity(p, nothing) == UNKNOWN_SIZE < NEUTRAL
    assert size_similarity(p, known) > SAME_CLASS
    ranked = [c.name for c, _ in rank_candidates(p, [nothing, other_class, same_class, known], {})]
    assert ranked == ["Geestland", "Einbeck", "Großenhain", "Zwönitz"]
    assert "Größenklasse Mittelstadt wie Ihre" in why_text(p, same_class, compare(p, same_class))
    # a Landkreis without population is still a Landkreis
    county = town(kind="Landkreis", population=300_000)
    assert size_similarity(county, Candidate("LK", "Landkreis", "Hessen", None)) == SAME_CLASS


def test_joint_strategy_of_several_lander_counts_with_its_closest_land() -> None:
    rn = Candidate("Rhein-Neckar", "Region", "Baden-Württemberg/Rheinland-Pfalz/Hessen", None)
    assert state_similarity("Hessen", rn.state) == 1.0
    assert state_similarity("Saarland", rn.state) == 0.5  # borders Rheinland-Pfalz
    assert state_similarity("Sachsen", rn.state) == 0.0
    p = town(kind="Region", state="Hessen", focus=())
    assert "ebenfalls Hessen (mit Baden-Württemberg/Rheinland-Pfalz/Hessen)" in why_text(
        p, rn, compare(p, rn)
    )


def test_why_text_for_distant_candidates() -> None:
    c = Candidate("Köln", "kreisfreie Stadt", "Nordrhein-Westfalen", 1_092_787)
    parts = Parts(kind=0.8, population=0.0, state=0.0, fields=0.0, text=0.0)
    assert why_text(town(), c, parts) == (
        "verwandter Typ (kreisfreie Stadt), größer (1.092.787 vs. 20.000 EW), "
        "aus Nordrhein-Westfalen"
    )
    lk = Candidate("Landkreis X", "Landkreis", "Bayern", 2_000)
    lk_parts = compare(town(), lk)
    assert why_text(town(), lk, lk_parts).startswith("anderer Typ (Landkreis), kleiner (2.000 vs.")


def test_rank_candidates_best_first_with_ties_by_name() -> None:
    same = Candidate("B-Stadt", "Stadt", "Brandenburg", 20_000)
    twin = Candidate("A-Stadt", "Stadt", "Brandenburg", 20_000)
    far = Candidate("Fernstadt", "Stadt", "Bayern", 500_000)
    ranked = rank_candidates(town(focus=()), [far, same, twin], {})
    assert [c.name for c, _ in ranked] == ["A-Stadt", "B-Stadt", "Fernstadt"]


def test_format_population() -> None:
    assert format_population(16_783) == "16.783"
    assert format_population(1_092_787) == "1.092.787"
    assert format_population(950) == "950"


def test_profile_normalises_input() -> None:
    p = Profile(
        "  Muster  Gemeinde ", "region", "Sachsen", 3_000, "", ("klima", "BILDUNG", "Bildung")
    )
    assert p.name == "Muster Gemeinde"
    assert p.kind == KIND_GROUP
    assert p.setting is None
    assert p.focus == ("Klima/Energie", "Bildung")
    assert p.to_json()["focus"] == ["Klima/Energie", "Bildung"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"name": " "}, "Namen der Kommune"),
        ({"kind": "Dorf"}, "Unbekannter Kommunentyp 'Dorf'"),
        ({"state": "Bavaria"}, "Unbekanntes Bundesland 'Bavaria'"),
        ({"population": 0}, "zwischen 1 und 20.000.000"),
        ({"population": "viele"}, "ganze Zahl"),
        ({"setting": "vorstädtisch"}, "Unbekannte Prägung"),
        ({"focus": ("Raumfahrt",)}, "Unbekanntes Handlungsfeld 'Raumfahrt'"),
        ({"challenges": "x" * 2001}, "zu lang"),
    ],
)
def test_profile_rejects_bad_input_in_german(kw: dict[str, object], message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        town(**kw)
