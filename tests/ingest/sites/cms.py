"""Site (b): the CMS of the (fictional) Stadt Beispielstadt in Hessen, GSB style.

The strategy is one section among ~50 unrelated pages: a Kurzfassung in three chapters
("Kapitel 2 von 3", canonical links, a print version ?print=1 without canonical, a node URL
that serves chapter 1 again) and a Langfassung linked as "Download (PDF, 2 MB)" to
2023-07-12_anlage_3.pdf?__blob=publicationFile&v=2. Traps: an endless event calendar
(?month=...), a search page (robots-disallowed), ;jsessionid= session ids and utm_* tracking
parameters on links (the server ignores both).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.ingest.sites.cms_pages import NOISE, TOLERATED
from tests.ingest.sites.model import PDF, Expected, ExpectedDoc, Response, Site, Trap
from tests.ingest.sites.pdfs import PdfDoc, render_pdf
from tests.ingest.sites.prose import FIELDS, Profile, strategy_sections

SID = ";jsessionid=8C1F2E0A9B7D4C3E5F6A7B8C9D0E1F2A.live21"
SECTIONS = {
    "Buergerservice": ("Bürgerservice", "/DE/Buergerservice/buergerservice_node.html"),
    "Umwelt": ("Umwelt und Abfall", "/DE/Umwelt/umwelt_node.html"),
    "Rathaus": ("Rathaus und Politik", "/DE/Rathaus/rathaus_node.html"),
    "Leben": ("Leben in Beispielstadt", "/DE/Leben/leben_node.html"),
    "Veranstaltungen": ("Veranstaltungen", "/DE/Veranstaltungen/veranstaltungen_node.html"),
    "Presse": ("Presse", "/DE/Presse/presse_node.html"),
}
DIGITAL = "/DE/Rathaus/Digitales/digitales_node.html"
KF = "/DE/Rathaus/Digitales/Kurzfassung/"
CHAPTERS = tuple(f"{KF}kapitel_{n}.html" for n in (1, 2, 3))
PDF_PATH = "/SharedDocs/Downloads/DE/Rathaus/2023-07-12_anlage_3.pdf"
PDF_URL = PDF_PATH + "?__blob=publicationFile&v=2"
PDF_ALIAS = PDF_PATH + "?__blob=publicationFile"
CALENDAR = "/DE/Veranstaltungen/kalender.html"
PROFILE = Profile(
    "Beispielstadt",
    "Stadt Beispielstadt",
    "Digitalstrategie der Stadt Beispielstadt",
    "Beispielstadt – digital vernetzt, menschlich nah",
    ("verwaltung", "bildung", "mobilitaet", "klima", "teilhabe", "wirtschaft"),
    1,
    situation="Beispielstadt mit rund 38.600 Einwohnerinnen und Einwohnern in der Kernstadt "
    "und drei Ortsteilen verfügt über eine gute Breitbandversorgung, aber noch wenige "
    "Online-Dienste. Viele Abläufe in der Verwaltung sind papiergebunden.",
)


def _page(title: str, content: str, crumbs: str = "", head: str = "") -> bytes:
    nav = "".join(
        f'<li><a href="{href}{SID}">{label}</a></li>' for label, href in SECTIONS.values()
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="de" lang="de"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Stadt Beispielstadt - {title}</title>{head}
<link rel="stylesheet" href="/SiteGlobals/StyleBundles/CSS/screen/screen.css" /></head>
<body><div id="wrapper"><div id="header"><a href="/DE/Home/home_node.html{SID}"><img
src="/SiteGlobals/Frontend/Images/logo.gif" alt="Stadt Beispielstadt - zur Startseite" /></a>
<form action="/suche" method="get"><input type="text" name="q" /><input type="submit"
value="Suchen" /></form><p class="quicklinks">Häufig gesucht: <a href="/suche?q=Abfallkalender">
Abfallkalender</a>, <a href="/suche?q=Digitalstrategie">Digitalstrategie</a>,
<a href="/SiteGlobals/Forms/Suche/Expertensuche_Formular.html">Expertensuche</a></p></div>
<div id="navPrimary"><ul>{nav}</ul></div>
<div id="navBreadcrumbs">Sie sind hier: <a href="/DE/Home/home_node.html">Startseite</a> {crumbs}</div>
<div id="content">{content}</div>
<div id="footer"><p>Magistrat der Stadt Beispielstadt · Rathausplatz 1 · 61234 Beispielstadt
(Hessen) · Telefon 06123 45-0</p><p><a href="/DE/Service/impressum.html">Impressum</a> |
<a href="/DE/Service/datenschutz.html">Datenschutz</a> | <a href="/DE/Service/kontakt.html">
Kontakt</a> | <a href="/DE/Service/barrierefreiheit.html">Barrierefreiheit</a></p></div>
</div></body></html>""".encode()


