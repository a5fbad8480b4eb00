"""Per-document ingest state in KOMPASS_DATA_DIR/ingest-state.json, written atomically after
every document, so an interrupted run resumes where it stopped and never embeds twice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.core.fileio import atomic_write_text


@dataclass(frozen=True)
class DocState:
    """What was indexed for one document."""

    doc_id: str
    source_id: str
    origin: str  # "corpus" | "registry" | "added" | "crawl" | "path"
    content_hash: str
    chunks: int
    location: str
    completed_at: str
    meta: dict[str, Any]
    urls: tuple[str, ...] = ()
    gone: bool = False
    text_hash: str = ""  # sha256 of the normalised parsed text: finds duplicates across URLs
    parser: str = ""  # parser version that read it (ingest.parsing.parser_version)


class IngestState:
    """Example:
    >>> state = IngestState(Path("/tmp/k/ingest-state.json"))   # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.docs: dict[str, DocState] = {}
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            for doc_id, d in raw.get("documents", {}).items():
                d["urls"] = tuple(d.get("urls", ()))
                self.docs[doc_id] = DocState(**d)

    def save(self) -> None:
        data = {"version": 1, "documents": {k: asdict(v) for k, v in sorted(self.docs.items())}}
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1))

    def put(self, state: DocState) -> None:
        self.docs[state.doc_id] = state
        self.save()

    def drop(self, doc_id: str) -> None:
        if self.docs.pop(doc_id, None) is not None:
            self.save()

    def clear(self) -> None:
        self.docs.clear()
        self.save()
