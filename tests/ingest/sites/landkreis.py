"""Held-out site (e): the TYPO3-style website of the (fictional) Landkreis Musterwald,
Rheinland-Pfalz. Kept out of the repository (held out) until the crawler was finished, then added as the fifth site.

Load it with `tests.ingest.sites.serve_site_file(path)` / `load_expected_file(path)`.
"""

from __future__ import annotations

import re
import zlib
from urllib.parse import parse_qsl, urlsplit

from tests.ingest.sites.model import PDF, Expected, ExpectedDoc, Response, Site, Trap
from tests.ingest.sites.pdfs import PdfDoc, render_pdf

S = "/themen/digitalisierung/"
STRAT = S + "digitalstrategie/"
PARTS = tuple(STRAT + p for p in ("leitbild/", "handlungsfelder/", "massnahmen/", "umsetzung/"))
PDF_PATH = "/fileadmin/user_upload/Presse/Pressemappe_22-11.pdf"
EGOV = "/kreisverwaltung/organisation/e-government/"
NEWS = "/aktuelles/pressemitteilungen/"


def _page(base_url: str, title: str, body: str, aside: str = "") -> bytes:
    """TYPO3 look: <base href>, relative links without a leading slash, mega menu."""
    return f"""<!DOCTYPE html>
<html lang="de-DE"><head><meta charset="utf-8"><base href="{base_url}/">
<title>{title}: Kreisverwaltung Musterwald</title>
<meta name="generator" content="TYPO3 CMS"></head>
<body id="p{zlib.crc32(title.encode()) % 1000}"><div class="page">
<header id="header"><a href="./" class="logo"><img src="typo3conf/ext/kv_sitepackage/Resources/Public/Images/logo.svg"
alt="Landkreis Musterwald"></a><nav class="mega"><ul>
<li><a href="buergerservice/">Bürgerservice</a></li><li><a href="kreisverwaltung/">Kreisverwaltung</a></li>
<li><a href="themen/">Themen</a></li><li><a href="aktuelles/pressemitteilungen/">Aktuelles</a></li>
<li><a href="kreistag/">Kreistag</a></li></ul></nav>
<form action="suche/" method="get"><input name="tx_kesearch_pi1[sword]"></form></header>
<div class="content-wrap"><main class="main"><h1>{title}</h1>{body}</main>
<aside class="sidebar">{aside}</aside></div>
<footer id="footer"><div class="address">Kreisverwaltung Musterwald<br>Kreishausstraße 1<br>
56999 Musterau</div><a href="impressum/">Impressum</a> <a href="datenschutz/">Datenschutz</a>
<a href="?type=98">Seite drucken</a></footer></div></body></html>""".encode()


FIELDS_E = (
    (
        "Digitale Kreisverwaltung",
        "Alle Leistungen des Kreises werden bis 2026 online angeboten; "
        "Bürgerinnen und Bürger müssen nur noch in Ausnahmefällen ins Kreishaus kommen.",
        (
            "Online-Kfz-Zulassung und Führerscheinanträge",
            "E-Akte in allen Abteilungen",
            "Digitaler Posteingang mit zentralem Scanzentrum",
        ),
    ),
    (
        "Vernetzte Mobilität im ländlichen Raum",
        "Die 58 Ortsgemeinden werden durch Rufbusse, "
        "Mitfahrbänke mit App-Anbindung und eine gemeinsame Fahrplanauskunft besser verbunden.",
        ("Rufbus-Angebot in allen Verbandsgemeinden", "Echtzeitdaten für alle Buslinien"),
    ),
    (
        "Bildung und Schulen",
        "Die Kreisschulen erhalten Glasfaser, WLAN in jedem Raum und "
        "einen professionellen IT-Support.",
        ("IT-Servicezentrum für die Schulen des Kreises", "Fortbildungen für Lehrkräfte"),
    ),
    (
        "Gesundheit und Pflege",
        "Telemedizin und digitale Pflegeberatung sichern die Versorgung in den Dörfern.",
        ("Pflegestützpunkte mit Videoberatung", "Gemeindeschwester plus mit Tablet"),
    ),
    (
        "Regionale Wirtschaft und Tourismus",
        "Der Kreis unterstützt Betriebe bei der "
        "Digitalisierung und vermarktet Wander- und Radwege digital.",
        ("Digitallotsen der Wirtschaftsförderung", "Tourenportal mit offenen Daten"),
    ),
)


