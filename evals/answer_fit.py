"""Fit the sentence-scoring weights of the composer (rag.candidates) on the gold set.

A candidate sentence is labelled positive when it holds one of the question's required
statements (`answer_phrases`). Two objectives are compared:

- "binary": logistic regression over all candidates of all questions (is this sentence a
  required one?), which mixes questions: a feature that is high for every candidate of an easy
  question looks useful although it does not tell that question's sentences apart;
- "listwise": a conditional logit per question (softmax over the question's candidates, the
  likelihood of its required sentences), which is what the composer needs: the required
  sentence above the others *of the same question*. Features constant within a question
  cancel, so there is no bias.

Alternatives (objective x feature set) are compared on the answer-level metric (share of
answers with a required statement) by 5-fold cross-validation over questions: weights fitted
on the training folds, answers composed for the test fold. The best by CV is fitted on all
questions and written to rag/answer_model.json ("weights").

    python -m evals.answer_fit [--data-dir DIR] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.answers import QUESTIONS, open_kompass, score_answer
from evals.judgements import Question, answer_key, load_questions
from evals.shapes import folds
from rag.candidates import FEATURES, Weights, score_candidates
from rag.compose import ShapedAnswerer, compose
from rag.core.records import Answer, Hit
from rag.render import render
from rag.service import Kompass
from rag.shapes import MODEL_PATH, fit_softmax


@dataclass
class Prepared:
    """One question's hits, shape and candidate features (independent of the weights)."""

    q: Question
    phrases: tuple[str, ...]
    hits: list[Hit]
    shape: str
    rows: list[Any]
    labels: np.ndarray


def label(unit_text: str, phrases: Sequence[str]) -> bool:
    text = answer_key(unit_text)
    return any(answer_key(p) in text or (len(text) > 30 and text in answer_key(p)) for p in phrases)


def prepare(kompass: Kompass, questions: Sequence[Question]) -> list[Prepared]:
    from rag.candidates import feature_rows

    shaped: ShapedAnswerer = kompass.extractive
    out = []
    for q in questions:
        hits = kompass.search(q.question, k=12).hits
        q_vec = shaped.query_vector(q.question) if shaped.query_vector else None
        rows = feature_rows(
            shaped.terms(q.question), q_vec, hits[: shaped.candidates], shaped.terms, shaped.vectors
        )
        labels = np.asarray([label(u.text, q.answer_phrases) for _, u, _ in rows])
        out.append(
            Prepared(q, q.answer_phrases, hits, shaped.shape_of(q.question, q_vec), rows, labels)
        )
    return out


def answer_with(p: Prepared, weights: Weights, shaped: ShapedAnswerer) -> Answer:
    draft = compose(p.q.question, p.shape, score_candidates(p.rows, weights), shaped.limits)
    return render(p.q.question, draft, p.hits)


def fit_weights(
    data: Sequence[Prepared], mask: Sequence[bool] | None = None, l2: float = 1.0
) -> Weights:
    """Binary logistic regression over the candidates of `data` (features masked out -> 0)."""
    x = np.asarray([r[2] for p in data for r in p.rows], dtype=np.float64)
    y = np.concatenate([p.labels for p in data]).astype(int)
    if mask is not None:
        x = x * np.asarray(mask, dtype=np.float64)
    w, b = fit_softmax(x, y, 2, l2=l2, steps=800)
    coef = w[1] - w[0]
    return Weights(tuple(round(float(c), 4) for c in coef), round(float(b[1] - b[0]), 4))


