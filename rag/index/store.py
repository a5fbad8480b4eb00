"""The index seam: what a store must do (protocols, StoreQuery, shared hit building).

Backends: `edge.EdgeStore` (embedded Qdrant engine, the default) and
`server.ClientStore` (qdrant-client: a Qdrant server/cluster via KOMPASS_QDRANT_URL,
or qdrant-client's local mode in tests). Both speak the schema of `rag.index.schema`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from rag.core.records import DocumentRow, Hit, Passage, SearchFilters
from rag.embedding.sparse import SparseVec
from rag.index.schema import (
    DENSE,
    FILTER_KEYS,
    ID_KEYS,
    RANGE_KEYS,
    SPARSE,
    Manifest,
    chunk_and_doc,
    passage_from_payload,
)

EXACT_BELOW = 20_000  # points; below this exact dense search is both faster and perfect
REGISTRY_TYPE = "registry"  # source_type of the registry's short records


RegistryLeg = Literal["shared", "own", "off"]


@dataclass(frozen=True)
class Leg:
    """One ranked list of a fused query: dense or keyword, and its filter."""

    dense: bool
    filters: SearchFilters


@dataclass(frozen=True)
class StoreQuery:
    """One retrieval request in vector form."""

    dense: np.ndarray | None
    sparse: SparseVec | None
    limit: int = 10
    filters: SearchFilters = field(default_factory=SearchFilters)
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"
    rrf_k: int = 60
    prefetch: int = 50
    exact: bool | None = None
    # Extra filtered legs fused with the unfiltered ones (rag.facets): each narrows
    # `filters` further and ranks within that subset, so what the question names comes up.
    boosts: tuple[SearchFilters, ...] = ()
    # The unfiltered dense list counts this many times in the fusion (plain RRF sums it
    # that often; the engines' own RRF weights scale ranks, not scores, and barely move
    # a top-ranked hit at small k).
    dense_weight: int = 1
    # Registry rows in the unfiltered keyword list: "shared" with text, their "own" list, or
    # "off" (found by the dense and facet lists only). Short records match generic words in
    # BM25 ("Digitalstrategie") and crowd passages out of a shared list.
    registry_leg: RegistryLeg = "shared"

    def legs(self) -> list[Leg]:
        """Every ranked list of this query, in a fixed order (the engine fuses them by RRF)."""
        out: list[Leg] = []
        for i, f in enumerate(self.leg_filters()):
            if self.uses_dense:
                out += [Leg(True, f)] * (self.dense_weight if i == 0 else 1)
            if not self.uses_sparse:
                continue
            if i > 0 or self.registry_leg == "shared":
                out.append(Leg(False, f))
                continue
            out.append(Leg(False, f.narrowed(SearchFilters(registry=False))))
            if self.registry_leg == "own":
                out.append(Leg(False, f.narrowed(SearchFilters(registry=True))))
        return out

    def leg_filters(self) -> list[SearchFilters]:
        """The filter of every retrieval leg: the request's own, then one per boost."""
        return [self.filters] + [self.filters.narrowed(b) for b in self.boosts]

    @property
    def uses_dense(self) -> bool:
        return self.dense is not None and self.mode in ("hybrid", "dense")

    @property
    def uses_sparse(self) -> bool:
        return (
            self.sparse is not None and bool(self.sparse[0]) and self.mode in ("hybrid", "sparse")
        )

    def dense_list(self) -> list[float]:
        """The query vector as the engines take it (converted once per query)."""
        return np.asarray(self.dense, dtype=np.float32).tolist()


def to_hits(q: StoreQuery, rows: Sequence[tuple[float, dict[str, Any] | None, Any]]) -> list[Hit]:
    """Engine results (fused score, payload, stored dense vector) -> ranked Hits.

    The dense score is the cosine of the query with the hit's stored vector, so it exists
    for every hit of a query with a dense leg, however the hit was found.
    """
    rows = rows[: q.limit]
    scores: list[float | None] = [None] * len(rows)
    if q.uses_dense:
        assert q.dense is not None
        scores = cosine(q.dense, [vector for _, _, vector in rows])
    return [
        Hit(rank=i + 1, score=float(score), passage=passage_from_payload(payload or {}),
            dense_score=scores[i])
        for i, (score, payload, _) in enumerate(rows)
    ]  # fmt: skip


def cosine(query: np.ndarray, vectors: Sequence[Any]) -> list[float | None]:
    """Cosine of `query` with each stored vector (None where a vector is missing)."""
    q = np.asarray(query, dtype=np.float32)
    q = q / (float(np.linalg.norm(q)) or 1.0)
    out: list[float | None] = []
    for v in vectors:
        if v is None or len(v) == 0:
            out.append(None)
            continue
        a = np.asarray(v, dtype=np.float32)
        out.append(float(a @ q / (float(np.linalg.norm(a)) or 1.0)))
    return out


@dataclass(frozen=True)
class StoredPoint:
    """A passage with its vectors, as written to or read from the index."""

    passage: Passage
    dense: np.ndarray
    sparse: SparseVec


