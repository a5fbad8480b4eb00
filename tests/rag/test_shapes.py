"""The shape classifier's pieces on literal inputs (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.shapes import (
    SHAPES,
    ShapeModel,
    fit_softmax,
    form_features,
    question_features,
    standardise,
)

pytestmark = pytest.mark.unit


def test_fit_softmax_separates_separable_classes() -> None:
    rng = np.random.default_rng(0)
    centres = np.eye(3) * 4
    y = np.repeat(np.arange(3), 20)
    x = centres[y] + rng.normal(0, 0.5, (60, 3))
    w, b = fit_softmax(x, y, 3, l2=0.1)
    assert (np.argmax(x @ w.T + b, axis=1) == y).mean() >= 0.95


def test_form_features_see_opener_and_facets() -> None:
    a = form_features("Wie viele Landkreise in Sachsen haben eine Strategie?")
    b = form_features("Was plant Ulm?")
    assert a.shape == b.shape and a[0] == 1.0 and b[0] == 0.0  # "wie viele" opener
    assert not np.array_equal(a, b)


def test_model_round_trips_and_predicts_from_the_vector() -> None:
    dim = 4
    n_feat = len(question_features("x", np.ones(dim)))
    weights = np.zeros((len(SHAPES), n_feat), dtype=np.float32)
    weights[SHAPES.index("steps"), 0] = 5.0  # first vector component -> steps
    weights[SHAPES.index("table"), 1] = 5.0
    mean, scale = standardise(np.zeros((2, n_feat)))
    model = ShapeModel("toy", SHAPES, weights, np.zeros(len(SHAPES), np.float32), mean, scale)
    again = ShapeModel.from_json(model.to_json())
    assert again.detect("Wie gehen wir vor?", np.array([1.0, 0, 0, 0])).shape == "steps"
    assert again.detect("Welche Städte?", np.array([0, 1.0, 0, 0])).shape == "table"
    assert again.detect("Zu kurz", np.ones(7)).shape == "fact"  # other model: no guess
