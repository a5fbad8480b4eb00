"""Site (a): a state portal of Praxisbeispiele (Niedersachsen, fictional network).

A listing with pagination (?page=2, "Seite 2"), detail pages /praxisbeispiele/<ort>.html linked
only by images, "Mehr erfahren" and "Weiterlesen", some linking the strategy PDF as
"Download (PDF, 2 MB)"; one detail also reachable under a second URL; robots.txt with wildcard
rules (/*?print=, /suche*, /*.docx$) and an Allow exception.
"""

from __future__ import annotations

from tests.ingest.sites.model import PDF, Expected, ExpectedDoc, Response, Site
from tests.ingest.sites.pdfs import PdfDoc, render_pdf
from tests.ingest.sites.portal_data import EXAMPLES, Example
from tests.ingest.sites.prose import FIELDS, strategy_sections

NAV = (
    ("/", "Startseite"),
    ("/praxisbeispiele/", "Praxisbeispiele"),
    ("/foerderprogramme.html", "Förderung"),
    ("/veranstaltungen.html", "Veranstaltungen"),
    ("/aktuelles/", "Aktuelles"),
    ("/ueber-uns.html", "Über uns"),
)


def _page(title: str, main: str, crumbs: str = "", path: str = "") -> bytes:
    nav = "".join(
        f'<li class="nav-item{" active" if href == path else ""}"><a class="nav-link" '
        f'href="{href}">{label}</a></li>'
        for href, label in NAV
    )
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Netzwerk Kommunal.Digital Niedersachsen</title>
<link rel="stylesheet" href="/assets/css/portal.min.css"></head>
<body class="portal">
<a class="skip" href="#inhalt">Zum Inhalt springen</a>
<header class="site-header"><div class="container">
<a class="brand" href="/"><img src="/assets/img/logo-netzwerk.svg" alt="Netzwerk Kommunal.Digital"></a>
<form class="search" action="/suche" method="get"><input name="q" placeholder="Suchbegriff">
<button>Suchen</button></form>
<nav aria-label="Hauptnavigation"><ul class="nav">{nav}</ul></nav></div></header>
<div class="breadcrumb container"><a href="/">Start</a> {crumbs}</div>
<main id="inhalt" class="container">{main}</main>
<footer class="site-footer"><div class="container">
<p><strong>Netzwerk Kommunal.Digital Niedersachsen</strong><br>Geschäftsstelle<br>
Beispielallee 5<br>31234 Beispielhausen</p>
<ul><li><a href="/kontakt.html">Kontakt</a></li><li><a href="/impressum.html">Impressum</a></li>
<li><a href="/datenschutz.html">Datenschutz</a></li>
<li><a href="/barrierefreiheit.html">Erklärung zur Barrierefreiheit</a></li></ul>
<p>Gefördert aus Mitteln des Landes Niedersachsen.</p></div></footer>
</body></html>""".encode()


DUPLICATE_OF = ("beispielbach", "/aktuelles/praxisbeispiel-des-monats.html")
PER_PAGE = 4


INTROS = (
    "{name} hat sich auf den Weg gemacht, die Digitalisierung strategisch anzugehen. Grundlage "
    "war eine Bestandsaufnahme mit Workshops, einer Online-Umfrage und Gesprächen mit Vereinen "
    "und Unternehmen.",
    "Am Anfang stand die Frage, was die Menschen vor Ort wirklich brauchen. {name} hat dazu "
    "Sprechstunden im Rathaus, eine Zukunftswerkstatt und eine Befragung der Beschäftigten "
    "durchgeführt.",
    "Auslöser war die Teilnahme an einem Förderprogramm. {name} hat eine externe Beratung "
    "beauftragt und eine Steuerungsgruppe aus Politik, Verwaltung und Zivilgesellschaft "
    "eingerichtet.",
)
UMSETZUNG = (
    "Für die Umsetzung wurden Verantwortlichkeiten festgelegt und erste Maßnahmen priorisiert. "
    "Ein jährlicher Bericht zeigt den Fortschritt.",
    "Eine Stabsstelle koordiniert die Projekte. Für jedes Handlungsfeld gibt es eine "
    "Patenschaft in der Verwaltungsspitze und einen Zeitplan bis 2027.",
    "Die Maßnahmen sind in einem Umsetzungsplan mit Kosten und Fördermöglichkeiten "
    "hinterlegt. Ein Beirat begleitet die Umsetzung und bewertet sie jährlich.",
)


def _intro(ex: Example) -> str:
    article = "Der" if ex.kind == "Landkreis" else "Die"
    return INTROS[ex.profile.variant % 3].format(name=f"{article} {ex.profile.full_name}")


def _detail_main(ex: Example) -> str:
    p = ex.profile
    fields = "".join(
        f"<li><strong>{FIELDS[k][0]}:</strong> {FIELDS[k][1][(p.variant + i + 1) % 2].format(ort=p.ort)}</li>"
        for i, k in enumerate(p.fields)
    )
    download = (
        f'<p class="download"><a href="{ex.pdf_path}"><img src="/assets/img/pdf.svg" alt=""> '
        "Download (PDF, 2 MB)</a></p>"
        if ex.pdf_path
        else ""
    )
    return f"""<article class="praxisbeispiel">
