"""Backup and restore of KOMPASS_DATA_DIR as one .tar.gz with a manifest of file hashes.

The archive holds every regular file of the data directory (index, ingest state, snapshots,
uploads, users.json, audit.log, ...) under its relative path, plus `kompass-backup.json`:
sha256 and size per file and the index's embedding model and point count. Temp files of
atomic writes (dot files) are left out.

Consistency: the embedded index is opened (which takes the engine's exclusive lock, so no
app or ingest can write while we read), flushed, archived and only then closed. The archive
is written to a temp file next to the target and renamed into place.

Restore verifies before it writes anything in place: only plain files and directories with
relative, normalised names (no absolute paths, no `..`, no links or devices), exactly the
files of the manifest, each with the recorded size and sha256. Files are staged in a dot
directory inside the data directory, the restored index is opened as a check, and then the
staged entries replace the old ones. A non-empty data directory is only replaced with
`force`. The hashes detect corruption, not a forger who rewrites the manifest too.

Example:
    >>> create_backup(settings, Path("sicherung.tar.gz"))            # doctest: +SKIP
    >>> restore_backup(settings, Path("sicherung.tar.gz"), force=True)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from rag.core.errors import KompassError
from rag.core.fileio import fsync_dir
from rag.core.settings import Settings
from rag.index.edge import EdgeStore

MANIFEST = "kompass-backup.json"
FORMAT = "strategiekompass-backup"
VERSION = 1
_CHUNK = 1 << 20
_BLOCK = 64 << 10  # holes are detected per block
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupError(KompassError):
    """A backup cannot be written, or an archive is refused on restore."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup or a restore handled (the CLI's JSON)."""

    archive: str
    data_dir: str
    files: int
    bytes: int
    points: int | None
    took_s: float

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["took_s"] = round(self.took_s, 3)
        return data


# --- backup ----------------------------------------------------------------------------------


