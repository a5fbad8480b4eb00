"""Vision-Werkstatt on the shipped corpus: the catalogue, the CONTRACT's JSON shape and, with
the real e5 model, the golden comparables of a Brandenburg town."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from rag.core.errors import UserInputError
from rag.core.settings import Settings
from rag.service import Kompass
from rag.vision.catalogue import build_catalogue, catalogue_rows
from rag.vision.drafts import MAX_SHARED_RUN, longest_shared_run
from rag.vision.municipalities import index_view
from rag.vision.workshop import Profile, VisionResult, suggest_vision
from tests.conftest import make_settings

BRANDENBURG_TOWN = Profile(
    "Musterstadt", "Stadt", "Brandenburg", 20_000, focus=("Beteiligung", "Verwaltung")
)


@pytest.fixture(scope="module")
def hashing_kompass(
    hashing_index: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Kompass]:
    """A private copy of the hashing index (the embedded engine locks its directory)."""
    data = tmp_path_factory.mktemp("vision") / "data"
    shutil.copytree(hashing_index.data_dir, data)
    k = Kompass(make_settings(data))
    yield k
    k.close()


@pytest.fixture(scope="module")
def e5_kompass(e5_index: Settings) -> Iterator[Kompass]:
    k = Kompass(e5_index)
    yield k
    k.close()


def assert_no_copies(result: VisionResult, kompass: Kompass) -> None:
    visions = [e.quote for e in build_catalogue(kompass.store)]
    assert visions
    for draft in result.suggestions:
        for vision in visions:
            assert longest_shared_run(draft.text, vision) <= MAX_SHARED_RUN, (draft.text, vision)


@pytest.mark.unit
def test_catalogue_holds_the_known_visions_as_exact_quotes(hashing_kompass: Kompass) -> None:
    entries = build_catalogue(hashing_kompass.store)
    texts = {p["chunk_id"]: p["text"] for p in hashing_kompass.store.payloads()}
    for e in entries:
        assert e.quote and e.quote in texts[e.chunk_id], e
    by_mun = {(e.municipality, e.pattern) for e in entries}
    assert ("Guben", "zielbilder") in by_mun
    assert ("Potsdam", "three_values") in by_mun
    potsdam = next(e for e in entries if e.municipality == "Potsdam")
    assert "Innovativ. Grün. Gerecht." in potsdam.quote
    assert potsdam.url == "https://smartcity.potsdam.de/de/modellprojekt-smart-city"
    guben_sets = [e for e in entries if e.municipality == "Guben" and e.pattern == "zielbilder"]
    assert guben_sets[0].quote.count("Zielbild ") == 4
    ulm = [e for e in entries if e.municipality == "Ulm" and e.doc_id.startswith("ulm-04")]
    assert any("Vorreiterin und Leuchtturm" in e.quote for e in ulm)
    rows = catalogue_rows(entries)
    assert len(rows) == len(entries) and rows[0]["quote"] == entries[0].quote


@pytest.mark.unit
def test_result_json_has_the_contract_shape(hashing_kompass: Kompass) -> None:
    data = suggest_vision(hashing_kompass, BRANDENBURG_TOWN, k=4).to_json()
    assert set(data) == {"profile", "comparables", "suggestions", "handlungsfelder"}
    assert data["profile"]["name"] == "Musterstadt"
    assert len(data["comparables"]) == 4
    for c in data["comparables"]:
        assert set(c) == {
            "municipality",
            "kind",
            "state",
            "population",
            "programme",
            "staffel",
            "size_class",
            "similarity",
            "why",
            "vision",
            "url",
            "doc_id",
        }
        assert isinstance(c["similarity"], float) and 0.0 <= c["similarity"] <= 1.0
    sims = [c["similarity"] for c in data["comparables"]]
    assert sims == sorted(sims, reverse=True)
    for s in data["suggestions"]:
        assert set(s) == {"text", "modelled_on"}
        for m in s["modelled_on"]:
            assert set(m) == {"municipality", "url", "quote"}
    for f in data["handlungsfelder"]:
        assert set(f) == {"handlungsfeld", "count", "in_focus", "municipalities"}
        assert f["count"] == len(f["municipalities"]) >= 1
    counts = [f["count"] for f in data["handlungsfelder"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.unit
def test_own_municipality_is_not_its_own_comparable(hashing_kompass: Kompass) -> None:
    guben = Profile("Guben", "Stadt", "Brandenburg", 16_783, focus=("Beteiligung",))
    result = suggest_vision(hashing_kompass, guben, k=10)
    assert "Guben" not in [c.municipality.name for c in result.comparables]
    assert_no_copies(result, hashing_kompass)


@pytest.mark.unit
def test_text_output_and_k_validation(hashing_kompass: Kompass) -> None:
    result = suggest_vision(hashing_kompass, BRANDENBURG_TOWN, k=3)
    text = result.to_text()
    assert text.startswith("Vergleichbare Kommunen:\n 1. [")
    assert "Entwürfe:\n1. " in text and "nach dem Vorbild von " in text
    assert "Handlungsfelder der Vergleichskommunen:" in text
    with pytest.raises(UserInputError, match="zwischen 1 und 50"):
        suggest_vision(hashing_kompass, BRANDENBURG_TOWN, k=0)


@pytest.mark.unit
def test_index_is_read_once_per_process(hashing_kompass: Kompass) -> None:
    assert index_view(hashing_kompass.store) is index_view(hashing_kompass.store)


@pytest.mark.integration
def test_brandenburg_town_finds_guben_and_bad_belzig(e5_kompass: Kompass) -> None:
    result = suggest_vision(e5_kompass, BRANDENBURG_TOWN, k=6)
    by_name = {c.municipality.name: c for c in result.comparables}
    assert {"Guben", "Bad Belzig und Wiesenburg/Mark"} <= set(by_name)
    assert result.comparables[0].municipality.name == "Guben"
    guben = by_name["Guben"]
    assert guben.why.startswith("gleicher Typ, ähnliche Größe (16.783 vs. 20.000 EW)")
    assert "ebenfalls Brandenburg" in guben.why and "Beteiligung" in guben.why
    belzig = by_name["Bad Belzig und Wiesenburg/Mark"]
    assert "ähnliche Größe (15.279 vs. 20.000 EW)" in belzig.why
    assert belzig.vision is not None and "Lebendige Zentren" in belzig.vision.quote

    assert len(result.suggestions) >= 3
    assert len({d.text for d in result.suggestions}) == len(result.suggestions)
    for draft in result.suggestions:
        assert "Musterstadt" in draft.text
        assert draft.modelled_on
        assert all(m.url and m.url.startswith("https://") for m in draft.modelled_on)
    assert_no_copies(result, e5_kompass)
    fields = {f.field: f for f in result.handlungsfelder}
    assert "Guben" in [n for n, _ in fields["Beteiligung"].municipalities]


@pytest.mark.integration
def test_saxon_district_finds_meissen(e5_kompass: Kompass) -> None:
    profile = Profile(
        "Landkreis Musterland",
        "Landkreis",
        "Sachsen",
        200_000,
        setting="ländlich",
        focus=("Daten/Infrastruktur", "Verwaltung", "Gesundheit"),
        challenges="Breitbandausbau in der Fläche, Fachkräftemangel in der Verwaltung",
    )
    result = suggest_vision(e5_kompass, profile, k=6)
    names = [c.municipality.name for c in result.comparables]
    assert names[0] == "Landkreis Meißen"
    assert "Landkreis Dahme-Spreewald" in names
    assert all(c.municipality.kind in ("Landkreis", "Region") for c in result.comparables[:4])
    assert len(result.suggestions) >= 3
    assert_no_copies(result, e5_kompass)
