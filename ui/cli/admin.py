"""`kompass backup` and `kompass restore`: the data directory as one verified archive.

Registered in ui/cli/main.py with `admin.register(app)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ui.cli.output import JsonOpt, emit, run, settings


def backup(
    file: Annotated[Path, typer.Argument(help="Ziel, z. B. sicherung.tar.gz")],
    force: Annotated[
        bool, typer.Option("--force", help="Eine vorhandene Datei überschreiben.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Datenverzeichnis sichern: Index, Zustand, Snapshots, Uploads, Konten, Audit-Log.

    Die App vorher beenden (sie hält den Index). Beispiel: kompass backup sicherung.tar.gz
    """
    from ingest.backup import create_backup

    info = run(lambda: create_backup(settings(), file, force=force))
    if as_json:
        emit(info.to_json())
        return
    points = f", {info.points} Abschnitte im Index" if info.points is not None else ""
    typer.echo(
        f"Gesichert: {info.files} Dateien ({info.bytes / 1e6:.1f} MB){points} -> "
        f"{info.archive} ({info.took_s:.1f} s)"
    )


def restore(
    file: Annotated[Path, typer.Argument(help="Sicherung (.tar.gz von kompass backup).")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Ein nicht leeres Datenverzeichnis ersetzen."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Sicherung prüfen (Prüfsummen, sichere Pfade) und ins Datenverzeichnis zurückspielen.

    Beispiel: KOMPASS_DATA_DIR=data kompass restore sicherung.tar.gz --force
    """
    from ingest.backup import restore_backup

    info = run(lambda: restore_backup(settings(), file, force=force))
    if as_json:
        emit(info.to_json())
        return
    points = f", {info.points} Abschnitte im Index" if info.points is not None else ""
    typer.echo(
        f"Wiederhergestellt: {info.files} Dateien ({info.bytes / 1e6:.1f} MB){points} in "
        f"{info.data_dir} ({info.took_s:.1f} s)"
    )


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