def data_files(data_dir: Path) -> list[str]:
    """Relative POSIX paths of the regular files to archive, sorted. Dot files and dot
    directories (temp files of atomic writes, restore leftovers) and symlinks are skipped."""
    out = []
    for root, dirs, names in os.walk(data_dir, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(root, name)
            rel = path.relative_to(data_dir).as_posix()
            if not name.startswith(".") and rel != MANIFEST and not path.is_symlink():
                out.append(rel)
    return sorted(out)


class _HashingReader:
    """A file wrapper that hashes exactly the bytes tarfile reads from it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.sha256.update(data)
        return data


@contextlib.contextmanager
def _index_held(settings: Settings) -> Iterator[dict[str, Any]]:
    """Open and flush the embedded index for the duration of the backup (its lock keeps other
    writers out); yields what the manifest records about it."""
    if settings.qdrant_url:
        yield {"backend": "server", "note": "Index auf dem Qdrant-Server ist nicht enthalten"}
        return
    if not (settings.index_dir / "manifest.json").exists():
        yield {"backend": "embedded", "points": None}
        return
    store = EdgeStore(settings.index_dir)  # raises a clear error if the app holds the index
    try:
        store.flush()
        model = store.manifest.embed_model if store.manifest else None
        yield {"backend": "embedded", "embed_model": model, "points": store.count()}
    finally:
        store.close()


def create_backup(settings: Settings, archive: Path, force: bool = False) -> BackupInfo:
    """Write a consistent .tar.gz of the data directory to `archive` (atomically)."""
    t0 = time.perf_counter()
    data_dir, archive = settings.data_dir.resolve(), Path(archive).resolve()
    if not data_dir.is_dir():
        raise BackupError(f"Datenverzeichnis {data_dir} existiert nicht: nichts zu sichern")
    if archive.is_relative_to(data_dir):
        raise BackupError(
            f"Die Sicherung {archive} darf nicht im Datenverzeichnis liegen",
            "einen Pfad außerhalb von KOMPASS_DATA_DIR angeben",
        )
    if archive.exists() and not force:
        raise BackupError(f"{archive} existiert schon", "anderen Namen wählen oder --force")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with _index_held(settings) as index:
        files = data_files(data_dir)
        fd, tmp = tempfile.mkstemp(dir=archive.parent, prefix=f".{archive.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as raw:
                entries = _write_archive(raw, data_dir, files, index)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp, archive)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise BackupError(f"Sicherung nach {archive} fehlgeschlagen: {exc}") from exc
            raise
    fsync_dir(archive.parent)
    total = sum(e["size"] for e in entries.values())
    return BackupInfo(
        str(archive), str(data_dir), len(entries), total, index.get("points"), _since(t0)
    )


def _write_archive(
    raw: IO[bytes], data_dir: Path, files: list[str], index: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as tar:
        tar.copybufsize = _CHUNK  # type: ignore[attr-defined]  # default 16 KiB: slow
        for rel in files:
            path = data_dir / rel
            info = tar.gettarinfo(str(path), arcname=rel)
            info.mode &= 0o666  # never executable, never setuid
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as fh:
                reader = _HashingReader(fh)
                tar.addfile(info, reader)  # type: ignore[arg-type]
            entries[rel] = {"sha256": reader.sha256.hexdigest(), "size": info.size}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "index": index,
            "files": entries,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(body), int(time.time()), 0o644
        tar.addfile(info, io.BytesIO(body))
    return entries


# --- restore ---------------------------------------------------------------------------------


def safe_member_name(name: str) -> str:
    """The normalised relative path of an archive member, or BackupError if it could escape."""
    if not name or "\\" in name or "\x00" in name:
        raise BackupError(f"Sicherung abgelehnt: ungültiger Dateiname {name!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/"):
        raise BackupError(f"Sicherung abgelehnt: absoluter Pfad {name!r}")
    if any(part in ("..", ".", "") for part in name.rstrip("/").split("/")):
        raise BackupError(f"Sicherung abgelehnt: Pfad verlässt das Datenverzeichnis ({name!r})")
    return path.as_posix()


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    fh = tar.extractfile(member)
    try:
        manifest = json.loads(fh.read(16 * _CHUNK)) if fh else None
    except ValueError:
        manifest = None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(files, dict)
    ):
        raise BackupError("Sicherung abgelehnt: Manifest fehlt oder ist ungültig")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Sicherung abgelehnt: unbekannte Version {manifest.get('version')!r}")
    for name, entry in files.items():
        ok = isinstance(entry, dict) and _SHA256.match(str(entry.get("sha256", "")))
        if not ok or not isinstance(entry.get("size"), int) or entry["size"] < 0:
            raise BackupError(f"Sicherung abgelehnt: Manifest-Eintrag für {name!r} ungültig")
    return manifest


def _write_sparse(src: IO[bytes], out: IO[bytes]) -> tuple[str, int]:
    """Copy src to out, leaving holes for all-zero blocks (the engine preallocates large
    zero-filled files; written densely a restored index would take ~50x the disk).
    Returns (sha256, size)."""
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(_CHUNK):
        digest.update(chunk)
        view = memoryview(chunk)
        for off in range(0, len(chunk), _BLOCK):
            block = view[off : off + _BLOCK]
            if chunk.count(0, off, off + _BLOCK) == len(block):
                out.seek(len(block), os.SEEK_CUR)
            else:
                out.write(block)
        size += len(chunk)
    out.truncate(size)
    return digest.hexdigest(), size


def _extract_checked(tar: tarfile.TarFile, into: Path) -> tuple[dict[str, Any], int]:
    """One streaming pass: check each member before writing it below `into`, then check
    the set of files, sizes and hashes against the manifest. Returns (manifest, bytes)."""
    seen: dict[str, tuple[str, int]] = {}
    manifest: dict[str, Any] | None = None
    for m in tar:
        name = safe_member_name(m.name)
        if m.isdir():
            continue
        if not m.isfile():
            raise BackupError(f"Sicherung abgelehnt: {name} ist keine normale Datei (Link?)")
        if name in seen or (name == MANIFEST and manifest is not None):
            raise BackupError(f"Sicherung abgelehnt: {name} kommt doppelt vor")
        if name == MANIFEST:
            manifest = _read_manifest(tar, m)
            continue
        dest = into.joinpath(*PurePosixPath(name).parts)
        if not dest.resolve().is_relative_to(into.resolve()):
            raise BackupError(f"Sicherung abgelehnt: Pfad verlässt das Ziel ({name!r})")
        dest.parent.mkdir(parents=True, exist_ok=True)
        src = tar.extractfile(m)
        if src is None:
            raise BackupError(f"Sicherung abgelehnt: {name} nicht lesbar")
        with src, dest.open("xb") as out:
            seen[name] = _write_sparse(src, out)
        os.chmod(dest, (m.mode & 0o666) | 0o600)
    if manifest is None:
        raise BackupError(f"Sicherung abgelehnt: {MANIFEST} fehlt (keine Kompass-Sicherung?)")
    _compare(seen, manifest["files"])
    return manifest, sum(size for _, size in seen.values())


def _compare(seen: dict[str, tuple[str, int]], listed: dict[str, Any]) -> None:
    if set(listed) != set(seen):
        extra, missing = sorted(set(seen) - set(listed)), sorted(set(listed) - set(seen))
        raise BackupError(
            "Sicherung abgelehnt: Inhalt passt nicht zum Manifest"
            + (f"; unerwartet: {', '.join(extra[:3])}" if extra else "")
            + (f"; fehlt: {', '.join(missing[:3])}" if missing else "")
        )
    for name, (sha256, size) in sorted(seen.items()):
        if sha256 != listed[name]["sha256"] or size != listed[name]["size"]:
            raise BackupError(
                f"Sicherung beschädigt: Prüfsumme von {name} stimmt nicht",
                "die Sicherung ist verändert oder defekt; eine andere verwenden",
            )


def _visible_entries(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if not p.name.startswith(".")]


def _check_restored_index(staged: Path, manifest: dict[str, Any]) -> int | None:
    """Open the restored index once: it must load and hold the recorded number of points."""
    index = manifest.get("index") or {}
    if index.get("backend") != "embedded" or not (staged / "index" / "manifest.json").exists():
        return None
    store = EdgeStore(staged / "index")
    try:
        points = store.count()
    finally:
        store.close()
    if index.get("points") is not None and points != index["points"]:
        raise BackupError(
            f"Wiederhergestellter Index hat {points} statt {index['points']} Einträge"
        )
    return points


def restore_backup(settings: Settings, archive: Path, force: bool = False) -> BackupInfo:
    """Verify `archive` and restore it into the data directory (replacing it with `force`)."""
    t0 = time.perf_counter()
    archive, target = Path(archive), settings.data_dir.resolve()
    if not archive.is_file():
        raise BackupError(f"Sicherung nicht gefunden: {archive}")
    if target.exists() and _visible_entries(target) and not force:
        raise BackupError(
            f"Datenverzeichnis {target} ist nicht leer",
            "mit --force ersetzen (der bisherige Inhalt wird gelöscht)",
        )
    if (target / "index" / "manifest.json").exists() and not settings.qdrant_url:
        _refuse_if_open(target / "index")
    target.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=target, prefix=".restore-"))
    try:
        try:
            # gzip outside tarfile: tarfile's own "r|gz" inflates whole buffers at once, which
            # for the engine's zero-filled files means gigabytes per read.
            with gzip.open(archive, "rb") as gz, tarfile.open(fileobj=gz, mode="r|") as tar:
                manifest, total = _extract_checked(tar, staged)
        except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
            raise BackupError(f"Sicherung nicht lesbar: {archive} ({exc})") from exc
        points = _check_restored_index(staged, manifest)
        _swap_in(target, staged)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    files = len(manifest["files"])
    return BackupInfo(str(archive), str(target), files, total, points, _since(t0))


def _refuse_if_open(index_dir: Path) -> None:
    """KompassError while the app or an ingest holds the index; a damaged one is fine."""
    try:
        EdgeStore(index_dir).close()
    except KompassError:
        raise
    except Exception:  # the engine raises a bare Exception on damage: a restore replaces it
        return


def _swap_in(target: Path, staged: Path) -> None:
    """Replace the visible entries of `target` by those of `staged` (renames, same disk)."""
    old = Path(tempfile.mkdtemp(dir=target, prefix=".replaced-"))
    for entry in _visible_entries(target):
        os.rename(entry, old / entry.name)
    for entry in staged.iterdir():
        os.rename(entry, target / entry.name)
    fsync_dir(target)
    shutil.rmtree(old, ignore_errors=True)


def _since(t0: float) -> float:
    return time.perf_counter() - t0