<h1>{p.doc_title}</h1>{ex.facts_box}
<img class="hero" src="/bilder/{ex.slug}.jpg" alt="Blick auf {p.ort}">
<h2>Ausgangslage</h2><p>{_intro(ex)}</p>
<h2>Vision</h2><p>Das Leitbild lautet „{p.slogan}“.</p>
<h2>Handlungsfelder und Ziele</h2><ul>{fields}</ul>
<h2>Umsetzung</h2><p>{UMSETZUNG[p.variant % 3]}</p>
{download}
<p class="tools"><a href="/praxisbeispiele/{ex.slug}.html?print=1">Seite drucken</a> ·
<a href="https://www.{p.ort.lower()}.example/">Website der Kommune</a></p>
<p><a href="/praxisbeispiele/">Zurück</a></p></article>"""


def _listing(page: int) -> bytes:
    items = EXAMPLES[(page - 1) * PER_PAGE : page * PER_PAGE]
    cards = []
    for ex in items:
        href = f"/praxisbeispiele/{ex.slug}.html"
        more = {"mehr": "Mehr erfahren", "weiter": "Weiterlesen", "bild": ""}[ex.link_style]
        link = f'<a class="more" href="{href}">{more}</a>' if more else ""
        cards.append(
            f'<div class="card"><a href="{href}"><img src="/bilder/{ex.slug}.jpg" alt=""></a>'
            f"<h3>{ex.profile.full_name}</h3><p>{ex.teaser}</p>{link}</div>"
        )
    pages = (len(EXAMPLES) + PER_PAGE - 1) // PER_PAGE
    pager = " ".join(
        f"<span>Seite {n}</span>" if n == page else f'<a href="{_list_path(n)}">Seite {n}</a>'
        for n in range(1, pages + 1)
    )
    if page < pages:
        pager += f' <a href="{_list_path(page + 1)}" aria-label="Nächste Seite">»</a>'
    main = (
        f"<h1>Praxisbeispiele</h1><p>Kommunen aus Niedersachsen zeigen, wie sie die "
        f"Digitalisierung vor Ort gestalten.</p><div class='cards'>{''.join(cards)}</div>"
        f"<nav class='pager'>{pager}</nav>"
    )
    return _page("Praxisbeispiele", main, "› Praxisbeispiele", "/praxisbeispiele/")


def _list_path(n: int) -> str:
    return "/praxisbeispiele/" if n == 1 else f"/praxisbeispiele/?page={n}"


def _home() -> bytes:
    month = next(e for e in EXAMPLES if e.slug == DUPLICATE_OF[0])
    main = f"""<section class="hero"><h1>Digitale Kommunen in Niedersachsen</h1>