def _strategy_index(base_url: str) -> bytes:
    toc = "".join(
        f'<li><a href="{p.lstrip("/")}">{t}</a></li>'
        for p, t in zip(
            PARTS,
            ("Leitbild", "Handlungsfelder", "Maßnahmen", "Umsetzung und Monitoring"),
            strict=True,
        )
    )
    return _page(
        base_url,
        "Digitalstrategie des Landkreises Musterwald",
        f"""
<p class="lead">Vom Kreistag beschlossen am 21. November 2022.</p>
<p>Im Landkreis Musterwald leben rund 96.000 Menschen in 58 Ortsgemeinden. Mit der
Digitalstrategie legt der Kreis fest, wie er die Chancen der Digitalisierung für eine
ländlich geprägte Region in Rheinland-Pfalz nutzen will.</p>
<h2>Inhalt</h2><ol class="toc">{toc}</ol>
<p>Die vollständige Fassung mit allen Steckbriefen: <a href="{PDF_PATH.lstrip("/")}">Zur Langfassung</a></p>
<p><a href="{STRAT.lstrip("/")}?type=98">Druckversion</a></p>
""",
        f'<a href="themen/digitalisierung/">Zurück zu Digitalisierung</a> <a href="{STRAT.lstrip("/")}?L=1">English</a>',
    )


def _part(base_url: str, n: int) -> bytes:
    titles = ("Leitbild", "Handlungsfelder", "Maßnahmen", "Umsetzung und Monitoring")
    if n == 0:
        body = (
            "<p>„Musterwald verbindet – digital und vor Ort.“ Unser Leitbild beschreibt einen "
            "Landkreis, in dem digitale Angebote Wege ersparen, Teilhabe ermöglichen und die "
            "Dörfer lebendig halten. Die Digitalisierung dient den Menschen, nicht umgekehrt.</p>"
        )
    elif n == 1:
        body = "".join(f"<h2>{t}</h2><p>{goal}</p>" for t, goal, _ in FIELDS_E)
    elif n == 2:
        body = "".join(
            f"<h2>{t}</h2><ul>" + "".join(f"<li>{m}</li>" for m in ms) + "</ul>"
            for t, _, ms in FIELDS_E
        )
    else:
        body = (
            "<p>Die Stabsstelle Digitalisierung steuert die Umsetzung. Ein Beirat mit "
            "Vertretungen der Verbandsgemeinden, der Wirtschaft und der Schulen tagt zweimal "
            "im Jahr. Jede Maßnahme hat Kennzahlen; der Kreistag erhält jährlich einen "
            "Fortschrittsbericht.</p>"
        )
    nav = f'<p><a href="{STRAT.lstrip("/")}">Übersicht der Digitalstrategie</a></p>'
    return _page(base_url, f"Digitalstrategie: {titles[n]}", body + nav)


def _steckbrief(n: int, title: str, measure: str) -> tuple[str, ...]:
    offices = (
        "Stabsstelle Digitalisierung",
        "Abteilung Bauen und Verkehr",
        "Schulverwaltung",
        "Gesundheitsamt",
        "Wirtschaftsförderung",
    )
    return (
        f"Steckbrief {n}: {measure}",
        f"Handlungsfeld: {title}. Zuständig: {offices[n % len(offices)]}. "
        f"Zeitraum: 2023 bis {2024 + n % 3}. Finanzierung: Haushalt des Kreises und Fördermittel.",
        "Wirkung: Die Maßnahme spart Wege, verbessert den Service und wird über Kennzahlen "
        "im jährlichen Fortschrittsbericht verfolgt.",
    )


