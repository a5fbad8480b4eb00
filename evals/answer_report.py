"""The "Answers" section of evals/REPORT.md, between `<!-- answers -->` markers.

`python -m evals.answer_report RESULT.json [...]` renders the stored answer-evaluation results
(`python -m evals.answers --out FILE`) into the section; the retrieval report
(`evals.report.write_report`) keeps the block when it rewrites REPORT.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

START, END = "<!-- answers -->", "<!-- /answers -->"
REPORT = Path(__file__).resolve().parent / "REPORT.md"
KINDS = ("process", "fact", "vision", "registry", "comparison")


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def kind_table(title: str, summary: dict[str, Any]) -> list[str]:
    """Per mode, overall and per kind: required / relevant share / questions / registry prose."""
    head = "| set | mode | " + " | ".join(f"{k}" for k in (*KINDS, "all")) + " |"
    lines = [head, "|---|---|" + "---:|" * (len(KINDS) + 1)]
    for mode, s in summary.items():
        cells = []
        for k in (*KINDS, "all"):
            m = s["overall"] if k == "all" else s["by_kind"].get(k)
            if not m:
                cells.append("–")
                continue
            cells.append(
                f"{_pct(m['required'])} / {_pct(m['relevant'])} / {m['question_stated']} / "
                f"{m['registry_prose']} (n={m['n']})"
            )
        lines.append(f"| {title} | {mode} | " + " | ".join(cells) + " |")
    return lines


def render(results: Sequence[dict[str, Any]], notes: str = "") -> str:
    """The section's Markdown: one table over all result files, then `notes`."""
    lines = [
        START,
        "## Answers",
        "",
        "Answer-level metrics (`python -m evals.answers`, `evals/answer_metrics.py`): per cell "
        "*required / relevant / questions / registry prose* — share of answers containing a "
        "required statement (`answer_phrases`, compared as `states_answer`), share of answer "
        "sentences whose [n] points to a passage judged relevant, number of answers stating a "
        "question, number of answers using a registry row as prose for a question not about "
        "municipalities (kinds other than registry / comparison). `baseline` is the previous "
        "extractive answerer (shared words + rank), `shaped` the default composer "
        "(`rag/compose.py`). Same retrieval (k = 12) for both.",
        "",
    ]
    for r in results:
        lines += kind_table(r["label"], r["summary"])
        lines.append("")
    if notes:
        lines += [notes.strip(), ""]
    lines.append(END)
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """`text` with its answers block replaced by `block` (appended when there is none)."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip("\n") + "\n\n" + block + "\n"


def keep_block(old: str, new: str) -> str:
    """The answers block of `old` carried into a freshly rendered `new` report."""
    m = re.search(re.escape(START) + r".*?" + re.escape(END), old, re.S)
    return replace_block(new, m.group(0)) if m else new


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.answer_report")
    ap.add_argument("results", nargs="+", help="label=FILE from `python -m evals.answers --out`")
    ap.add_argument("--notes", default=None, help="Markdown file appended to the section")
    ap.add_argument("--report", default=str(REPORT))
    args = ap.parse_args(argv)
    results = []
    for item in args.results:
        label, path = item.split("=", 1)
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        results.append({"label": label, "summary": data["summary"]})
    notes = Path(args.notes).read_text(encoding="utf-8") if args.notes else ""
    report = Path(args.report)
    report.write_text(replace_block(report.read_text(encoding="utf-8"), render(results, notes)))
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