<p>Das Netzwerk Kommunal.Digital unterstützt Städte, Gemeinden und Landkreise mit Beratung,
Austausch und guten Beispielen.</p>
<p><a class="btn" href="/praxisbeispiele/">Zur Übersicht aller Praxisbeispiele</a></p></section>
<section class="teaser"><h2>Praxisbeispiel des Monats</h2>
<a href="{DUPLICATE_OF[1]}"><img src="/bilder/{month.slug}.jpg" alt=""></a>
<p>{month.teaser}</p><a href="{DUPLICATE_OF[1]}">Weiterlesen</a></section>
<section class="teaser"><h2>Aus dem Netzwerk</h2><ul>
<li><a href="/aktuelles/breitbandgipfel-2023.html">Rückblick: Kommunaler Breitbandgipfel</a></li>
<li><a href="/aktuelles/neue-mitglieder.html">Zwölf neue Mitglieder im Netzwerk</a></li>
<li><a href="/leitfaden-digitalstrategie.html">Leitfaden: In sechs Schritten zur Strategie</a></li>
<li><a href="/suchergebnisse.html?q=strategie">Alle Inhalte zum Thema Strategie</a></li>
</ul></section>
<section><h2>Intern</h2><p><a href="/intern/entwurf-digitalstrategie.html">Entwurf
Digitalstrategie (nur für Mitglieder)</a> · <a href="/intern/oeffentlich/netzwerktreffen.html">
Protokoll des Netzwerktreffens</a> · <a href="/downloads/vorlage-digitalstrategie.docx">
Mustervorlage (DOCX)</a></p></section>"""
    return _page("Startseite", main, "", "/")


def _simple(title: str, body: str, crumbs: str = "") -> bytes:
    return _page(title, f"<h1>{title}</h1>{body}", f"› {crumbs or title}")


NOISE_PAGES = {
    "/ueber-uns.html": _simple(
        "Über uns",
        """<p>Das Netzwerk Kommunal.Digital ist ein
Zusammenschluss von Kommunen in Niedersachsen. Wir organisieren Erfahrungsaustausch,
Fortbildungen und Arbeitsgruppen. Die Geschäftsstelle berät Mitglieder kostenfrei.</p>
<h2>Team</h2><p>In der Geschäftsstelle arbeiten sechs Kolleginnen und Kollegen aus Verwaltung,
Informatik und Kommunikation.</p>""",
    ),
    "/foerderprogramme.html": _simple(
        "Förderprogramme",
        """<p>Hier finden Sie eine Übersicht
über Förderprogramme von Bund und Land. Bitte beachten Sie die jeweiligen Antragsfristen.</p>
<table><tr><th>Programm</th><th>Frist</th></tr><tr><td>Breitbandförderung</td>
<td>laufend</td></tr><tr><td>Förderung von Coworking-Räumen im ländlichen Raum</td>
<td>30.09.</td></tr></table>""",
    ),
    "/veranstaltungen.html": _simple(
        "Veranstaltungen",
        """<ul><li>14.03. Online-Seminar:
Vergaberecht für IT-Beschaffungen</li><li>22.04. Netzwerktreffen Nord in Beispielhausen</li>
<li>05.06. Fachtag Kommunale Websites und Barrierefreiheit</li></ul>
<p>Die Teilnahme ist für Mitglieder kostenfrei. Anmeldung über das Kontaktformular.</p>""",
    ),
    "/aktuelles/breitbandgipfel-2023.html": _simple(
        "Rückblick: Kommunaler Breitbandgipfel",
        """
<p class="datum">08.11.2023</p><p>Rund 180 Gäste kamen zum Breitbandgipfel nach Beispielhausen.
Im Mittelpunkt standen Förderverfahren, Tiefbaukosten und die Frage, wie Kommunen den
Ausbau beschleunigen können. In der Podiumsdiskussion ging es auch um die Digitalisierung
der Genehmigungsverfahren.</p><p>Die Vorträge stehen Mitgliedern zum Download bereit.</p>""",
        "Aktuelles",
    ),
    "/aktuelles/neue-mitglieder.html": _simple(
        "Zwölf neue Mitglieder im Netzwerk",
        """
