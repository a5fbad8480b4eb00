"""Calibrate the answerer's "nothing relevant" floor for an embedding model.

The extractive answerer answers when the best hit's dense cosine reaches a floor, or when the
question's words appear in the top hits (`rag.answer.is_relevant`). Cosines live on a
different scale for every model (multilingual-e5 puts nearly everything between 0.80 and 0.91),
so the floor is per model. This measures, for a configuration's index: the best hit's cosine
for every gold question (all answerable) and for off-topic questions (`offtopic.txt`, none
answerable), and for each candidate floor the share of gold questions answered and of
off-topic questions refused, with the keyword rule in place as in the product.

    python -m evals.calibrate --config eg-hybrid-w2-facets --cache-dir /work/cache/eval-cache
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from evals.configs import get_config
from evals.indexes import built_index
from evals.judgements import load_questions
from evals.runner import QUESTIONS
from rag.answer import is_relevant
from rag.core.settings import ROOT
from rag.retrieval import Retriever

OFFTOPIC = Path(__file__).resolve().parent / "offtopic.txt"


def top_scores(retriever: Retriever, questions: list[str]) -> list[tuple[float, Any]]:
    """(best dense cosine, hits) per question."""
    out = []
    for q in questions:
        hits = retriever.search(q, k=12).hits
        out.append((float(hits[0].dense_score or 0.0) if hits else 0.0, hits))
    return out


def sweep(gold: list, off: list, terms: Any, gold_q: list[str], off_q: list[str]) -> list[dict]:
    rows = []
    for floor in np.round(np.arange(0.30, 0.95, 0.02), 2):
        answered = [
            is_relevant(terms(q), h, terms, float(floor))
            for q, (_, h) in zip(gold_q, gold, strict=True)
        ]
        refused = [
            not is_relevant(terms(q), h, terms, float(floor))
            for q, (_, h) in zip(off_q, off, strict=True)
        ]
        rows.append({"floor": float(floor), "gold_answered": round(float(np.mean(answered)), 3),
                     "offtopic_refused": round(float(np.mean(refused)), 3)})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.calibrate")
    ap.add_argument("--config", required=True)
    ap.add_argument("--cache-dir", default=str(ROOT / "data" / "eval-cache"))
    args = ap.parse_args(argv)
    cfg = get_config(args.config)
    gold_q = [q.question for q in load_questions(QUESTIONS)]
    off_q = [ln.strip() for ln in OFFTOPIC.read_text(encoding="utf-8").splitlines() if ln.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache_dir) / "embeddings.sqlite"
        with built_index(cfg, Path(tmp), cache, ROOT / "corpus") as built:
            assert built.store is not None
            r = Retriever(built.store, built.embedder, cfg.retrieval_settings(), built.keywords)
            gold, off = top_scores(r, gold_q), top_scores(r, off_q)
            terms = built.keywords.terms
            result = {
                "config": cfg.name,
                "gold_top_cosine": np.percentile([s for s, _ in gold], [5, 25, 50]).round(3).tolist(),
                "offtopic_top_cosine": np.percentile([s for s, _ in off], [50, 95, 100]).round(3).tolist(),
                "sweep": sweep(gold, off, terms, gold_q, off_q),
            }  # fmt: skip
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
