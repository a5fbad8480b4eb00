"""Move an index between backends without re-embedding: export to one file, import elsewhere.

The file is gzip-compressed JSON Lines. Line 1 is a header with the manifest; every further
line is one point: its payload (the schema's payload fields), the dense vector as base64 of
little-endian float32 (bit-exact, a third of the size of JSON numbers) and the sparse vector.

    {"format": "strategiekompass-index", "version": 1, "manifest": {...}, "points": 673}
    {"payload": {...}, "dense": "<base64 float32>", "sparse": [[17, 4093], [1.2, 0.8]]}

Typical use: build with the embedded engine on a laptop, then load a Qdrant server.

Example:
    >>> n = export_index(EdgeStore(Path("data/index")), Path("index.jsonl.gz"))   # doctest: +SKIP
    >>> import_index(Path("index.jsonl.gz"), ClientStore.connect(url, None, "strategiekompass"))  # doctest: +SKIP
    673
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from rag.core.errors import IndexMissingError, KompassError
from rag.index.schema import Manifest, passage_from_payload, passage_payload
from rag.index.store import IndexStore, StoredPoint

FORMAT = "strategiekompass-index"
VERSION = 1
BATCH = 512


def _point_line(sp: StoredPoint) -> str:
    dense = np.asarray(sp.dense, dtype="<f4")
    record = {
        "payload": passage_payload(sp.passage),
        "dense": base64.b64encode(dense.tobytes()).decode("ascii"),
        "sparse": [list(map(int, sp.sparse[0])), list(map(float, sp.sparse[1]))],
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _point_from(record: dict[str, Any], dim: int) -> StoredPoint:
    dense = np.frombuffer(base64.b64decode(record["dense"]), dtype="<f4").astype(np.float32)
    if dense.shape != (dim,):
        raise KompassError(f"Vektor mit {dense.size} statt {dim} Dimensionen in der Exportdatei")
    idx, vals = record["sparse"]
    return StoredPoint(passage_from_payload(record["payload"]), dense, (idx, vals))


def export_index(store: IndexStore, path: Path) -> int:
    """Write every point of `store` (vectors, sparse vectors, payloads) and its manifest.

    Written to a temporary file beside `path` and renamed, so a crash leaves no half file.
    Returns the number of points written.
    """
    if store.manifest is None:
        raise IndexMissingError("Kein Index zum Exportieren")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    header = {
        "format": FORMAT,
        "version": VERSION,
        "manifest": json.loads(store.manifest.to_json()),
        "points": store.count(),
    }
    n = 0
    try:
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=5) as fh:
            fh.write(json.dumps(header, ensure_ascii=False) + "\n")
            for sp in store.points(with_vectors=True):
                fh.write(_point_line(sp) + "\n")
                n += 1
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def read_header(path: Path) -> dict[str, Any]:
    """The header line of an export file (format, version, manifest, point count)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            header = json.loads(fh.readline())
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise KompassError(f"{path} ist keine lesbare Index-Exportdatei: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise KompassError(f"{path} ist keine Index-Exportdatei von Strategiekompass")
    if header.get("version") != VERSION:
        raise KompassError(f"{path}: Exportformat {header.get('version')} wird nicht unterstützt")
    return header


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        fh.readline()
        for lineno, line in enumerate(fh, start=2):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise KompassError(f"{path}:{lineno}: beschädigte Zeile ({exc})") from exc


def import_index(path: Path, store: IndexStore, manifest_check: bool = True) -> int:
    """Upsert the points of an export file into `store` in batches; returns how many.

    The store is created for the file's manifest (`store.ensure`). An existing index must
    agree (same embedding model and chunking: `IndexMismatchError` otherwise) unless
    `manifest_check=False`; then the points go into it as they are. With the check on, a
    file whose point count differs from its header is an error (truncated copy).
    """
    path = Path(path)
    header = read_header(path)
    manifest = Manifest(**header["manifest"])
    if manifest_check or store.manifest is None:
        store.ensure(manifest)
    batch: list[StoredPoint] = []
    n = 0
    try:
        for record in _records(path):
            batch.append(_point_from(record, manifest.dim))
            if len(batch) >= BATCH:
                store.upsert(batch)
                n += len(batch)
                batch = []
        store.upsert(batch)
        n += len(batch)
    except (OSError, EOFError) as exc:
        raise KompassError(f"{path} ist unvollständig oder beschädigt: {exc}") from exc
    finally:
        store.flush()
    expected = header.get("points")
    if manifest_check and expected is not None and expected != n:
        raise KompassError(f"{path}: {n} Punkte gelesen, laut Kopfzeile {expected}")
    return n