<p class="datum">17.02.2023</p><p>Das Netzwerk wächst: Zwölf Städte und Gemeinden sind seit
Jahresbeginn neu dabei. Wir begrüßen sie herzlich und freuen uns auf den Austausch.</p>""",
        "Aktuelles",
    ),
    "/leitfaden-digitalstrategie.html": _simple(
        "Leitfaden: In sechs Schritten zur Strategie",
        """<p>Sie möchten eine Digitalstrategie für Ihre Kommune erarbeiten? Dieser Leitfaden
zeigt, wie andere vorgegangen sind. Er ist selbst keine Strategie, sondern eine Arbeitshilfe.</p>
<ol><li>Bestandsaufnahme: Was gibt es schon?</li><li>Beteiligung planen</li>
<li>Vision und Leitbild formulieren</li><li>Handlungsfelder auswählen</li>
<li>Ziele und Maßnahmen festlegen</li><li>Umsetzung und Monitoring organisieren</li></ol>""",
    ),
    "/kontakt.html": _simple(
        "Kontakt",
        """<p>Geschäftsstelle Netzwerk Kommunal.Digital<br>
Beispielallee 5, 31234 Beispielhausen<br>Telefon 01234 5678-0<br>
E-Mail: info@kommunal-digital.example</p><p>Sprechzeiten: Mo-Do 9-15 Uhr</p>""",
    ),
    "/impressum.html": _simple(
        "Impressum",
        """<p>Herausgeber: Netzwerk Kommunal.Digital
Niedersachsen, Beispielallee 5, 31234 Beispielhausen. Vertreten durch die Geschäftsführung.
</p><p>Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV: die Geschäftsführung.</p>""",
    ),
    "/datenschutz.html": _simple(
        "Datenschutzerklärung",
        """<p>Wir verarbeiten personenbezogene
Daten nur im Rahmen der DSGVO. Beim Besuch dieser Website werden Server-Logfiles für
sieben Tage gespeichert. Cookies setzen wir nur, soweit technisch notwendig.</p>""",
    ),
    "/barrierefreiheit.html": _simple(
        "Erklärung zur Barrierefreiheit",
        """<p>Diese Website
ist weitgehend mit der BITV 2.0 vereinbar. Einige ältere PDF-Dokumente sind noch nicht
barrierefrei. Barrieren können Sie uns über das Kontaktformular melden.</p>""",
    ),
    "/intern/oeffentlich/netzwerktreffen.html": _simple(
        "Protokoll Netzwerktreffen",
        """
<p>Protokoll des Netzwerktreffens vom 22.04.2023. TOP 1 Begrüßung, TOP 2 Bericht der
Geschäftsstelle, TOP 3 Termine für das zweite Halbjahr. Nächstes Treffen im Oktober.</p>""",
    ),
}
FLYER = PdfDoc(
    ("Netzwerk Kommunal.Digital", "Gemeinsam mehr erreichen"),
    (
        (
            "Wer wir sind",
            (
                "Ein Netzwerk von Kommunen für Kommunen. Wir bieten Austausch, "
                "Fortbildung und Beratung rund um die Digitalisierung.",
                "Mitglied werden: Die Mitgliedschaft ist für Kommunen kostenfrei.",
            ),
        ),
    ),
    meta_title="Flyer_Netzwerk_2023",
)
NEVER = (
    "/praxisbeispiele/musterstadt.html?print=1",  # every detail links its ?print=1 version
    "/suche?q=",
    "/suchergebnisse.html?q=strategie",
    "/intern/entwurf-digitalstrategie.html",
    "/downloads/vorlage-digitalstrategie.docx",
)


def _pdf(ex: Example) -> PdfDoc:
    sections = strategy_sections(ex.profile)
    return PdfDoc(ex.pdf_title, sections, meta_title="Microsoft Word - " + ex.slug + "_final.docx")


def _sitemap(base_url: str) -> bytes:
    paths = ["/", "/praxisbeispiele/", *(f"/praxisbeispiele/{e.slug}.html" for e in EXAMPLES)]
    paths += ["/ueber-uns.html", "/foerderprogramme.html", "/kontakt.html"]
    urls = "".join(
        f"<url><loc>{base_url}{p}</loc><lastmod>2023-11-08</lastmod></url>" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def _image(path: str) -> Response | None:
    if path.startswith(("/bilder/", "/assets/")):
        return Response(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")
    return None


def build(base_url: str) -> Site:
    """The portal for `base_url` (absolute URLs in the sitemap only)."""
    routes = {
        "/": Response(_home()),
        "/sitemap.xml": Response(_sitemap(base_url), "application/xml"),
    }
    pages = (len(EXAMPLES) + PER_PAGE - 1) // PER_PAGE
    routes |= {_list_path(n): Response(_listing(n)) for n in range(1, pages + 1)}
    for ex in EXAMPLES:
        crumbs = '› <a href="/praxisbeispiele/">Praxisbeispiele</a> › ' + ex.profile.ort
        body = _page(ex.profile.doc_title, _detail_main(ex), crumbs, "/praxisbeispiele/")
        routes[f"/praxisbeispiele/{ex.slug}.html"] = Response(body)
        routes[f"/praxisbeispiele/{ex.slug}.html?print=1"] = Response(body)
        if ex.slug == DUPLICATE_OF[0]:
            routes[DUPLICATE_OF[1]] = Response(body)
        if ex.pdf_path:
            routes[ex.pdf_path] = Response(render_pdf(_pdf(ex)), PDF)
    routes |= {path: Response(body) for path, body in NOISE_PAGES.items()}
    routes["/medien/flyer-netzwerk.pdf"] = Response(render_pdf(FLYER), PDF)
    routes["/aktuelles/"] = Response(
        _simple(
            "Aktuelles",
            """<ul>
