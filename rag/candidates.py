"""Answer candidates: every sentence of the top passages, scored by meaning, wording and rank.

A sentence's score is a weighted sum of features: its semantic similarity to the question
(sentence vectors from `rag.embedding.sentence_vectors`, absolute and relative to the best candidate),
the share of the question's terms it contains, its passage's retrieval rank and dense score,
and its place and form in the passage. The weights are fitted on the gold set, not set by
hand: a conditional logit per question (the required sentence above the other candidates of
the same question), chosen by cross-validation against a plain logistic regression and feature
subsets (`python -m evals.answer_fit --write`, stored in `rag/answer_model.json`).

Example:
    >>> w = Weights.default()
    >>> round(w.score((0.9, 0.0, 0.5, 1.0, 0.0, 1.0, 0.0, 0.0)), 2) > w.score((0.7,) + (0.0,) * 7)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.core.records import Hit
from rag.core.sentences import Unit, units

Terms = Callable[[str], frozenset[int]]
Vectors = Callable[[Sequence[str]], np.ndarray]
FEATURES = ("sim", "sim_gap", "lex", "rank", "dense_gap", "first", "short", "item")


@dataclass(frozen=True)
class Weights:
    """Linear weights over FEATURES plus a bias (the logit of 'this sentence answers')."""

    coef: tuple[float, ...]
    bias: float = 0.0

    @classmethod
    def default(cls) -> Weights:
        """Prior weights used only when no fitted model is shipped."""
        return cls((4.0, 8.0, 2.0, 1.0, 4.0, 0.2, -0.3, -0.2), 0.0)

    def score(self, x: Sequence[float]) -> float:
        return float(np.dot(self.coef, x) + self.bias)


@dataclass(frozen=True)
class Candidate:
    """One sentence of one retrieved passage, with its features and score."""

    hit: Hit
    unit: Unit
    x: tuple[float, ...]
    score: float

    @property
    def registry(self) -> bool:
        return self.hit.passage.doc.source_type == "registry"

    @property
    def key(self) -> tuple[str, int]:
        return (self.hit.passage.chunk_id, self.unit.index)


def feature_rows(
    q_terms: frozenset[int],
    q_vec: np.ndarray | None,
    hits: Sequence[Hit],
    terms: Terms,
    vectors: Vectors | None,
) -> list[tuple[Hit, Unit, tuple[float, ...]]]:
    """(hit, unit, features) for every unit of every hit, in hit and passage order."""
    pairs = [(h, u) for h in hits for u in units(h.passage.text)]
    if not pairs:
        return []
    sims = np.zeros(len(pairs), dtype=np.float32)
    shown = [i for i, (_, u) in enumerate(pairs) if u.listable]  # only these have vectors
    if q_vec is not None and vectors is not None and shown:
        found = vectors([pairs[i][1].text for i in shown]) @ np.asarray(q_vec, dtype=np.float32)
        sims[:] = float(found.min())
        sims[shown] = found
    best_sim = float(sims.max())
    top_dense = hits[0].dense_score
    rows: list[tuple[Hit, Unit, tuple[float, ...]]] = []
    for (h, u), sim in zip(pairs, sims, strict=True):
        lex = len(q_terms & terms(u.text)) / len(q_terms) if q_terms else 0.0
        gap = 0.0
        if top_dense is not None and h.dense_score is not None:
            gap = h.dense_score - top_dense
        x = (
            float(sim),
            float(sim) - best_sim,
            lex,
            1.0 / h.rank,
            gap,
            1.0 if u.index == 0 else 0.0,
            1.0 if len(u.text) < 60 else 0.0,
            1.0 if u.form == "item" else 0.0,
        )
        rows.append((h, u, x))
    return rows


def score_candidates(
    rows: Sequence[tuple[Hit, Unit, tuple[float, ...]]], weights: Weights
) -> list[Candidate]:
    """Candidates best first (ties: retrieval rank, then place in the passage)."""
    cands = [Candidate(h, u, x, weights.score(x)) for h, u, x in rows]
    return sorted(cands, key=lambda c: (-c.score, c.hit.rank, c.unit.index))