def _section_page(key: str) -> bytes:
    label, _ = SECTIONS[key]
    items = [(p, t) for p, (t, _) in NOISE.items() if p.startswith(f"/DE/{key}/")]
    if key == "Rathaus":
        items.insert(0, (DIGITAL, "Digitales Beispielstadt"))
    if key == "Presse":
        items.insert(
            0,
            (
                "/DE/Presse/pm_2023_digitalstrategie.html",
                TOLERATED["/DE/Presse/pm_2023_digitalstrategie.html"][0],
            ),
        )
    if key == "Veranstaltungen":
        items.append((CALENDAR, "Veranstaltungskalender"))
    links = "".join(f'<li><a href="{p}{SID}">{t}</a></li>' for p, t in items)
    sort = (
        '<p><a href="/DE/Presse/presse_node.html?sort=datum">Nach Datum sortieren</a></p>'
        if key == "Presse"
        else ""
    )
    return _page(label, f"<h1>{label}</h1>{sort}<ul class='linklist'>{links}</ul>", f"&gt; {label}")


def _home() -> bytes:
    news = "".join(
        f'<div class="teaser"><h2>{NOISE[p][0]}</h2><a href="{p}?utm_source=newsletter&amp;utm_medium=email'
        f'&amp;utm_campaign=juli23">mehr</a></div>'
        for p in (
            "/DE/Presse/pm_2023_freibad.html",
            "/DE/Presse/pm_2023_stadtfest.html",
            "/DE/Presse/pm_2023_baustelle.html",
        )
    )
    content = f"""<h1>Willkommen in Beispielstadt</h1>{news}
<div class="teaser"><h2>Bürgerbüro online</h2><p>Viele Anliegen erledigen Sie bequem von
zu Hause.</p><a href="/DE/Buergerservice/buergerservice_node.html{SID}">Zum Bürgerservice</a></div>
<div class="teaser"><h2>Abfallkalender 2026</h2><a href="/DE/Umwelt/Abfall/abfallkalender.html">
Termine anzeigen</a></div><div class="teaser"><h2>Veranstaltungen</h2>
<a href="{CALENDAR}?month=2026-12">Zum Kalender</a></div>"""
    return _page("Startseite", content)


