"""Crash safety: `kompass ingest` (also `--rebuild`) and `kompass crawl` are SIGKILLed at
random points, then run to completion; the index, the ingest state and the snapshot store must
still agree.

What "agree" means (checked by `check_index_and_state`):
- no duplicate chunks: chunk ids are unique, points == sum of the state's per-document counts;
- no orphan chunks: every chunk's document is in the state, with exactly that many chunks;
- no lost documents: every catalogue document (or every document of a clean reference run)
  is indexed, with the same chunk ids as a run that was never interrupted;
- no half-written files: the state and every snapshot record parse; leftover temp files of
  atomic writes (a kill between mkstemp and rename) are harmless and counted;
- a final re-run embeds nothing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.catalogue import load_catalogue
from ingest.pipeline import ingest
from ingest.registry import load_registry
from ingest.snapshots import SnapshotStore
from ingest.state import IngestState
from rag.core.settings import EmbeddingSettings, Settings
from rag.index.edge import EdgeStore
from tests.conftest import ROOT
from tests.ingest.fixture_site import FixtureSite

pytestmark = pytest.mark.integration

MIN_KILLS = 5
MAX_ATTEMPTS = 20  # crawl
EXTRA_DOCS = 240  # small generated documents, so a run lasts long enough to be hit mid-way
SEED = int(os.environ.get("KOMPASS_CRASH_SEED", "20240611"))


# --- helpers -------------------------------------------------------------------------------


def kompass_env(data_dir: Path, corpus_dir: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMPASS_")}
    env.update(
        KOMPASS_DATA_DIR=str(data_dir),
        KOMPASS_EMBED_BACKEND="hashing",
        KOMPASS_CRAWL_DELAY_S="0",
        KOMPASS_CRAWL_READ_TIMEOUT_S="1",
        KOMPASS_CRAWL_CONNECT_TIMEOUT_S="1",
        KOMPASS_CRAWL_MAX_BYTES="1000000",
        KOMPASS_CRAWL_RETRIES="0",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    if corpus_dir is not None:
        env["KOMPASS_CORPUS_DIR"] = str(corpus_dir)
    return env


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli.main", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    proc = start([*args, "--json"], env)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def wait_for(condition: Any, proc: subprocess.Popen[str], timeout: float = 60.0) -> bool:
    """Poll until `condition()` holds; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("the process showed no activity in time")


def kill_now(proc: subprocess.Popen[str]) -> bool:
    """SIGKILL the process if it still runs; True if the kill landed mid-run."""
    if proc.poll() is not None:
        return False  # the caller reads its output and exit status
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    return True


def temp_leftovers(data_dir: Path) -> list[Path]:
    """Temp files of atomic writes (`.<name>.<random>[.tmp]`) a kill left behind."""
    return sorted(p for p in data_dir.rglob(".*") if p.is_file())


def chunk_payloads(data_dir: Path) -> list[dict[str, Any]]:
    store = EdgeStore(data_dir / "index")
    try:
        rows = list(store.payloads())
        assert store.count() == len(rows)
        return rows
    finally:
        store.close()


def check_index_and_state(data_dir: Path) -> dict[str, set[str]]:
    """Assert index and ingest state agree; return doc_id -> chunk ids."""
    raw = json.loads((data_dir / "ingest-state.json").read_text(encoding="utf-8"))
    assert raw["version"] == 1
    state = IngestState(data_dir / "ingest-state.json")
    payloads = chunk_payloads(data_dir)
    ids = [p["chunk_id"] for p in payloads]
    dupes = [c for c, n in Counter(ids).items() if n > 1]
    assert not dupes, f"duplicate chunks: {dupes[:5]}"
    by_doc: dict[str, set[str]] = {}
    for p in payloads:
        by_doc.setdefault(p["doc_id"], set()).add(p["chunk_id"])
    orphans = sorted(set(by_doc) - set(state.docs))
    assert not orphans, f"chunks of documents missing from the state: {orphans[:5]}"
    live = {d: st for d, st in state.docs.items() if not st.gone}
    assert len(payloads) == sum(st.chunks for st in live.values())
    wrong = {d: (st.chunks, len(by_doc.get(d, ()))) for d, st in live.items()}
    wrong = {d: v for d, v in wrong.items() if v[0] != v[1]}
    assert not wrong, f"state and index disagree (state, index): {wrong}"
    return by_doc


