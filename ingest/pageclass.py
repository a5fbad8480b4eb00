"""Is a fetched page a strategy document, a navigation/listing page, or unrelated?

A small multinomial logistic regression over `ingest.pagefeatures` (numpy only). Its weights
are fitted, not hand-set: `python -m evals.pageclass` builds the labelled pages, reports
cross-validated precision/recall and writes `pageclass_model.json` next to this module. The
crawler indexes a page only if P(strategy) reaches the model's threshold; navigation pages
are followed, unrelated ones are dropped (their links are still candidates, ranked lower).

Example:
    >>> verdict = classify_text("Digitalstrategie der Stadt X", "Unsere Vision ...")  # doctest: +SKIP
    >>> verdict.label, round(verdict.p_strategy, 2)                                      # doctest: +SKIP
    ('strategy', 0.93)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.pagefeatures import FEATURE_NAMES, PageView, feature_vector, view_of_html, view_of_text

CLASSES = ("strategy", "navigation", "other")
MODEL_PATH = Path(__file__).with_name("pageclass_model.json")


@dataclass(frozen=True)
class Verdict:
    """The classifier's decision for one document, with the probabilities behind it."""

    label: str  # "strategy" | "navigation" | "other"
    p_strategy: float
    p_navigation: float

    @property
    def index(self) -> bool:
        return self.label == "strategy"

    def describe(self) -> str:
        """German one-liner for dry runs: decision and probability."""
        what = {"strategy": "indexieren", "navigation": "nur folgen", "other": "verwerfen"}
        return f"{what[self.label]} (P(Strategie)={self.p_strategy:.2f})"


@dataclass(frozen=True)
class Model:
    """Weights (classes x features), biases, feature names and the strategy threshold."""

    weights: np.ndarray
    bias: np.ndarray
    threshold: float
    names: tuple[str, ...] = FEATURE_NAMES

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return softmax(x @ self.weights.T + self.bias)

    def to_json(self) -> dict[str, object]:
        return {
            "classes": list(CLASSES),
            "features": list(self.names),
            "weights": self.weights.round(6).tolist(),
            "bias": self.bias.round(6).tolist(),
            "threshold": self.threshold,
        }


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-3, steps: int = 3000) -> Model:
    """Fit softmax regression by full-batch gradient descent (convex; deterministic)."""
    n, d = x.shape
    k = len(CLASSES)
    w, b = np.zeros((k, d)), np.zeros(k)
    onehot = np.eye(k)[y]
    counts = onehot.sum(axis=0)
    sample_w = (n / (k * np.maximum(counts, 1)))[y][:, None]  # balance the classes
    rate = 0.5
    for _ in range(steps):
        p = softmax(x @ w.T + b)
        grad = (p - onehot) * sample_w / n
        w -= rate * (grad.T @ x + l2 * w)
        b -= rate * grad.sum(axis=0)
    return Model(weights=w, bias=b, threshold=0.5)


def predict(model: Model, x: np.ndarray) -> list[Verdict]:
    """Verdicts for the rows of x: strategy iff P(strategy) >= threshold."""
    out = []
    for p in model.probabilities(np.atleast_2d(x)):
        label = "navigation" if p[1] >= p[2] else "other"
        if p[0] >= model.threshold:
            label = "strategy"
        out.append(Verdict(label, float(p[0]), float(p[1])))
    return out


def save_model(model: Model, path: Path = MODEL_PATH) -> None:
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURE_NAMES:
        raise ValueError("pageclass_model.json passt nicht zu den Merkmalen; neu anlernen.")
    return Model(
        weights=np.array(data["weights"], dtype=float),
        bias=np.array(data["bias"], dtype=float),
        threshold=float(data["threshold"]),
    )


def classify_view(view: PageView, model: Model | None = None) -> Verdict:
    active = model or load_model()
    return predict(active, np.array([feature_vector(view)]))[0]


def classify_html(html: str, url: str | None = None, model: Model | None = None) -> Verdict:
    return classify_view(view_of_html(html, url), model)


def classify_text(title: str, text: str, *, is_pdf: bool = False) -> Verdict:
    return classify_view(view_of_text(title, text, is_pdf=is_pdf))
