"""Site (d): a sitemap-only site of the (fictional) Gemeinde Neudorf am See, Schleswig-Holstein.

The home page is a JavaScript shell with almost no links; pages carry no navigation. robots.txt
names a sitemap index (`Sitemap:`), which lists a gzip'ed child sitemap of pages and a plain
one of documents. The strategy pages are reachable only through the sitemaps. The sitemaps also
list a robots-disallowed draft, a ?preview= URL (disallowed by a wildcard rule) and a stale
entry that answers 404.
"""

from __future__ import annotations

import gzip

from tests.ingest.sites.model import PDF, Expected, ExpectedDoc, Response, Site
from tests.ingest.sites.pdfs import PdfDoc, render_pdf
from tests.ingest.sites.prose import FIELDS, Profile, strategy_sections

PROFILE = Profile(
    "Neudorf am See",
    "Gemeinde Neudorf am See",
    "Smart-Village-Strategie Neudorf am See",
    "Neudorf am See – gut vernetzt am Wasser",
    ("teilhabe", "mobilitaet", "wirtschaft", "gesundheit"),
    3,
    situation="Neudorf am See ist eine Gemeinde mit 2.850 Einwohnerinnen und Einwohnern in "
    "Schleswig-Holstein. Viele Menschen pendeln, im Sommer verdoppelt sich die Zahl der "
    "Menschen im Ort durch Gäste.",
)
STRATEGY = "/smart-village/unsere-strategie"
PDF_PATH = "/wp-content/uploads/2024/03/SV-Neudorf-web.pdf"
GZ = "/sitemaps/seiten.xml.gz"
DOCS_MAP = "/sitemaps/dokumente.xml"


def _page(title: str, body: str) -> bytes:
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{title} – Gemeinde
Neudorf am See</title><meta name="generator" content="WordPress 6.4"></head><body
class="page-template-default"><div class="wp-site-blocks"><header class="wp-block-template-part">
<p class="site-title">Gemeinde Neudorf am See</p></header><main class="wp-block-group">
<h1 class="wp-block-post-title">{title}</h1><div class="entry-content">{body}</div></main>
<footer class="wp-block-template-part"><p>© Gemeinde Neudorf am See</p></footer></div></body></html>
""".encode()


HOME = b"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Gemeinde Neudorf am
See</title><script type="module" src="/static/app.3f9a1c.js"></script></head><body><div id="app">
</div><noscript>Bitte aktivieren Sie JavaScript, um diese Seite zu nutzen.</noscript>
<footer><a href="/impressum">Impressum</a></footer></body></html>"""


def _strategy_html() -> str:
    goals = "".join(
        f"<h3>{FIELDS[k][0]}</h3><p>{FIELDS[k][1][(PROFILE.variant + i + 1) % 2].format(ort=PROFILE.ort)}</p>"
        for i, k in enumerate(PROFILE.fields)
    )
    return f"""<p><strong>Beschlossen von der Gemeindevertretung am 05.03.2024</strong></p>
<h2>Wo wir stehen</h2><p>{PROFILE.situation}</p>
<h2>Unsere Vision</h2><p>„{PROFILE.slogan}“ – Neudorf am See soll ein Ort bleiben, an dem
Jung und Alt gern leben, arbeiten und sich engagieren. Digitale Angebote helfen dabei, Wege zu
sparen und Gemeinschaft zu stärken.</p><h2>Handlungsfelder und Ziele</h2>{goals}
<h2>Wie es weitergeht</h2><p>Ein Smart-Village-Team aus Ehrenamtlichen und Gemeindeverwaltung
setzt die ersten Maßnahmen 2024 und 2025 um. Die Gemeindevertretung wird jährlich informiert.</p>"""