class Store(Protocol):
    """Read side: what retrieval needs."""

    def query(self, q: StoreQuery) -> list[Hit]: ...
    def count(self) -> int: ...
    def facet_values(self, key: str, limit: int = 100_000) -> list[str]: ...


class IndexStore(Store, Protocol):
    """Full store used by ingest, the CLI and the app."""

    manifest: Manifest | None

    def ensure(self, manifest: Manifest) -> None: ...
    def upsert(self, points: Sequence[StoredPoint]) -> None: ...
    def delete_chunks(self, chunk_ids: Sequence[str]) -> None: ...
    def chunk_ids(self, doc_id: str | None = None) -> dict[str, str]: ...
    def payloads(self, filters: SearchFilters | None = None) -> Iterator[dict[str, Any]]: ...
    def passages(self, filters: SearchFilters | None = None) -> Iterator[Passage]: ...
    def documents(self, with_text: bool = False) -> list[DocumentRow]: ...
    def points(self, with_vectors: bool = True) -> Iterator[StoredPoint]: ...
    def flush(self) -> None: ...
    def optimize(self) -> bool: ...
    def close(self) -> None: ...
    def reset(self) -> None: ...


class ScrollingReads:
    """The read side both backends share, over their `_records`: (payload, vectors) of every
    point, or of the points a filter selects, page by page."""

    def _records(
        self, filters: SearchFilters | None, keys: list[str] | None, with_vectors: bool
    ) -> Iterator[tuple[dict[str, Any], Any]]:
        raise NotImplementedError

    def chunk_ids(self, doc_id: str | None = None) -> dict[str, str]:
        """chunk_id -> doc_id for one document (or all)."""
        flt = SearchFilters(doc_ids=(doc_id,)) if doc_id else None
        return dict(chunk_and_doc(p) for p, _ in self._records(flt, list(ID_KEYS), False))

    def payloads(self, filters: SearchFilters | None = None) -> Iterator[dict[str, Any]]:
        return (p for p, _ in self._records(filters, None, False))

    def passages(self, filters: SearchFilters | None = None) -> Iterator[Passage]:
        return (passage_from_payload(p) for p in self.payloads(filters))

    def documents(self, with_text: bool = False) -> list[DocumentRow]:
        return document_rows(self.passages(), with_text)

    def points(self, with_vectors: bool = True) -> Iterator[StoredPoint]:
        for payload, vectors in self._records(None, None, with_vectors):
            vec: Any = vectors or {}
            sp = vec.get(SPARSE)
            sparse = (list(sp.indices), list(sp.values)) if sp is not None else ([], [])
            dense = np.asarray(vec.get(DENSE) or [], dtype=np.float32)
            yield StoredPoint(passage_from_payload(payload), dense, sparse)


@dataclass(frozen=True)
class Conditions:
    """SearchFilters as backend-neutral conditions: keyword fields matching any of values,
    and integer fields within inclusive bounds."""

    any_of: tuple[tuple[str, tuple[str, ...]], ...]
    ranges: tuple[tuple[str, int | None, int | None], ...]
    none_of: tuple[tuple[str, tuple[str, ...]], ...] = ()


def filter_conditions(f: SearchFilters | None) -> Conditions | None:
    """None when nothing filters; each backend maps the rest onto its own filter types."""
    if f is None or f.empty:
        return None
    keyword = [(key, getattr(f, name)) for name, key in FILTER_KEYS.items()]
    numeric = [(key, getattr(f, lo), getattr(f, hi)) for key, lo, hi in RANGE_KEYS]
    registry = (("source_type", (REGISTRY_TYPE,)),)
    return Conditions(
        any_of=tuple((k, tuple(v)) for k, v in keyword if v) + (registry if f.registry else ()),
        ranges=tuple((k, lo, hi) for k, lo, hi in numeric if lo is not None or hi is not None),
        none_of=registry if f.registry is False else (),
    )


def use_exact(q: StoreQuery, n_points: int) -> bool:
    return q.exact if q.exact is not None else n_points < EXACT_BELOW


def document_rows(passages: Iterable[Passage], with_text: bool = False) -> list[DocumentRow]:
    """One row per document of the passages (full texts first, registry records last), with
    its passage count and, if asked, its text joined in reading order."""
    first: dict[str, Passage] = {}
    counts: Counter[str] = Counter()
    texts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for p in passages:
        first.setdefault(p.doc.doc_id, p)
        counts[p.doc.doc_id] += 1
        if with_text:
            texts[p.doc.doc_id].append((p.ord, p.text))
    rows = []
    for doc_id, p in first.items():
        d = p.doc
        text = "\n\n".join(t for _, t in sorted(texts[doc_id])) if with_text else None
        rows.append(
            DocumentRow(
                doc_id=doc_id,
                title=d.title,
                municipality=d.municipality or p.shown_municipality,
                kind=d.kind,
                state=d.state,
                year=d.year,
                population=d.population,
                url=d.url,
                licence=d.licence,
                source_type=d.source_type,
                chunks=counts[doc_id],
                text=text,
                programmes=d.programme,
                staffel=d.staffel,
                size_class=d.size_class,
                members=d.members,
            )
        )
    return sorted(rows, key=lambda r: (r.source_type == "registry", r.doc_id))
