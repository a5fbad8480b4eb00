"""Site (c): a council information system (SessionNet style) of the (fictional) Große
Kreisstadt Beispielheim, Baden-Württemberg, served as ISO-8859-1.

The adopted strategy is Anlage 1 of Beschlussvorlage 2023/118, served by
/bi/getfile.php?id=77&type=do with Content-Disposition: attachment and a name without a
strategy keyword, and again by /bi/download.php?id=77 (application/octet-stream, inline). The
Vorlage page states "beschlossen am 12.07.2023". Many unrelated Vorlagen with attachments, an
endless session calendar, and robots rules with wildcards.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from tests.ingest.sites.model import PDF, Expected, ExpectedDoc, Response, Site, Trap
from tests.ingest.sites.pdfs import PdfDoc, render_pdf
from tests.ingest.sites.prose import Profile, strategy_sections
from tests.ingest.sites.ratsinfo_data import COMMITTEES, SESSIONS, STRATEGY_KVONR, VORLAGEN, Vorlage

LATIN1 = "text/html; charset=ISO-8859-1"
CAL = "/bi/si0040.php"
PROFILE = Profile(
    "Beispielheim",
    "Stadt Beispielheim",
    "Digitalstrategie Beispielheim 2030",
    "Beispielheim 2030: digital. gemeinsam. nah.",
    ("verwaltung", "infrastruktur", "bildung", "gesundheit", "wirtschaft", "daten", "klima"),
    2,
    situation="Beispielheim ist eine Große Kreisstadt mit 24.700 Einwohnerinnen und Einwohnern "
    "im Norden Baden-Württembergs. Die Stadt hat früh in Glasfaser investiert; bei Online-"
    "Diensten und digitaler Bildung besteht dagegen Nachholbedarf.",
)
STRATEGY_PDF = PdfDoc(
    (
        "Digitalstrategie Beispielheim 2030",
        "Große Kreisstadt Beispielheim",
        "Anlage 1 zur Vorlage 2023/118",
        "Stand: Juni 2023",
    ),
    strategy_sections(PROFILE),
    meta_title="Vorlage_2023-118_Anlage_1",
)
GETFILE = "/bi/getfile.php?id=77&type=do"
DOWNLOAD = "/bi/download.php?id=77"


def _page(title: str, content: str) -> bytes:
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>SessionNet | {title}</title></head>
<body><table width="100%" class="risdeco"><tr><td class="logo"><b>Bürgerinformationssystem</b>
<br>Große Kreisstadt Beispielheim</td></tr></table>
<table width="100%"><tr><td valign="top" width="180" class="smcmenu">
<a href="/bi/info.php">Startseite</a><br><a href="{CAL}?MM=7&amp;YY=2023">Sitzungskalender</a><br>
<a href="/bi/gr0040.php">Gremien</a><br><a href="/bi/vo0040.php">Vorlagen</a><br>
<a href="/bi/recherche.php">Recherche</a><br><a href="/bi/impressum.php">Impressum</a></td>
<td valign="top"><h1>{title}</h1>{content}</td></tr></table>
<p class="smcfooter">Stadt Beispielheim · Rathaus · Marktplatz 1 · 74000 Beispielheim</p>
</body></html>"""
    return html.encode("latin-1", errors="xmlcharrefreplace")


def _vorlage_page(v: Vorlage) -> bytes:
    committee, date, _ = SESSIONS[v.session]
    rows = ""
    if v.kvonr == STRATEGY_KVONR:
        rows += "<tr><td>Verwaltungsausschuss</td><td>27.06.2023</td><td>Vorberatung</td><td>ungeändert empfohlen</td></tr>"
    result = "beschlossen" if v.kind == "Beschlussvorlage" else "zur Kenntnis genommen"
    rows += f"<tr><td>{committee}</td><td>{date}</td><td>Entscheidung</td><td>{result}</td></tr>"
    files = "".join(
        f'<tr><td><a href="/bi/getfile.php?id={fid}&amp;type=do" title="{name} (PDF-Dokument)">'
        f"{name}</a></td><td>PDF</td></tr>"
        for fid, name in v.attachments
    )
    state = f"<p><b>Status:</b> {result} am {date}</p>" if v.kind == "Beschlussvorlage" else ""
    extra = ""
    if v.kvonr == STRATEGY_KVONR:
        extra = (
            '<p>Nichtöffentliche Anlage: <a href="/bi/getfile.php?id=91&amp;type=ps">'
            "Kostenschätzung</a></p>"
        )
    content = f"""<table class="tk1"><tr><th>Vorlage</th><td>{v.number}</td></tr>
<tr><th>Betreff</th><td>{v.subject}</td></tr><tr><th>Art</th><td>{v.kind}</td></tr>
<tr><th>Federführend</th><td>{v.office}</td></tr></table>{state}
<h2>Beratungsfolge</h2><table class="tl1"><tr><th>Gremium</th><th>Datum</th><th>Zuständigkeit</th>
<th>Ergebnis</th></tr>{rows}</table>
<h2>Sachverhalt</h2><p>{v.text}</p><h2>Beschlussvorschlag</h2><p>{v.proposal}</p>
<h2>Anlagen</h2><table>{files or "<tr><td>keine</td></tr>"}</table>{extra}
<p><a href="/bi/vo0050.php?__kvonr={v.kvonr}&amp;print=1">Druckansicht</a></p>"""
    return _page(f"Vorlage - {v.number}", content)


