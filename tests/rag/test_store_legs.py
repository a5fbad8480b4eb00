"""Retrieval legs: registry rows in their own keyword list, and RRF weights, on both stores."""

from pathlib import Path

import numpy as np
import pytest

from rag.core.records import DocMeta, Passage, SearchFilters
from rag.embedding.sparse import KeywordEncoder
from rag.index.edge import EdgeStore
from rag.index.schema import Manifest
from rag.index.server import ClientStore
from rag.index.store import Leg, StoredPoint, StoreQuery

pytestmark = pytest.mark.unit
KW = KeywordEncoder()
M = Manifest("toy", 3, "toy-chunks")
LONG = (
    "Die Digitalstrategie der Stadt beschreibt, wie Verwaltung, Schulen und Unternehmen "
    "gemeinsam digitale Angebote entwickeln, welche Projekte Vorrang haben, wer sie steuert "
    "und wie Bürgerinnen und Bürger beteiligt werden, bevor der Rat entscheidet."
)


def point(cid: str, vec: list[float], text: str, source_type: str) -> StoredPoint:
    doc = DocMeta(f"doc-{cid}", "T", municipality=f"M{cid}", source_type=source_type)
    v = np.asarray(vec, dtype=np.float32)
    return StoredPoint(Passage(cid, doc, text, ""), v / np.linalg.norm(v), KW.document(text))


POINTS = [
    point("reg", [0, 0, 1], "Digitalstrategie Musterstadt", "registry"),
    point("text", [-1, 0.1, 0], LONG, "pdf"),
    point("other", [1, 0, 0], "Mobilität und Verkehr in der Region", "html"),
]


@pytest.fixture(params=["edge", "client"])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    s = EdgeStore(tmp_path / "i") if request.param == "edge" else ClientStore.local(str(tmp_path))
    s.ensure(M)
    s.upsert(POINTS)
    s.flush()
    yield s
    s.close()


def ids(store, q: StoreQuery) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.passage.chunk_id for h in store.query(q)]


def test_a_short_registry_row_wins_a_shared_keyword_list(store) -> None:  # type: ignore[no-untyped-def]
    q = StoreQuery(None, KW.query("Digitalstrategie"), limit=3, mode="sparse")
    assert ids(store, q) == ["reg", "text"]  # BM25 favours the 2-word record


def test_registry_rows_in_their_own_list_rank_by_its_weight(store) -> None:  # type: ignore[no-untyped-def]
    sparse = KW.query("Digitalstrategie")
    own = StoreQuery(None, sparse, limit=3, mode="sparse", registry_leg="own")
    assert set(ids(store, own)) == {"text", "reg"}  # both first in their own list: a tie
    off = StoreQuery(None, sparse, limit=3, mode="sparse", registry_leg="off")
    assert ids(store, off) == ["text"]


def test_dense_weight_decides_between_the_lists(store) -> None:  # type: ignore[no-untyped-def]
    # dense list: other, reg, text; keyword list (text only): text. The engines' RRF gives
    # rank r (from 0) 1/(k + r): with k=5 "text" scores w/7 + 1/5 and "other" w/5, so
    # "text" leads unless the dense list counts four times (w > 3.5).
    dense = np.asarray([1, 0, 0], dtype=np.float32)
    sparse = KW.query("Digitalstrategie Stadt")

    def first(w: int) -> str:
        q = StoreQuery(dense, sparse, limit=3, rrf_k=5, registry_leg="off", dense_weight=w)
        return ids(store, q)[0]

    assert [first(1), first(3), first(4)] == ["text", "text", "other"]


def test_legs_and_weights_are_plain_values() -> None:
    bayern = SearchFilters(states=("Bayern",))
    q = StoreQuery(np.zeros(3), ([1], [1.0]), boosts=(bayern,), dense_weight=2)
    assert q.legs() == [
        Leg(True, SearchFilters()),
        Leg(True, SearchFilters()),
        Leg(False, SearchFilters()),
        Leg(True, bayern),  # boosts count once
        Leg(False, bayern),
    ]
    own = StoreQuery(None, ([1], [1.0]), mode="sparse", registry_leg="own", boosts=(bayern,))
    assert own.legs() == [
        Leg(False, SearchFilters(registry=False)),
        Leg(False, SearchFilters(registry=True)),
        Leg(False, bayern),  # a boost list keeps registry rows (they carry the facets)
    ]


def test_an_index_built_without_compound_splitting_is_refused() -> None:
    from rag.core.errors import IndexMismatchError
    from rag.embedding import HashingEmbedder
    from rag.retrieval import check_manifest

    plain = Manifest("hashing-256", 256, "c2000", sparse=KeywordEncoder().name)
    split = KeywordEncoder(compounds=True)
    with pytest.raises(IndexMismatchError, match="Stichwortsuche"):
        plain.check_compatible(Manifest("hashing-256", 256, "c2000", sparse=split.name))
    with pytest.raises(IndexMismatchError, match="COMPOUNDS"):
        check_manifest(plain, HashingEmbedder(), split)
    check_manifest(plain, HashingEmbedder(), KeywordEncoder())  # same encoder: fine
