"""The default answerer: question-aware extractive answers in the shape the question asks for.

1. The question's shape (`rag.shapes`): steps, visions, fields, fact or table.
2. Every sentence of the top passages becomes a scored candidate (`rag.candidates`):
   meaning (sentence vectors), wording, retrieval rank; weights fitted on the gold set.
3. Only statements stand as prose (`rag.core.sentences`): never a question, a heading or a list
   stub. List items may stand as steps or Handlungsfelder, where a list is what was asked.
4. A short lead (the best statement of the best source, verbatim), then the shape's parts,
   grouped by municipality so several Kommunen appear. Registry rows are facts: they appear
   only as table rows or vision examples, and only when the question is about
   municipalities or their strategies (the table, visions and fields shapes, or a question
   naming a municipality, Land or kind of municipality).

Nothing is generated: every sentence is exact passage text with its [n] (`rag.render`).

Example:
    >>> answerer = ShapedAnswerer(KeywordEncoder().terms)            # doctest: +SKIP
    >>> answerer.answer("Wo fangen wir an?", hits).shape             # doctest: +SKIP
    'steps'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag.answer import NO_SOURCE, AnswerStream, source_label
from rag.answerable import Answerability
from rag.candidates import Candidate, Terms, Vectors, Weights, feature_rows, score_candidates
from rag.core.records import Answer, Hit
from rag.facets import detect
from rag.render import Draft, Item, render
from rag.shapes import MODEL_PATH, ShapeModel

LOOSE = (
    "Die Frage ist sehr allgemein, die Quellen passen nur ungefähr. Genauer wird es mit Thema "
    "oder Vorhaben, z. B. „Wo fangen wir an, wenn wir eine Digitalstrategie entwickeln wollen?“"
)
REGISTRY_SHAPES = frozenset({"table", "visions", "fields"})
# Shapes whose examples are registry entries (mottos, chosen Handlungsfelder) that text passages
# crowd out of the top hits: they also get the best registry rows retrieved on their own.
ROW_SHAPES = frozenset({"visions", "fields"})


@dataclass(frozen=True)
class Limits:
    """How much of each part an answer shows."""

    sources: int = 3  # examples / steps from this many sources
    per_source: int = 2  # sentences or list items per source (at least)
    budget: int = 6  # sentences or list items in all (several sources share it)
    max_rank: int = 8  # steps, fields and context come from hits up to this rank
    rows: int = 8  # registry rows in a table
    visions: int = 6
    context: int = 3
    list_run: int = 8  # items of one list shown together
    lead: int = 3  # statements of the best source in the lead (measured: 1 -> 3 sentences
    # raised the required-statement share 0.579 -> 0.619 on gold, 0.62 -> 0.70 held-out)


def load_weights() -> Weights:
    if MODEL_PATH.exists():
        data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        if "weights" in data:
            return Weights(tuple(data["weights"]["coef"]), float(data["weights"]["bias"]))
    return Weights.default()


def _about_municipalities(question: str, shape: str) -> bool:
    facets = detect(question)
    return shape in REGISTRY_SHAPES or not facets.filters.empty


LEAD_SOURCES = 1  # the lead comes from the best few retrieved passages ("the best source")


def _lead(ranked: Sequence[Candidate]) -> Candidate | None:
    """The best statement of the top retrieved passages (any passage if they have none)."""
    docs = [c for c in ranked if c.unit.prose and not c.registry]
    ranks = sorted({c.hit.rank for c in docs})[:LEAD_SOURCES]
    return next((c for c in docs if c.hit.rank in ranks), docs[0] if docs else None)


def _lead_item(lead: Candidate, ranked: Sequence[Candidate], size: int) -> Item:
    """The lead statement with the next best statements of the same passage (up to `size`),
    in passage order: the best source's core paragraph, not one sentence out of context."""
    same = [
        c
        for c in ranked
        if c.hit.passage.chunk_id == lead.hit.passage.chunk_id
        and c.unit.prose
        and c.key != lead.key
    ]
    cands = sorted([lead, *same[: max(0, size - 1)]], key=lambda c: c.unit.index)
    return Item("lead", tuple(cands), source_label(lead.hit))


def _by_source(cands: Sequence[Candidate]) -> dict[str, list[Candidate]]:
    """Candidates grouped by who says it (municipality or publisher), best source first."""
    groups: dict[str, list[Candidate]] = {}
    for c in cands:
        groups.setdefault(source_label(c.hit), []).append(c)
    return groups


def _list_run(c: Candidate, pool: Sequence[Candidate], limit: int) -> list[Candidate]:
    """A chosen list item brings the neighbouring items of its list (same passage)."""
    if c.unit.form != "item":
        return [c]
    same = sorted(
        (x for x in pool if x.hit.passage.chunk_id == c.hit.passage.chunk_id),
        key=lambda x: x.unit.index,
    )
    idx = [x.unit.index for x in same]
    pos = idx.index(c.unit.index)
    lo = hi = pos
    while lo > 0 and same[lo - 1].unit.form == "item" and idx[lo - 1] == idx[lo] - 1:
        lo -= 1
    while hi + 1 < len(same) and same[hi + 1].unit.form == "item" and idx[hi + 1] == idx[hi] + 1:
        hi += 1
    return same[lo : hi + 1][:limit]