def assert_same_chunks(got: dict[str, set[str]], want: dict[str, set[str]]) -> None:
    """Same documents with the same chunk ids; the message names what differs."""
    diff = {
        d: {"missing": len(want.get(d, set()) - got.get(d, set())),
            "extra": len(got.get(d, set()) - want.get(d, set()))}
        for d in sorted(set(got) | set(want))
        if got.get(d) != want.get(d)
    }  # fmt: skip
    assert not diff, f"{len(diff)} documents differ from the reference run: {diff}"


def corpus_settings(data_dir: Path, corpus: Path) -> Settings:
    return Settings(
        data_dir=data_dir, corpus_dir=corpus, embed=EmbeddingSettings(backend="hashing")
    )


def synthetic_corpus(tmp: Path, extra: int = EXTRA_DOCS) -> Path:
    """The shipped corpus plus `extra` small Markdown documents (documents.csv rows)."""
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    words = (ROOT / "corpus/seeds/000_e8a4eb28e11c6484.txt").read_text(encoding="utf-8").split()
    rng = random.Random(7)
    rows = []
    (corpus / "synth").mkdir()
    for i in range(extra):
        paras = [" ".join(rng.choices(words, k=60)) + "." for _ in range(3)]
        body = f"# Testdokument {i}\n\n" + "\n\n## Abschnitt\n\n".join(paras) + "\n"
        (corpus / f"synth/doc_{i:04d}.md").write_text(body, encoding="utf-8")
        rows.append(
            f"corpus/synth/doc_{i:04d}.md,synth-{i:04d},Testdokument {i},,,Brandenburg,,2024,"
            f"https://synth.example/{i},CC0,markdown,,Test\n"
        )
    with (corpus / "documents.csv").open("a", encoding="utf-8") as fh:
        fh.writelines(rows)
    return corpus


# --- ingest --------------------------------------------------------------------------------


