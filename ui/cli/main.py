"""`kompass`: the command-line face of Strategiekompass (German output, --json for machines)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ui.cli.output import (
    STATE,
    JsonOpt,
    emit,
    fail,
    filters,
    progress_bar,
    read_batch,
    run,
    settings,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Strategiekompass: zitierte Antworten aus kommunalen Digitalstrategien.",
)
StateOpt = Annotated[
    list[str] | None, typer.Option("--state", help="Bundesland (mehrfach möglich).")
]
KindOpt = Annotated[
    list[str] | None, typer.Option("--kind", help="Kommunentyp, z. B. Stadt, Landkreis, Region.")
]
ProgrammeOpt = Annotated[
    list[str] | None,
    typer.Option("--programme", help="Förderprogramm, z. B. 'Modellprojekte Smart Cities'."),
]
SizeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--size-class",
        help="Größenklasse: Großstadt, Mittelstadt, Kleinstadt/Landgemeinde, Landkreis, "
        "interkommunale Kooperation.",
    ),
]
PlaceOpt = Annotated[
    list[str] | None,
    typer.Option("--municipality", help="Kommune (findet auch gemeinsame Strategien mit ihr)."),
]


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", help="Tracebacks zeigen.")] = False,
) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    STATE["verbose"] = verbose


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Dateien/Ordner; ohne: das Korpus.")
    ] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Index neu aufbauen.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Index aus corpus/ (oder den angegebenen Dateien) aufbauen; inkrementell.

    Ein Neuaufbau (--rebuild oder leerer Index) nennt vorher die geschätzte Dauer.
    Beispiel: kompass ingest            |  kompass ingest meine_strategie.pdf --json
    """
    from ingest.estimate import plan_rebuild
    from ingest.pipeline import Indexer
    from ingest.pipeline import ingest as do_ingest

    s = settings()
    indexer = run(lambda: Indexer(s))
    try:
        note = getattr(indexer.embedder, "note", None)
        if note:
            typer.echo(f"Hinweis: {note}", err=True)
        if rebuild or indexer.store.count() == 0:
            typer.echo(run(lambda: plan_rebuild(indexer, paths or ())).text(), err=True)
        with progress_bar("Indexiere") as progress:
            summary = run(
                lambda: do_ingest(
                    s, paths or (), rebuild=rebuild, progress=progress, indexer=indexer
                )
            )
    finally:
        indexer.close()
    data = summary.to_json()
    if as_json:
        emit(data)
    else:
        typer.echo(
            f"{data['documents']} Dokumente, {data['chunks']} Abschnitte im Index; "
            f"neu eingebettet: {data['embedded']}, unverändert: {data['unchanged']}, "
            f"entfernt: {data['removed']}, Fehler: {len(data['failed'])} ({data['took_s']:.1f} s)"
        )
        for f in data["failed"]:
            typer.echo(f"  FEHLER {f['source']}: {f['reason']}", err=True)
    if data["failed"] and not data["documents"]:
        raise typer.Exit(1)


