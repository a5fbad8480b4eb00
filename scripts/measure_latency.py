"""Issue #2 numbers: index build time, re-ingest time, warm search/ask p50 over 20 questions.

Usage: .venv/bin/python scripts/measure_latency.py [DATA_DIR]   (default /tmp/final-e5, wiped)
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rag.core.settings import Settings
from rag.service import Kompass


def timed_ingest(env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [".venv/bin/kompass", "ingest", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t0, out.stdout.strip()


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/final-e5")
    shutil.rmtree(data, ignore_errors=True)
    env = dict(os.environ, KOMPASS_DATA_DIR=str(data))
    for label in ("first", "second"):
        seconds, summary = timed_ingest(env)
        print(label, f"{seconds:.1f} s", summary)
    with open("evals/questions.jsonl", encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh][:20]
    with Kompass(Settings(data_dir=data)) as k:
        k.ask("Aufwärmen")
        search = [k.search(q).took_ms for q in questions]
        ask_cached = [k.ask(q).took_ms for q in questions]
    with Kompass(Settings(data_dir=data)) as k:
        k.ask("Aufwärmen")
        ask = [k.ask(q).took_ms for q in questions]
    print(
        f"search p50 {statistics.median(search):.1f} ms, ask p50 {statistics.median(ask):.1f} ms, "
        f"ask p50 with cached query vector {statistics.median(ask_cached):.1f} ms"
    )


if __name__ == "__main__":
    main()
