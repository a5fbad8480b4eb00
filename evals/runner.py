"""Evaluation runner (orchestration): build each distinct index once (`evals.indexes`), run
the gold questions through every configuration (`evals.scoring`), and write one result file
per configuration with its provenance (`evals.provenance`) plus the report.

Example:
    >>> summary = run_eval(QUESTIONS, ["hybrid-header"], RESULTS_DIR, quick=False)  # doctest: +SKIP
    >>> summary["configs"]["hybrid-header"]["overall"]["ndcg@10"]                   # doctest: +SKIP
    0.84
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from evals.configs import CONFIGS, EvalConfig, IndexKey, default_config, get_config
from evals.indexes import MEMO_QUERIES, BuiltIndex, built_index, log, search_fn
from evals.judgements import Question, load_questions, matched_entries
from evals.metrics import citation_support
from evals.provenance import corpus_hash, file_hash, machine_info
from evals.scoring import Search, evaluate, percentiles
from rag.core.settings import ROOT, Settings
from rag.service import Kompass

EVALS = Path(__file__).resolve().parent
QUESTIONS = EVALS / "questions.jsonl"
RESULTS_DIR = EVALS / "results"
FLOOR = EVALS / "floor.json"


# --- the default configuration's extras: answers and misses -------------------------------


def citation_check(built: BuiltIndex, cfg: EvalConfig, questions: Sequence[Question]) -> dict:
    """`ask` through Kompass (extractive answerer): the share of citations whose quote is
    exact text of the cited passage and that passage is relevant; ask latency."""
    assert built.store is not None
    settings = built.settings.model_copy(update={"retrieval": cfg.retrieval_settings()})
    kompass = Kompass(settings, built.store, built.embedder, keywords=built.keywords)
    kompass.ask("Digitalstrategie")
    per_q, answered, took = [], 0, []
    for q in questions:
        answer = kompass.ask(q.question)
        took.append(answer.took_ms)
        checks = [
            c.quote in c.hit.passage.text
            and bool(matched_entries(c.hit.passage.doc.doc_id, c.hit.passage.text, q))
            for c in answer.citations
        ]
        answered += bool(answer.citations)
        per_q.append({"id": q.id, "support": citation_support(checks), "citations": len(checks)})
    return {
        "citation_support": round(float(np.mean([r["support"] for r in per_q])), 4),
        "answered": round(answered / max(1, len(questions)), 4),
        "ask_latency": percentiles(took),
        "questions": per_q,
    }


def deep_ranks(search: Search, questions: Sequence[Question], rows: Sequence[dict]) -> None:
    """For every entry missed in the top 10, its first rank in a 100-deep search (in place)."""
    by_id = {q.id: q for q in questions}
    for row in rows:
        if None not in row["entry_ranks"]:
            continue
        q = by_id[row["id"]]
        ranked = search(q.question, 100)
        matches = [matched_entries(d, t, q) for d, t in ranked]
        row["deep_ranks"] = [
            next((r for r, m in enumerate(matches, 1) if i in m), None)
            if row["entry_ranks"][i] is None
            else row["entry_ranks"][i]
            for i in range(len(q.relevant))
        ]


# --- the run ------------------------------------------------------------------------------


def grouped(configs: Sequence[EvalConfig]) -> list[list[EvalConfig]]:
    """Configurations grouped by the index they search, in first-seen order."""
    groups: dict[IndexKey, list[EvalConfig]] = {}
    for cfg in configs:
        groups.setdefault(cfg.index_key, []).append(cfg)
    return list(groups.values())


def evaluate_configs(
    configs: Sequence[EvalConfig],
    questions: Sequence[Question],
    *,
    corpus_dir: Path,
    cache_path: Path,
    default: EvalConfig | None = None,
    full: bool = True,
    repeats: int = 3,
) -> dict[str, dict[str, Any]]:
    """Build each distinct index once and evaluate every configuration on it.

    Misses' deep ranks and the `ask` citation check run for every configuration of ours
    (full) or only for the default (so the report can name any of them the default)."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="kompass-eval-") as tmp:
        for group in grouped(configs):
            with built_index(group[0], Path(tmp), cache_path, corpus_dir) as built:
                for cfg in group:
                    log(f"config {cfg.name} ({cfg.hash}): {len(questions)} questions")
                    res = evaluate(partial(search_fn, cfg, built), questions, repeats)
                    res["index"] = {
                        "slug": built.key.slug,
                        "chunks": built.chunks,
                        "build_s": built.build_s,
                        "embedded": built.embedded,
                    }
                    if built.store is not None and (default is None or cfg == default or full):
                        deep_ranks(search_fn(cfg, built), questions, res["questions"])
                        res["answers"] = citation_check(built, cfg, questions)
                    o = res["overall"]
                    log(
                        f"config {cfg.name}: nDCG@10 {o['ndcg@10']:.3f} R@10 {o['recall@10']:.3f}"
                        f" MRR {o['mrr@10']:.3f} p95 {res['latency']['p95_ms']:.0f} ms"
                    )
                    results[cfg.name] = {"config": cfg.to_json(), "hash": cfg.hash, **res}
    return results


