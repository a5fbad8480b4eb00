"""Benchmarks: the embedded store at scale (synthetic) and warm end-to-end (real corpus).

`bench_store` and `bench_e2e` are the library functions behind `kompass bench store|e2e`;
`run_suite` is the one documented run behind evals/BENCH.md: e2e first, then each store size
in a fresh process (so peak RSS belongs to that size alone), largest last, then the plots.

    .venv/bin/python -m evals.bench suite                 # 10k, 100k, 1M + e2e (about an hour)
    .venv/bin/python -m evals.bench store --points 100000 --search auto --json
    .venv/bin/python -m evals.bench e2e --json
    .venv/bin/python -m evals.bench report                # markdown tables from the results
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals.bench_e2e import bench_e2e
from evals.bench_store import bench_store

__all__ = ["bench_e2e", "bench_store", "main", "markdown_tables", "plot", "run_suite"]

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "bench-results"
SIZES = (10_000, 100_000, 1_000_000)


def memory_cgroup(limit_mb: int) -> Path:
    """A fresh memory cgroup capped at `limit_mb` (v2 if it has the memory controller, else
    v1). Needs root; the error says so."""
    name = f"kompass-bench-{os.getpid()}"
    v2 = Path("/sys/fs/cgroup")
    try:
        if "memory" in (v2 / "cgroup.controllers").read_text().split():
            group = v2 / name
            group.mkdir(exist_ok=True)
            (group / "memory.max").write_text(str(limit_mb * 2**20))
            (group / "memory.swap.max").write_text("0")
            return group
    except OSError:
        pass
    try:
        group = Path("/sys/fs/cgroup/memory") / name
        group.mkdir(exist_ok=True)
        (group / "memory.limit_in_bytes").write_text(str(limit_mb * 2**20))
        return group
    except OSError as exc:
        raise SystemExit(
            f"--memory-limit-mb needs a writable memory cgroup (root, cgroup v1 or v2): {exc}"
        ) from exc


def _run_json(args: list[str], log: Path, cgroup: Path | None = None) -> dict[str, Any]:
    """Run `python -m evals.bench ARGS --json` in a fresh process; its last line is the JSON.
    With `cgroup`, the process runs inside it (its memory limit applies)."""
    cmd = [sys.executable, "-m", "evals.bench", *args, "--json"]

    def enter() -> None:
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text(str(os.getpid()))

    with log.open("a", encoding="utf-8") as err:
        out = subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=err, text=True, check=True, preexec_fn=enter
        )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_suite(
    sizes: Sequence[int] = SIZES,
    out_dir: Path = RESULTS,
    queries: int = 200,
    e2e: bool = True,
    memory_limit_mb: int | None = None,
) -> list[dict[str, Any]]:
    """e2e, then `bench store` per size (search=auto, both modes compared); JSON per run.
    With `memory_limit_mb`, each store run is confined to a memory cgroup of that size."""
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "suite.log"
    results = []
    if e2e:
        r = _run_json(["e2e"], log)
        (out_dir / "e2e.json").write_text(json.dumps(r, indent=1, ensure_ascii=False) + "\n")
    cgroup = memory_cgroup(memory_limit_mb) if memory_limit_mb else None
    try:
        for n in sorted(sizes):
            args = ["store", "--points", str(n), "--queries", str(queries), "--progress"]
            r = _run_json(args, log, cgroup)
            (out_dir / f"store-{n}.json").write_text(json.dumps(r, indent=1) + "\n")
            results.append(r)
    finally:
        if cgroup is not None:
            with contextlib.suppress(OSError):
                cgroup.rmdir()  # empty once its processes have exited
    plot(results, HERE)
    return results


def load_results(out_dir: Path = RESULTS) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    stores = [json.loads(p.read_text()) for p in out_dir.glob("store-*.json")]
    e2e = out_dir / "e2e.json"
    return sorted(stores, key=lambda r: r["points"]), (
        json.loads(e2e.read_text()) if e2e.exists() else None
    )


def plot(results: Sequence[dict[str, Any]], out_dir: Path = HERE) -> list[Path]:
    """bench-latency.png (p50/p95 vs N, exact and HNSW) and bench-memory.png (RSS, disk vs N)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = sorted(results, key=lambda r: r["points"])
    n = [r["points"] for r in rs]
    Get = Callable[[dict[str, Any]], float]
    Series = tuple[str, str, str, Get]  # label, line style, marker, value of one result

    def has(key: str) -> bool:
        return all(key in r for r in rs)

    def figure(series: list[Series], target: tuple[float, str], ylabel: str, title: str,
               name: str) -> Path:  # fmt: skip
        fig, ax = plt.subplots(figsize=(7, 4.2))
        for label, style, marker, get in series:
            ax.plot(n, [get(r) for r in rs], style, marker=marker, label=label)
        ax.axhline(target[0], color="grey", lw=0.8, ls=":", label=target[1])
        ax.set(xscale="log", yscale="log", xlabel="points", ylabel=ylabel, title=title)
        ax.legend(fontsize=7)
        fig.tight_layout()
        path = out_dir / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path

    def at(*keys: str) -> Get:
        def get(r: dict[str, Any]) -> float:
            for k in keys:
                r = r[k]
            return float(r)  # type: ignore[arg-type]

        return get

    latency: list[Series] = []
    for mode, style in (("exact", "--"), ("hnsw", "-")):
        if has(mode):
            latency += [
                (f"hybrid p50 ({mode})", style, "o", at(mode, "hybrid_p50_ms")),
                (f"hybrid p95 ({mode})", style, "^", at(mode, "hybrid_p95_ms")),
                (f"filtered p95 ({mode})", style, "s", at(mode, "filtered_p95_ms")),
            ]
    if has("legs"):
        latency += [
            ("dense leg alone p95 (auto)", ":", "x", at("legs", "dense_p95_ms")),
            ("BM25 leg alone p95 (auto)", ":", "+", at("legs", "sparse_p95_ms")),
        ]
    memory: list[Series] = [("peak RSS, load + build (MB)", "-", "o", at("build_rss_mb"))]
    if has("build_rss_anon_mb"):
        memory.append(("peak anonymous RSS, load + build (MB)", "-", "v", at("build_rss_anon_mb")))
    memory += [
        ("peak RSS, reopen + queries (MB)", "-", "^", at("serve_rss_mb")),
        ("disk (MB)", "-", "s", at("disk_mb")),
    ]
    return [
        figure(latency, (20, "target p95 20 ms"), "ms",
               "Embedded store: query latency vs size", "bench-latency.png"),
        figure(memory, (8192, "target RSS 8 GB"), "MB",
               "Embedded store: memory and disk vs size", "bench-memory.png"),
    ]  # fmt: skip


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def _pair(legs: dict[str, Any] | None, leg: str) -> str:
    if not legs:
        return "–"
    return f"{_fmt(legs[f'{leg}_p50_ms'])} / {_fmt(legs[f'{leg}_p95_ms'])}"


