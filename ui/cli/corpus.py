"""`kompass crawl` and `kompass add`: growing the corpus from the web and from editors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from ui.cli.output import JsonOpt, emit, fail, run, settings

PrivateOpt = Annotated[
    bool, typer.Option("--allow-private", help="Auch private/lokale Adressen (Intranet, Tests).")
]


def crawl(
    registry: Annotated[
        Path | None, typer.Option("--registry", help="Start-URLs aus einem Register (sources.csv).")
    ] = None,
    url: Annotated[list[str] | None, typer.Option("--url", help="Start-URL (mehrfach).")] = None,
    scope: Annotated[
        str,
        typer.Option(
            "--scope",
            help="host: alle Seiten der Start-Hosts; prefix: nur unter dem Pfad der Start-URL "
            "(bei einer Startseite die ganze Website).",
        ),
    ] = "prefix",
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1)] = None,
    allow_private: PrivateOpt = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Abrufen und Entscheidungen zeigen, aber nichts indexieren."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Veröffentlichte Strategien höflich abrufen (robots.txt, Pausen) und indexieren.

    Beispiel: kompass crawl --url https://www.musterstadt.de/ --max-pages 100
    """
    from ingest.crawlscope import SCOPES
    from ingest.webindex import crawl_into_index, registry_start_urls

    if scope not in SCOPES:
        fail("--scope muss host oder prefix sein", 2)

    s = settings()
    starts = list(url or [])
    if registry is not None:
        starts += run(lambda: registry_start_urls(s, str(registry)))
    if not starts:
        fail("--url oder --registry angeben", 2)
    progress = None
    import sys

    if sys.stderr.isatty() and not dry_run:

        def progress(page_url: str, done: int, total: int) -> None:
            typer.echo(f"\r[{done}/{total}] {page_url[:90]:<90}", err=True, nl=False)

    summary: dict[str, Any] = run(
        lambda: crawl_into_index(
            s,
            starts,
            max_pages=max_pages,
            allow_private=allow_private,
            progress=progress,
            dry_run=dry_run,
            scope=scope,
        )
    )
    if as_json:
        emit(summary)
        return
    if progress is not None:
        typer.echo("", err=True)
    if dry_run:
        _echo_decisions(summary)
    else:
        typer.echo(
            f"Abgerufen: {summary['fetched']}, unverändert: {summary['unchanged']}, "
            f"neu/geändert indexiert: {summary['indexed']} ({summary['embedded']} Abschnitte), "
            f"robots.txt: {summary['skipped_robots']} übersprungen, Fehler: {summary['errors']}, "
            f"verschwunden: {len(summary['gone'])} ({summary['took_s']:.1f} s)"
        )
        for f in summary["failed"]:
            typer.echo(f"  FEHLER {f['source']}: {f['reason']}", err=True)
    _echo_found(summary)


_LABELS = {
    "strategy": "INDEX",
    "navigation": "FOLGEN",
    "other": "VERWERFEN",
    "alias": "ALIAS",
}


def _echo_decisions(summary: dict[str, Any]) -> None:
    typer.echo(
        f"Probelauf (nichts indexiert), Umfang {summary['scope']}: {summary['requests']} "
        f"Anfragen, robots.txt: {summary['skipped_robots']} übersprungen\n"
        "  (INDEX: Strategiedokument; FOLGEN: Übersichtsseite; VERWERFEN: nicht indexiert, "
        "ihre Links werden nachrangig verfolgt; ALIAS: rel=canonical auf eine andere URL)"
    )
    for d in summary["decisions"]:
        note = f"  ({d['note']})" if d["note"] else ""
        typer.echo(f"  {_LABELS[d['label']]:<9} P={d['p_strategy']:.2f}  {d['url']}{note}")


def _echo_found(summary: dict[str, Any]) -> None:
    found = summary.get("found") or []
    typer.echo(f"Gefundene Strategiedokumente (neu oder geändert): {len(found)}")
    for doc in found:
        facts = ", ".join(f"{k}={v['value']} ({v['where']})" for k, v in doc["facts"].items())
        typer.echo(f"  {doc['title'][:80]}\n    {doc['url']}")
        for alias in doc["aliases"]:
            typer.echo(f"    auch unter {alias}")
        if facts:
            typer.echo(f"    {facts}")
    for dup in summary.get("duplicates") or []:
        typer.echo(f"  Duplikat: {dup['url']} = {dup['same_as']}")


