"""Shared CLI plumbing: settings, error handling, JSON and batch I/O, progress."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from rag.core.errors import KompassError
from rag.core.records import SearchFilters

T = TypeVar("T")
STATE: dict[str, bool] = {"verbose": False}
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON statt Text ausgeben.")]


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"Fehler: {message}", err=True)
    raise typer.Exit(code)


def run(fn: Callable[[], T]) -> T:
    """Call fn; a KompassError (or a missing file) becomes one line on stderr and exit 1."""
    try:
        return fn()
    except typer.Exit:
        raise
    except (KompassError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        if STATE["verbose"]:
            traceback.print_exc()
        fail(str(exc))
    except KeyboardInterrupt:
        fail("abgebrochen", 130)
    raise AssertionError("unreachable")


def settings() -> Any:
    from rag.core.settings import load_settings

    return run(load_settings)


def emit(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))


def read_batch(path: Path) -> Iterator[str]:
    """One query per line, or JSONL objects with a "question" (or "query") field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KompassError(f"Datei nicht lesbar: {path} ({exc.strerror})") from exc
    for lineno, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise KompassError(
                    f"{path}, Zeile {lineno}: kein gültiges JSON ({exc.msg})"
                ) from exc
            text = obj.get("question") or obj.get("query") if isinstance(obj, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise KompassError(f"{path}, Zeile {lineno}: Feld 'question' fehlt")
            yield text
        else:
            yield line


def filters(
    state: list[str] | None,
    kind: list[str] | None,
    year_min: int | None,
    year_max: int | None,
    programme: list[str] | None = None,
    size_class: list[str] | None = None,
    municipality: list[str] | None = None,
) -> SearchFilters:
    return SearchFilters(
        states=tuple(state or ()),
        kinds=tuple(kind or ()),
        year_min=year_min,
        year_max=year_max,
        programmes=tuple(programme or ()),
        size_classes=tuple(size_class or ()),
        municipalities=tuple(municipality or ()),
    )


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on a terminal; nothing when output is piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("Rest"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        transient=False,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=item[:40])

        yield update