def _grouped_items(
    role: str,
    pool: Sequence[Candidate],
    lead: Candidate | None,
    limits: Limits,
    floor: float,
    lists: bool,
    low: float | None = None,
) -> list[Item]:
    """Per source (best first, at most `limits.sources`), its best sentences (and their list
    runs when `lists`), in passage order: one Item per passage.

    When everything above `floor` (and the lead) comes from one document, the best other
    document's sentences above `low` join, so an answer shows a second source where the hits
    hold one worth showing."""
    exclude = {lead.key} if lead else set()
    fit = [
        c
        for c in pool
        if (c.unit.listable if lists else c.unit.prose)
        and c.hit.rank <= limits.max_rank
        and c.key not in exclude
    ]
    ok = [c for c in fit if c.score >= floor]
    groups = list(_by_source(ok).items())[: limits.sources]
    # One source (a question about one municipality) may fill the whole budget.
    sizes = [max(limits.per_source, -(-limits.budget // max(1, len(groups))))] * len(groups)
    docs = {c.hit.passage.doc.doc_id for c in ok} | (
        {lead.hit.passage.doc.doc_id} if lead else set()
    )
    if low is not None and len(docs) <= 1:
        other = [c for c in fit if c.score >= low and c.hit.passage.doc.doc_id not in docs]
        if other:  # on top of the budget: the first source keeps its sentences
            second = other[0].hit.passage.doc.doc_id
            groups.append(
                (
                    source_label(other[0].hit),
                    [c for c in other if c.hit.passage.doc.doc_id == second],
                )
            )
            sizes.append(limits.per_source)
    items: list[Item] = []
    for (label, cands), size in zip(groups, sizes, strict=True):
        chosen: dict[tuple[str, int], Candidate] = {}
        for c in cands:
            if len(chosen) >= size:
                break
            run = _list_run(c, pool, limits.list_run) if lists else [c]
            chosen.update({x.key: x for x in run if x.key not in exclude})
        by_passage: dict[str, list[Candidate]] = {}
        for c in sorted(chosen.values(), key=lambda x: (x.hit.rank, x.unit.index)):
            by_passage.setdefault(c.hit.passage.chunk_id, []).append(c)
        items += [Item(role, tuple(cs), label) for cs in by_passage.values()]
    return items


def _floor(ranked: Sequence[Candidate], share: float = 0.5) -> float:
    """Score a sentence must reach to be shown: a share of the way from median to best."""
    scores = np.asarray([c.score for c in ranked])
    return float(np.median(scores) + share * (scores.max() - np.median(scores)))


def _rows(ranked: Sequence[Candidate], question: str, limit: int) -> list[Item]:
    """Registry rows among the hits (one per entry, by rank), narrowed to what the question
    names when that leaves any."""
    seen: dict[str, Candidate] = {}
    for c in sorted((c for c in ranked if c.registry), key=lambda c: (c.hit.rank, c.unit.index)):
        seen.setdefault(c.hit.passage.doc.doc_id, c)
    rows = list(seen.values())
    f = detect(question).filters
    narrowed = [
        c
        for c in rows
        if (not f.states or c.hit.passage.doc.state in f.states)
        and (not f.kinds or c.hit.passage.doc.kind in f.kinds)
    ]
    return [Item("row", (c,), c.hit.passage.doc.municipality) for c in (narrowed or rows)[:limit]]


def _visions(ranked: Sequence[Candidate], lead: Candidate | None, limits: Limits) -> list[Item]:
    """Vision statements verbatim with municipality and year: a registry row's motto, or the
    best statement of a municipality's own passage."""
    out: list[Item] = []
    seen: set[str] = set()
    floor = _floor(ranked, 0.3)
    for c in ranked:
        who = c.hit.passage.shown_municipality
        if not who or who in seen or (lead and c.key == lead.key) or len(out) >= limits.visions:
            continue
        if c.registry and "Leitbild/Motto" not in c.unit.text:
            continue
        if not c.registry and not (c.unit.listable and c.score >= floor):
            continue
        seen.add(who)
        year = c.hit.passage.doc.year if c.hit.passage.municipality is None else None
        out.append(Item("vision", (c,), f"{who} ({year})" if year else who))
    return out


def compose(question: str, shape: str, ranked: Sequence[Candidate], limits: Limits) -> Draft:
    """The answer's parts for its shape (see the module doc)."""
    registry_ok = _about_municipalities(question, shape)
    pool = [c for c in ranked if registry_ok or not c.registry]
    lead = _lead(pool)
    docs = [c for c in pool if not c.registry]
    # A table answers with its rows: one sentence of context before it is enough.
    size = 1 if shape == "table" else limits.lead
    items: list[Item] = [_lead_item(lead, pool, size)] if lead else []
    # The lead's further sentences are not repeated among the parts (the lead itself stays in
    # the pool: the parts exclude it by key, and it counts towards the sentence floor).
    extra = {c.key for c in items[0].cands} - {lead.key} if lead else set()
    pool = [c for c in pool if c.key not in extra]
    docs = [c for c in docs if c.key not in extra]
    # The floor is set by what may be shown: a question or heading of the corpus that echoes
    # the user's words must not raise it above every statement.
    shown = [c for c in docs if c.unit.listable]
    floor = _floor(shown) if shown else 0.0
    # A second source's bar: a quarter of the way from the median to the best (on gold: answers
    # citing one document 43 -> 22 of 126, share of sentences from relevant passages -0.015;
    # the median halves them again for -0.035).
    low = _floor(shown, 0.25) if shown else None
    if shape == "steps":
        items += _grouped_items("step", docs, lead, limits, floor, lists=True, low=low)
    elif shape == "fields":
        items += _grouped_items("field", docs, lead, limits, floor, lists=True, low=low)
        items += _rows(pool, question, limits.rows)
    elif shape == "visions":
        items += _visions(pool, lead, limits)
    elif shape == "table":
        items += _grouped_items(
            "example", docs, lead, Limits(sources=2, per_source=1), floor, False
        )
        items += _rows(pool, question, limits.rows)
    else:
        ctx = Limits(
            sources=limits.context, per_source=2, budget=limits.budget, max_rank=limits.max_rank
        )
        items += _grouped_items("context", docs, lead, ctx, floor, lists=False, low=low)
    return Draft(shape, tuple(items))


def with_rows(hits: Sequence[Hit], rows: Sequence[Hit]) -> list[Hit]:
    """The hits, then the registry rows not among them, ranked after them in their order."""
    seen = {h.passage.chunk_id for h in hits}
    extra = [r for r in rows if r.passage.chunk_id not in seen]
    return [*hits, *(replace(r, rank=len(hits) + i) for i, r in enumerate(extra, start=1))]


class ShapedAnswerer:
    """Extractive answers shaped by the question (the default without an LLM)."""

    def __init__(
        self,
        terms: Terms,
        vectors: Vectors | None = None,
        query_vector: Callable[[str], np.ndarray] | None = None,
        shapes: ShapeModel | None = None,
        weights: Weights | None = None,
        min_dense: float = 0.80,
        candidates: int = 12,
        limits: Limits | None = None,
        answerable: Callable[[str, Sequence[Hit]], bool] | None = None,
        registry_rows: Callable[[str], Sequence[Hit]] | None = None,
    ) -> None:
        self.terms = terms
        self.vectors = vectors
        self.query_vector = query_vector
        self.shapes = shapes
        self.weights = weights or load_weights()
        # Whether to answer at all (rag.answerable); the keyword rule when none is given.
        self.answerable = answerable or Answerability(None, None, terms, min_dense)
        self.candidates = candidates
        self.limits = limits or Limits()
        # The question's best registry rows on their own (a registry-only search), for ROW_SHAPES.
        self.registry_rows = registry_rows

    def shape_of(self, question: str, q_vec: np.ndarray | None) -> str:
        if self.shapes is None or q_vec is None:
            return "fact"
        return self.shapes.detect(question, q_vec).shape

    def ranked(
        self, question: str, hits: Sequence[Hit], q_vec: np.ndarray | None
    ) -> list[Candidate]:
        """Every sentence of `hits` (the answer's candidates: the top `candidates` hits, plus
        registry rows for ROW_SHAPES), best first."""
        rows = feature_rows(self.terms(question), q_vec, hits, self.terms, self.vectors)
        return score_candidates(rows, self.weights)

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        if not self.answerable(question, hits):
            return Answer(question, NO_SOURCE, (), note=NO_SOURCE, hits=tuple(hits))
        q_vec = self.query_vector(question) if self.query_vector else None
        shape = self.shape_of(question, q_vec)
        pool = list(hits[: self.candidates])
        if shape in ROW_SHAPES and self.registry_rows is not None:
            pool = with_rows(pool, self.registry_rows(question))
        chosen = {h.passage.chunk_id for h in pool}
        shown = [*pool, *(h for h in hits[self.candidates :] if h.passage.chunk_id not in chosen)]
        draft = compose(question, shape, self.ranked(question, pool, q_vec), self.limits)
        if not draft.items:
            return Answer(question, NO_SOURCE, (), note=NO_SOURCE, hits=tuple(shown), shape=shape)
        answer = render(question, draft, shown)
        # Loose or not is read on the hits the decision to answer was made on.
        if isinstance(self.answerable, Answerability) and self.answerable.loose(hits):
            answer = replace(answer, note=LOOSE)
        return answer

    def stream(self, question: str, hits: Sequence[Hit]) -> AnswerStream:
        """The answer as one chunk: nothing is generated, so it is ready at once."""
        return AnswerStream.of(self.answer(question, hits))