def _long_version() -> PdfDoc:
    """The Langfassung: foreword, situation, fields with profiles of every measure."""
    intro = (
        (
            "Vorwort der Landrätin",
            (
                "Liebe Bürgerinnen und Bürger, die Digitalisierung verändert, wie wir arbeiten, "
                "lernen und miteinander leben. Gerade ein ländlicher Kreis kann davon profitieren.",
                "Diese Strategie ist mit den Verbandsgemeinden, Schulen, Unternehmen und vielen "
                "Engagierten entstanden. Ich danke allen, die mitgewirkt haben.",
            ),
        ),
        (
            "Ausgangslage",
            (
                "Der Landkreis Musterwald mit rund 96.000 Einwohnerinnen und Einwohnern liegt im "
                "Westen von Rheinland-Pfalz. Die Bevölkerung wird älter, viele Menschen pendeln, "
                "und die Wege zu Ärzten und Behörden sind weit.",
                "Eine Befragung im Frühjahr 2022 mit über 1.200 Antworten zeigte: Gewünscht werden "
                "vor allem Online-Dienste, bessere Busverbindungen und schnelles Internet.",
            ),
        ),
    )
    fields = []
    n = 0
    for title, goal, measures in FIELDS_E:
        body = [f"Ziel: {goal}"]
        for measure in measures:
            n += 1
            body += _steckbrief(n, title, measure)
        fields.append((title, tuple(body)))
    return PdfDoc(
        (
            "Digitalstrategie des Landkreises Musterwald",
            "Langfassung",
            "Kreistagsbeschluss vom 21.11.2022",
        ),
        (*intro, *fields),
        meta_title="Pressemappe November",
    )


def _egov(base_url: str) -> bytes:
    return _page(
        base_url,
        "E-Government-Strategie der Kreisverwaltung",
        """
<p>Herausgeber: Landkreis Musterwald, Stabsstelle Digitalisierung. Stand: 2021.</p>
<p>Die E-Government-Strategie ist die verwaltungsinterne Grundlage für die
Modernisierung der Verwaltung des Landkreises Musterwald.</p><h2>Ziele</h2><ul>
<li>Elektronische Aktenführung in allen Abteilungen bis 2024</li>
<li>Umsetzung des Onlinezugangsgesetzes für alle Kreisleistungen</li>
<li>Digitale Zusammenarbeit mit den Verbandsgemeinden</li></ul>
<h2>Handlungsfelder</h2><p>Prozesse, Personal und Qualifizierung, IT-Infrastruktur und
Informationssicherheit.</p><h2>Maßnahmen</h2><p>Prozessanalysen in zehn Fachbereichen,
Schulungsprogramm, Ausbau des Rechenzentrums gemeinsam mit dem Zweckverband.</p>""",
    )


