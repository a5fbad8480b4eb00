"""Backup and restore: a round trip answers the same questions; tampered or malicious archives
are refused before anything is written in place."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ingest.backup import MANIFEST, BackupError, create_backup, restore_backup
from ingest.pipeline import ingest
from rag.core.errors import KompassError
from rag.core.settings import Settings
from rag.index.edge import EdgeStore
from rag.service import Kompass
from tests.conftest import ROOT, make_settings
from ui.cli import admin as cli_admin

pytestmark = pytest.mark.integration

QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "evals/questions.jsonl").read_text(encoding="utf-8").splitlines()[:5]
]
EXTRAS = {
    "users.json": b'{"users": {"anna": {"hash": "$argon2id$v=19$..."}}}',
    "audit.log": b'{"ts": "2024-06-01T10:00:00Z", "user": "anna", "action": "login"}\n',
    "uploads/upload-1234-strategie.md": "# Vision\n\nGrüne Straßen.\n".encode(),
    "snapshots/records/abc.json": b'{"url": "https://x.example/"}',
}


def add_extras(data: Path) -> None:
    for rel, body in EXTRAS.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_bytes(body)
    (data / ".ingest-state.json.k3j4h5").write_text("{half")  # a kill's leftover temp file


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus indexed with the hashing embedder, plus what else a data dir holds."""
    settings = make_settings(tmp_path_factory.mktemp("backup") / "src")
    assert not ingest(settings).failed
    add_extras(settings.data_dir)
    return settings


