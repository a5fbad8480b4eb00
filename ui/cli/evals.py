"""`kompass eval`, `kompass bench` and `kompass index`: measurement and index transfer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ui.cli.output import JsonOpt, emit, run, settings

bench_app = typer.Typer(
    help="Benchmarks (lange Läufe; nicht Teil von make test).", no_args_is_help=True
)
index_app = typer.Typer(
    help="Index zwischen eingebetteter Engine und Qdrant-Server bewegen.", no_args_is_help=True
)


def eval_cmd(
    questions: Annotated[
        Path | None, typer.Option("--questions", help="Goldfragen (JSONL).")
    ] = None,
    config: Annotated[
        list[str] | None, typer.Option("--config", help="Nur diese Konfiguration(en).")
    ] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Nur die Standardkonfiguration.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Retrieval-Konfigurationen auf dem Goldset vergleichen (schreibt evals/REPORT.md).

    Beispiel: kompass eval --quick --json
    """
    from evals.runner import QUESTIONS, run_eval

    summary = run(lambda: run_eval(questions or QUESTIONS, config or None, quick=quick))
    if as_json:
        emit(summary)
    else:
        typer.echo(f"Ergebnisse geschrieben; Zusammenfassung: {list(summary)}")


@bench_app.command("store")
def bench_store_cmd(
    points: Annotated[int, typer.Option("--points", min=100)],
    search: Annotated[str, typer.Option("--search", help="auto, exact oder hnsw")] = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Synthetischer Store-Benchmark (Upsert, Aufbau, Hybrid-Latenz, RSS, Platte).

    Beispiel: kompass bench store --points 100000 --json
    """
    from evals.bench_store import bench_store

    mode: Literal["auto", "exact", "hnsw"] = search  # type: ignore[assignment]
    result = run(lambda: bench_store(points, search=mode))
    emit(result) if as_json else typer.echo("\n".join(f"{k}: {v}" for k, v in result.items()))


@bench_app.command("e2e")
def bench_e2e_cmd(
    embed_cache: Annotated[
        Path | None,
        typer.Option("--embed-cache", help="Passagenvektoren aus diesem Cache (großes Modell)."),
    ] = None,
    rate_sample: Annotated[
        int | None,
        typer.Option("--rate-sample", min=8, help="Einbettungsrate nur an N Passagen messen."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Warme Ende-zu-Ende-Latenz auf dem echten Korpus und Ingest-Durchsatz.

    Beispiel: kompass bench e2e --json  |  kompass bench e2e --embed-cache c.sqlite --rate-sample 64
    """
    from evals.bench_e2e import bench_e2e

    s = settings()
    result = run(lambda: bench_e2e(s, embed_cache=embed_cache, rate_sample=rate_sample))
    emit(result) if as_json else typer.echo("\n".join(f"{k}: {v}" for k, v in result.items()))


@index_app.command("export")
def export_cmd(file: Annotated[Path, typer.Argument(help="Zieldatei.")]) -> None:
    """Index mit Vektoren exportieren (kein erneutes Einbetten beim Import).

    Beispiel: kompass index export index.jsonl.gz
    """
    from rag.index.factory import open_store
    from rag.index.transfer import export_index

    s = settings()
    store = run(lambda: open_store(s))
    try:
        n = run(lambda: export_index(store, file))
    finally:
        store.close()
    typer.echo(f"{n} Punkte exportiert nach {file}")


@index_app.command("import")
def import_cmd(file: Annotated[Path, typer.Argument(help="Exportdatei.")]) -> None:
    """Exportierten Index in den konfigurierten Store laden (z. B. KOMPASS_QDRANT_URL).

    Beispiel: KOMPASS_QDRANT_URL=http://qdrant:6333 kompass index import index.jsonl.gz
    """
    from rag.index.factory import open_store
    from rag.index.transfer import import_index

    s = settings()
    store = run(lambda: open_store(s))
    try:
        n = run(lambda: import_index(file, store))
    finally:
        store.close()
    typer.echo(f"{n} Punkte importiert")


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_cmd)
    app.add_typer(bench_app, name="bench")
    app.add_typer(index_app, name="index")