NOISE = {
    "/buergerservice/kfz-zulassung/": (
        "Kfz-Zulassung",
        "<p>Die Zulassungsstelle im Kreishaus Musterau ist montags bis freitags von 7:30 bis 12 Uhr geöffnet. Termine online buchbar. Wunschkennzeichen können reserviert werden.</p>",
    ),
    "/buergerservice/fuehrerschein/": (
        "Führerscheinstelle",
        "<p>Anträge auf Ersterteilung, Umtausch und Verlängerung. Der Umtausch alter Führerscheine erfolgt nach Geburtsjahrgängen.</p>",
    ),
    "/buergerservice/abfallwirtschaft/": (
        "Abfallwirtschaft",
        "<p>Der Abfallwirtschaftsbetrieb des Kreises holt Restabfall, Bioabfall und Papier ab. Die Termine finden Sie im Abfallkalender Ihrer Ortsgemeinde.</p>",
    ),
    "/buergerservice/gesundheitsamt/": (
        "Gesundheitsamt",
        "<p>Schuleingangsuntersuchungen, Trinkwasserüberwachung, Impfberatung und Infektionsschutz.</p>",
    ),
    "/buergerservice/veterinaeramt/": (
        "Veterinäramt",
        "<p>Zuständig für Tierschutz, Tierseuchenbekämpfung und Lebensmittelüberwachung.</p>",
    ),
    "/buergerservice/bafoeg/": (
        "BAföG und Schülerbeförderung",
        "<p>Anträge auf Schüler-BAföG und Fahrkosten für die Schülerbeförderung stellen Sie bei der Kreisverwaltung.</p>",
    ),
    "/buergerservice/jobs/": (
        "Stellenangebote",
        "<p>Die Kreisverwaltung sucht: Sachbearbeitung Bauaufsicht, Ingenieur/in Tiefbau, IT-Administrator/in (Schwerpunkt Digitalisierung der Schulen), Lebensmittelkontrolleur/in.</p>",
    ),
    "/kreisverwaltung/": (
        "Kreisverwaltung",
        "<p>Die Kreisverwaltung gliedert sich in fünf Abteilungen. Landrätin ist Maria Muster.</p><p><a href='kreisverwaltung/organisation/'>Organisation</a></p>",
    ),
    "/kreisverwaltung/organisation/": (
        "Organisation",
        '<p>Abteilungen, Stabsstellen und Eigenbetriebe.</p><p><a href="kreisverwaltung/organisation/e-government/">E-Government</a></p>',
    ),
    "/kreistag/": (
        "Kreistag",
        "<p>Der Kreistag hat 42 Mitglieder und tagt etwa sechsmal im Jahr. Sitzungsunterlagen im Ratsinformationssystem.</p>",
    ),
    "/themen/oepnv/": (
        "Bus und Bahn",
        "<p>Der Kreis ist Aufgabenträger für den Busverkehr. Seit 2023 zeigen digitale Anzeiger an 40 Haltestellen die Abfahrtszeiten.</p>",
    ),
    "/themen/breitband/": (
        "Breitbandausbau",
        "<p>Im geförderten Ausbau erhalten 8.400 Haushalte einen Glasfaseranschluss. Der Ausbau ist ein Baustein der Digitalisierung im ländlichen Raum.</p>",
    ),
    "/themen/klimaschutz/": (
        "Klimaschutz",
        "<p>Das Klimaschutzkonzept des Kreises sieht eine Reduktion der Emissionen um 65 Prozent bis 2030 vor. Förderung von Photovoltaik auf Kreisgebäuden.</p>",
    ),
    "/themen/tourismus/": (
        "Tourismus",
        "<p>Wandern, Radfahren und Burgen: Der Musterwald ist ein beliebtes Ausflugsziel. Das Tourenportal zeigt 120 Routen.</p>",
    ),
    "/impressum/": (
        "Impressum",
        "<p>Kreisverwaltung Musterwald, vertreten durch die Landrätin, Kreishausstraße 1, 56999 Musterau. Körperschaft des öffentlichen Rechts.</p>",
    ),
    "/datenschutz/": ("Datenschutz", "<p>Hinweise zur Datenverarbeitung nach der DSGVO.</p>"),
    NEWS + "digitaltag-2023/": (
        "Digitaltag im Kreishaus",
        "<p>12.06.2023. Beim Digitaltag konnten Bürgerinnen und Bürger neue Online-Dienste ausprobieren. Die Landrätin eröffnete die Veranstaltung.</p>",
    ),
    NEWS + "neues-loeschfahrzeug/": (
        "Neues Löschfahrzeug übergeben",
        "<p>04.04.2023. Die Feuerwehr einer Ortsgemeinde erhält ein neues Fahrzeug, gefördert vom Land.</p>",
    ),
    NEWS + "schulbau-beginnt/": (
        "Spatenstich für Erweiterung der Realschule plus",
        "<p>18.09.2023. Der Kreis investiert 9 Millionen Euro in den Anbau.</p>",
    ),
}
TOLERATED = {
    "/themen/schulen/medienentwicklungsplan/": (
        "Medienentwicklungsplan der Kreisschulen",
        "<p>Der Medienentwicklungsplan beschreibt die Ausstattung der 14 Schulen in Trägerschaft des Kreises mit digitalen Endgeräten, Netzwerk und Support bis 2027.</p>",
    ),
    NEWS + "kreistag-beschliesst-digitalstrategie/": (
        "Kreistag beschließt Digitalstrategie",
        "<p>22.11.2022. Der Kreistag hat die Digitalstrategie einstimmig beschlossen. Sie umfasst fünf Handlungsfelder.</p>",
    ),
}
NOISE_PDF = "/fileadmin/user_upload/Digitalisierung/Digitalstrategie_Anmeldeformular_Workshop.pdf"
TYPO_PRINT = "?type=98"