def _chapter(n: int, base_url: str, print_view: bool = False) -> bytes:
    sections = strategy_sections(PROFILE)
    fields = [f for f in sections if f[0].startswith("Handlungsfeld")]
    if n == 1:
        title, body = (
            "Ausgangslage und Leitbild",
            (
                f"<p class='stand'>Stand: Juli 2023</p><h2>Ausgangslage</h2><p>{PROFILE.situation}</p>"
                f"<h2>Unser Leitbild</h2><p>„{PROFILE.slogan}“ – so beschreiben wir, wie Beispielstadt "
                "im Jahr 2030 sein soll: Verwaltungsleistungen rund um die Uhr, gute Bildung mit "
                "digitalen Mitteln und eine Stadt, die ihre Daten offen und verantwortungsvoll nutzt.</p>"
            ),
        )
    elif n == 2:
        items = "".join(
            f"<h3>{t.removeprefix('Handlungsfeld ')}</h3><p>{FIELDS[k][1][0].format(ort='Beispielstadt')}</p>"
            for (t, _), k in zip(fields, PROFILE.fields, strict=True)
        )
        title, body = (
            "Handlungsfelder und Ziele",
            f"<p>Die Strategie ordnet die Vorhaben in sechs Handlungsfelder.</p>{items}",
        )
    else:
        title, body = (
            "Umsetzung",
            (
                "<p>Die Stadtverordnetenversammlung hat die Digitalstrategie am 12.07.2023 beschlossen. "
                "Ein Digitalisierungsbeirat begleitet die Umsetzung; die Stabsstelle Digitalisierung "
                "koordiniert die Maßnahmen und berichtet jährlich.</p><p>Die Maßnahmen werden nach "
                "Nutzen und Aufwand priorisiert und in den Haushalt eingeplant.</p>"
            ),
        )
    main = (
        f"<h1>Digitalstrategie Beispielstadt – Kurzfassung</h1><h2>Kapitel {n}: {title}</h2>{body}"
    )
    if print_view:
        return f'<html><head><meta charset="utf-8"><title>Druckansicht</title></head><body>{main}</body></html>'.encode()
    pager = f"<p class='pager'>Kapitel {n} von 3 "
    pager += f'<a href="{CHAPTERS[n - 2]}">« Vorheriges Kapitel</a> ' if n > 1 else ""
    pager += f'<a href="{CHAPTERS[n]}">Nächstes Kapitel »</a>' if n < 3 else ""
    pager += f'</p><p><a href="{CHAPTERS[n - 1]}?print=1">Druckversion</a></p>'
    head = f'<link rel="canonical" href="{base_url}{CHAPTERS[n - 1]}" />'
    return _page(
        f"Digitalstrategie - Kapitel {n}", main + pager, "&gt; Rathaus &gt; Digitales", head
    )


def _digital() -> bytes:
    return _page(
        "Digitales Beispielstadt",
        f"""<h1>Digitales Beispielstadt</h1>
<p>Die Stadt Beispielstadt hat sich eine Digitalstrategie gegeben. Sie wurde in einem
Beteiligungsprozess mit rund 600 Bürgerinnen und Bürgern erarbeitet.</p>
<p>Die Kurzfassung lesen Sie hier online: <a href="{KF}kurzfassung_node.html{SID}">Kurzfassung</a>.</p>
<p>Die Langfassung als Anlage 3 zur Beschlussvorlage: <a href="{PDF_URL}" class="pdf"
title="2023-07-12_anlage_3.pdf">Download (PDF, 2 MB)</a></p>
<p>Ansprechpartner: Stabsstelle Digitalisierung, Zimmer 1.08</p>
<p class="intern"><a href="/DE/Intern/entwurf_digitalstrategie_v0.9.html">Arbeitsstand (intern)</a></p>""",
        "&gt; Rathaus &gt; Digitales",
    )


def _calendar(path: str) -> Response | None:
    """An endless month calendar: every month links its neighbours and three days."""
    parts = urlsplit(path)
    if parts.path != CALENDAR:
        return None
    query = dict(parse_qsl(parts.query))
    match = re.fullmatch(r"(\d{4})-(\d{2})", query.get("month", "2026-12"))
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    year, month = int(match[1]), int(match[2])
    prev = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    nxt = f"{year + (month == 12)}-{month % 12 + 1:02d}"
    days = "".join(
        f'<li><a href="{CALENDAR}?month={year}-{month:02d}&amp;day={d:02d}">{d}.{month}.{year}: '
        "Wochenmarkt auf dem Marktplatz</a></li>"
        for d in (3, 10, 17)
    )
    content = (
        f"<h1>Veranstaltungskalender {month:02d}/{year}</h1><ul>{days}</ul>"
        f'<p><a href="{CALENDAR}?month={prev}">« Vorheriger Monat</a> | '
        f'<a href="{CALENDAR}?month={nxt}">Nächster Monat »</a></p>'
        '<p><a href="/DE/Veranstaltungen/flohmarkt.html">Flohmarkt</a></p>'
    )
    return Response(_page("Veranstaltungskalender", content), validators=False)


