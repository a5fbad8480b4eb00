"""Fit and test the answerability model (rag.answerable): answer, or say nothing was found.

Training: the gold questions (all answerable), evals/offtopic.txt (none) and
evals/scope-train.jsonl (short in-scope and short off-topic questions written for this).
Test, never fitted on: evals/scope-test.jsonl (100 questions written by a helper who did not
read the code: short and long in-scope, plain and near-domain off-topic; notes in
evals/scope-test.md), the held-out gold questions and the three starter questions of the app.
The previous keyword rule (`rag.answer.is_relevant` with the calibrated dense floor) is scored
on the same questions.

    python -m evals.scope --cache-dir /work/cache/eval-cache [--data-dir DIR] [--write]

--write stores the fitted model in rag/answer_model.json ("scope", one entry per model and
query task, `KOMPASS_EMBED_QUERY_TASK`).
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

from evals.answers import HELDOUT, QUESTIONS, open_kompass
from evals.judgements import load_questions
from rag.answer import is_relevant
from rag.answerable import DEFAULT_SCOPE, MODEL_PATH, ScopeModel, own_cosine
from rag.embedding import dense_floor
from rag.service import Kompass
from rag.shapes import fit_softmax, standardise

EVALS = Path(__file__).resolve().parent
STARTERS = (
    "Wo fangen wir an?",
    "Wie formulieren wir eine Vision?",
    "Welche Handlungsfelder wählen Kommunen wie wir?",
)


@dataclass(frozen=True)
class Row:
    group: str
    question: str
    answerable: bool
    own: float
    scoped: float
    keyword_rule: bool


def question_sets() -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, bool]]]:
    """(group, question, answerable) for training and for testing."""
    train = [("gold", q.question, True) for q in load_questions(QUESTIONS)]
    off = (EVALS / "offtopic.txt").read_text(encoding="utf-8").splitlines()
    train += [("offtopic", q.strip(), False) for q in off if q.strip()]
    test = [("heldout", q.question, True) for q in load_questions(HELDOUT)]
    test += [("starter", q, True) for q in STARTERS]
    for name, target in (("scope-train.jsonl", train), ("scope-test.jsonl", test)):
        for line in (EVALS / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            target.append((d["group"], d["question"], bool(d["answerable"])))
    return train, test


def measure(kompass: Kompass, items: Sequence[tuple[str, str, bool]], scope: str) -> list[Row]:
    terms = kompass.keywords.terms
    floor = dense_floor(kompass.embedder, kompass.settings.retrieval.min_dense_score)
    rows = []
    for group, q, y in items:
        hits = kompass.search(q, k=12).hits
        rows.append(Row(group, q, y, own_cosine(hits), kompass.retriever.dense_top(scope + q),
                        is_relevant(terms(q), hits, terms, floor)))  # fmt: skip
    return rows


def fit(
    rows: Sequence[Row], embed_model: str, scope: str, query_task: str = "search result"
) -> ScopeModel:
    """Class-balanced logistic regression on (own, scoped), mapped back to raw cosines."""
    x = np.asarray([[r.own, r.scoped] for r in rows], dtype=np.float64)
    y = np.asarray([int(r.answerable) for r in rows])
    mean, scale = standardise(x)
    w, b = fit_softmax((x - mean) / scale, y, 2, l2=1.0, steps=2000)
    d = (w[1] - w[0]).astype(np.float64) / scale
    bias = float(b[1] - b[0]) - float(d @ mean)
    # The lower envelope of the scoped cosine as a line in the own cosine: the slope of a
    # least-squares fit, shifted down until every fitting question lies on or above it.
    slope = float(np.polyfit(x[:, 0], x[:, 1], 1)[0])
    floor = float((x[:, 1] - slope * x[:, 0]).min())
    return ScopeModel(
        embed_model, scope, (float(d[0]), float(d[1])), bias, (floor, slope), query_task
    )


def cross_validate(rows: Sequence[Row], embed_model: str, scope: str, k: int = 5) -> float:
    idx = np.arange(len(rows))
    right = 0
    for f in range(k):
        test = idx[f::k]
        model = fit([rows[i] for i in idx if i % k != f], embed_model, scope)
        right += sum(model.answerable(rows[i].own, rows[i].scoped) == rows[i].answerable
                     for i in test)  # fmt: skip
    return right / len(rows)


def scores(rows: Sequence[Row], decide: Any) -> dict[str, Any]:
    """Per group accuracy, and precision / recall of answering."""
    out: dict[str, Any] = {}
    for g in dict.fromkeys(r.group for r in rows):
        mine = [r for r in rows if r.group == g]
        out[g] = {"n": len(mine), "correct": round(sum(decide(r) == r.answerable for r in mine) / len(mine), 3)}  # fmt: skip
    said = [r for r in rows if decide(r)]
    pos = [r for r in rows if r.answerable]
    out["precision_answer"] = round(sum(r.answerable for r in said) / max(1, len(said)), 3)
    out["recall_answer"] = round(sum(decide(r) for r in pos) / max(1, len(pos)), 3)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.scope", description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=None, help="existing index (else built in a temp dir)")
    ap.add_argument("--cache-dir", default=str(EVALS.parent / "data" / "eval-cache"))
    ap.add_argument("--backend", default="embeddinggemma")
    ap.add_argument("--scope", default=DEFAULT_SCOPE)
    ap.add_argument("--write", action="store_true", help="store the model in answer_model.json")
    ap.add_argument("--out", default=None, help="rows and results as JSON")
    args = ap.parse_args(argv)
    train_q, test_q = question_sets()
    data_dir = Path(args.data_dir) if args.data_dir else None
    with open_kompass(data_dir, Path(args.cache_dir), args.backend) as kompass:
        name, task = kompass.embedder.name, kompass.settings.embed.query_task
        train, test = measure(kompass, train_q, args.scope), measure(kompass, test_q, args.scope)
    model = fit(train, name, args.scope, task)
    result = {
        "model": model.to_json(),
        "cv_accuracy_train": round(cross_validate(train, name, args.scope), 3),
        "model_test": scores(test, lambda r: model.answerable(r.own, r.scoped)),
        "keyword_rule_test": scores(test, lambda r: r.keyword_rule),
        "model_train": scores(train, lambda r: model.answerable(r.own, r.scoped)),
        "keyword_rule_train": scores(train, lambda r: r.keyword_rule),
    }
    for part, rows in (("model_test", test), ("model_train", train)):
        result[part]["needs_scope"] = round(
            float(np.mean([not model.clear_without_scope(r.own) for r in rows])), 3
        )
    print(json.dumps(result, indent=1, ensure_ascii=False))
    for r in test:
        if model.answerable(r.own, r.scoped) != r.answerable:
            print(f"wrong: {r.group:16} own {r.own:.3f} scoped {r.scoped:.3f}  {r.question}")
    if args.out:
        Path(args.out).write_text(json.dumps(
            {"result": result, "rows": [r.__dict__ for r in train + test]},
            indent=1, ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    if args.write:
        data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        kept = [m for m in data.get("scope", []) if not ScopeModel.from_json(m).fits(name, task)]
        data["scope"] = [*kept, model.to_json()]
        MODEL_PATH.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