def test_ingest_survives_sigkill(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    corpus = synthetic_corpus(tmp_path)
    reference = corpus_settings(tmp_path / "reference", corpus)
    took = finish(["ingest"], kompass_env(reference.data_dir, corpus))["took_s"]
    longest = min(1.5, max(0.1, 0.7 * took))  # a kill after activity lands before the end
    data = tmp_path / "data"
    env = kompass_env(data, corpus)
    state_path, edge = data / "ingest-state.json", data / "index" / "edge"
    kills: list[str] = []
    states_seen: list[int] = []

    def changed(before: int) -> Any:
        return lambda: state_path.exists() and state_path.stat().st_mtime_ns != before

    def deleting() -> bool:  # `--rebuild` has started to delete the old shard
        return not all((edge / n).exists() for n in ("segments", "wal", "edge_config.json"))

    def refilling(before: int) -> Any:  # `--rebuild` cleared the state, recorded documents
        return lambda: changed(before)() and state_path.stat().st_size > 2000

    # (label, arguments, trigger, delay after the trigger)
    plan: list[tuple[str, list[str], Any, float]] = [("create", [], edge.exists, 0.0)]
    plan += [("incremental", [], None, rng.uniform(0.05, longest)) for _ in range(3)]
    plan += [("rebuild-delete", ["--rebuild"], deleting, 0.0)]
    plan += [("rebuild", ["--rebuild"], refilling, rng.uniform(0.0, longest)) for _ in range(3)]
    attempts = 0
    for label, extra, trigger, delay in plan:
        attempts += 1
        before = state_path.stat().st_mtime_ns if state_path.exists() else 0
        proc = start(["ingest", *extra, "--json"], env)
        condition = refilling(before) if trigger is refilling else trigger or changed(before)
        if wait_for(condition, proc):
            time.sleep(delay)
            if kill_now(proc):
                kills.append(label)
                if state_path.exists():  # every kill must leave a state that parses
                    states_seen.append(len(IngestState(state_path).docs))
                continue
        _, err = proc.communicate()  # finished before the kill: it must have succeeded
        assert proc.returncode == 0, f"{label} run failed:\n{err[-3000:]}"

    leftovers = temp_leftovers(data)
    print(
        f"\ningest: {len(kills)} SIGKILLs survived in {attempts} runs ({', '.join(kills)}); "
        f"documents in the state after each kill: {states_seen}; "
        f"temp files left behind: {len(leftovers)}"
    )
    assert len(kills) >= MIN_KILLS, f"only {len(kills)} kills landed mid-run: {kills}"

    final = finish(["ingest"], env)
    assert not final["failed"], final["failed"]
    by_doc = check_index_and_state(data)

    settings = corpus_settings(data, corpus)
    rows = load_registry(settings.registry_path)
    catalogue = {s.meta.doc_id for s in load_catalogue(settings.documents_path, rows)}
    registry = {f"registry-{r.id}" for r in rows}
    missing = sorted((catalogue | registry) - set(by_doc))
    assert not missing, f"lost documents: {missing[:5]}"
    assert set(by_doc) == catalogue | registry

    assert_same_chunks(by_doc, check_index_and_state(reference.data_dir))  # never killed

    again = finish(["ingest"], env)
    assert again["embedded"] == 0 and again["removed"] == 0
    assert again["unchanged"] == len(by_doc) and not again["failed"]


def test_rebuild_killed_while_deleting_the_shard_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reset` (for --rebuild) dies inside rmtree: the next run must rebuild, not fail."""
    settings = corpus_settings(tmp_path / "data", ROOT / "corpus")
    doc = str(ROOT / "corpus/seeds/000_e8a4eb28e11c6484.txt")
    first = ingest(settings, paths=[doc])
    store = EdgeStore(settings.index_dir)

    def dying_rmtree(path: Any, ignore_errors: bool = False) -> None:
        for part in Path(path).glob("segments/*/segment.json"):
            part.unlink()  # half of the shard is gone when the process dies
        raise SystemExit("SIGKILL")

    monkeypatch.setattr("rag.index.edge.shutil.rmtree", dying_rmtree)
    with pytest.raises(SystemExit):
        store.reset()
    monkeypatch.undo()
    again = ingest(settings, paths=[doc])
    assert not again.failed and again.embedded == again.chunks == first.chunks > 0


# --- crawl ---------------------------------------------------------------------------------


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        running.state.slow_s = 1.5  # one slow page keeps every crawl busy for a while
        yield running


def check_snapshots(data_dir: Path) -> int:
    records = sorted((data_dir / "snapshots" / "records").glob("*.json"))
    for path in records:
        json.loads(path.read_text(encoding="utf-8"))  # a half-written record fails here
    store = SnapshotStore(data_dir / "snapshots")
    assert len(store.all()) == len(records)
    for snap in store.all():
        if snap.content_hash:
            assert store.body(snap.content_hash) is not None, f"body lost: {snap.url}"
    return len(records)


def test_crawl_survives_sigkill(site: FixtureSite, tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    data = tmp_path / "data"
    env = kompass_env(data)
    args = ["crawl", "--url", site.url("/strategien/"), "--allow-private"]
    kills, attempts = 0, 0
    while kills < MIN_KILLS and attempts < MAX_ATTEMPTS:
        attempts += 1
        seen = len(site.requests)
        proc = start([*args, "--json"], env)
        if wait_for(lambda s=seen: len(site.requests) > s, proc):
            time.sleep(rng.uniform(0.05, 1.5))
            if kill_now(proc):
                kills += 1
                continue
        _, err = proc.communicate()  # finished before the kill: it must have succeeded
        assert proc.returncode == 0, f"crawl run failed:\n{err[-3000:]}"
    leftovers = temp_leftovers(data)
    print(
        f"\ncrawl: {kills} SIGKILLs survived in {attempts} runs; "
        f"temp files left behind: {len(leftovers)}"
    )
    assert kills >= MIN_KILLS, f"only {kills} kills landed mid-run"
    check_snapshots(data)

    first = finish(args, env)
    assert first["indexed"] + first["unchanged"] >= 4, first
    by_doc = check_index_and_state(data)
    n_records = check_snapshots(data)

    reference_dir = tmp_path / "reference"
    finish(args, kompass_env(reference_dir))
    assert_same_chunks(by_doc, check_index_and_state(reference_dir))
    assert n_records == check_snapshots(reference_dir)

    again = finish(args, env)
    assert again["embedded"] == 0 and again["indexed"] == 0, again
    assert_same_chunks(by_doc, check_index_and_state(data))