def _kompass():  # type: ignore[no-untyped-def]
    from rag.service import Kompass

    s = settings()
    kompass = run(lambda: Kompass(s))
    if kompass.embed_note:
        typer.echo(f"Hinweis: {kompass.embed_note}", err=True)
    return kompass


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="Suchanfrage.")] = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help="Datei: eine Anfrage je Zeile oder JSONL.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100)] = 10,
    state: StateOpt = None,
    kind: KindOpt = None,
    year_min: Annotated[int | None, typer.Option("--year-min")] = None,
    year_max: Annotated[int | None, typer.Option("--year-max")] = None,
    programme: ProgrammeOpt = None,
    size_class: SizeOpt = None,
    municipality: PlaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Passagen suchen (hybrid: Bedeutung + Stichworte), mit Filtern.

    Beispiel: kompass search "Vision Potsdam" --state Brandenburg --k 5
    """
    if (query is None) == (queries is None):
        fail("genau eins von QUERY oder --queries angeben", 2)
    batch = run(lambda: list(read_batch(queries))) if queries is not None else None
    f = filters(state, kind, year_min, year_max, programme, size_class, municipality)
    with _kompass() as kompass:
        if batch is not None:
            for q in batch:
                emit(run(lambda q=q: kompass.search(q, k=k, filters=f)).to_json())
            return
        result = run(lambda: kompass.search(query or "", k=k, filters=f))
    if as_json:
        emit(result.to_json())
        return
    if not result.hits:
        typer.echo("Keine Treffer.")
    for h in result.hits:
        p = h.passage
        where = p.section or (f"Seite {p.page}" if p.page else "")
        typer.echo(
            f"{h.rank:>2}. [{h.score:.3f}] {p.shown_municipality or '-'} – {p.doc.title}"
            f"{' – ' + where if where else ''}"
        )
        typer.echo(f"    {' '.join(p.text.split())[:240]}")
        if p.doc.url:
            typer.echo(f"    {p.doc.url}")
    typer.echo(f"({result.took_ms:.0f} ms)")


def _print_answer(answer) -> None:  # type: ignore[no-untyped-def]
    typer.echo(answer.text)
    if answer.note and answer.text != answer.note:
        typer.echo(f"\nHinweis: {answer.note}")
    if answer.citations:
        typer.echo("\nQuellen:")
    from rag.answer import source_label

    for c in answer.citations:
        j = c.to_json()
        where = f"Seite {j['page']}" if j["page"] else (j["section"] or "")
        where = "" if where == j["title"] else where
        typer.echo(f"[{c.n}] {source_label(c.hit)} – {j['title']}{' – ' + where if where else ''}")
        if j["url"]:
            typer.echo(f"    {j['url']}")
        typer.echo(f"    „{' '.join(c.quote.split())}“")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="Frage auf Deutsch.")] = None,
    questions: Annotated[
        Path | None, typer.Option("--questions", help="Datei: eine Frage je Zeile oder JSONL.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50)] = 6,
    state: StateOpt = None,
    kind: KindOpt = None,
    programme: ProgrammeOpt = None,
    size_class: SizeOpt = None,
    municipality: PlaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Frage beantworten, mit nummerierten Quellen und exakten Zitaten.

    Beispiel: kompass ask "Wo fangen wir an, wenn wir eine Digitalstrategie entwickeln wollen?"
    """
    if (question is None) == (questions is None):
        fail("genau eins von QUESTION oder --questions angeben", 2)
    batch = run(lambda: list(read_batch(questions))) if questions is not None else None
    f = filters(state, kind, None, None, programme, size_class, municipality)
    with _kompass() as kompass:
        if batch is not None:
            for q in batch:
                emit(run(lambda q=q: kompass.ask(q, k=k, filters=f)).to_json())
            return
        answer = run(lambda: kompass.ask(question or "", k=k, filters=f))
    if as_json:
        emit(answer.to_json())
    else:
        _print_answer(answer)


@app.command()
def docs(
    with_text: Annotated[bool, typer.Option("--with-text", help="Volltext mitliefern.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Indexierte Dokumente auflisten.

    Beispiel: kompass docs --json
    """
    with _kompass() as kompass:
        rows = run(lambda: kompass.documents(with_text=with_text))
    if as_json:
        emit(rows)
        return
    for d in rows:
        typer.echo(
            f"{d['doc_id']:<48} {d['chunks']:>4}  {d['municipality'] or '-'}: {d['title'][:70]}"
        )
    typer.echo(f"({len(rows)} Dokumente)")


@app.command()
def ui(
    port: Annotated[int, typer.Option("--port")] = 8501,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
) -> None:
    """Die Streamlit-App starten (http://127.0.0.1:8501).

    Beispiel: kompass ui --port 8501
    """
    app_path = Path(__file__).resolve().parents[1] / "web" / "app.py"
    args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--server.fileWatcherType",
        "none",
    ]
    os.execv(sys.executable, args)


def _register_commands() -> None:
    from ui.cli import admin as cli_admin
    from ui.cli import corpus as cli_corpus
    from ui.cli import evals as cli_eval
    from ui.cli import models as cli_models
    from ui.cli.users import app as user_app

    cli_models.register(app)
    cli_corpus.register(app)
    cli_admin.register(app)
    cli_eval.register(app)
    app.add_typer(user_app, name="user")


_register_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