<li><a href="/aktuelles/breitbandgipfel-2023.html">Rückblick: Kommunaler Breitbandgipfel</a></li>
<li><a href="/aktuelles/neue-mitglieder.html">Zwölf neue Mitglieder</a></li></ul>
<p><a href="/medien/flyer-netzwerk.pdf">Unser Flyer (PDF, 300 KB)</a></p>""",
        )
    )
    secret = _simple("Entwurf", "<p>Nur für Mitglieder.</p>")
    routes |= {p: Response(secret) for p in NEVER if not p.startswith("/praxisbeispiele/")}
    return Site("portal", routes, EXPECTED, (_image,))


def _docs() -> tuple[ExpectedDoc, ...]:
    docs = []
    for ex in EXAMPLES:
        path = f"/praxisbeispiele/{ex.slug}.html"
        aliases = (DUPLICATE_OF[1],) if ex.slug == DUPLICATE_OF[0] else ()
        # A state portal: its Land is context for every example that does not state its own.
        portal_land = {"state": "Niedersachsen"} if "state" not in ex.facts else {}
        docs.append(
            ExpectedDoc(
                path,
                "html",
                ex.profile.doc_title,
                dict(ex.facts),
                aliases,
                context_facts=portal_land,
            )
        )
        if ex.pdf_path:
            docs.append(
                ExpectedDoc(
                    ex.pdf_path,
                    "pdf",
                    ex.pdf_title[0],
                    dict(ex.pdf_facts or {}),
                    context_facts={**portal_land, **ex.facts},
                    note="linked as Download (PDF, 2 MB)",
                )
            )
    return tuple(docs)


EXPECTED = Expected(
    site="portal",
    start="/",
    documents=_docs(),
    listings=(
        "/",
        "/praxisbeispiele/",
        "/praxisbeispiele/?page=2",
        "/praxisbeispiele/?page=3",
        "/aktuelles/",
    ),
    noise=(*NOISE_PAGES, "/medien/flyer-netzwerk.pdf"),
    disallow=(
        ("Disallow", "/*?print="),
        ("Disallow", "/suche*"),
        ("Disallow", "/intern/"),
        ("Allow", "/intern/oeffentlich/"),
        ("Disallow", "/*.docx$"),
    ),
    never_fetch=(*NEVER, *(f"/praxisbeispiele/{e.slug}.html?print=1" for e in EXAMPLES[1:])),
    sitemaps=("/sitemap.xml",),
)