def run_eval(
    questions_path: str | Path = QUESTIONS,
    configs: list[str] | None = None,
    out_dir: str | Path = RESULTS_DIR,
    quick: bool = False,
    *,
    cache_dir: str | Path | None = None,
    corpus_dir: str | Path | None = None,
    report_dir: str | Path | None = None,
    update_floor: bool = False,
    repeats: int = 3,
    extras_all: bool = True,
) -> dict[str, Any]:
    """Evaluate configurations on the gold set; write results (and, unless quick, the report).

    configs: names from `evals.configs` (None: all). quick: only the default configuration,
    no report or plot (the result file is still written). update_floor: record the default
    configuration's Recall@10 / nDCG@10 in evals/floor.json (the CI regression floor).
    Returns the run summary: per configuration its hash, overall / per-kind metrics,
    latency and result file.
    """
    from evals.report import write_report

    t0 = time.perf_counter()
    default = default_config()
    chosen = [get_config(n) for n in configs] if configs else list(CONFIGS)
    if quick:
        chosen = [default]
    questions = load_questions(questions_path)
    corpus = Path(corpus_dir) if corpus_dir else ROOT / "corpus"
    cache = Path(cache_dir) if cache_dir else Settings().data_dir / "eval-cache"
    out = Path(out_dir)
    log(f"{len(chosen)} configurations, {len(questions)} questions, cache {cache}")
    results = evaluate_configs(
        chosen,
        questions,
        corpus_dir=corpus,
        cache_path=cache / "embeddings.sqlite",
        default=default,
        full=extras_all,
        repeats=repeats,
    )
    run = {
        "date": date.today().isoformat(),
        "wall_s": round(time.perf_counter() - t0, 1),
        "questions_file": str(questions_path),
        "gold_hash": file_hash([Path(questions_path)], Path(questions_path).parent),
        "corpus_hash": corpus_hash(corpus),
        "machine": machine_info(),
        "default": default.name,
        "command": " ".join(["python -m evals", *sys.argv[1:]]),
    }
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"run": run, "configs": {}}
    for name, res in results.items():
        path = out / f"{run['date']}-{res['hash']}.json"
        path.write_text(json.dumps({"run": run, **res}, indent=1, ensure_ascii=False) + "\n")
        summary["configs"][name] = {
            "hash": res["hash"],
            "overall": res["overall"],
            "by_kind": res["by_kind"],
            "latency": res["latency"],
            "file": str(path),
        }
    if update_floor and default.name in results:
        write_floor(results[default.name], run, len(questions))
    if not quick:
        report = Path(report_dir) if report_dir else out.parent
        write_report([{"run": run, **r} for r in results.values()], report, default.name)
        summary["report"] = str(report / "REPORT.md")
    log(f"done in {run['wall_s']} s")
    return summary