def add(
    target: Annotated[str, typer.Argument(help="URL oder Datei (PDF, HTML, Markdown, Text).")],
    municipality: Annotated[str | None, typer.Option("--municipality")] = None,
    kind: Annotated[str | None, typer.Option("--kind")] = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    population: Annotated[int | None, typer.Option("--population")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Nur Vorschau, nichts veröffentlichen.")
    ] = False,
    allow_private: PrivateOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Ein Dokument aufnehmen: prüfen, Vorschau zeigen, veröffentlichen.

    Beispiel: kompass add strategie.pdf --municipality Guben --kind Stadt --state Brandenburg --dry-run
    """
    from ingest import desk
    from ingest.intake import preview
    from ingest.pipeline import Indexer

    s = settings()
    meta = {
        "municipality": municipality,
        "kind": kind,
        "state": state,
        "year": year,
        "population": population,
        "title": title,
    }
    if target.startswith(("http://", "https://")):
        pre = run(lambda: preview(s, url=target, meta=meta, allow_private=allow_private))
    else:
        path = Path(target)
        if not path.is_file():
            fail(f"Datei nicht gefunden: {target}")
        content = run(path.read_bytes)
        pre = run(lambda: preview(s, file_name=path.name, content=content, meta=meta))
    info = pre.to_json()
    if not as_json or dry_run:
        if as_json:
            emit({"dry_run": True, **info})
            return
        typer.echo(
            f"Dokument: {info['title']} ({info['content_type']}, {info['chunks']} Abschnitte)"
        )
        typer.echo(
            f"Kommune: {info['municipality'] or '-'}, {info['kind'] or '-'}, {info['state'] or '-'}"
        )
        typer.echo(
            "Gefundene Abschnitte: "
            + "; ".join(info["sections"][:12])
            + (" …" if len(info["sections"]) > 12 else "")
        )
        if info["duplicate_of"]:
            typer.echo(f"Achtung: Duplikat von {info['duplicate_of']}")
        if dry_run:
            for line in preview_lines(info):
                typer.echo(line)
            typer.echo("(Probelauf: nichts veröffentlicht)")
            return

    def do_publish() -> dict[str, Any]:
        indexer = Indexer(s)
        try:
            indexer.prepare()
            return desk.publish(s, desk.cli_editor(), pre, indexer)  # type: ignore[no-any-return]
        finally:
            indexer.close()

    result = run(do_publish)
    if as_json:
        emit(result)
    else:
        typer.echo(
            f"Veröffentlicht als {result['doc_id']}: {result['embedded']} Abschnitte eingebettet."
        )


def preview_lines(info: dict[str, Any], paragraphs: int = 12) -> list[str]:
    """The dry run's view of the reading: first paragraphs with page, and what was removed."""
    paras = info.get("paragraphs") or []
    out = [f"Absätze ({len(paras)}):"]
    for p in paras[:paragraphs]:
        page = f"S. {p['page']}: " if p.get("page") else ""
        text = p["text"] if len(p["text"]) <= 160 else p["text"][:157] + " …"
        out.append(f"  {page}{text}")
    if len(paras) > paragraphs:
        out.append(f"  … und {len(paras) - paragraphs} weitere")
    removed = info.get("removed") or []
    if removed:
        counts: dict[tuple[str, str], tuple[str, list[int]]] = {}
        for r in removed:  # page numbers group as one line ("#"), a TOC page as one
            toc = r["reason"] == "Inhaltsverzeichnis"
            key = (r["reason"], f"Seite {r['page']}" if toc else re.sub(r"\d+", "#", r["text"]))
            counts.setdefault(key, (r["text"], []))[1].append(r["page"])
        out.append(f"Entfernt ({len(removed)} Zeilen):")
        for (reason, key), (text, pages) in list(counts.items())[:20]:
            if reason == "Inhaltsverzeichnis":
                out.append(f"  {reason}: {key} ({len(pages)} Zeilen)")
            else:
                out.append(f"  {reason}: „{text[:80]}“ (Seiten {_pages(pages)})")
    return out


def _pages(pages: list[int]) -> str:
    pages = sorted(set(pages))
    return f"{pages[0]}–{pages[-1]}" if len(pages) > 2 else ", ".join(map(str, pages))


def vision(
    name: Annotated[str, typer.Option("--name", help="Name der Kommune.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="Gemeinde, Stadt, kreisfreie Stadt, Landkreis, Amt/Verbund/Region."
        ),
    ],
    state: Annotated[str, typer.Option("--state", help="Bundesland.")],
    population: Annotated[int, typer.Option("--population", min=1, help="Einwohnerzahl.")],
    focus: Annotated[
        list[str] | None, typer.Option("--focus", help="Handlungsfeld (mehrfach).")
    ] = None,
    setting: Annotated[
        str | None, typer.Option("--setting", help="ländlich oder städtisch.")
    ] = None,
    challenges: Annotated[
        str, typer.Option("--challenges", help="Herausforderungen (Freitext).")
    ] = "",
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Anzahl Vergleichskommunen.")] = 6,
    as_json: JsonOpt = False,
) -> None:
    """Vergleichskommunen finden und Visionsentwürfe nach ihrem Vorbild vorschlagen.

    Beispiel: kompass vision --name Musterstadt --kind Stadt --state Brandenburg --population 20000 --focus Beteiligung
    """
    from rag.service import Kompass
    from rag.vision.workshop import Profile, suggest_vision

    s = settings()
    profile = run(
        lambda: Profile(name, kind, state, population, setting, tuple(focus or ()), challenges)
    )
    with run(lambda: Kompass(s)) as kompass:
        llm = None
        if s.llm.base_url:
            from rag.llm import configured_chat

            llm = configured_chat(s.llm)
        result = run(lambda: suggest_vision(kompass, profile, k=k, llm=llm))
    if as_json:
        emit(result.to_json())
    else:
        typer.echo(result.to_text())


def register(app: typer.Typer) -> None:
    app.command()(crawl)
    app.command()(add)
    app.command()(vision)
