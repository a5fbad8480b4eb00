"""The index schema, shared by the writer (ingest) and the reader (rag).

One collection; a dense vector "dense" (cosine) and a sparse vector "bm25" (German BM25 with
the IDF modifier); payload fields below, with indexes on the filter fields. The manifest
records the embedding model and chunking so a mismatched query is refused.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from rag.core.errors import IndexMismatchError
from rag.core.municipal import size_classes
from rag.core.records import DocMeta, Passage

SCHEMA_VERSION = 2  # 2: programme, staffel, size classes, members, several Länder
DENSE = "dense"
SPARSE = "bm25"
# Keyword-indexed filter fields and integer-indexed range fields.
KEYWORD_FIELDS = (
    "doc_id",
    "state",
    "kind",
    "municipality",
    "registry_id",
    "source_type",
    "states",
    "places",
    "programme",
    "size_classes",
)
INTEGER_FIELDS = ("year", "population", "staffel")
# Keyword fields whose distinct values the reader asks for (rag.retrieval): every name a
# passage answers to (its municipality and a joint strategy's members), and the programmes.
PLACES_KEY = "places"
PROGRAMME_KEY = "programme"
# SearchFilters field -> the payload key it filters (array keys match any element).
FILTER_KEYS = {
    "states": "states",
    "kinds": "kind",
    "municipalities": PLACES_KEY,
    "doc_ids": "doc_id",
    "programmes": PROGRAMME_KEY,
    "size_classes": "size_classes",
}
# The integer payload key each pair of SearchFilters bounds limits (inclusive; a Staffel is
# one value, so both bounds are `staffel`).
RANGE_KEYS = (
    ("year", "year_min", "year_max"),
    ("population", "population_min", "population_max"),
    ("staffel", "staffel", "staffel"),
)
ID_KEYS = ("chunk_id", "doc_id")  # what a scroll for the ids of the stored chunks reads
_ID_NAMESPACE = uuid.UUID("6f1c1c4e-2f0e-4d1f-9a4e-5b0d7c1e9a11")


@dataclass(frozen=True)
class Manifest:
    """What an index was built with. Two manifests must agree to share an index."""

    embed_model: str
    dim: int
    chunking: str
    sparse: str = "bm25-german-idf"
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        return cls(**json.loads(text))

    def check_compatible(self, stored: Manifest) -> None:
        if stored.embed_model != self.embed_model or stored.dim != self.dim:
            raise IndexMismatchError(
                f"Der Index wurde mit dem Embedding-Modell '{stored.embed_model}' ({stored.dim} "
                f"Dimensionen) gebaut, konfiguriert ist '{self.embed_model}' ({self.dim})."
            )
        if stored.sparse != self.sparse:
            raise IndexMismatchError(
                f"Der Index wurde mit der Stichwortsuche '{stored.sparse}' gebaut, "
                f"konfiguriert ist '{self.sparse}'."
            )
        if stored.chunking != self.chunking or stored.schema_version != self.schema_version:
            raise IndexMismatchError(
                f"Der Index wurde mit anderen Abschnittsparametern gebaut ({stored.chunking}, "
                f"Schema {stored.schema_version}); konfiguriert: {self.chunking}, "
                f"Schema {self.schema_version}."
            )


def normalise_text(text: str) -> str:
    return " ".join(text.split())


def content_id(*parts: str) -> str:
    """sha256 over the parts (normalised), hex; the stable id of a chunk or document."""
    h = hashlib.sha256()
    for part in parts:
        h.update(normalise_text(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def point_id(chunk_id: str) -> str:
    """Qdrant point id: uuid5 of the content id (never Python's hash())."""
    return str(uuid.uuid5(_ID_NAMESPACE, chunk_id))


def passage_payload(p: Passage) -> dict[str, Any]:
    d = p.doc
    return {
        "chunk_id": p.chunk_id,
        "doc_id": d.doc_id,
        "title": d.title,
        "municipality": p.shown_municipality,
        "doc_municipality": d.municipality,
        "kind": d.kind,
        "state": d.state,
        "year": d.year,
        "population": d.population,
        "url": d.url,
        "licence": d.licence,
        "source_type": d.source_type,
        "registry_id": d.registry_id,
        "publisher": d.publisher,
        "programme": list(d.programme),
        "staffel": d.staffel,
        "size_class": d.size_class,
        "members": list(d.members),
        # Filter-only arrays: every Land, every name the passage answers to, both size classes.
        "states": list(d.states),
        "places": list(
            dict.fromkeys(x for x in (p.shown_municipality, d.municipality, *d.members) if x)
        ),
        "size_classes": list(size_classes(d.size_class, d.kind, d.population)),
        "text": p.text,
        "header": p.header,
        "section": p.section,
        "page": p.page,
        "ord": p.ord,
    }


def chunk_and_doc(payload: dict[str, Any]) -> tuple[str, str]:
    """(chunk_id, doc_id) of a payload."""
    return payload["chunk_id"], payload["doc_id"]


def passage_from_payload(payload: dict[str, Any]) -> Passage:
    doc = DocMeta(
        doc_id=payload["doc_id"],
        title=payload.get("title") or "",
        municipality=payload.get("doc_municipality"),
        kind=payload.get("kind"),
        state=payload.get("state"),
        year=payload.get("year"),
        population=payload.get("population"),
        url=payload.get("url"),
        licence=payload.get("licence"),
        source_type=payload.get("source_type"),
        registry_id=payload.get("registry_id"),
        publisher=payload.get("publisher"),
        programme=tuple(payload.get("programme") or ()),
        staffel=payload.get("staffel"),
        size_class=payload.get("size_class"),
        members=tuple(payload.get("members") or ()),
    )
    mun = payload.get("municipality")
    return Passage(
        chunk_id=payload["chunk_id"],
        doc=doc,
        text=payload.get("text") or "",
        header=payload.get("header") or "",
        section=payload.get("section"),
        page=payload.get("page"),
        ord=int(payload.get("ord") or 0),
        municipality=mun if mun != doc.municipality else None,
    )