def latest_results(out_dir: Path) -> list[dict[str, Any]]:
    """The newest result file of every registered configuration, in registry order."""
    found = []
    for cfg in CONFIGS:
        files = sorted(out_dir.glob(f"*-{cfg.hash}.json"))
        if files:
            found.append(json.loads(files[-1].read_text(encoding="utf-8")))
    return found


def report_only(out_dir: Path, report_dir: Path | None = None, update_floor: bool = False) -> Path:
    """Re-render REPORT.md and the plot from stored results, naming today's default."""
    from evals.report import write_report

    results = latest_results(out_dir)
    if not results:
        raise ValueError(f"keine Ergebnisse in {out_dir}")
    default = default_config()
    if update_floor:
        res = next((r for r in results if r["hash"] == default.hash), None)
        if res is None:
            raise ValueError(f"keine Ergebnisse für die Standardkonfiguration {default.name}")
        write_floor(res, res["run"], len(res["questions"]))
    return write_report(results, report_dir or out_dir.parent, default.name)


def write_floor(res: dict[str, Any], run: dict[str, Any], n_questions: int) -> Path:
    floor = {
        "config": res["config"]["name"],
        "hash": res["hash"],
        "questions": n_questions,
        "gold_hash": run["gold_hash"],
        "recall@10": res["overall"]["recall@10"],
        "ndcg@10": res["overall"]["ndcg@10"],
        "measured": run["date"],
    }
    FLOOR.write_text(json.dumps(floor, indent=1) + "\n", encoding="utf-8")
    return FLOOR


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m evals [--config NAME ...] [--quick] [--out DIR] [--json]`"""
    ap = argparse.ArgumentParser(prog="python -m evals", description=__doc__.split("\n")[0])
    ap.add_argument("--questions", default=str(QUESTIONS), help="gold set (JSONL)")
    ap.add_argument("--config", action="append", dest="configs", help="configuration name")
    ap.add_argument("--out", default=str(RESULTS_DIR), help="result directory")
    ap.add_argument("--cache-dir", default=None, help="passage embedding cache directory")
    ap.add_argument("--quick", action="store_true", help="default configuration only")
    ap.add_argument("--update-floor", action="store_true", help="rewrite evals/floor.json")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes per question")
    ap.add_argument(
        "--memo-queries",
        action="store_true",
        help="reuse query vectors across configurations (quality sweep; latency not valid)",
    )
    ap.add_argument(
        "--extras-default-only",
        action="store_true",
        help="misses' deep ranks and the ask citation check for the default only (a sweep)",
    )
    ap.add_argument("--report-only", action="store_true", help="re-render REPORT.md only")
    ap.add_argument("--list", action="store_true", help="list configurations and exit")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)
    if args.list:
        for cfg in CONFIGS:
            print(f"{cfg.name:28} {cfg.hash}  {cfg.description}")
        return 0
    MEMO_QUERIES["on"] = args.memo_queries
    if args.report_only:
        print(report_only(Path(args.out), update_floor=args.update_floor))
        return 0
    try:
        summary = run_eval(
            args.questions,
            args.configs,
            args.out,
            args.quick,
            cache_dir=args.cache_dir,
            update_floor=args.update_floor,
            repeats=args.repeats,
            extras_all=not args.extras_default_only,
        )
    except (ValueError, OSError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    else:
        for name, s in summary["configs"].items():
            o = s["overall"]
            print(
                f"{name:28} nDCG@10 {o['ndcg@10']:.3f}  R@10 {o['recall@10']:.3f}  "
                f"MRR@10 {o['mrr@10']:.3f}  p95 {s['latency']['p95_ms']:.0f} ms"
            )
    return 0
