"""Load test: concurrent readers and one editor on the same open index, in one process.

`run_load` opens one `Kompass` (as the app does: one per process, shared by all sessions) and
starts N client threads that call `Kompass.search` and `Kompass.ask` with the gold questions
(every fourth request a new wording, so the query embedder runs too), while an editor thread
publishes documents through `ingest.intake.preview` + `publish` with an `Indexer` built on the
SAME open store and embedder, and removes them again (`remove_document`). Any exception in a
client or in the editor counts as an error. At the end the index must agree with what the
editor left, and the last published document must be findable.

The run works on a copy of the data directory (the editor writes uploads and documents).

    python -m evals.load --clients 20 --seconds 60        # index in KOMPASS_DATA_DIR
    python -m evals.load --clients 4 --seconds 5 --json

Example:
    >>> report = run_load(settings, clients=4, seconds=5)      # doctest: +SKIP
    >>> report.errors                                          # doctest: +SKIP
    0
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.judgements import load_questions
from evals.resources import machine_info, percentile
from rag.core.settings import ROOT, Settings
from rag.embedding.sentence_vectors import FILE_NAME as SENTENCE_VECTORS
from rag.service import Kompass

QUESTIONS = ROOT / "evals" / "questions.jsonl"
EDITOR_KEEP = 3  # documents the editor keeps published; older ones are removed again


@dataclass
class LoadReport:
    """What one run measured (JSON via `to_json`)."""

    clients: int
    seconds: float
    requests: int = 0
    searches: int = 0
    asks: int = 0
    errors: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    per_s: float = 0.0
    editor_published: int = 0
    editor_removed: int = 0
    editor_embedded: int = 0
    editor_p95_ms: float = 0.0
    consistent: bool = False
    error_samples: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("seconds", "p50_ms", "p95_ms", "max_ms", "per_s", "editor_p95_ms"):
            data[key] = round(data[key], 1)
        return data


class _Tally:
    """Latencies and errors, appended from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies_ms: list[float] = []
        self.counts = {"search": 0, "ask": 0}
        self.errors: list[str] = []

    def ok(self, op: str, ms: float) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            self.counts[op] += 1

    def error(self, where: str, exc: BaseException) -> None:
        with self.lock:
            self.errors.append(f"{where}: {type(exc).__name__}: {exc}")
            if len(self.errors) <= 3:
                traceback.print_exception(exc, file=sys.stderr)


def _client(
    kompass: Kompass, questions: list[str], n: int, stop: threading.Event, t: _Tally
) -> None:
    i = n  # clients start at different questions
    while not stop.is_set():
        question = questions[i % len(questions)]
        if i % 4 == 3:
            question = f"{question} (Anfrage {n}-{i})"  # a new wording: the embedder runs
        op = "search" if i % 2 == 0 else "ask"
        t0 = time.perf_counter()
        try:
            if op == "search":
                kompass.search(question, k=10)
            else:
                kompass.ask(question, k=6)
            t.ok(op, (time.perf_counter() - t0) * 1000)
        except Exception as exc:  # the point of a load test: count, never crash
            t.error(f"client {n} {op}", exc)
        i += 1


def editor_document(n: int) -> bytes:
    """A small, unique Markdown strategy (unique text, so every publish embeds)."""
    return (
        f"# Lasttest-Strategie {n}\n\n"
        f"## Vision\n\nDie Lastgemeinde {n} wird bis 2030 digital, offen und nah: "
        f"Kennwort lastprobe{n}.\n\n"
        "## Maßnahmen\n\nBreitband für jeden Ortsteil, digitale Anträge im Rathaus, "
        "offene Daten und Beteiligung der Bürgerinnen und Bürger.\n"
    ).encode()


class _Editor:
    """Publishes and removes documents through the intake functions, like the Redaktion."""

    def __init__(self, settings: Settings, kompass: Kompass) -> None:
        from ingest.pipeline import Indexer

        self.settings = settings
        self.indexer = Indexer(settings, store=kompass.store, embedder=kompass.embedder)
        self.live: list[str] = []
        self.gone: list[str] = []
        self.published = self.removed = self.embedded = 0
        self.latencies_ms: list[float] = []

    def step(self, n: int) -> None:
        from ingest.intake import preview, publish, remove_document

        t0 = time.perf_counter()
        pre = preview(
            self.settings,
            file_name=f"lasttest-{n}.md",
            content=editor_document(n),
            meta={"municipality": f"Lastgemeinde {n}", "state": "Brandenburg", "year": 2024},
        )
        self.embedded += publish(self.settings, pre, self.indexer)["embedded"]
        self.published += 1
        self.live.append(pre.doc_id)
        if len(self.live) > EDITOR_KEEP:
            remove_document(self.settings, self.live[0], self.indexer)
            self.gone.append(self.live.pop(0))
            self.removed += 1
        self.latencies_ms.append((time.perf_counter() - t0) * 1000)

    def run(self, stop: threading.Event, t: _Tally) -> None:
        n = 0
        while not stop.is_set():
            try:
                self.step(n)
            except Exception as exc:
                t.error(f"editor step {n}", exc)
            n += 1
            stop.wait(0.05)