def fit_listwise(
    data: Sequence[Prepared],
    mask: Sequence[bool] | None = None,
    l2: float = 1e-4,
    steps: int = 3000,
) -> Weights:
    """Conditional logit: maximise, per question with a required sentence among its candidates,
    log(sum over required of e^s) - log(sum over all of e^s), s = w . x, plus l2 |w|^2.
    Full-batch gradient descent with Adam steps (convex; a few thousand rows)."""
    groups = [
        (np.asarray([r[2] for r in p.rows], dtype=np.float64), p.labels.astype(bool))
        for p in data
        if p.labels.any()
    ]
    d = len(FEATURES)
    m = np.ones(d) if mask is None else np.asarray(mask, dtype=np.float64)
    groups = [(x * m, y) for x, y in groups]
    w = np.zeros(d)
    mom, vel = np.zeros(d), np.zeros(d)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        g = 2 * l2 * w
        for x, y in groups:
            s = x @ w
            e = np.exp(s - s.max())
            p_all = e / e.sum()
            p_pos = e[y] / e[y].sum()
            g -= (x[y].T @ p_pos - x.T @ p_all) / len(groups)
        mom = b1 * mom + (1 - b1) * g
        vel = b2 * vel + (1 - b2) * g * g
        w -= lr * (mom / (1 - b1**t)) / (np.sqrt(vel / (1 - b2**t)) + 1e-8)
    return Weights(tuple(round(float(c), 4) for c in w * m), 0.0)


OBJECTIVES = {"binary": fit_weights, "listwise": fit_listwise}


def required_share(data: Sequence[Prepared], weights: Weights, shaped: ShapedAnswerer) -> float:
    judged = [p for p in data if p.phrases]
    hits = [score_answer(p.q, answer_with(p, weights, shaped), "x")["required"] for p in judged]
    return round(float(np.mean(hits)), 4) if hits else 0.0


def masks() -> dict[str, list[bool] | None]:
    def only(*names: str) -> list[bool]:
        return [f in names for f in FEATURES]

    return {
        "all features": None,
        "lexical + rank (no sentence vectors)": only(
            "lex", "rank", "dense_gap", "first", "short", "item"
        ),
        "sentence vectors + rank": only(
            "sim", "sim_gap", "rank", "dense_gap", "first", "short", "item"
        ),
        "sentence vectors only": only("sim", "sim_gap"),
    }


def alternatives() -> dict[str, tuple[str, list[bool] | None]]:
    """'objective / feature set' -> (objective, mask)."""
    return {f"{obj} / {name}": (obj, mask) for obj in OBJECTIVES for name, mask in masks().items()}


def cross_validate(data: list[Prepared], shaped: ShapedAnswerer) -> dict[str, Any]:
    y = np.asarray([hash_kind(p.q.kind) for p in data])
    out: dict[str, Any] = {}
    for name, (obj, mask) in alternatives().items():
        scores = []
        for test in folds(y):
            held = set(test)
            train = [data[i] for i in range(len(data)) if i not in held]
            w = OBJECTIVES[obj](train, mask)
            scores.append((required_share([data[i] for i in test], w, shaped), len(test)))
        out[name] = round(sum(s * n for s, n in scores) / sum(n for _, n in scores), 4)
    out["prior weights (unfitted)"] = required_share(data, Weights.default(), shaped)
    return out


def hash_kind(kind: str) -> int:
    return ["process", "fact", "vision", "registry", "comparison"].index(kind)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.answer_fit")
    ap.add_argument("--questions", default=str(QUESTIONS))
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--cache-dir", default="/work/cache/eval-cache")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    questions = load_questions(args.questions)
    with open_kompass(Path(args.data_dir) if args.data_dir else None, Path(args.cache_dir)) as k:
        data = prepare(k, questions)
        cv = cross_validate(data, k.extractive)
        best = max(alternatives(), key=lambda name: cv[name])  # the alternative kept: best by CV
        obj, mask = alternatives()[best]
        final = OBJECTIVES[obj](data, mask)
    result = {
        "cv_required": cv,
        "chosen": best,
        "weights": {"features": FEATURES, "coef": final.coef, "bias": final.bias},
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.write:
        model = json.loads(MODEL_PATH.read_text(encoding="utf-8")) if MODEL_PATH.exists() else {}
        model["weights"] = {
            "features": list(FEATURES),
            "coef": list(final.coef),
            "bias": final.bias,
        }
        model["weights_cv"] = {**cv, "chosen": best}
        MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
