"""The editors' desk: every editor write to the index (publish, remove, recrawl) goes through
here, one at a time per process, and leaves exactly one audit line, whether it came from the
Redaktion page or from `kompass add`.

The audit log is KOMPASS_DATA_DIR/audit.log: one JSON object per line, appended, never
rewritten (logins and logouts of `ui.accounts` are written here too).

Example:
    >>> summary = publish(settings, "anna", preview, indexer)      # doctest: +SKIP
    >>> read_audit(settings, limit=1)[0]["action"]                  # doctest: +SKIP
    'add'
"""

from __future__ import annotations

import getpass
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.core.errors import KompassError
from rag.core.settings import Settings

Progress = Callable[[int, int, str], None]
_WRITE_LOCK = threading.Lock()  # one editor write at a time (one open index per process)
_AUDIT_LOCK = threading.Lock()


def audit_path(settings: Settings) -> Path:
    return settings.data_dir / "audit.log"


def audit(settings: Settings, user: str | None, action: str, **what: Any) -> None:
    """Append one line {"ts", "user", "action", ...} to audit.log (never rewritten)."""
    ts = datetime.now(UTC).isoformat(timespec="seconds")
    line = json.dumps({"ts": ts, "user": user, "action": action, **what}, ensure_ascii=False)
    path = audit_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _AUDIT_LOCK, path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def read_audit(settings: Settings, limit: int = 50) -> list[dict[str, Any]]:
    """The newest `limit` audit entries, newest first."""
    try:
        lines = audit_path(settings).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in reversed(lines[-limit:]):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def cli_editor() -> str:
    """The audit name of a command-line write: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "cli"


def _audited(
    settings: Settings,
    editor: str,
    action: str,
    what: dict[str, Any],
    write: Callable[[], Any],
    outcome: Callable[[Any], dict[str, Any]],
) -> Any:
    """Run one write under the process lock and append it to the audit log (also failures)."""
    try:
        with _WRITE_LOCK:
            result = write()
    except KompassError as exc:
        audit(settings, editor, action, ok=False, error=str(exc), **what)
        raise
    audit(settings, editor, action, ok=True, **what, **outcome(result))
    return result


def _intake(intake: Any) -> Any:
    if intake is not None:
        return intake
    from ingest import intake as default

    return default


def publish(
    settings: Settings,
    editor: str,
    preview: Any,
    indexer: Any,
    *,
    progress: Progress | None = None,
    allow_duplicate: bool = False,
    intake: Any = None,
) -> Any:
    """Index a previewed document (`ingest.intake.publish`); a duplicate only when allowed."""
    steps = _intake(intake)
    what = {"doc_id": preview.doc_id, "title": preview.title, "location": preview.location}
    return _audited(
        settings,
        editor,
        "add",
        what,
        lambda: steps.publish(
            settings, preview, indexer, progress=progress, allow_duplicate=allow_duplicate
        ),
        lambda s: {"chunks": s.get("chunks"), "embedded": s.get("embedded")},
    )


def remove(settings: Settings, editor: str, doc_id: str, indexer: Any, intake: Any = None) -> int:
    """Remove an added or crawled document; returns the chunks removed."""
    steps = _intake(intake)
    return int(
        _audited(
            settings,
            editor,
            "remove",
            {"doc_id": doc_id},
            lambda: steps.remove_document(settings, doc_id, indexer),
            lambda n: {"chunks": n},
        )
    )


def recrawl(settings: Settings, editor: str, doc_id: str, indexer: Any, intake: Any = None) -> Any:
    """Fetch a document's source again and re-index it if its text changed."""
    steps = _intake(intake)
    return _audited(
        settings,
        editor,
        "recrawl",
        {"doc_id": doc_id},
        lambda: steps.recrawl(settings, doc_id, indexer),
        lambda s: {"embedded": s.get("embedded"), "failed": len(s.get("failed") or ())},
    )