NOISE = {
    "/rathaus/oeffnungszeiten": (
        "Öffnungszeiten der Gemeindeverwaltung",
        "<p>Die Gemeindeverwaltung ist dienstags von 9 bis 12 Uhr und donnerstags von 15 bis 18 Uhr geöffnet. Außerhalb dieser Zeiten erreichen Sie uns über das Amt.</p>",
    ),
    "/rathaus/gemeindevertretung": (
        "Gemeindevertretung",
        "<p>Die Gemeindevertretung hat elf Mitglieder. Sitzungen finden etwa sechsmal im Jahr im Dörpshus statt und sind öffentlich.</p>",
    ),
    "/leben/kita-seepferdchen": (
        "Kita Seepferdchen",
        "<p>Unsere Kita betreut 45 Kinder in zwei Elementar- und einer Krippengruppe. Öffnungszeiten: 7 bis 16 Uhr.</p>",
    ),
    "/leben/feuerwehr": (
        "Freiwillige Feuerwehr",
        "<p>Die Freiwillige Feuerwehr Neudorf am See hat 38 aktive Mitglieder. Übungsabend ist jeden zweiten Mittwoch. Neue Kameradinnen und Kameraden sind willkommen.</p>",
    ),
    "/leben/vereine": (
        "Vereine",
        "<p>Sportverein, Angelverein, Landfrauen, Chor und Heimatverein – in Neudorf am See ist immer etwas los.</p>",
    ),
    "/tourismus/badestelle": (
        "Badestelle am Nordufer",
        "<p>Die Badestelle ist von Juni bis August bewacht. Die Wasserqualität wird regelmäßig vom Gesundheitsamt geprüft.</p>",
    ),
    "/tourismus/campingplatz": (
        "Campingplatz Seeblick",
        "<p>80 Stellplätze direkt am See, Brötchenservice und Bootsverleih. Saison von April bis Oktober.</p>",
    ),
    "/aktuelles/amtsblatt-2024-03": (
        "Bekanntmachungen März 2024",
        "<p>Bekanntmachung der Haushaltssatzung 2024. Einladung zur Sitzung der Gemeindevertretung. Sperrung des Uferwegs wegen Baumfällarbeiten.</p>",
    ),
    "/aktuelles/glasfaser-infoabend": (
        "Infoabend Glasfaser",
        "<p>Am 14. Februar informiert der Netzbetreiber im Dörpshus über den Glasfaseranschluss. Die Digitalisierung macht auch vor unserem Dorf nicht halt – kommen Sie vorbei und stellen Sie Ihre Fragen.</p>",
    ),
    "/impressum": (
        "Impressum",
        "<p>Gemeinde Neudorf am See, Der Bürgermeister, Dorfstraße 1, 24999 Neudorf am See.</p>",
    ),
    "/datenschutz": (
        "Datenschutz",
        "<p>Diese Website verwendet keine Tracking-Cookies. Server-Logfiles werden nach 14 Tagen gelöscht.</p>",
    ),
}
TOLERATED = {
    "/smart-village/leichte-sprache": (
        "Unsere Strategie in Leichter Sprache",
        "<p>Die Gemeinde hat einen Plan gemacht. Der Plan heißt: Smart-Village-Strategie. Der Plan sagt: Das Internet soll das Leben im Dorf leichter machen. Zum Beispiel: Ein Bus, den man per Telefon oder App bestellen kann.</p>",
    ),
}
NEVER = ("/entwuerfe/strategie-v1", f"{STRATEGY}?preview=1", "/api/pages?slug=unsere-strategie")
STALE = "/alt/digitalstrategie-2019"


def _urlset(base_url: str, paths: list[str], lastmod: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base_url}{p}</loc><lastmod>{lastmod}</lastmod></url>" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def _sitemaps(base_url: str) -> dict[str, Response]:
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9"><sitemap><loc>{base_url}{GZ}</loc><lastmod>2024-03-06</lastmod>'
        f"</sitemap><sitemap><loc>{base_url}{DOCS_MAP}</loc></sitemap></sitemapindex>"
    ).encode()
    pages = ["/", STRATEGY, *TOLERATED, *NOISE, NEVER[0], NEVER[1], STALE]
    return {
        "/sitemap_index.xml": Response(index, "application/xml"),
        GZ: Response(
            gzip.compress(_urlset(base_url, pages, "2024-03-06"), mtime=0), "application/x-gzip"
        ),
        DOCS_MAP: Response(_urlset(base_url, [PDF_PATH], "2024-03-05"), "text/xml"),
    }


def build(base_url: str) -> Site:
    """The sitemap-only site for `base_url`."""
    routes = {"/": Response(HOME), STRATEGY: Response(_page(PROFILE.doc_title, _strategy_html()))}
    routes |= {p: Response(_page(t, b)) for p, (t, b) in {**NOISE, **TOLERATED}.items()}
    routes |= {p: Response(_page("Entwurf", "<p>Interner Entwurf.</p>")) for p in NEVER}
    routes[PDF_PATH] = Response(
        render_pdf(
            PdfDoc(
                ("Smart-Village-Strategie", "Gemeinde Neudorf am See", "März 2024"),
                strategy_sections(PROFILE),
                meta_title="SV-Neudorf-web",
            )
        ),
        PDF,
    )
    routes |= _sitemaps(base_url)
    return Site("sitemap", routes, EXPECTED)


EXPECTED = Expected(
    site="sitemap",
    start="/",
    documents=(
        ExpectedDoc(
            STRATEGY,
            "html",
            PROFILE.doc_title,
            {
                "municipality": "Neudorf am See",
                "kind": "Gemeinde",
                "state": "Schleswig-Holstein",
                "population": 2850,
                "year": 2024,
            },
            note="only in the gzip'ed child sitemap",
        ),
        ExpectedDoc(
            PDF_PATH,
            "pdf",
            "Smart-Village-Strategie",
            {
                "municipality": "Neudorf am See",
                "kind": "Gemeinde",
                "state": "Schleswig-Holstein",
                "population": 2850,
                "year": 2024,
            },
            note="only in the plain child sitemap",
        ),
    ),
    listings=("/",),
    noise=(*NOISE, STALE),
    tolerated=tuple(TOLERATED),
    disallow=(("Disallow", "/api/"), ("Disallow", "/*?preview="), ("Disallow", "/entwuerfe/")),
    never_fetch=NEVER,
    sitemaps=("/sitemap_index.xml",),
)