def _session_page(ksinr: int) -> bytes:
    committee, date, time = SESSIONS[ksinr]
    items = [v for v in VORLAGEN if v.session == ksinr]
    if ksinr == 300:
        items = [v for v in VORLAGEN if v.kvonr == STRATEGY_KVONR]
    rows = "".join(
        f'<tr><td>Ö {n}</td><td><a href="/bi/vo0050.php?__kvonr={v.kvonr}">{v.subject}</a></td>'
        f"<td>{v.number}</td></tr>"
        for n, v in enumerate(items, start=1)
    )
    files = ""
    if ksinr == 301:  # the session's document package repeats the adopted strategy
        files = (
            '<h2>Sitzungsdokumente</h2><ul><li><a href="/bi/download.php?id=77">'
            "Anlage zu Ö 1 (PDF, 2 MB)</a></li></ul>"
        )
    return _page(
        f"Sitzung {committee} - {date}",
        f"<p>{date}, {time} Uhr, Großer Sitzungssaal, Rathaus</p><table>{rows}</table>{files}",
    )


def _calendar(path: str) -> Response | None:
    parts = urlsplit(path)
    if parts.path != CAL:
        return None
    query = dict(parse_qsl(parts.query))
    try:
        month, year = int(query.get("MM", "7")), int(query.get("YY", "2023"))
    except ValueError:
        return None
    if not 1 <= month <= 12:
        return None
    sessions = "".join(
        f'<tr><td>{d}</td><td><a href="/bi/si0057.php?__ksinr={k}">{c}</a></td></tr>'
        for k, (c, d, _) in SESSIONS.items()
        if d.endswith(f".{month:02d}.{year}")
    )
    prev_m, prev_y = (12, year - 1) if month == 1 else (month - 1, year)
    next_m, next_y = (1, year + 1) if month == 12 else (month + 1, year)
    content = (
        f"<p>Sitzungen im Monat {month:02d}/{year}</p><table>{sessions}</table>"
        f'<a href="{CAL}?MM={prev_m}&amp;YY={prev_y}">&lt;&lt; Vormonat</a> '
        f'<a href="{CAL}?MM={next_m}&amp;YY={next_y}">Folgemonat &gt;&gt;</a>'
    )
    return Response(_page("Sitzungskalender", content), LATIN1, validators=False)


def _attachment_pdf(fid: int, name: str, v: Vorlage) -> bytes:
    return render_pdf(
        PdfDoc(
            (f"{name}", f"zur Vorlage {v.number}", v.subject),
            ((v.subject, (v.text, v.proposal)),),
            meta_title=f"Anlage {fid}",
        )
    )


def _files() -> dict[str, Response]:
    routes: dict[str, Response] = {}
    for v in VORLAGEN:
        for fid, name in v.attachments:
            if fid == 77:
                continue
            body = _attachment_pdf(fid, name, v)
            filename = re.sub(r"\W+", "_", f"Vorlage_{v.number}_{name}") + ".pdf"
            disposition = (("Content-Disposition", f'attachment; filename="{filename}"'),)
            routes[f"/bi/getfile.php?id={fid}&type=do"] = Response(body, PDF, headers=disposition)
    strategy = render_pdf(STRATEGY_PDF)
    disposition = (("Content-Disposition", 'attachment; filename="Vorlage_2023-118_Anlage_1.pdf"'),)
    routes[GETFILE] = Response(strategy, PDF, headers=disposition)
    routes[DOWNLOAD] = Response(strategy, "application/octet-stream")
    routes["/bi/getfile.php?id=91&type=ps"] = Response(b"%PDF-1.4 nichtoeffentlich", PDF)
    return routes


