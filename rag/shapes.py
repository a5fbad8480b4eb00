"""What shape of answer a question asks for, from the question alone.

Shapes: "steps" (how to proceed), "visions" (vision statements), "fields" (Handlungsfelder and
who chose them), "fact" (one statement answers) and "table" (a comparison or list of
municipalities / strategies). A multinomial logistic regression over the question's sentence
vector (small e5) and a few form features (first word, named facets) decides; it is trained
on the gold questions' kinds by `python -m evals.shapes` (accuracy by cross-validation in
evals/REPORT.md) and shipped as `rag/answer_model.json`. Words are features here, never the
decision on their own.

Example:
    >>> model = ShapeModel.load()                                    # doctest: +SKIP
    >>> model.detect("Wie gehen wir vor?", vector).shape             # doctest: +SKIP
    'steps'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.facets import detect

SHAPES = ("steps", "visions", "fields", "fact", "table")
MODEL_PATH = Path(__file__).resolve().parent / "answer_model.json"
# First words of German questions (a one-hot feature; "other" when none matches).
_OPENERS = (
    "wie viele",
    "wie",
    "was",
    "wer",
    "wo",
    "wann",
    "welch",
    "warum",
    "womit",
    "gibt",
)
_WORD = re.compile(r"[^\W\d_]+")
# What an LLM is asked for, per shape (German: it goes into the prompt).
GUIDANCE = {
    "steps": "Antworte als kurze Einleitung und dann als nummerierte Schrittfolge in der "
    "Reihenfolge der Quellen; nenne bei jedem Schritt, wer ihn empfiehlt oder umgesetzt hat.",
    "visions": "Zitiere die Visionen und Leitbilder wörtlich in Anführungszeichen, jeweils "
    "mit Kommune und Jahr, nach Kommunen gegliedert.",
    "fields": "Nenne die Handlungsfelder als Liste und zu jedem, welche Kommunen es gewählt haben.",
    "fact": "Beginne mit dem Satz, der die Frage beantwortet; danach höchstens zwei Sätze "
    "Zusammenhang.",
    "table": "Antworte mit einer Liste der passenden Kommunen (Kommune, Land, Art, Jahr, "
    "Titel), eine Zeile je Kommune.",
}


def form_features(question: str) -> np.ndarray:
    """The question's form: opener one-hot, facets named (state, kind, size/year), plural."""
    low = " ".join(question.lower().split())
    opener = next((i for i, o in enumerate(_OPENERS) if low.startswith(o)), len(_OPENERS))
    one_hot = np.zeros(len(_OPENERS) + 1, dtype=np.float32)
    one_hot[opener] = 1.0
    f = detect(question).filters
    facets = [
        1.0 if f.states else 0.0,
        1.0 if f.kinds else 0.0,
        1.0 if (f.year_min or f.year_max or f.population_min or f.population_max) else 0.0,
        min(len(_WORD.findall(low)), 20) / 20.0,
    ]
    return np.concatenate([one_hot, np.asarray(facets, dtype=np.float32)])


def question_features(question: str, vector: np.ndarray) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32)
    v = v / (float(np.linalg.norm(v)) or 1.0)
    return np.concatenate([v, form_features(question)])


@dataclass(frozen=True)
class ShapeGuess:
    shape: str
    probabilities: dict[str, float]


@dataclass(frozen=True)
class ShapeModel:
    """Softmax(W x + b) over SHAPES; x = question_features; trained for one sentence model."""

    embed_model: str
    classes: tuple[str, ...]
    weights: np.ndarray  # (classes, features)
    bias: np.ndarray  # (classes,)
    mean: np.ndarray  # feature standardisation fitted with the weights
    scale: np.ndarray

    def detect(self, question: str, vector: np.ndarray) -> ShapeGuess:
        x = question_features(question, vector)
        if x.shape[0] != self.weights.shape[1]:
            return ShapeGuess("fact", {})
        logits = self.weights @ ((x - self.mean) / self.scale) + self.bias
        p = np.exp(logits - logits.max())
        p /= p.sum()
        best = int(np.argmax(p))
        return ShapeGuess(
            self.classes[best],
            {c: round(float(v), 3) for c, v in zip(self.classes, p, strict=True)},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "embed_model": self.embed_model,
            "classes": list(self.classes),
            "weights": np.round(self.weights, 5).tolist(),
            "bias": np.round(self.bias, 5).tolist(),
            "mean": np.round(self.mean, 5).tolist(),
            "scale": np.round(self.scale, 5).tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShapeModel:
        return cls(
            data["embed_model"],
            tuple(data["classes"]),
            np.asarray(data["weights"], dtype=np.float32),
            np.asarray(data["bias"], dtype=np.float32),
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["scale"], dtype=np.float32),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ShapeModel | None:
        """The shipped model, or None when there is none (answers then take the fact shape)."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_json(data["shape"]) if "shape" in data else None


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale per feature (scale 1 where a feature is constant)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-6, scale, 1.0)


def fit_softmax(
    x: np.ndarray, y: np.ndarray, n_classes: int, l2: float = 1.0, steps: int = 400
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent (few hundred rows),
    with class-balanced sample weights; returns (W, b)."""
    n, d = x.shape
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    sample_w = (n / (n_classes * np.maximum(counts, 1)))[y]
    onehot = np.eye(n_classes)[y]
    w = np.zeros((n_classes, d))
    b = np.zeros(n_classes)
    lr = 1.0
    for _ in range(steps):
        logits = x @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_w[:, None] / n
        w -= lr * (g.T @ x + l2 * w / n)
        b -= lr * g.sum(axis=0)
    return w.astype(np.float32), b.astype(np.float32)
