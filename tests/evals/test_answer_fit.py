"""The listwise sentence-weight fit (evals.answer_fit.fit_listwise) on synthetic questions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from evals.answer_fit import Prepared, fit_listwise
from rag.candidates import FEATURES

pytestmark = pytest.mark.unit


def _question(rng: np.random.Generator, easy: float) -> Prepared:
    """Eight candidates; feature 0 tells the required one apart within the question; feature 3
    is high for every candidate of an 'easy' question (constant within it: no signal)."""
    x = rng.normal(size=(8, len(FEATURES))) * 0.1
    x[:, 3] = easy
    labels = np.zeros(8, dtype=bool)
    labels[rng.integers(8)] = True
    x[labels, 0] += 1.0
    rows: list[Any] = [(None, None, tuple(r)) for r in x]
    return Prepared(None, (), [], "fact", rows, labels)  # type: ignore[arg-type]


def test_listwise_fit_learns_what_separates_sentences_within_a_question() -> None:
    rng = np.random.default_rng(7)
    data = [_question(rng, easy=float(i % 2)) for i in range(60)]
    w = fit_listwise(data, steps=600)
    assert w.coef[0] > 2.0, w
    assert abs(w.coef[3]) < 0.5, w  # constant within each question: cancels in the softmax
    assert w.bias == 0.0
    ranked_first = [
        int(np.argmax(np.asarray([r[2] for r in p.rows]) @ np.asarray(w.coef))) for p in data
    ]
    hits = sum(bool(p.labels[i]) for p, i in zip(data, ranked_first, strict=True))
    assert hits >= 50, hits


def test_masked_features_stay_zero() -> None:
    rng = np.random.default_rng(1)
    data = [_question(rng, 0.0) for _ in range(20)]
    mask = [name != "sim" for name in FEATURES]
    w = fit_listwise(data, mask, steps=200)
    assert w.coef[0] == 0.0