def _search(path: str) -> Response | None:
    parts = urlsplit(path)
    if not parts.path.startswith("/suche"):
        return None
    q = dict(parse_qsl(parts.query)).get("q", "")
    page = int(dict(parse_qsl(parts.query)).get("page", "1") or 1)
    more = urlencode({"q": q, "page": page + 1})
    content = f'<h1>Suchergebnisse für „{q}“</h1><p><a href="/suche?{more}">Weitere Treffer</a></p>'
    return Response(_page("Suche", content), validators=False)


def _noise_stripper(routes: dict[str, Response]) -> Callable[[str], Response | None]:
    """Serve URLs with ;jsessionid= or utm_* parameters as the page without them."""

    def route(path: str) -> Response | None:
        parts = urlsplit(re.sub(r";jsessionid=[^?#/]*", "", path))
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.startswith("utm_")
        ]
        clean = parts.path + ("?" + urlencode(query) if query else "")
        return routes.get(clean) if clean != path else None

    return route


def _pdfs() -> dict[str, bytes]:
    strategy = PdfDoc(
        (
            "Digitalstrategie der Stadt Beispielstadt",
            "Langfassung",
            "Beschluss der Stadtverordnetenversammlung vom 12.07.2023",
        ),
        strategy_sections(PROFILE),
        meta_title="Anlage 3",
        author="Stabsstelle Digitalisierung",
    )
    waste = PdfDoc(
        ("Abfallkalender 2026", "Stadt Beispielstadt"),
        (
            (
                "Abfuhrtermine",
                (
                    "Restmüll: 14-tägig. Biotonne: wöchentlich von April bis Oktober.",
                    "Papier: alle vier Wochen. Gelbe Säcke: 14-tägig.",
                ),
            ),
        ),
    )
    budget = PdfDoc(
        ("Haushaltssatzung 2024", "Stadt Beispielstadt"),
        (
            (
                "§ 1 Ergebnishaushalt",
                (
                    "Der Ergebnishaushalt wird mit ordentlichen Erträgen von "
                    "98.400.000 Euro festgesetzt.",
                    "Mittel für die Digitalisierung der Verwaltung sind im "
                    "Teilhaushalt Zentrale Dienste veranschlagt.",
                ),
            ),
        ),
    )
    return {
        PDF_URL: render_pdf(strategy),
        "/SharedDocs/Downloads/DE/Umwelt/abfallkalender_2026.pdf?__blob=publicationFile&v=4": render_pdf(
            waste
        ),
        "/SharedDocs/Downloads/DE/Rathaus/haushaltssatzung_2024.pdf?__blob=publicationFile&v=1": render_pdf(
            budget
        ),
    }


NOISE_PDFS = (
    "/SharedDocs/Downloads/DE/Umwelt/abfallkalender_2026.pdf?__blob=publicationFile&v=4",
    "/SharedDocs/Downloads/DE/Rathaus/haushaltssatzung_2024.pdf?__blob=publicationFile&v=1",
)
PDF_LINKS = {
    "/DE/Umwelt/Abfall/abfallkalender.html": f'<p><a href="{NOISE_PDFS[0]}">Download (PDF, 1 MB)</a></p>',
    "/DE/Presse/pm_2023_haushalt.html": f'<p>Haushaltssatzung: <a href="{NOISE_PDFS[1]}">Download (PDF, 2 MB)</a></p>',
    "/DE/Presse/pm_2023_digitalstrategie.html": f'<p><a href="{PDF_ALIAS}">Strategie herunterladen</a></p>',
}


