"""Vision-Werkstatt: municipalities as aggregated from the index (registry facts plus their
documents' text and Handlungsfelder), and the cached one-pass view of an index."""

from __future__ import annotations

import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.core.records import Passage
from rag.core.vocabulary import field_hits
from rag.index.schema import passage_from_payload
from rag.vision.catalogue import VisionEntry, catalogue_from_passages
from rag.vision.similarity import Candidate, chosen_fields, looks_rural

if TYPE_CHECKING:
    from rag.index.store import IndexStore


@dataclass(frozen=True)
class Municipality:
    """A municipality as aggregated from the index: registry facts plus its documents' text."""

    name: str
    kind: str | None
    state: str | None
    population: int | None
    year: int | None
    url: str | None
    doc_id: str | None
    fields: tuple[str, ...]
    rural: bool | None
    programme: tuple[str, ...] = ()
    staffel: int | None = None
    size_class: str | None = None

    def candidate(self) -> Candidate:
        return Candidate(
            self.name,
            self.kind,
            self.state,
            self.population,
            frozenset(self.fields),
            self.rural,
            self.size_class,
        )


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v not in (None, "", ())), None)


def municipalities_from_payloads(payloads: Iterable[dict[str, Any]]) -> list[Municipality]:
    """`municipalities_from_passages` of stored payloads."""
    return municipalities_from_passages(passage_from_payload(p) for p in payloads)


def municipalities_from_passages(passages: Iterable[Passage]) -> list[Municipality]:
    """Group passages by municipality. Registry records give the facts (the newest one wins)
    and count double for Handlungsfelder; a field is chosen at a weighted count of 2."""
    groups: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        if p.shown_municipality:
            groups[p.shown_municipality].append(p)
    out = []
    for name, ps in sorted(groups.items()):
        regs = sorted(
            (p for p in ps if p.doc.source_type == "registry"), key=lambda p: -(p.doc.year or 0)
        )
        facts = [p.doc for p in (*regs, *ps)]
        hits: Counter[str] = Counter()
        for p in ps:
            weight = 2 if p.doc.source_type == "registry" else 1
            for f, n in field_hits(p.text).items():
                hits[f] += weight * n
        rural = any(looks_rural(p.text) for p in ps)
        out.append(
            Municipality(
                name=name,
                kind=_first(d.kind for d in facts),
                state=_first(d.state for d in facts),
                population=max((d.population for d in facts if d.population), default=None),
                year=_first(d.year for d in facts),
                url=_first(d.url for d in facts),
                doc_id=_first(d.doc_id for d in facts),
                fields=chosen_fields(hits),
                rural=True if rural else None,
                programme=_first(d.programme for d in facts) or (),
                staffel=_first(d.staffel for d in facts),
                size_class=_first(d.size_class for d in facts),
            )
        )
    return out


@dataclass
class _IndexView:
    """What the Vision-Werkstatt needs from one index, read in one pass and cached."""

    count: int
    catalogue: list[VisionEntry]
    municipalities: list[Municipality]
    names: list[str]
    vectors: np.ndarray  # one row per passage with a municipality
    owner: np.ndarray  # row -> index into names

    def text_scores(self, query: np.ndarray) -> dict[str, float]:
        """Best cosine of the query among each municipality's passages."""
        if not len(self.vectors):
            return {}
        best = np.full(len(self.names), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owner, self.vectors @ query.astype(np.float32))
        return {n: float(s) for n, s in zip(self.names, best, strict=True) if np.isfinite(s)}


_VIEWS: weakref.WeakKeyDictionary[Any, _IndexView] = weakref.WeakKeyDictionary()
_VIEWS_LOCK = threading.Lock()


def _read_view(store: IndexStore) -> _IndexView:
    passages: list[Passage] = []
    rows: list[np.ndarray] = []
    owners: list[str] = []
    for sp in store.points(with_vectors=True):
        passages.append(sp.passage)
        if sp.passage.shown_municipality and sp.dense.size:
            rows.append(sp.dense)
            owners.append(sp.passage.shown_municipality)
    names = sorted(set(owners))
    index = {n: i for i, n in enumerate(names)}
    return _IndexView(
        count=len(passages),
        catalogue=catalogue_from_passages(passages),
        municipalities=municipalities_from_passages(passages),
        names=names,
        vectors=np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32),
        owner=np.array([index[o] for o in owners], dtype=np.int64),
    )


def index_view(store: IndexStore) -> _IndexView:
    """The cached view of a store (rebuilt when its number of points changed)."""
    with _VIEWS_LOCK:
        view = _VIEWS.get(store)
        if view is None or view.count != store.count():
            view = _read_view(store)
            _VIEWS[store] = view
        return view