def _news_archive(base_url: str):  # type: ignore[no-untyped-def]
    def route(path: str) -> Response | None:
        parts = urlsplit(path)
        if parts.path != NEWS:
            return None
        query = dict(parse_qsl(parts.query))
        page = query.get("tx_news_pi1[currentPage]", "1")
        if not page.isdigit() or set(query) - {"tx_news_pi1[currentPage]", "cHash"}:
            return None
        n = int(page)
        items = [(p, t) for p, (t, _) in {**NOISE, **TOLERATED}.items() if p.startswith(NEWS)]
        shown = items if n == 1 else []
        links = (
            "".join(f'<li><a href="{p.lstrip("/")}">{t}</a></li>' for p, t in shown)
            or "<li>Keine Einträge</li>"
        )
        nxt = f"aktuelles/pressemitteilungen/?tx_news_pi1%5BcurrentPage%5D={n + 1}&amp;cHash={n * 7919 % 100000:05d}"
        return Response(
            _page(
                base_url, "Pressemitteilungen", f'<ul>{links}</ul><a href="{nxt}">Nächste Seite</a>'
            ),
            validators=False,
        )

    return route


def _language_alias(routes: dict[str, Response]):  # type: ignore[no-untyped-def]
    def route(path: str) -> Response | None:
        clean = re.sub(r"[?&]L=\d+$", "", path)
        return routes.get(clean) if clean != path else None

    return route


