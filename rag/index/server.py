"""qdrant-client backend: a Qdrant server or cluster (KOMPASS_QDRANT_URL), same schema.

Tests exercise this path with qdrant-client's local mode (`ClientStore.local(path)`), which
runs the same client API in-process. The manifest lives in the collection's metadata.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from qdrant_client import QdrantClient
from qdrant_client import models as qm

from rag.core.errors import IndexMissingError, KompassError
from rag.core.records import Hit, SearchFilters
from rag.index.schema import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
    Manifest,
    passage_payload,
    point_id,
)
from rag.index.store import (
    ScrollingReads,
    StoredPoint,
    StoreQuery,
    filter_conditions,
    to_hits,
    use_exact,
)

_PAGE = 1000
COUNT_TTL_S = 30.0


def build_filter(f: SearchFilters | None) -> qm.Filter | None:
    """SearchFilters -> qdrant_client Filter (None when nothing filters)."""
    cond = filter_conditions(f)
    if cond is None:
        return None
    must: list[Any] = [
        qm.FieldCondition(key=k, match=qm.MatchAny(any=list(v))) for k, v in cond.any_of
    ]
    must += [qm.FieldCondition(key=k, range=qm.Range(gte=lo, lte=hi)) for k, lo, hi in cond.ranges]
    must_not: list[Any] = [
        qm.FieldCondition(key=k, match=qm.MatchAny(any=list(v))) for k, v in cond.none_of
    ]
    return qm.Filter(must=must, must_not=must_not or None)


class ClientStore(ScrollingReads):
    """Example:
    >>> store = ClientStore.local(":memory:")           # doctest: +SKIP
    >>> store = ClientStore.connect("http://qdrant:6333", api_key=None)  # doctest: +SKIP
    """

    def __init__(
        self, client: QdrantClient, collection: str, shards: int = 1, replication: int = 1
    ) -> None:
        self.client = client
        self.collection = collection
        self.shards, self.replication = shards, replication
        self.manifest: Manifest | None = None
        self._count_at: tuple[float, int] | None = None
        if self.client.collection_exists(collection):
            meta = self.client.get_collection(collection).config.metadata or {}
            if "manifest" in meta:
                self.manifest = Manifest.from_json(json.dumps(meta["manifest"]))

    @classmethod
    def connect(
        cls,
        url: str,
        api_key: str | None,
        collection: str,
        shards: int = 1,
        replication: int = 1,
    ) -> ClientStore:
        try:
            client = QdrantClient(url=url, api_key=api_key, timeout=30)
            return cls(client, collection, shards, replication)
        except Exception as exc:
            raise KompassError(f"Qdrant-Server unter {url} nicht erreichbar: {exc}") from exc

    @classmethod
    def local(cls, path: str, collection: str = "strategiekompass") -> ClientStore:
        client = (
            QdrantClient(location=":memory:") if path == ":memory:" else QdrantClient(path=path)
        )
        return cls(client, collection)

    def ensure(self, manifest: Manifest) -> None:
        if self.manifest is not None:
            manifest.check_compatible(self.manifest)
            return
        if self.client.collection_exists(self.collection):
            self.client.delete_collection(self.collection)
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE: qm.VectorParams(size=manifest.dim, distance=qm.Distance.COSINE)},
            sparse_vectors_config={SPARSE: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
            shard_number=self.shards,
            replication_factor=self.replication,
            metadata={"manifest": json.loads(manifest.to_json())},
        )
        for name in KEYWORD_FIELDS:
            self.client.create_payload_index(self.collection, name, qm.PayloadSchemaType.KEYWORD)
        for name in INTEGER_FIELDS:
            self.client.create_payload_index(self.collection, name, qm.PayloadSchemaType.INTEGER)
        self.manifest = manifest

    def _require(self) -> None:
        if self.manifest is None:
            raise IndexMissingError(f"Keine Collection '{self.collection}' auf dem Qdrant-Server")

    def upsert(self, points: Sequence[StoredPoint]) -> None:
        if not points:
            return
        self._require()
        batch = [
            qm.PointStruct(
                id=point_id(sp.passage.chunk_id),
                vector={
                    # tolist() converts in C: ~10x faster than a float() per component
                    DENSE: np.asarray(sp.dense, dtype=np.float32).tolist(),
                    SPARSE: qm.SparseVector(indices=list(sp.sparse[0]), values=list(sp.sparse[1])),
                },
                payload=passage_payload(sp.passage),
            )
            for sp in points
        ]
        self.client.upsert(self.collection, points=batch, wait=True)
        self._count_at = None

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            ids: list[Any] = [point_id(c) for c in chunk_ids]
            self.client.delete(self.collection, points_selector=qm.PointIdsList(points=ids))
            self._count_at = None

    def _records(
        self, filters: SearchFilters | None, keys: list[str] | None, with_vectors: bool
    ) -> Iterator[tuple[dict[str, Any], Any]]:
        if self.manifest is None:
            return
        offset = None
        while True:
            records, offset = self.client.scroll(
                self.collection,
                scroll_filter=build_filter(filters),
                limit=_PAGE,
                offset=offset,
                with_payload=keys or True,
                with_vectors=with_vectors,
            )
            yield from ((r.payload, r.vector) for r in records if r.payload)
            if offset is None:
                return

    def count(self) -> int:
        if self.manifest is None:
            return 0
        return int(self.client.count(self.collection, exact=True).count)

    def _size_hint(self) -> int:
        """Point count for the exact-or-HNSW choice, refreshed at most every COUNT_TTL_S:
        an exact count on every query would cost a server round trip per search."""
        now = time.monotonic()
        if self._count_at is None or now - self._count_at[0] > COUNT_TTL_S:
            self._count_at = (now, self.count())
        return self._count_at[1]

    def facet_values(self, key: str, limit: int = 100_000) -> list[str]:
        """Distinct values of an indexed keyword field."""
        self._require()
        response = self.client.facet(self.collection, key=key, limit=limit, exact=True)
        return [str(h.value) for h in response.hits]

    def query(self, q: StoreQuery) -> list[Hit]:
        """Same request shape as `EdgeStore.query`: all legs fused by RRF in one call."""
        self._require()
        exact = q.exact if q.exact is not None else use_exact(q, self._size_hint())
        params = qm.SearchParams(exact=exact)
        if not (q.uses_dense or q.uses_sparse):
            return []
        dense = q.dense_list() if q.uses_dense else None
        prefetches: list[qm.Prefetch] = []
        legs = q.legs()
        for leg in legs:
            flt = build_filter(leg.filters)
            if leg.dense:
                prefetches.append(
                    qm.Prefetch(
                        query=dense, using=DENSE, limit=q.prefetch, filter=flt, params=params
                    )
                )
            else:
                assert q.sparse is not None
                sparse = qm.SparseVector(indices=list(q.sparse[0]), values=list(q.sparse[1]))
                prefetches.append(
                    qm.Prefetch(query=sparse, using=SPARSE, limit=q.prefetch, filter=flt)
                )
        with_vector: Any = [DENSE] if dense is not None else False
        if len(prefetches) == 1:
            only = prefetches[0]
            response = self.client.query_points(
                self.collection,
                query=only.query,
                using=only.using,
                query_filter=only.filter,
                search_params=only.params,
                limit=q.limit,
                with_payload=True,
                with_vectors=with_vector,
            )
        else:
            response = self.client.query_points(
                self.collection,
                prefetch=prefetches,
                query=qm.RrfQuery(rrf=qm.Rrf(k=q.rrf_k)),
                query_filter=build_filter(q.filters),
                limit=q.limit,
                with_payload=True,
                with_vectors=with_vector,
            )
        return to_hits(
            q,
            [
                (p.score, p.payload, p.vector.get(DENSE) if isinstance(p.vector, dict) else None)
                for p in response.points
            ],
        )

    def flush(self) -> None:
        return None

    def optimize(self) -> bool:
        """A server optimizes in the background: nothing to do here."""
        return False

    def close(self) -> None:
        self.client.close()

    def reset(self) -> None:
        if self.client.collection_exists(self.collection):
            self.client.delete_collection(self.collection)
        self.manifest = None
        self._count_at = None
