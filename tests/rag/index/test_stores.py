"""Both store backends on hand-written small vectors: same schema, same answers."""

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from rag.core.errors import IndexMismatchError
from rag.core.records import DocMeta, Passage, SearchFilters
from rag.embedding.sparse import KeywordEncoder
from rag.index.edge import EdgeStore
from rag.index.schema import Manifest
from rag.index.server import ClientStore
from rag.index.store import StoredPoint, StoreQuery

pytestmark = pytest.mark.unit
KW = KeywordEncoder()
M = Manifest("toy", 4, "toy-chunks")


def point(cid: str, vec: list[float], text: str, state: str, year: int) -> StoredPoint:
    doc = DocMeta(f"doc-{cid}", "T", municipality=f"M{cid}", state=state, year=year, kind="Stadt")
    v = np.asarray(vec, dtype=np.float32)
    return StoredPoint(Passage(cid, doc, text, ""), v / np.linalg.norm(v), KW.document(text))


POINTS = [
    point("a", [1, 0, 0, 0], "Digitale Verwaltung in Brandenburg", "Brandenburg", 2023),
    point("b", [0.9, 0.1, 0, 0], "Mobilität und Verkehr", "Bayern", 2019),
    point("c", [0, 1, 0, 0], "Vision und Leitbild der Stadt", "Brandenburg", 2021),
]


@pytest.fixture(params=["edge", "client"])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    s = (
        EdgeStore(tmp_path / "idx")
        if request.param == "edge"
        else ClientStore.local(str(tmp_path / "q"))
    )
    s.ensure(M)
    s.upsert(POINTS)
    s.flush()
    yield s
    s.close()


def ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.passage.chunk_id for h in hits]


def test_dense_sparse_and_hybrid(store) -> None:  # type: ignore[no-untyped-def]
    q = np.asarray([1, 0, 0, 0], dtype=np.float32)
    assert ids(store.query(StoreQuery(q, None, limit=3, mode="dense"))) == ["a", "b", "c"]
    assert ids(store.query(StoreQuery(None, KW.query("Leitbild"), limit=3, mode="sparse"))) == ["c"]
    hybrid = store.query(StoreQuery(q, KW.query("Leitbild Vision"), limit=3))
    assert set(ids(hybrid)[:2]) == {"a", "c"}  # the best of each leg comes first under RRF
    assert hybrid[0].dense_score is not None


def test_filters(store) -> None:  # type: ignore[no-untyped-def]
    q = np.asarray([1, 0, 0, 0], dtype=np.float32)
    f = SearchFilters(states=("Brandenburg",), year_min=2022)
    assert ids(store.query(StoreQuery(q, KW.query("Verwaltung"), limit=3, filters=f))) == ["a"]
    f2 = SearchFilters(year_max=2020)
    assert ids(store.query(StoreQuery(q, None, limit=3, mode="dense", filters=f2))) == ["b"]


def test_dense_scores_are_the_cosine_of_each_hit(store) -> None:  # type: ignore[no-untyped-def]
    q = np.asarray([1, 0, 0, 0], dtype=np.float32)
    hits = store.query(StoreQuery(q, KW.query("Leitbild Vision"), limit=3))
    by_id = {h.passage.chunk_id: h.dense_score for h in hits}
    assert by_id["a"] == pytest.approx(1.0, abs=1e-3)
    assert by_id["b"] == pytest.approx(0.9 / np.hypot(0.9, 0.1), abs=1e-3)
    assert by_id["c"] == pytest.approx(0.0, abs=1e-3)  # found by BM25 alone, still scored
    sparse_only = store.query(StoreQuery(None, KW.query("Leitbild"), limit=3, mode="sparse"))
    assert sparse_only[0].dense_score is None


def test_a_boost_lifts_what_it_names_without_hiding_the_rest(store) -> None:  # type: ignore[no-untyped-def]
    q = np.asarray([1, 0, 0, 0], dtype=np.float32)
    plain = ids(store.query(StoreQuery(q, None, limit=3, mode="dense")))
    assert plain == ["a", "b", "c"]
    boosted = store.query(
        StoreQuery(q, None, limit=3, mode="dense", boosts=(SearchFilters(year_max=2021),))
    )
    assert ids(boosted)[0] == "b"  # first in the boost leg and second overall
    assert set(ids(boosted)) == {"a", "b", "c"}  # soft: nothing is filtered out
    # Boosts narrow the request's own filter, never widen it.
    f = SearchFilters(states=("Brandenburg",))
    both = store.query(
        StoreQuery(
            q, None, limit=3, mode="dense", filters=f, boosts=(SearchFilters(year_max=2021),)
        )
    )
    assert ids(both) == ["c", "a"]


def test_facet_values_lists_indexed_keywords(store) -> None:  # type: ignore[no-untyped-def]
    assert sorted(store.facet_values("municipality")) == ["Ma", "Mb", "Mc"]
    assert sorted(store.facet_values("state")) == ["Bayern", "Brandenburg"]


def test_chunk_ids_delete_and_points(store) -> None:  # type: ignore[no-untyped-def]
    assert store.chunk_ids() == {"a": "doc-a", "b": "doc-b", "c": "doc-c"}
    assert store.chunk_ids("doc-b") == {"b": "doc-b"}
    store.delete_chunks(["b"])
    assert store.count() == 2
    pts = {p.passage.chunk_id: p for p in store.points()}
    assert set(pts) == {"a", "c"} and len(pts["a"].dense) == 4 and pts["c"].sparse[0]