def _consistent(kompass: Kompass, editor: _Editor | None) -> bool:
    """The store holds exactly the editor's live documents, and the newest is findable."""
    if editor is None:
        return True
    stored = set(kompass.store.chunk_ids().values())
    live_ok = all(d in stored for d in editor.live)
    gone_ok = not any(d in stored for d in editor.gone)
    if not editor.live:
        return live_ok and gone_ok
    newest = editor.live[-1]
    n = editor.published - 1
    hits = kompass.search(f"Lastgemeinde {n} lastprobe{n}", k=5).hits
    return live_ok and gone_ok and any(h.passage.doc.doc_id == newest for h in hits)


def run_load(
    settings: Settings,
    clients: int = 20,
    seconds: float = 60.0,
    questions: list[str] | None = None,
    editor: bool = True,
) -> LoadReport:
    """Run clients (and the editor) against `settings`' index for `seconds`; see module doc."""
    qs = questions or [q.question for q in load_questions(QUESTIONS)]
    tally, stop = _Tally(), threading.Event()
    report = LoadReport(clients=clients, seconds=seconds, machine=machine_info())
    with Kompass(settings) as kompass:
        kompass.search(qs[0])  # warm: models loaded, first query embedded
        ed = _Editor(settings, kompass) if editor else None
        threads = [
            threading.Thread(target=_client, args=(kompass, qs, n, stop, tally), daemon=True)
            for n in range(clients)
        ]
        if ed is not None:
            threads.append(threading.Thread(target=ed.run, args=(stop, tally), daemon=True))
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        stop.wait(seconds)
        stop.set()
        for th in threads:
            th.join(timeout=120)
        report.seconds = time.perf_counter() - t0
        report.consistent = _consistent(kompass, ed)
    lat = tally.latencies_ms
    report.requests, report.errors = len(lat) + len(tally.errors), len(tally.errors)
    report.searches, report.asks = tally.counts["search"], tally.counts["ask"]
    report.p50_ms, report.p95_ms = percentile(lat, 50), percentile(lat, 95)
    report.max_ms = max(lat, default=0.0)
    report.per_s = len(lat) / report.seconds
    report.error_samples = tally.errors[:5]
    if ed is not None:
        report.editor_published, report.editor_removed = ed.published, ed.removed
        report.editor_embedded, report.editor_p95_ms = ed.embedded, percentile(ed.latencies_ms, 95)
    return report


def copy_data_dir(source: Path, target: Path) -> None:
    """Copy the index, the ingest state and the answers' sentence vectors (what the load test
    reads and changes; without the sentence vectors every answer would embed its sentences)."""
    shutil.copytree(source / "index", target / "index")
    for name in ("ingest-state.json", SENTENCE_VECTORS):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-editor", action="store_true", help="readers only")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="kompass-load-") as tmp:
        copy_data_dir(settings.data_dir, Path(tmp))
        run = settings.model_copy(update={"data_dir": Path(tmp)})
        report = run_load(run, args.clients, args.seconds, editor=not args.no_editor)
    data = report.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(
            f"{data['clients']} Clients, {data['seconds']} s: {data['requests']} Anfragen "
            f"({data['per_s']}/s; search {data['searches']}, ask {data['asks']}), "
            f"Fehler {data['errors']}; Latenz p50 {data['p50_ms']} ms, p95 {data['p95_ms']} ms, "
            f"max {data['max_ms']} ms; Redaktion: {data['editor_published']} veröffentlicht, "
            f"{data['editor_removed']} entfernt, p95 {data['editor_p95_ms']} ms; "
            f"Index konsistent: {data['consistent']}"
        )
        for sample in data["error_samples"]:
            print(f"  FEHLER {sample}")
    return 0 if report.errors == 0 and report.consistent else 1


if __name__ == "__main__":
    sys.exit(main())