def build(base_url: str) -> Site:
    routes: dict[str, Response] = {
        "/": Response(
            _page(
                base_url,
                "Landkreis Musterwald",
                """
<div class="teaser-row"><div class="teaser"><a href="digital"><img src="fileadmin/_processed_/a/3/csm_digital_7e2b1c.jpg" alt=""></a>
<h3>Digitaler Landkreis</h3><a href="digital">mehr</a></div>
<div class="teaser"><h3>Kfz-Zulassung</h3><a href="buergerservice/kfz-zulassung/">mehr</a></div>
<div class="teaser"><h3>Aktuelles</h3><a href="aktuelles/pressemitteilungen/">mehr</a></div>
<div class="teaser"><h3>Stellenangebote</h3><a href="buergerservice/jobs/">mehr</a></div></div>""",
            )
        ),
        "/digital": Response(b"", status=301, headers=(("Location", S),), validators=False),
        S: Response(
            _page(
                base_url,
                "Digitalisierung",
                f"""<p>Der Landkreis Musterwald gestaltet
den digitalen Wandel. Hier finden Sie unsere Strategie, Projekte und Ansprechpersonen.</p>
<div class="cards"><a class="card" href="{STRAT.lstrip("/")}"><img src="fileadmin/img/strategie.jpg" alt=""></a>
<a class="card" href="themen/breitband/">Breitband</a>
<a class="card" href="{NOISE_PDF.lstrip("/")}">Anmeldung Workshop (PDF)</a>
<a class="card" href="themen/schulen/medienentwicklungsplan/">Schulen</a></div>""",
            )
        ),
        "/themen/": Response(
            _page(
                base_url,
                "Themen",
                "<ul>"
                + "".join(
                    f'<li><a href="{p.lstrip("/")}">{t}</a></li>'
                    for p, t in (
                        (S, "Digitalisierung"),
                        ("/themen/oepnv/", "Bus und Bahn"),
                        ("/themen/breitband/", "Breitband"),
                        ("/themen/klimaschutz/", "Klimaschutz"),
                        ("/themen/tourismus/", "Tourismus"),
                    )
                )
                + "</ul>",
            )
        ),
        "/buergerservice/": Response(
            _page(
                base_url,
                "Bürgerservice",
                "<ul>"
                + "".join(
                    f'<li><a href="{p.lstrip("/")}">{t}</a></li>'
                    for p, (t, _) in NOISE.items()
                    if p.startswith("/buergerservice/")
                )
                + "</ul>",
            )
        ),
        STRAT: Response(_strategy_index(base_url)),
        EGOV: Response(_egov(base_url)),
        "/suche/": Response(_page(base_url, "Suche", "<p>Suchergebnisse</p>")),
    }
    routes |= {p: Response(_part(base_url, n)) for n, p in enumerate(PARTS)}
    routes |= {
        p: Response(_page(base_url, t, b))
        for p, (t, b) in {**NOISE, **TOLERATED}.items()
        if p != NEWS
    }
    routes[STRAT + TYPO_PRINT] = routes[STRAT]
    routes[PDF_PATH] = Response(render_pdf(_long_version()), "application/octet-stream")
    routes[NOISE_PDF] = Response(
        render_pdf(
            PdfDoc(
                ("Anmeldung", "Workshop Digitalstrategie - Beteiligung der Ortsgemeinden"),
                (
                    (
                        "Anmeldeformular",
                        ("Name:", "Ortsgemeinde:", "Bitte bis 30.06.2022 zurücksenden."),
                    ),
                ),
            )
        ),
        PDF,
    )
    return Site("landkreis", routes, EXPECTED, (_news_archive(base_url), _language_alias(routes)))


EXPECTED = Expected(
    site="landkreis",
    start="/",
    documents=(
        ExpectedDoc(
            STRAT,
            "html",
            "Digitalstrategie des Landkreises Musterwald",
            {
                "municipality": "Landkreis Musterwald",
                "kind": "Landkreis",
                "state": "Rheinland-Pfalz",
                "population": 96000,
                "year": 2022,
            },
            aliases=(STRAT + "?L=1",),
            parts=PARTS,
        ),
        ExpectedDoc(
            PDF_PATH,
            "pdf",
            "Digitalstrategie des Landkreises Musterwald",
            {
                "municipality": "Landkreis Musterwald",
                "kind": "Landkreis",
                "state": "Rheinland-Pfalz",
                "population": 96000,
                "year": 2022,
            },
            note="misleading file name and metadata title; application/octet-stream",
        ),
        ExpectedDoc(
            EGOV,
            "html",
            "E-Government-Strategie der Kreisverwaltung",
            {"municipality": "Landkreis Musterwald", "kind": "Landkreis", "year": 2021},
        ),
    ),
    listings=("/", S, "/themen/", "/buergerservice/", NEWS),
    noise=(*(p for p in NOISE if p != NEWS), NOISE_PDF),
    tolerated=tuple(TOLERATED),
    disallow=(
        ("Disallow", "/*?type=98"),
        ("Disallow", "/suche/"),
        ("Disallow", "/typo3/"),
        ("Disallow", "/*cHash=*&no_cache=1"),
    ),
    never_fetch=(STRAT + TYPO_PRINT, "/suche/", "/?type=98"),
    traps=(Trap(NEWS + "?", "endless news pagination (tx_news_pi1[currentPage])", 30),),
)