def test_manifest_is_checked_on_reopen(tmp_path: Path) -> None:
    s = EdgeStore(tmp_path / "idx")
    s.ensure(M)
    s.close()
    again = EdgeStore(tmp_path / "idx")
    assert again.manifest == M
    with pytest.raises(IndexMismatchError):
        again.ensure(Manifest("other-model", 4, "toy-chunks"))
    again.close()


def test_locked_index_gives_a_clear_error(tmp_path: Path) -> None:
    from rag.core.errors import KompassError

    s = EdgeStore(tmp_path / "idx")
    s.ensure(M)
    with pytest.raises(KompassError, match="anderen Prozess"):
        EdgeStore(tmp_path / "idx")
    s.close()


def test_retriever_breaks_score_ties_by_chunk_id() -> None:
    from rag.core.records import Hit
    from rag.retrieval import stable_order

    doc = DocMeta("d", "T")
    hits = [
        Hit(1, 0.5, Passage("b", doc, "x", "")),
        Hit(2, 0.5, Passage("a", doc, "y", "")),
        Hit(3, 0.7, Passage("c", doc, "z", "")),
    ]
    assert [(h.rank, h.passage.chunk_id) for h in stable_order(hits)] == [
        (1, "c"),
        (2, "a"),
        (3, "b"),
    ]


def test_server_collections_get_the_configured_shards_and_replication(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qdrant_client import QdrantClient

    from rag.core.settings import Settings
    from rag.index.factory import open_store

    class Recording(QdrantClient):
        created: ClassVar[dict] = {}

        def create_collection(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            Recording.created = kwargs
            return super().create_collection(*args, **kwargs)

    store = ClientStore(Recording(location=":memory:"), "c", shards=6, replication=2)
    store.ensure(M)
    assert (Recording.created["shard_number"], Recording.created["replication_factor"]) == (6, 2)
    # open_store hands KOMPASS_QDRANT_SHARDS / _REPLICATION to the server store
    seen: dict = {}
    monkeypatch.setattr(ClientStore, "connect", classmethod(lambda cls, **kw: seen.update(kw)))
    open_store(Settings(qdrant_url="http://qdrant:6333", qdrant_shards=4, qdrant_replication=2))
    assert (seen["url"], seen["shards"], seen["replication"]) == ("http://qdrant:6333", 4, 2)


JOINT = [
    StoredPoint(
        Passage(
            "j",
            DocMeta(
                "registry-rhein-neckar",
                "Smart-Region-Strategie",
                municipality="Dortmund und Schwerte",
                kind="Region",
                state="Baden-Württemberg/Rheinland-Pfalz/Hessen",
                programme=("Modellprojekte Smart Cities", "Smarte.Land.Regionen"),
                staffel=3,
                size_class="interkommunale Kooperation",
                members=("Dortmund", "Schwerte"),
            ),
            "Gemeinsame Strategie",
            "",
        ),
        np.asarray([0, 0, 1, 0], dtype=np.float32),
        KW.document("Gemeinsame Strategie"),
    )
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(states=("Hessen",)), ["j"]),  # any Land of a joint strategy
        (SearchFilters(states=("Brandenburg",)), ["a", "c"]),
        (SearchFilters(municipalities=("Schwerte",)), ["j"]),  # a member finds it
        (SearchFilters(municipalities=("Dortmund und Schwerte",)), ["j"]),
        (SearchFilters(programmes=("Smarte.Land.Regionen",)), ["j"]),
        (SearchFilters(staffel=3), ["j"]),
        (SearchFilters(staffel=2), []),
        (SearchFilters(size_classes=("interkommunale Kooperation",)), ["j"]),
        (SearchFilters(states=("Hessen",), municipalities=("Dortmund",), kinds=("Region",)), ["j"]),
        (SearchFilters(states=("Bayern",), municipalities=("Schwerte",)), []),
    ],
)
def test_registry_facets_filter_on_both_backends(store, filters, expected) -> None:  # type: ignore[no-untyped-def]
    store.upsert(JOINT)
    store.flush()
    q = np.asarray([1, 1, 1, 1], dtype=np.float32) / 2
    hits = store.query(StoreQuery(q, None, limit=5, mode="dense", filters=filters))
    assert sorted(ids(hits)) == expected
    assert sorted(p["chunk_id"] for p in store.payloads(filters)) == expected  # scroll too


def test_registry_facts_round_trip_through_the_payload(store) -> None:  # type: ignore[no-untyped-def]
    store.upsert(JOINT)
    store.flush()
    (payload,) = list(store.payloads(SearchFilters(doc_ids=("registry-rhein-neckar",))))
    assert payload["states"] == ["Baden-Württemberg", "Rheinland-Pfalz", "Hessen"]
    assert payload["places"] == ["Dortmund und Schwerte", "Dortmund", "Schwerte"]
    assert payload["size_classes"] == ["interkommunale Kooperation"]
    assert sorted(store.facet_values("programme")) == [
        "Modellprojekte Smart Cities",
        "Smarte.Land.Regionen",
    ]
    (hit,) = store.query(
        StoreQuery(np.asarray([0, 0, 1, 0], np.float32), None, limit=1, mode="dense")
    )
    assert hit.passage.doc == JOINT[0].passage.doc