def _start() -> bytes:
    upcoming = "".join(
        f'<li><a href="/bi/si0057.php?__ksinr={k}">{c} am {d}</a></li>'
        for k, (c, d, _) in SESSIONS.items()
    )
    return _page(
        "Bürgerinfo Beispielheim",
        f"""<p>Willkommen im Bürgerinformationssystem der Großen
Kreisstadt Beispielheim. Hier finden Sie öffentliche Sitzungen, Tagesordnungen, Vorlagen und
Beschlüsse des Gemeinderats und seiner Ausschüsse.</p><h2>Letzte Sitzungen</h2><ul>{upcoming}</ul>""",
    )


def build(base_url: str) -> Site:
    """The RIS for `base_url`."""
    routes: dict[str, Response] = {
        "/": Response(b"", status=302, headers=(("Location", "/bi/info.php"),), validators=False),
        "/bi/info.php": Response(_start(), LATIN1),
        "/bi/impressum.php": Response(
            _page(
                "Impressum",
                "<p>Verantwortlich: Stadt Beispielheim, "
                "Hauptamt, Marktplatz 1, 74000 Beispielheim.</p>",
            ),
            LATIN1,
        ),
        "/bi/gr0040.php": Response(
            _page("Gremien", "<ul>" + "".join(f"<li>{c}</li>" for c in COMMITTEES) + "</ul>"),
            LATIN1,
        ),
        "/bi/vo0040.php": Response(
            _page(
                "Vorlagen",
                "<table>"
                + "".join(
                    f'<tr><td><a href="/bi/vo0050.php?__kvonr={v.kvonr}">{v.number}</a></td><td>{v.subject}</td></tr>'
                    for v in VORLAGEN
                )
                + "</table>",
            ),
            LATIN1,
        ),
        "/bi/recherche.php": Response(_page("Recherche", "<form></form>"), LATIN1),
    }
    for v in VORLAGEN:
        page = Response(_vorlage_page(v), LATIN1)
        routes[f"/bi/vo0050.php?__kvonr={v.kvonr}"] = page
        routes[f"/bi/vo0050.php?__kvonr={v.kvonr}&print=1"] = page
    routes |= {f"/bi/si0057.php?__ksinr={k}": Response(_session_page(k), LATIN1) for k in SESSIONS}
    routes |= _files()
    return Site("ratsinfo", routes, EXPECTED, (_calendar,))


def _noise() -> tuple[str, ...]:
    pages = [f"/bi/vo0050.php?__kvonr={v.kvonr}" for v in VORLAGEN if v.kvonr != STRATEGY_KVONR]
    files = [
        f"/bi/getfile.php?id={fid}&type=do"
        for v in VORLAGEN
        for fid, _ in v.attachments
        if fid not in (77, 78)
    ]
    return (*pages, *files, "/bi/impressum.php", "/bi/gr0040.php")


EXPECTED = Expected(
    site="ratsinfo",
    start="/",
    documents=(
        ExpectedDoc(
            GETFILE,
            "pdf",
            "Digitalstrategie Beispielheim 2030",
            {
                "municipality": "Beispielheim",
                "kind": "Stadt",
                "state": "Baden-Württemberg",
                "population": 24700,
                "year": 2023,
            },
            aliases=(DOWNLOAD,),
            context_facts={"municipality": "Beispielheim", "year": 2023},
            note="Content-Disposition attachment, filename Vorlage_2023-118_Anlage_1.pdf; "
            "the alias is served as application/octet-stream; Vorlage: 'beschlossen am 12.07.2023'",
        ),
    ),
    listings=(
        "/",
        "/bi/info.php",
        "/bi/vo0040.php",
        *(f"/bi/si0057.php?__ksinr={k}" for k in SESSIONS),
    ),
    noise=_noise(),
    tolerated=(f"/bi/vo0050.php?__kvonr={STRATEGY_KVONR}", "/bi/getfile.php?id=78&type=do"),
    disallow=(
        ("Disallow", "/bi/recherche*"),
        ("Disallow", "/*&print=1"),
        ("Disallow", "/bi/getfile.php?*type=ps"),
        ("Disallow", "/bi/___tmp/"),
    ),
    never_fetch=(
        "/bi/recherche.php",
        "/bi/getfile.php?id=91&type=ps",
        *(f"/bi/vo0050.php?__kvonr={v.kvonr}&print=1" for v in VORLAGEN),
    ),
    traps=(Trap(CAL, "endless session calendar (?MM=..&YY=..)", 30),),
)
