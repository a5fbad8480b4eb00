"""What the crawler saw last time: provenance per URL, bodies stored once by content hash.

Layout under `root` (normally KOMPASS_DATA_DIR/snapshots):

    records/<sha256(url)[:32]>.json   one provenance record per requested URL
    bodies/<hash[:2]>/<hash>          the body, content-addressed (duplicates stored once)

Every write is atomic (temp file in the same directory, fsync, os.replace), so a crash or a
second reader never sees half a record. Records are cached in memory; one writer at a time.

Example:
    >>> store = SnapshotStore(Path("/tmp/k/snapshots"))            # doctest: +SKIP
    >>> snap = store.put(fetched, doc_id="web-1a2b")                # doctest: +SKIP
    >>> store.find_by_hash(snap.content_hash)[0].url                # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.records import Fetched
from rag.core.fileio import atomic_write


@dataclass(frozen=True)
class Snapshot:
    """Provenance of one URL as last fetched. `doc_id` is "" for navigation pages."""

    url: str
    final_url: str | None
    fetched_at: str | None
    status: int | None
    etag: str | None
    last_modified: str | None
    content_hash: str
    content_type: str
    doc_id: str
    gone: bool = False
    also_known_as: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["also_known_as"] = list(self.also_known_as)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["also_known_as"] = tuple(known.get("also_known_as") or ())
        return cls(**known)


def content_hash(content: bytes) -> str:
    """sha256 hex digest: the identity of a body."""
    return hashlib.sha256(content).hexdigest()


def now_iso() -> str:
    """The current time as ISO 8601 UTC, seconds precision."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class SnapshotStore:
    """Provenance records per URL plus content-addressed bodies, on disk under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._records_dir = self.root / "records"
        self._bodies_dir = self.root / "bodies"
        self._cache: dict[str, Snapshot] | None = None

    def get(self, url: str) -> Snapshot | None:
        """The record of `url`, or None if it was never fetched."""
        return self._records().get(url)

    def all(self) -> list[Snapshot]:
        """Every record, sorted by URL."""
        return sorted(self._records().values(), key=lambda s: s.url)

    def find_by_hash(self, h: str) -> list[Snapshot]:
        """Records whose current body has hash `h` (more than one: duplicate content)."""
        return [s for s in self.all() if s.content_hash == h and not s.gone]

    def body(self, h: str) -> bytes | None:
        """The stored body with hash `h`, or None if absent or corrupted."""
        try:
            data = self._body_path(h).read_bytes()
        except (FileNotFoundError, ValueError):
            return None
        return data if content_hash(data) == h else None

    def put(self, fetched: Fetched, doc_id: str) -> Snapshot:
        """Store the body (once per hash) and the URL's provenance record; return the record.

        A 304 result keeps the previous hash and body and only refreshes the timestamps.
        """
        url = fetched.source.location
        previous = self.get(url)
        if fetched.status == 304 and previous is not None:
            snap = replace(
                previous,
                fetched_at=fetched.fetched_at or now_iso(),
                status=previous.status,
                etag=fetched.etag or previous.etag,
                last_modified=fetched.last_modified or previous.last_modified,
                gone=False,
            )
            return self._write(snap)
        h = fetched.content_hash or content_hash(fetched.content)
        self._store_body(h, fetched.content)
        snap = Snapshot(
            url=url,
            final_url=fetched.final_url,
            fetched_at=fetched.fetched_at or now_iso(),
            status=fetched.status,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            content_hash=h,
            content_type=fetched.content_type,
            doc_id=doc_id,
            also_known_as=previous.also_known_as if previous and previous.content_hash == h else (),
        )
        return self._write(snap)

    def mark_gone(self, url: str, status: int | None = None) -> Snapshot | None:
        """Flag `url` as gone (404/410); the body stays for provenance. None if unknown."""
        previous = self.get(url)
        if previous is None:
            return None
        return self._write(
            replace(previous, gone=True, status=status or previous.status, fetched_at=now_iso())
        )

    def add_alias(self, url: str, alias: str) -> Snapshot | None:
        """Record that `alias` serves the same content as `url`."""
        previous = self.get(url)
        if previous is None or alias == url or alias in previous.also_known_as:
            return previous
        return self._write(replace(previous, also_known_as=(*previous.also_known_as, alias)))

    def remove_alias(self, url: str, alias: str) -> None:
        """Forget that `alias` duplicates `url` (its content changed)."""
        previous = self.get(url)
        if previous is not None and alias in previous.also_known_as:
            kept = tuple(a for a in previous.also_known_as if a != alias)
            self._write(replace(previous, also_known_as=kept))

    def detach(self, url: str) -> None:
        """Forget which content and document `url` had, so its next visit counts as new."""
        previous = self.get(url)
        if previous is not None:
            self._write(replace(previous, content_hash="", doc_id="", also_known_as=()))

    def urls_of(self, doc_id: str) -> list[str]:
        """Every known URL of a document (the record's URL and its duplicates)."""
        return [s.url for s in self.all() if doc_id and s.doc_id == doc_id]

    def reload(self) -> None:
        """Drop the in-memory cache (another process wrote)."""
        self._cache = None

    def _records(self) -> dict[str, Snapshot]:
        if self._cache is None:
            self._cache = {}
            for path in sorted(self._records_dir.glob("*.json")):
                try:
                    snap = Snapshot.from_json(json.loads(path.read_text("utf-8")))
                except (OSError, ValueError, TypeError):
                    continue  # a foreign or damaged file must not stop a crawl
                self._cache[snap.url] = snap
        return self._cache

    def _write(self, snap: Snapshot) -> Snapshot:
        data = json.dumps(snap.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
        atomic_write(self._record_path(snap.url), data.encode("utf-8"))
        self._records()[snap.url] = snap
        return snap

    def _store_body(self, h: str, content: bytes) -> None:
        path = self._body_path(h)
        if not path.exists():
            atomic_write(path, content)

    def _record_path(self, url: str) -> Path:
        return self._records_dir / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()[:32]}.json"

    def _body_path(self, h: str) -> Path:
        if len(h) != 64 or any(c not in "0123456789abcdef" for c in h):
            raise ValueError(f"not a sha256 hex digest: {h!r}")
        return self._bodies_dir / h[:2] / h
