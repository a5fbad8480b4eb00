"""Index export/import: embedded engine -> file -> qdrant-client (local mode) -> file -> embedded,
without re-embedding: same points, payloads, vectors and search results on every side."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from rag.core.errors import IndexMismatchError, KompassError
from rag.core.records import DocMeta, Passage, SearchFilters
from rag.embedding import HashingEmbedder
from rag.embedding.sparse import KeywordEncoder
from rag.index.edge import EdgeStore
from rag.index.schema import Manifest, content_id, passage_payload
from rag.index.server import ClientStore
from rag.index.store import IndexStore, StoredPoint, StoreQuery
from rag.index.transfer import export_index, import_index, read_header

pytestmark = [
    pytest.mark.unit,
    pytest.mark.filterwarnings("ignore:Payload indexes have no effect in the local Qdrant"),
    pytest.mark.filterwarnings("ignore:Local mode performs exact"),
]

TOPICS = (
    "Glasfaserausbau in allen Ortsteilen bis 2030",
    "Digitale Bürgerdienste rund um die Uhr im Serviceportal",
    "Schulen erhalten WLAN, Tablets und Fortbildungen für Lehrkräfte",
    "Open Data Portal mit Verkehrs- und Umweltdaten",
    "Smart City Sensorik für Parkraum und Straßenbeleuchtung",
    "Beteiligung der Bürgerinnen und Bürger in Workshops und Umfragen",
    "Digitallotsen unterstützen Seniorinnen und Senioren",
    "Die Vision: eine vernetzte, lebenswerte Kommune im ländlichen Raum",
)
TOWNS = (
    ("Guben", "Brandenburg", 2021),
    ("Ulm", "Baden-Württemberg", 2019),
    ("Jena", "Thüringen", 2023),
)
FILLER = tuple(
    [
        "zunächst",
        "gemeinsam",
        "schrittweise",
        "verbindlich",
        "nachhaltig",
        "offen",
        "transparent",
        "regional",
    ]
)
QUERIES = (
    "Glasfaser Ortsteile",
    "Vision vernetzte Kommune",
    "WLAN in Schulen",
    "Open Data Verkehr",
)
EMB = HashingEmbedder(dim=64)
KW = KeywordEncoder()
MANIFEST = Manifest(embed_model=EMB.name, dim=EMB.dim, chunking="test")


def _passages() -> list[Passage]:
    out = []
    for t, (town, state, year) in enumerate(TOWNS):
        doc = DocMeta(
            doc_id=f"{town.lower()}-strategie", title=f"Digitalstrategie {town}", municipality=town,
            kind="Stadt", state=state, year=year, population=30_000, url=f"https://{town.lower()}.de/s.pdf",
        )  # fmt: skip
        for i, topic in enumerate(TOPICS):
            # distinct filler per passage: no score ties, so both engines must agree on order
            extra = " ".join(FILLER[(i + t) % 8 : (i + t) % 8 + 1 + t])
            text = f"{topic}. So plant {town} {extra} die nächsten Schritte (Abschnitt {i + 1})."
            out.append(
                Passage(
                    content_id(doc.doc_id, text),
                    doc,
                    text,
                    f"{town} | {doc.title}",
                    f"Teil {i}",
                    i + 1,
                    i,
                )
            )
    return out


def _points(passages: list[Passage]) -> list[StoredPoint]:
    dense = EMB.embed_batch([p.embed_text for p in passages], kind="passage")
    # A whisper of fixed noise: the hashing embedder gives exact ties (cosine 0 for no shared
    # token), and engines order ties differently, which would make RRF ranks differ.
    dense += np.random.default_rng(0).standard_normal(dense.shape).astype(np.float32) * 1e-3
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    return [StoredPoint(p, dense[i], KW.document(p.embed_text)) for i, p in enumerate(passages)]


def _query(text: str, flt: SearchFilters | None = None, mode: str = "hybrid") -> StoreQuery:
    return StoreQuery(
        dense=EMB.embed_batch([text], kind="query")[0], sparse=KW.query(text), limit=30,
        filters=flt or SearchFilters(), mode=mode, exact=True,  # type: ignore[arg-type]
    )  # fmt: skip


def _snapshot(store: IndexStore) -> dict[str, tuple[dict, np.ndarray, tuple]]:
    return {
        sp.passage.chunk_id: (
            passage_payload(sp.passage),
            sp.dense,
            (list(sp.sparse[0]), list(sp.sparse[1])),
        )
        for sp in store.points(with_vectors=True)
    }


def _ranked(store: IndexStore, q: StoreQuery) -> list[tuple[float, str]]:
    """Every match, ties broken by id (engines order equal scores differently; RRF ties)."""
    return sorted((-round(h.score, 4), h.passage.chunk_id) for h in store.query(q))


def _same_index(a: IndexStore, b: IndexStore) -> None:
    assert a.count() == b.count() == len(TOWNS) * len(TOPICS)
    sa, sb = _snapshot(a), _snapshot(b)
    assert sa.keys() == sb.keys()
    for cid, (payload, dense, sparse) in sa.items():
        assert sb[cid][0] == payload
        np.testing.assert_allclose(sb[cid][1], dense, rtol=0, atol=1e-6)
        got, want = dict(zip(*sb[cid][2], strict=True)), dict(zip(*sparse, strict=True))
        assert got.keys() == want.keys()
        assert [got[k] for k in want] == pytest.approx(list(want.values()))
    for text in QUERIES:
        for flt in (None, SearchFilters(states=("Brandenburg",)), SearchFilters(year_min=2020)):
            for mode in ("dense", "sparse", "hybrid"):
                ids_a = _ranked(a, _query(text, flt, mode))
                ids_b = _ranked(b, _query(text, flt, mode))
                assert ids_a and ids_a == ids_b, (text, flt, mode)


@pytest.fixture
def edge(tmp_path: Path):
    store = EdgeStore(tmp_path / "edge-index")
    store.ensure(MANIFEST)
    store.upsert(_points(_passages()))
    store.flush()
    yield store
    store.close()


def test_round_trip_edge_to_client_and_back(edge: EdgeStore, tmp_path: Path) -> None:
    out = tmp_path / "export" / "index.jsonl.gz"
    assert export_index(edge, out) == 24
    header = read_header(out)
    assert header["manifest"]["embed_model"] == EMB.name and header["points"] == 24

    client = ClientStore.local(str(tmp_path / "client"))
    try:
        assert import_index(out, client) == 24
        assert client.manifest == MANIFEST
        _same_index(edge, client)

        back = tmp_path / "back.jsonl.gz"
        assert export_index(client, back) == 24
        edge2 = EdgeStore(tmp_path / "edge2")
        try:
            assert import_index(back, edge2) == 24
            assert edge2.manifest == MANIFEST
            _same_index(edge, edge2)
        finally:
            edge2.close()
        assert EdgeStore(tmp_path / "edge2").manifest == MANIFEST  # manifest persisted
    finally:
        client.close()


def test_import_is_idempotent(edge: EdgeStore, tmp_path: Path) -> None:
    out = tmp_path / "i.jsonl.gz"
    export_index(edge, out)
    client = ClientStore.local(":memory:")
    assert import_index(out, client) == 24
    assert import_index(out, client) == 24
    assert client.count() == 24  # same point ids: upserts replace


def test_import_refuses_another_model(edge: EdgeStore, tmp_path: Path) -> None:
    out = tmp_path / "i.jsonl.gz"
    export_index(edge, out)
    other = ClientStore.local(":memory:")
    other.ensure(Manifest(embed_model="multilingual-e5-small", dim=384, chunking="test"))
    with pytest.raises(IndexMismatchError):
        import_index(out, other)


def test_truncated_or_foreign_files_are_clear_errors(edge: EdgeStore, tmp_path: Path) -> None:
    out = tmp_path / "i.jsonl.gz"
    export_index(edge, out)
    lines = gzip.decompress(out.read_bytes()).decode().splitlines()
    short = tmp_path / "short.jsonl.gz"
    short.write_bytes(gzip.compress(("\n".join(lines[:10]) + "\n").encode()))
    with pytest.raises(KompassError, match="Kopfzeile"):
        import_index(short, ClientStore.local(":memory:"))
    foreign = tmp_path / "foreign.jsonl.gz"
    foreign.write_bytes(gzip.compress(json.dumps({"hello": 1}).encode()))
    with pytest.raises(KompassError, match="keine Index-Exportdatei"):
        import_index(foreign, ClientStore.local(":memory:"))
    with pytest.raises(KompassError):
        read_header(tmp_path / "i.jsonl.gz.missing")


def test_export_of_an_empty_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KompassError):
        export_index(EdgeStore(tmp_path / "nothing"), tmp_path / "x.jsonl.gz")
    assert not (tmp_path / "x.jsonl.gz").exists()