def _cgroup(cg: dict[str, Any] | None) -> str:
    if not cg or cg.get("limit_mb") is None:
        return "none"
    return f"{_fmt(cg['limit_mb'])} / {_fmt(cg['peak_mb'])}"


def markdown_tables(stores: Sequence[dict[str, Any]], e2e: dict[str, Any] | None) -> str:
    """The tables of evals/BENCH.md, from result dicts."""
    rows = [
        ("search (auto)", lambda r: r["search"]),
        ("upsert points/s", lambda r: r["upsert_per_s"]),
        ("build s (optimize: merge + HNSW)", lambda r: r["build_s"]),
        ("segments", lambda r: r["segments"]),
        ("hybrid p50 ms, exact", lambda r: r["exact"]["hybrid_p50_ms"]),
        ("hybrid p95 ms, exact", lambda r: r["exact"]["hybrid_p95_ms"]),
        ("filtered p95 ms, exact", lambda r: r["exact"]["filtered_p95_ms"]),
        ("hybrid p50 ms, HNSW", lambda r: r["hnsw"]["hybrid_p50_ms"]),
        ("hybrid p95 ms, HNSW", lambda r: r["hnsw"]["hybrid_p95_ms"]),
        ("filtered p95 ms, HNSW", lambda r: r["hnsw"]["filtered_p95_ms"]),
        ("dense leg alone p50 / p95 ms", lambda r: _pair(r.get("legs"), "dense")),
        ("BM25 leg alone p50 / p95 ms", lambda r: _pair(r.get("legs"), "sparse")),
        ("HNSW recall@10 (dense, synthetic)", lambda r: r["hnsw_recall_at_10"]),
        ("HNSW/exact hybrid top-10 overlap", lambda r: r["hnsw_hybrid_overlap_at_10"]),
        ("peak RSS MB, load + build", lambda r: r["build_rss_mb"]),
        ("peak anonymous RSS MB, load + build", lambda r: r.get("build_rss_anon_mb", "–")),
        ("cgroup memory limit / peak MB", lambda r: _cgroup(r.get("cgroup"))),
        ("peak RSS MB, reopen + queries", lambda r: r["serve_rss_mb"]),
        ("disk MB", lambda r: r["disk_mb"]),
        ("reopen s (open + first query)", lambda r: r["reopen_s"]),
    ]
    head = "| | " + " | ".join(f"{r['points']:,}" for r in stores) + " |"
    lines = [head, "|---" * (len(stores) + 1) + "|"]
    for label, get in rows:
        lines.append(f"| {label} | " + " | ".join(_fmt(get(r)) for r in stores) + " |")
    if e2e:
        lines += ["", "| e2e (real corpus, warm) | value |", "|---|---|"]
        for key in (
            "queries", "search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms",
            "ask_cached_p50_ms", "ask_cached_p95_ms", "query_embed_p50_ms", "query_embed_p95_ms",
            "ingest_passages_per_s", "embed_passages_per_s", "ingest_ratio",
        ):  # fmt: skip
            if key in e2e:
                lines.append(f"| {key} | {_fmt(e2e[key])} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("store", help="synthetic store benchmark")
    st.add_argument("--points", type=int, required=True)
    st.add_argument("--search", choices=("auto", "exact", "hnsw"), default="auto")
    st.add_argument("--queries", type=int, default=200)
    st.add_argument("--seed", type=int, default=0)
    st.add_argument("--data-dir", type=Path, default=None)
    st.add_argument("--progress", action="store_true", help="progress on stderr")
    st.add_argument("--json", action="store_true")
    e2 = sub.add_parser("e2e", help="warm end-to-end on the real corpus")
    e2.add_argument("--no-recall", action="store_true")
    e2.add_argument("--json", action="store_true")
    su = sub.add_parser("suite", help="the documented run: e2e, then each size, then plots")
    su.add_argument("--sizes", default=",".join(map(str, SIZES)))
    su.add_argument("--queries", type=int, default=200)
    su.add_argument("--out", type=Path, default=RESULTS)
    su.add_argument("--no-e2e", action="store_true")
    su.add_argument(
        "--memory-limit-mb", type=int, default=None, help="run each size in a memory cgroup"
    )
    sub.add_parser("report", help="markdown tables from evals/bench-results")
    a = p.parse_args(argv)
    if a.cmd == "store":
        r = bench_store(
            a.points,
            search=a.search,
            data_dir=a.data_dir,
            queries=a.queries,
            seed=a.seed,
            progress=a.progress or None,
        )
        print(json.dumps(r, indent=None if a.json else 1))
    elif a.cmd == "e2e":
        from rag.core.settings import Settings

        r = bench_e2e(Settings(), recall=not a.no_recall)
        print(json.dumps(r, indent=None if a.json else 1, ensure_ascii=False))
    elif a.cmd == "suite":
        sizes = [int(x) for x in a.sizes.split(",") if x]
        run_suite(sizes, a.out, a.queries, e2e=not a.no_e2e, memory_limit_mb=a.memory_limit_mb)
        print(markdown_tables(*load_results(a.out)))
    else:
        print(markdown_tables(*load_results()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
