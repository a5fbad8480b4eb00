"""Typed records of the read side: what is stored, what a search returns, what an answer is.

`Passage` is what ingest writes and rag reads; `Hit` is a passage with its rank and score;
`Answer` is the German text with its numbered `Citation`s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rag.core.municipal import population_class, split_states


@dataclass(frozen=True)
class DocMeta:
    """Facts about one document, shared by all its passages."""

    doc_id: str
    title: str
    municipality: str | None = None
    kind: str | None = None
    state: str | None = None
    year: int | None = None
    population: int | None = None
    url: str | None = None
    licence: str | None = None
    source_type: str | None = None
    registry_id: str | None = None
    publisher: str | None = None
    programme: tuple[str, ...] = ()  # funding programmes, e.g. ("Modellprojekte Smart Cities",)
    staffel: int | None = None  # MPSC selection round 1-3
    size_class: str | None = None  # the size class the programme states (rag.core.municipal)
    members: tuple[str, ...] = ()  # member municipalities of a joint strategy

    @property
    def states(self) -> tuple[str, ...]:
        """The Länder of `state` ('Baden-Württemberg/Hessen' names two)."""
        return split_states(self.state)

    @property
    def population_class(self) -> str | None:
        """The size class derived from kind and population, next to `size_class`."""
        return population_class(self.kind, self.population)


@dataclass(frozen=True)
class Passage:
    """One chunk of a document as stored in the index.

    `text` is exact document text; `header` is the context line that is embedded and
    keyword-indexed with it but never shown as a quote.
    """

    chunk_id: str
    doc: DocMeta
    text: str
    header: str
    section: str | None = None
    page: int | None = None
    ord: int = 0
    municipality: str | None = (
        None  # passage-level override (e.g. a "Praxisbeispiel Guben" section)
    )

    @property
    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text

    @property
    def shown_municipality(self) -> str | None:
        return self.municipality or self.doc.municipality


@dataclass(frozen=True)
class DocumentRow:
    """One indexed document: its facts and number of passages (`kompass docs`, Recherche).

    `text` (the passages joined in reading order) only when asked for.
    """

    doc_id: str
    title: str | None
    municipality: str | None
    kind: str | None
    state: str | None
    year: int | None
    population: int | None
    url: str | None
    licence: str | None
    source_type: str | None
    chunks: int
    text: str | None = None
    programmes: tuple[str, ...] = ()  # funding programmes, the main one first
    staffel: int | None = None
    size_class: str | None = None  # the programme's class
    members: tuple[str, ...] = ()  # member municipalities of a joint strategy

    @property
    def programme(self) -> str | None:
        """The main funding programme (the first), or None."""
        return self.programmes[0] if self.programmes else None

    @property
    def states(self) -> tuple[str, ...]:
        """The Länder of `state` ('Baden-Württemberg/Hessen' names two)."""
        return split_states(self.state)

    @property
    def population_class(self) -> str | None:
        """The size class derived from kind and population, next to `size_class`."""
        return population_class(self.kind, self.population)

    def to_json(self) -> dict[str, Any]:
        """The CONTRACT's docs JSON row (`text` only when it was read), with the registry's
        programme, size and membership facts."""
        row = asdict(self)
        if self.text is None:
            del row["text"]
        row.update(
            programme=self.programme,
            programmes=list(self.programmes),
            population_class=self.population_class,
            members=list(self.members),
            states=list(self.states),
        )
        return row


@dataclass(frozen=True)
class Hit:
    """A passage returned for a query, best first."""

    rank: int
    score: float
    passage: Passage
    dense_score: float | None = None

    def to_json(self) -> dict[str, Any]:
        p, d = self.passage, self.passage.doc
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "doc_id": d.doc_id,
            "chunk_id": p.chunk_id,
            "municipality": p.shown_municipality,
            "kind": d.kind,
            "state": d.state,
            "year": d.year,
            "title": d.title,
            "url": d.url,
            "section": p.section,
            "page": p.page,
            "text": p.text,
            "programme": d.programme[0] if d.programme else None,
            "staffel": d.staffel,
            "size_class": d.size_class,
            "members": list(d.members),
        }


@dataclass(frozen=True)
class SearchFilters:
    """Facets that narrow retrieval. Empty fields do not filter; set fields all apply.

    `states` matches any Land of a row (a joint strategy spanning three Länder is found for
    each), `municipalities` the municipality or any member of a joint strategy, `size_classes`
    the programme's or the population-derived class, `programmes` any of a row's programmes.
    """

    states: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    population_min: int | None = None
    population_max: int | None = None
    doc_ids: tuple[str, ...] = ()
    registry: bool | None = None  # True: registry rows only; False: document text only
    programmes: tuple[str, ...] = ()
    staffel: int | None = None
    size_classes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self == SearchFilters()

    def narrowed(self, other: SearchFilters) -> SearchFilters:
        """Both filters at once: a facet set here wins over `other`'s, ranges intersect.

        >>> SearchFilters(states=("Sachsen",)).narrowed(SearchFilters(kinds=("Amt",))).kinds
        ('Amt',)
        """

        def lo(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else max(a, b)

        def hi(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else min(a, b)

        return SearchFilters(
            states=self.states or other.states,
            kinds=self.kinds or other.kinds,
            municipalities=self.municipalities or other.municipalities,
            year_min=lo(self.year_min, other.year_min),
            year_max=hi(self.year_max, other.year_max),
            population_min=lo(self.population_min, other.population_min),
            population_max=hi(self.population_max, other.population_max),
            doc_ids=self.doc_ids or other.doc_ids,
            registry=self.registry if self.registry is not None else other.registry,
            programmes=self.programmes or other.programmes,
            staffel=self.staffel if self.staffel is not None else other.staffel,
            size_classes=self.size_classes or other.size_classes,
        )


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer; `quote` is exact text of the stored passage."""

    n: int
    hit: Hit
    quote: str

    def to_json(self) -> dict[str, Any]:
        p, d = self.hit.passage, self.hit.passage.doc
        return {
            "n": self.n,
            "doc_id": d.doc_id,
            "municipality": p.shown_municipality,
            "title": d.title,
            "url": d.url,
            "section": p.section,
            "page": p.page,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class AnswerPart:
    """One part of a shaped answer, rendered (with its [n]) into `Answer.text` as well.

    role: "lead" (the answering sentence), "step", "vision", "field", "example", "context"
    or "row" (a registry entry of a table; `cells` holds its columns).
    """

    role: str
    text: str
    cites: tuple[int, ...] = ()
    label: str | None = None  # who says it: municipality or publisher (and year)
    cells: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "text": self.text, "cites": list(self.cites)}
        out["label"] = self.label
        if self.cells:
            out["cells"] = dict(self.cells)
        return out


@dataclass(frozen=True)
class Answer:
    """A German answer whose sentences carry [n] markers that point into `citations`."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    mode: str = "extractive"
    note: str | None = None
    took_ms: float = 0.0
    hits: tuple[Hit, ...] = field(default=(), compare=False)
    boosts: tuple[SearchFilters, ...] = ()  # what the question named (rag.facets)
    shape: str = "fact"  # "steps" | "visions" | "fields" | "fact" | "table" (rag.shapes)
    parts: tuple[AnswerPart, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "mode": self.mode,
            "took_ms": round(self.took_ms, 2),
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
            "note": self.note,
            "shape": self.shape,
            "parts": [p.to_json() for p in self.parts],
        }


def doc_meta_to_payload(doc: DocMeta) -> dict[str, Any]:
    return asdict(doc)
