"""Train and measure the answer-shape classifier (rag.shapes) on the gold questions.

Labels: the gold kind decides the shape (process -> steps, vision -> visions, fact -> fact,
registry and comparison -> table), except for the gold questions that ask which or how many
Handlungsfelder / Themenbereiche there are (`FIELD_QUESTIONS`, annotated by reading the
question), which are "fields". `evals/shape_examples.jsonl` adds a few written examples per
shape (fields has only four gold questions); they are always training data, never scored.

Accuracy is measured by stratified 5-fold cross-validation over the gold questions, for the
logistic model and two simpler alternatives (nearest centroid on the question vector; the
logistic model on form features only); the logistic model is then fitted on everything and
written to rag/answer_model.json.

    python -m evals.shapes [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals.judgements import load_questions
from rag.core.settings import EmbeddingSettings
from rag.shapes import (
    MODEL_PATH,
    SHAPES,
    ShapeModel,
    fit_softmax,
    form_features,
    question_features,
    standardise,
)

EVALS = Path(__file__).resolve().parent
KIND_SHAPE = {
    "process": "steps",
    "vision": "visions",
    "fact": "fact",
    "registry": "table",
    "comparison": "table",
}
FIELD_QUESTIONS = frozenset({"q092", "q097", "q102", "q112"})
EXAMPLES = EVALS / "shape_examples.jsonl"
L2S = (1.0, 10.0, 100.0)
VECTOR_CACHE = Path("/tmp/kompass-question-vectors.npz")


class QuestionVectors:
    """Question vectors of the sentence model, cached in a small npz (re-runs embed nothing)."""

    def __init__(self, embedder: Any, path: Path = VECTOR_CACHE) -> None:
        self.embedder, self.path = embedder, path
        self.data: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as z:
                if str(z["model"]) == embedder.name:
                    self.data = dict(zip(z["texts"].tolist(), z["vecs"], strict=True))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.data]
        if todo:
            self.data.update(zip(todo, self.embedder.embed_batch(todo, kind="query"), strict=True))
            np.savez(self.path, model=self.embedder.name, texts=np.asarray(list(self.data)),
                     vecs=np.stack(list(self.data.values())))  # fmt: skip
        return np.stack([self.data[t] for t in texts])


Fit = Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]]


def gold_labels(path: Path) -> list[tuple[str, str]]:
    return [
        (q.question, "fields" if q.id in FIELD_QUESTIONS else KIND_SHAPE[q.kind])
        for q in load_questions(path)
    ]


def examples(path: Path = EXAMPLES) -> list[tuple[str, str]]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [(r["question"], r["shape"]) for r in rows]


def folds(y: np.ndarray, k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Stratified fold index per row."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), dtype=int)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % k
    return [np.flatnonzero(fold == i) for i in range(k)]


def logistic(l2: float) -> Fit:
    def fit(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        mean, scale = standardise(x)
        w, b = fit_softmax((x - mean) / scale, y, len(SHAPES), l2=l2)
        return lambda z: np.argmax(((z - mean) / scale) @ w.T + b, axis=1)

    return fit


def centroid(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    cents = np.stack(
        [
            x[y == c].mean(axis=0) if (y == c).any() else np.zeros(x.shape[1])
            for c in range(len(SHAPES))
        ]
    )
    return lambda z: np.argmax(z @ cents.T, axis=1)


def cross_validate(
    fit: Fit, x: np.ndarray, y: np.ndarray, x_extra: np.ndarray, y_extra: np.ndarray
) -> np.ndarray:
    """Out-of-fold predictions for the gold rows (extra rows always train)."""
    pred = np.zeros(len(y), dtype=int)
    for test in folds(y):
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(np.vstack([x[train], x_extra]), np.concatenate([y[train], y_extra]))
        pred[test] = model(x[test])
    return pred


def per_class(y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, float]]:
    out = {}
    for c, name in enumerate(SHAPES):
        tp = int(((pred == c) & (y == c)).sum())
        out[name] = {
            "n": int((y == c).sum()),
            "precision": round(tp / max(1, int((pred == c).sum())), 3),
            "recall": round(tp / max(1, int((y == c).sum())), 3),
        }
    return out


def train(questions: Path, write: bool = False) -> dict[str, Any]:
    from rag.embedding.sentence_vectors import sentence_embedder

    embedder = sentence_embedder(EmbeddingSettings())
    gold, extra = gold_labels(questions), examples()
    cache = QuestionVectors(embedder)

    def matrix(
        rows: Sequence[tuple[str, str]], form_only: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        vecs = cache.embed([q for q, _ in rows])
        feats = [
            form_features(q) if form_only else question_features(q, v)
            for (q, _), v in zip(rows, vecs, strict=True)
        ]
        return np.stack(feats), np.asarray([SHAPES.index(s) for _, s in rows])

    x, y = matrix(gold)
    xe, ye = matrix(extra)
    xf, _ = matrix(gold, form_only=True)
    xfe, _ = matrix(extra, form_only=True)
    d = embedder.dim
    results: dict[str, Any] = {}
    for name, fit, a, b in (
        *((f"logistic (vector + form), l2={l2:g}", logistic(l2), x, xe) for l2 in L2S),
        ("nearest centroid (vector)", centroid, x[:, :d], xe[:, :d]),
        ("logistic (form only)", logistic(1.0), xf, xfe),
    ):
        pred = cross_validate(fit, a, y, b, ye)
        results[name] = {
            "accuracy": round(float((pred == y).mean()), 3),
            "per_shape": per_class(y, pred),
        }
    best = max(L2S, key=lambda l2: results[f"logistic (vector + form), l2={l2:g}"]["accuracy"])
    x_all = np.vstack([x, xe])
    mean, scale = standardise(x_all)
    w, bias = fit_softmax((x_all - mean) / scale, np.concatenate([y, ye]), len(SHAPES), l2=best)
    model = ShapeModel(
        embedder.name, SHAPES, w, bias, mean.astype(np.float32), scale.astype(np.float32)
    )
    results["chosen"] = f"logistic (vector + form), l2={best:g}"
    if write:
        data = json.loads(MODEL_PATH.read_text(encoding="utf-8")) if MODEL_PATH.exists() else {}
        data["shape"] = model.to_json()
        data["shape_cv"] = {"questions": len(gold), "examples": len(extra), **results}
        MODEL_PATH.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"questions": len(gold), "examples": len(extra), "cv": results}


def score(questions: Path) -> dict[str, Any]:
    """The shipped model against the kind-derived shapes of another question file (reporting
    only: a held-out set is never trained or tuned on). Its questions have no "fields"
    annotation, so a "fields" guess counts as wrong."""
    from rag.embedding.sentence_vectors import sentence_embedder

    model = ShapeModel.load()
    if model is None:
        raise ValueError("no shape model in rag/answer_model.json")
    rows = gold_labels(questions)
    vecs = QuestionVectors(sentence_embedder(EmbeddingSettings())).embed([q for q, _ in rows])
    pred = [model.detect(q, v).shape for (q, _), v in zip(rows, vecs, strict=True)]
    y = np.asarray([SHAPES.index(s) for _, s in rows])
    p = np.asarray([SHAPES.index(s) for s in pred])
    return {
        "questions": len(rows),
        "accuracy": round(float((p == y).mean()), 3),
        "per_shape": per_class(y, p),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.shapes")
    ap.add_argument("--questions", default=str(EVALS / "questions.jsonl"))
    ap.add_argument("--write", action="store_true", help="write rag/answer_model.json")
    ap.add_argument("--score", default=None, help="score the shipped model on this file only")
    args = ap.parse_args(argv)
    if args.score:
        print(json.dumps(score(Path(args.score)), indent=1, ensure_ascii=False))
        return 0
    print(json.dumps(train(Path(args.questions), args.write), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
