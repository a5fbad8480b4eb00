"""Build or grow corpus/sources.csv (documented in corpus/README.md).

    python scripts/make_registry.py \\
        --registry corpus/sources.csv \\
        --add ../shared/corpus-mirror/registry-additions.csv \\
        --mpsc ../shared/corpus-mirror/mpsc-73.csv \\
        --facts corpus/registry-facts.csv

Reads the registry (if it exists; the first build adds `../shared/corpus-mirror/
strategy-registry.csv` with `--add`), adds new rows with stable ids, marks the Modellprojekte
Smart Cities, fills empty cells from single sourced facts, derives members of joint strategies,
validates every row (ingest.registry) and writes the file only when something changed. Prints
what it changed; a second run changes nothing. `--check` fails (exit 1) instead of writing.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.registry import COLUMNS, parse_registry  # noqa: E402
from ingest.registry_merge import (  # noqa: E402
    MergeReport,
    add_rows,
    apply_facts,
    apply_programme,
    derive_members,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(fh)]


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in rows)
    return buf.getvalue()


def merge(
    registry: list[dict[str, str]],
    additions: list[list[dict[str, str]]],
    mpsc: list[dict[str, str]],
    facts: list[dict[str, str]],
) -> tuple[list[dict[str, str]], MergeReport]:
    """All steps in order; the caller validates and writes."""
    rows, report = registry, MergeReport()
    for batch in additions:
        rows, added = add_rows(rows, batch)
        report.extend(added)
    report.extend(apply_programme(rows, mpsc))
    report.extend(apply_facts(rows, facts))
    report.extend(derive_members(rows))
    return rows, report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--registry", type=Path, default=ROOT / "corpus/sources.csv")
    ap.add_argument("--add", type=Path, action="append", default=[], help="rows to add")
    ap.add_argument("--mpsc", type=Path, help="mpsc-73.csv")
    ap.add_argument("--facts", type=Path, help="id,field,value,source")
    ap.add_argument("--check", action="store_true", help="fail instead of writing changes")
    args = ap.parse_args(argv)
    registry = read_csv(args.registry) if args.registry.exists() else []
    before = render(registry) if registry else ""
    rows, report = merge(
        registry,
        [read_csv(p) for p in args.add],
        read_csv(args.mpsc) if args.mpsc else [],
        read_csv(args.facts) if args.facts else [],
    )
    text = render(rows)
    parse_registry(text.splitlines(keepends=True), args.registry.name)  # every row validated
    print("\n".join(report.lines()))
    if text == before:
        print(f"{args.registry}: unchanged ({len(rows)} rows)")
        return 0
    if args.check:
        print(f"{args.registry}: would change", file=sys.stderr)
        return 1
    args.registry.write_text(text, encoding="utf-8")
    print(f"{args.registry}: written ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