@pytest.fixture(scope="module")
def archive(source: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archives") / "sicherung.tar.gz"
    create_backup(source, path)
    return path


@pytest.fixture
def small(tmp_path: Path) -> Settings:
    """A data directory without an index: cheap archives for the refusal tests."""
    settings = make_settings(tmp_path / "small")
    add_extras(settings.data_dir)
    return settings


Ranking = list[tuple[float, str]]  # (score, chunk id), best first


def rankings(settings: Settings) -> list[Ranking]:
    with Kompass(settings) as kompass:
        return [
            [(round(h.score, 6), h.passage.chunk_id) for h in kompass.search(q, k=20).hits]
            for q in QUESTIONS
        ]


def assert_same_top(before: Ranking, after: Ranking, k: int = 5) -> None:
    """Same top-k: same scores, same passages; passages with equal scores (RRF ties) may
    swap places, since the engine breaks ties by its internal point order."""
    assert [s for s, _ in after[:k]] == [s for s, _ in before[:k]]
    cut = before[k - 1][0]
    assert {c for s, c in after if s > cut} == {c for s, c in before if s > cut}
    assert {c for s, c in after[:k] if s == cut} <= {c for s, c in before if s == cut}


def test_round_trip_answers_the_same(source: Settings, tmp_path: Path) -> None:
    before = rankings(source)
    archive = tmp_path / "backups" / "sicherung.tar.gz"
    info = create_backup(source, archive)
    assert archive.is_file() and info.points and info.points > 100
    assert not list(archive.parent.glob(".*")), "temp file of the atomic write left behind"
    assert archive.stat().st_size < 20_000_000  # the engine's zero-filled files compress
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
    assert MANIFEST in names and "ingest-state.json" in names and "index/manifest.json" in names
    assert not [n for n in names if "/." in f"/{n}"], "dot files must not be archived"
    assert set(manifest["files"]) == set(names) - {MANIFEST}

    restored = make_settings(tmp_path / "restored")
    back = restore_backup(restored, archive)
    assert back.files == info.files and back.points == info.points
    for rel, body in EXTRAS.items():
        assert (restored.data_dir / rel).read_bytes() == body
    assert not [p for p in restored.data_dir.iterdir() if p.name.startswith(".")]
    disk = sum(p.stat().st_blocks * 512 for p in restored.data_dir.rglob("*") if p.is_file())
    assert disk < 0.25 * back.bytes  # holes stay holes: restored sparse, not 50x bigger
    for was, now in zip(before, rankings(restored), strict=True):
        assert_same_top(was, now)
    again = ingest(restored)  # index and ingest state came back consistent
    assert again.embedded == 0 and again.removed == 0 and not again.failed


def test_restore_needs_force_for_a_non_empty_data_dir(
    source: Settings, archive: Path, tmp_path: Path
) -> None:
    target = make_settings(tmp_path / "busy")
    target.data_dir.mkdir()
    (target.data_dir / "alt.txt").write_text("alt")
    with pytest.raises(BackupError, match="nicht leer"):
        restore_backup(target, archive)
    assert (target.data_dir / "alt.txt").read_text() == "alt"
    restore_backup(target, archive, force=True)
    assert not (target.data_dir / "alt.txt").exists()
    assert (target.data_dir / "users.json").read_bytes() == EXTRAS["users.json"]
    store = EdgeStore(target.index_dir)  # the app runs on the target: no restore under it
    try:
        with pytest.raises(KompassError, match="anderen Prozess"):
            restore_backup(target, archive, force=True)
    finally:
        store.close()
    with pytest.raises(BackupError, match="existiert schon"):
        create_backup(source, archive)


def test_backup_refuses_while_the_index_is_open(source: Settings, tmp_path: Path) -> None:
    store = EdgeStore(source.index_dir)  # as the running app would
    try:
        with pytest.raises(KompassError, match="anderen Prozess"):
            create_backup(source, tmp_path / "b.tar.gz")
    finally:
        store.close()
    assert not (tmp_path / "b.tar.gz").exists()
    with pytest.raises(BackupError, match="Datenverzeichnis"):
        create_backup(source, source.data_dir / "inside.tar.gz")


def rewrite(archive: Path, out: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Copy `archive` member by member; `edit(info, data)` returns the (info, data) to write."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else b""  # type: ignore[union-attr]
            for info, body in edit(m, data):
                dst.addfile(info, io.BytesIO(body) if info.isfile() else None)


def test_tampered_archive_is_refused(small: Settings, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    create_backup(small, archive)

    def flip(m: tarfile.TarInfo, data: bytes):  # type: ignore[no-untyped-def]
        if m.name == "users.json":
            data = data.replace(b"anna", b"mall")  # same size, other bytes
        return [(m, data)]

    rewrite(archive, tmp_path / "tampered.tar.gz", flip)
    target = make_settings(tmp_path / "restored")
    with pytest.raises(BackupError, match=r"Prüfsumme von users\.json"):
        restore_backup(target, tmp_path / "tampered.tar.gz")
    assert not any(target.data_dir.iterdir())  # nothing restored, staging removed

    whole = archive.read_bytes()
    (tmp_path / "garbage.tar.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(BackupError, match=r"nicht lesbar|abgelehnt"):
        restore_backup(target, tmp_path / "garbage.tar.gz")


def _member(name: str, body: bytes = b"x", kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size = kind, len(body) if kind == tarfile.REGTYPE else 0
    if kind == tarfile.SYMTYPE:
        info.linkname = "/etc/passwd"
    return info


@pytest.mark.parametrize(
    ("evil", "kind", "message"),
    [
        ("../evil.txt", tarfile.REGTYPE, "verlässt"),
        ("uploads/../../evil.txt", tarfile.REGTYPE, "verlässt"),
        ("/tmp/kompass-evil.txt", tarfile.REGTYPE, "absoluter Pfad"),
        ("uploads/link", tarfile.SYMTYPE, "keine normale Datei"),
        ("uploads/hard", tarfile.LNKTYPE, "keine normale Datei"),
    ],
)
def test_malicious_members_are_refused(
    small: Settings, tmp_path: Path, evil: str, kind: bytes, message: str
) -> None:
    archive = tmp_path / "b.tar.gz"
    create_backup(small, archive)

    def inject(m: tarfile.TarInfo, data: bytes):  # type: ignore[no-untyped-def]
        if m.name != MANIFEST:
            return [(m, data)]
        manifest = json.loads(data)
        digest = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"  # sha256("x")
        manifest["files"][evil] = {"sha256": digest, "size": 1}
        body = json.dumps(manifest).encode()
        m.size = len(body)
        return [(_member(evil, kind=kind), b"x"), (m, body)]

    rewrite(archive, tmp_path / "evil.tar.gz", inject)
    target = make_settings(tmp_path / "sub" / "restored")
    with pytest.raises(BackupError, match=message):
        restore_backup(target, tmp_path / "evil.tar.gz")
    assert not (tmp_path / "sub" / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert not Path("/tmp/kompass-evil.txt").exists()
    assert not any(target.data_dir.iterdir())


def test_cli_backup_and_restore(
    small: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = typer.Typer()
    app.callback()(lambda: None)
    cli_admin.register(app)
    run = CliRunner()
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(small.data_dir))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    archive = tmp_path / "cli.tar.gz"
    res = run.invoke(app, ["backup", str(archive), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["files"] == len(EXTRAS)
    res = run.invoke(app, ["restore", str(archive)])
    assert res.exit_code == 1 and "nicht leer" in res.output and "--force" in res.output
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(tmp_path / "neu"))
    res = run.invoke(app, ["restore", str(archive)])
    assert res.exit_code == 0 and "Wiederhergestellt" in res.stdout
    assert (tmp_path / "neu" / "audit.log").read_bytes() == EXTRAS["audit.log"]
