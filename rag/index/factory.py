"""Opens the configured store. Kept apart from `rag.index.store` (the protocols the backends
import), so the backends and the factory do not import each other."""

from __future__ import annotations

from typing import Any

from rag.index.store import IndexStore


def open_store(settings: Any, read_only: bool = False) -> IndexStore:
    """Open the configured store: a Qdrant server if KOMPASS_QDRANT_URL is set, else embedded."""
    if settings.qdrant_url:
        from rag.index.server import ClientStore

        return ClientStore.connect(
            url=settings.qdrant_url,
            api_key=settings.qdrant_api_key,
            collection=settings.collection,
            shards=settings.qdrant_shards,
            replication=settings.qdrant_replication,
        )
    from rag.index.edge import EdgeStore

    return EdgeStore(settings.index_dir)
