"""Recherche page under AppTest: highlighted results, facets, export, document view, overview."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.records import SearchFilters
from rag.service import Kompass
from tests.ui.conftest import open_page
from ui.web import components

pytestmark = pytest.mark.unit


def search(at: AppTest, query: str) -> AppTest:
    return at.text_input(key="recherche_suche").input(query).run()


def test_results_highlight_query_words_and_offer_exports(app: AppTest) -> None:
    at = search(open_page(app, "recherche"), "Mobilität Parken")
    assert not at.exception
    bodies = [m.value for m in at.markdown]
    assert any("**Mobilität**" in b or "**mobilität**" in b for b in bodies)
    assert [d.label for d in at.get("download_button")] == [
        "Als CSV exportieren",
        "Als JSON exportieren",
    ]
    assert any("Treffer in" in c.value for c in at.caption)


def test_export_data_matches_the_search(app_settings: Any) -> None:
    from ui.web import state

    kompass = state.get_kompass()
    result = kompass.search("Vision Leitbild", k=5)
    rows = list(csv.DictReader(io.StringIO(components.hits_csv(result.hits)), delimiter=";"))
    assert [r["chunk_id"] for r in rows] == [h.passage.chunk_id for h in result.hits]
    assert rows[0]["text"] == result.hits[0].passage.text
    data = json.loads(components.results_json(result.to_json()))
    assert data["query"] == "Vision Leitbild"
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3, 4, 5]
    assert set(data["hits"][0]) >= {"doc_id", "chunk_id", "municipality", "title", "url", "text"}


def test_facets_reach_the_search(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[SearchFilters | None] = []
    original = Kompass.search

    def spy(self: Kompass, query: str, k: int = 10, filters: SearchFilters | None = None):
        seen.append(filters)
        return original(self, query, k=k, filters=filters)

    monkeypatch.setattr(Kompass, "search", spy)
    at = open_page(app, "recherche")
    at = at.multiselect(key="recherche_states").set_value(["Brandenburg"]).run()
    at = at.selectbox(key="recherche_size").set_value("10.000–50.000 EW").run()
    at = search(at, "Strategie")
    assert seen[-1] == SearchFilters(
        states=("Brandenburg",), population_min=10_000, population_max=49_999
    )
    assert "Brandenburg" in " ".join(c.value for c in at.caption)


def test_show_in_document_opens_the_full_text_with_the_hit(app: AppTest) -> None:
    at = search(open_page(app, "recherche"), "Vision Leitbild")
    button = next(b for b in at.button if b.label == "Im Dokument zeigen")
    at = button.click().run()
    assert not at.exception
    assert at.session_state["recherche_reiter"] == "Dokument"
    doc_id = at.session_state["recherche_dokument"]
    assert at.selectbox(key="recherche_dokument").value == doc_id
    assert any("umrandet" in i.value for i in at.info)
    assert any(c.value == "Treffer" for c in at.caption)


def test_corpus_overview_has_charts(app: AppTest) -> None:
    at = open_page(app, "recherche")
    at.session_state["recherche_reiter"] = "Korpus-Überblick"
    at = at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Strategien im Register"]) == 94
    assert int(metrics["Dokumente mit Volltext"]) > 10
    assert int(metrics["In Förderprogrammen"]) >= 73
    assert int(metrics["Bundesländer"]) == 15  # all but Bremen (no strategy registered)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 6  # Land, year, kind, size class, programme, Handlungsfelder
    assert len(at.dataframe) == 1
    assert "Modellprojekte Smart Cities nach Staffel" in " ".join(c.value for c in at.caption)