def build(base_url: str) -> Site:
    """The CMS site for `base_url` (absolute canonical links)."""
    routes: dict[str, Response] = {
        "/": Response(
            b"", status=301, headers=(("Location", "/DE/Home/home_node.html"),), validators=False
        ),
        "/DE/Home/home_node.html": Response(_home()),
        DIGITAL: Response(_digital()),
        f"{KF}kurzfassung_node.html": Response(_chapter(1, base_url)),
        "/DE/Intern/entwurf_digitalstrategie_v0.9.html": Response(
            _page("Intern", "<p>Entwurf</p>")
        ),
        "/SiteGlobals/Forms/Suche/Expertensuche_Formular.html": Response(
            _page("Suche", "<form></form>")
        ),
        "/DE/Presse/presse_node.html?sort=datum": Response(_section_page("Presse")),
    }
    for n, path in enumerate(CHAPTERS, start=1):
        routes[path] = Response(_chapter(n, base_url))
        routes[f"{path}?print=1"] = Response(_chapter(n, base_url, print_view=True))
    routes |= {key_path: Response(_section_page(key)) for key, (_, key_path) in SECTIONS.items()}
    for path, (title, body) in {**NOISE, **TOLERATED}.items():
        section = path.split("/")[2]
        crumbs = f"&gt; {SECTIONS.get(section, (section, ''))[0]}"
        routes[path] = Response(
            _page(title, f"<h1>{title}</h1>{body}{PDF_LINKS.get(path, '')}", crumbs)
        )
    pdfs = _pdfs()
    routes |= {path: Response(body, PDF) for path, body in pdfs.items()}
    routes[PDF_ALIAS] = routes[PDF_URL]
    return Site("cms", routes, EXPECTED, (_calendar, _search, _noise_stripper(routes)))


EXPECTED = Expected(
    site="cms",
    start="/",
    documents=(
        ExpectedDoc(
            CHAPTERS[0],
            "html",
            "Digitalstrategie Beispielstadt – Kurzfassung",
            {
                "municipality": "Beispielstadt",
                "kind": "Stadt",
                "state": "Hessen",
                "population": 38600,
                "year": 2023,
            },
            aliases=(f"{CHAPTERS[0]}?print=1", f"{KF}kurzfassung_node.html"),
            parts=CHAPTERS[1:] + tuple(f"{c}?print=1" for c in CHAPTERS[1:]),
            note="state from the footer address '(Hessen)'; year from 'Stand: Juli 2023'",
        ),
        ExpectedDoc(
            PDF_URL,
            "pdf",
            "Digitalstrategie der Stadt Beispielstadt",
            {"municipality": "Beispielstadt", "kind": "Stadt", "population": 38600, "year": 2023},
            aliases=(PDF_ALIAS,),
            context_facts={"state": "Hessen"},
            note="linked as 'Download (PDF, 2 MB)'; Langfassung, text differs from the Kurzfassung",
        ),
    ),
    listings=("/", "/DE/Home/home_node.html", *(p for _, p in SECTIONS.values())),
    noise=(*NOISE, *NOISE_PDFS),
    tolerated=(DIGITAL, *TOLERATED),
    disallow=(
        ("Disallow", "/suche*"),
        ("Disallow", "/*?*sort="),
        ("Disallow", "/SiteGlobals/"),
        ("Disallow", "/DE/Intern/"),
    ),
    never_fetch=(
        "/suche?q=Abfallkalender",
        "/suche?q=Digitalstrategie",
        "/SiteGlobals/Forms/Suche/Expertensuche_Formular.html",
        "/DE/Presse/presse_node.html?sort=datum",
        "/DE/Intern/entwurf_digitalstrategie_v0.9.html",
    ),
    traps=(
        Trap(CALENDAR, "endless months (?month=YYYY-MM) and days (&day=DD)", 30),
        Trap("/suche", "search with endless 'Weitere Treffer' (also robots-disallowed)", 0),
    ),
    url_noise=(";jsessionid=", "utm_*"),
)
