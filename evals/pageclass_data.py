"""The labelled pages the page classifier is fitted and cross-validated on.

Positives are real strategy text from corpus/: the chapters of the Ulm Smart-City-Strategie
(each as an HTML page inside municipal page chrome, and the whole strategy as PDF text) and
the seed texts that describe strategies. Negatives are pages real municipal sites have, written
here by hand in several genres (waste collection, jobs, events and calendars, imprint,
privacy, contact, council agendas, press releases about digital topics, workshop
announcements, listings, search results, sitemaps). Every page carries a `group` (chapter or
genre) so cross-validation can hold out whole genres, not just near-copies.

Example:
    >>> pages = labelled_pages()                      # doctest: +SKIP
    >>> {p.label for p in pages}                      # doctest: +SKIP
    {'strategy', 'navigation', 'other'}
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOWNS = ("Seehausen", "Lindenberg", "Neustadt am Fluss", "Burgdorf", "Tannheim", "Wiesental")
NAV = (
    "Startseite", "Rathaus & Politik", "Bürgerservice", "Leben in der Stadt", "Wirtschaft",
    "Tourismus", "Kultur", "Bildung", "Aktuelles", "Veranstaltungen", "Stellenangebote",
    "Bauen & Wohnen", "Umwelt", "Verkehr", "Familie", "Senioren", "Sport", "Vereine",
)  # fmt: skip
# (label, genre, paragraphs); {t} is the town, {n} a number, {d} a date.
NEGATIVES: dict[str, tuple[str, list[str]]] = {
    "abfall": ("other", [
        "Abfuhrkalender {t}: Restmüll, Biotonne, Gelber Sack und Papiertonne.",
        "Die Restmülltonne wird im Ortsteil Nord am {d} geleert, die Biotonne am {d}.",
        "Bitte stellen Sie die Tonnen bis 6:00 Uhr gut sichtbar an den Straßenrand.",
        "Sperrmüll kann zweimal im Jahr kostenlos angemeldet werden. Telefon 0{n}-12 34.",
        "Der Wertstoffhof ist dienstags und donnerstags von 14:00 Uhr bis 18:00 Uhr geöffnet.",
        "Gebühren: 120-Liter-Tonne {n} Euro pro Jahr, Biotonne 60 Euro pro Jahr.",
    ]),
    "stellen": ("other", [
        "Stellenausschreibung: Sachbearbeiter (m/w/d) im Bürgerbüro, Kennziffer {n}/2024.",
        "Die Stadt {t} sucht zum nächstmöglichen Zeitpunkt eine engagierte Fachkraft.",
        "Ihre Aufgaben: Bearbeitung von Anträgen, Beratung der Bürgerinnen und Bürger.",
        "Wir bieten: Vergütung nach TVöD Entgeltgruppe 8, flexible Arbeitszeiten, Jobticket.",
        "Bewerbungen bis zum {d} bitte über unser Online-Portal an das Personalamt.",
        "Ansprechpartnerin: Frau Müller, Telefon 0{n}-2 20, E-Mail personal@{t}.de.",
    ]),
    "veranstaltung": ("other", [
        "Veranstaltungskalender: Stadtfest {t} am {d} ab 11:00 Uhr auf dem Marktplatz.",
        "Konzert der Stadtkapelle am {d} um 19:30 Uhr in der Stadthalle, Eintritt frei.",
        "Flohmarkt am {d}, 8:00 Uhr bis 14:00 Uhr, Anmeldung beim Ordnungsamt.",
        "Lesung in der Stadtbibliothek am {d} um 18:00 Uhr. Karten an der Abendkasse.",
        "Weihnachtsmarkt vom {d} bis {d}, täglich 12:00 bis 20:00 Uhr.",
        "Nächster Monat · Vorheriger Monat · Heute · Termin eintragen",
    ]),
    "impressum": ("other", [
        "Impressum. Herausgeber: Stadt {t}, vertreten durch den Bürgermeister.",
        "Stadtverwaltung {t}, Marktplatz 1, {n}0 {t}. Telefon 0{n}-0, Fax 0{n}-99.",
        "E-Mail: info@{t}.de. Umsatzsteuer-Identifikationsnummer DE{n}{n}.",
        "Verantwortlich für den Inhalt nach § 18 MStV: Pressestelle der Stadt {t}.",
        "Haftungsausschluss: Für Inhalte externer Links übernehmen wir keine Haftung.",
    ]),
    "datenschutz": ("other", [
        "Datenschutzerklärung der Stadt {t} nach Art. 13 DSGVO.",
        "Verantwortlicher im Sinne der Datenschutz-Grundverordnung ist die Stadt {t}.",
        "Beim Besuch dieser Website werden IP-Adresse, Datum und Uhrzeit gespeichert.",
        "Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung.",
        "Cookies: Wir verwenden nur technisch notwendige Cookies ohne Einwilligung.",
        "Den Datenschutzbeauftragten erreichen Sie unter datenschutz@{t}.de.",
    ]),
    "kontakt": ("other", [
        "Bürgerbüro {t}. Öffnungszeiten: Montag bis Freitag 8:00 bis 12:00 Uhr.",
        "Donnerstag zusätzlich 14:00 bis 18:00 Uhr. Telefon 0{n}-1 00, Fax 0{n}-1 01.",
        "Termine für Personalausweis und Reisepass vereinbaren Sie online.",
        "Anschrift: Rathausstraße {n}, {n}1 {t}. E-Mail buergerbuero@{t}.de.",
        "Barrierefreier Zugang über den Seiteneingang.",
    ]),
    "sitzung": ("other", [
        "Tagesordnung der öffentlichen Sitzung des Stadtrates am {d}, 18:00 Uhr.",
        "TOP 1 Eröffnung und Feststellung der Beschlussfähigkeit. TOP 2 Einwohnerfragestunde.",
        "TOP 3 Bebauungsplan Nr. {n} Gewerbegebiet Süd, Satzungsbeschluss.",
        "TOP 4 Vergabe der Straßenbauarbeiten Lindenweg. TOP 5 Anfragen und Mitteilungen.",
        "Sitzungsort: Ratssaal, Rathaus {t}. Vorlage {n}/2024, Drucksache öffentlich.",
    ]),
    "presse": ("other", [
        "Pressemitteilung vom {d}: Neue WLAN-Hotspots in der Innenstadt von {t}.",
        "Ab sofort können Besucherinnen und Besucher am Marktplatz kostenlos surfen.",
        "Der Bürgermeister eröffnete die Hotspots gemeinsam mit den Stadtwerken.",
        "Die Kosten von {n}.000 Euro trägt zur Hälfte ein Förderprogramm des Landes.",
        "Weitere Hotspots am Bahnhof folgen im Herbst, teilte die Pressestelle mit.",
    ]),
    "baustelle": ("other", [
        "Verkehrsmeldung: Vollsperrung der Hauptstraße in {t} vom {d} bis {d}.",
        "Grund sind Arbeiten an der Wasserleitung. Eine Umleitung ist ausgeschildert.",
        "Die Buslinie {n} fährt in dieser Zeit die Ersatzhaltestelle am Friedhof an.",
        "Anliegerinnen und Anlieger erreichen ihre Grundstücke über die Gartenstraße.",
    ]),
    "workshop": ("other", [
        "Einladung zum Workshop Digitalisierung im Ehrenamt am {d} um 17:00 Uhr.",
        "Vereine aus {t} lernen, wie sie Mitgliederverwaltung und Kasse digital führen.",
        "Die Teilnahme ist kostenlos, Anmeldung bis zum {d} per E-Mail.",
        "Referent: Herr Schmidt, Volkshochschule {t}. Bitte eigenen Laptop mitbringen.",
    ]),
    "haushalt": ("other", [
        "Haushaltssatzung der Stadt {t} für das Haushaltsjahr 2024.",
        "§ 1 Der Ergebnishaushalt wird mit Erträgen von {n}.500.000 Euro festgesetzt.",
        "§ 2 Kredite für Investitionen werden in Höhe von {n}00.000 Euro veranschlagt.",
        "§ 3 Die Hebesätze betragen Grundsteuer A 350 v. H., Grundsteuer B 420 v. H.",
        "Bekanntmachung: Die Satzung liegt im Rathaus, Zimmer {n}, öffentlich aus.",
    ]),
}  # fmt: skip
# Hard negatives: pages that use strategy words but are not a strategy.
NEGATIVES.update({
    "stelle-digital": ("other", [
        "Stellenausschreibung: Referentin oder Referent Digitalisierung (m/w/d) bei der Stadt {t}.",
        "Sie wirken an der Umsetzung der Digitalstrategie mit und betreuen IT-Projekte.",
        "Wir bieten eine unbefristete Stelle in Entgeltgruppe 11 TVöD und mobiles Arbeiten.",
        "Bewerbungsschluss ist der {d}. Kennziffer {n}/2024, Personalamt der Stadt {t}.",
    ]),
    "stabsstelle": ("other", [
        "Stabsstelle Digitalisierung und Smart City der Stadt {t}.",
        "Leitung: Herr Becker, Telefon 0{n}-4 10, E-Mail digital@{t}.de, Zimmer {n}.",
        "Die Stabsstelle koordiniert die Digitalisierung der Verwaltung und die Strategie.",
        "Sprechzeiten nach Vereinbarung. Organigramm der Verwaltung als PDF.",
    ]),
    "presse-strategie": ("other", [
        "Pressemitteilung vom {d}: Stadtrat beschließt die Digitalstrategie.",
        "Mit großer Mehrheit hat der Stadtrat von {t} am Dienstagabend die Strategie beschlossen.",
        "Der Bürgermeister dankte allen, die sich beteiligt haben. Die Strategie steht online.",
        "Fragen beantwortet die Pressestelle unter Telefon 0{n}-1 23.",
    ]),
    "foerderung": ("other", [
        "Förderprogramm Digitale Kommune: Zuschüsse für Digitalisierungsprojekte.",
        "Antragsberechtigt sind Städte und Gemeinden mit einer beschlossenen Digitalstrategie.",
        "Gefördert werden bis zu 80 Prozent der Ausgaben, höchstens {n}0.000 Euro.",
        "Anträge können bis zum {d} über das Förderportal eingereicht werden.",
        "Ansprechpartner in der Bewilligungsstelle: Telefon 0{n}-55 0.",
    ]),
})  # fmt: skip
VISION_POOL = (
    "Ausgangslage: Die Digitalisierung verändert, wie wir leben, arbeiten und die Verwaltung "
    "erreichen. Eine Bestandsaufnahme mit Workshops und einer Umfrage zeigte, wo wir stehen.",
    "Handlungsfelder: Digitale Verwaltung, Bildung, Mobilität, Wirtschaft und Teilhabe. Für "
    "jedes Handlungsfeld beschreiben wir Ziele, Maßnahmen und Leitprojekte.",
    "Ziele: Bis 2030 sollen alle Verwaltungsleistungen online verfügbar sein, jede Schule ist "
    "digital ausgestattet und jeder Haushalt hat einen Glasfaseranschluss.",
    "Maßnahmen: Ein offenes Datenportal, ein digitales Bürgerbüro, Sensoren für Parkplätze und "
    "Straßenbeleuchtung sowie Lernorte für ältere Menschen werden umgesetzt.",
    "Umsetzung: Ein Lenkungskreis steuert die Umsetzung, berichtet jährlich dem Rat und "
    "schreibt die Strategie fort. Bürgerinnen und Bürger werden beteiligt.",
    "Beteiligung: In Zukunftswerkstätten, Online-Umfragen und Gesprächen mit Vereinen und "
    "Unternehmen sind mehr als 500 Ideen eingegangen, die in die Strategie eingeflossen sind.",
)
LISTINGS = ("Aktuelles", "Praxisbeispiele", "Projekte", "Downloads", "Suchergebnisse", "Sitemap")


@dataclass(frozen=True)
class LabelledPage:
    """One labelled document: HTML (or PDF text when `is_pdf`), its label and its group."""

    name: str
    label: str  # "strategy" | "navigation" | "other"
    group: str
    html: str = ""
    text: str = ""
    title: str = ""
    is_pdf: bool = False


def _chrome(town: str, title: str, body: str, rng: random.Random) -> str:
    nav = "".join(f'<li><a href="/{i}.html">{n}</a></li>' for i, n in enumerate(NAV))
    crumbs = f'<a href="/">Startseite</a> › <a href="/rathaus/">Rathaus</a> › {title}'
    foot = (
        f"<p>Stadt {town} · Marktplatz 1 · {rng.randint(10, 99)}123 {town}</p>"
        '<a href="/impressum">Impressum</a> <a href="/datenschutz">Datenschutz</a>'
        ' <a href="/barrierefreiheit">Barrierefreiheit</a>'
    )
    return (
        f'<!DOCTYPE html><html lang="de"><head><title>{title} | Stadt {town}</title></head>'
        f'<body><header><nav><ul>{nav}</ul></nav></header><div class="breadcrumb">{crumbs}</div>'
        f"<main>{body}</main><footer>{foot}</footer></body></html>"
    )


def _markdown_to_html(md: str) -> tuple[str, str]:
    """Tiny Markdown -> HTML (headings, lists, paragraphs); returns (title, html)."""
    out, title = [], ""
    for block in re.split(r"\n\s*\n", md):
        block = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block).strip()
        if not block:
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)", block):
            level = min(len(m.group(1)), 3)
            title = title or m.group(2)
            out.append(f"<h{level}>{m.group(2)}</h{level}>")
            rest = block.split("\n", 1)[1] if "\n" in block else ""
            if rest.strip():
                out.append(f"<p>{rest.strip()}</p>")
        elif block.lstrip().startswith(("- ", "* ")):
            items = "".join(f"<li>{ln.lstrip('-* ')}</li>" for ln in block.splitlines())
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{block}</p>")
    return title, "".join(out)


def _strategy_pages(rng: random.Random) -> list[LabelledPage]:
    pages = []
    chapters = sorted((ROOT / "corpus" / "ulm").rglob("index.md"))
    chapters = [c for c in chapters if "Literatur" not in str(c)]
    whole = []
    for path in chapters:
        md = path.read_text(encoding="utf-8")
        whole.append(md)
        title, body = _markdown_to_html(md[:40_000])
        town = rng.choice(TOWNS)
        name = f"ulm/{path.parent.name}"
        pages.append(
            LabelledPage(name, "strategy", name, html=_chrome(town, title, body, rng), title=title)
        )
    text = re.sub(r"[#*!\[\]()]", "", "\n".join(whole))
    for i in range(3):  # the whole strategy as PDF text, in three parts
        part = text[i * len(text) // 3 : (i + 1) * len(text) // 3][:60_000]
        pages.append(LabelledPage(f"ulm/pdf{i}", "strategy", f"ulm/pdf{i}", text=part, is_pdf=True))
    return pages + _registry_strategy_pages(rng)


def _registry_strategy_pages(rng: random.Random) -> list[LabelledPage]:
    """Short strategy pages (a portal's summary of a strategy) built around the registry's
    real strategy titles and vision statements."""
    import csv

    pages = []
    with (ROOT / "corpus" / "sources.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("vision_slogan")]
    for i, row in enumerate(rows[:24]):
        parts = rng.sample(VISION_POOL, k=rng.randint(3, 5))
        body = f"<h1>{row['title']}</h1><h2>Vision</h2><p>{row['vision_slogan']}</p>"
        body += "".join(
            f"<h2>{p.split(':')[0]}</h2><p>{p.split(':', 1)[1].strip()}</p>" for p in parts
        )
        html = _chrome(rng.choice(TOWNS), row["title"][:60], body, rng)
        pages.append(
            LabelledPage(f"registry/{row['id']}", "strategy", f"registry/{i % 8}", html=html)
        )
    return pages


def _seed_negatives(rng: random.Random) -> list[LabelledPage]:
    """Seed texts talk about strategies (guidance, workshops, reports) but none is a
    municipality's strategy: hard negatives."""
    pages = []
    for seed in ("000", "001", "002", "003", "004"):
        path = next((ROOT / "corpus" / "seeds").glob(f"{seed}_*.txt"))
        body = "".join(f"<p>{p}</p>" for p in path.read_text(encoding="utf-8").split("\n\n"))
        html = _chrome(rng.choice(TOWNS), "Workshop", body, rng)
        pages.append(LabelledPage(f"seed/{seed}", "other", f"seed/{seed}", html=html))
    return pages


def _fill(sentence: str, town: str, rng: random.Random) -> str:
    sentence = sentence.replace("{t}", town)
    while "{d}" in sentence:
        date = f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.choice((2023, 2024, 2025))}"
        sentence = sentence.replace("{d}", date, 1)
    while "{n}" in sentence:
        sentence = sentence.replace("{n}", str(rng.randint(2, 99)), 1)
    return sentence


def _table(town: str, rng: random.Random) -> str:
    """A schedule table (waste collection, council dates, opening hours): no sentences."""
    head = rng.choice(
        (("Bezirk", "Restmüll", "Bio", "Papier"), ("Gremium", "Datum", "Ort", "Uhrzeit"))
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{_fill(c, town, rng)}</td>"
            for c in ("Nord {n}", "{d}", "Mo, 14-tägig", "18:00 Uhr")
        )
        + "</tr>"
        for _ in range(rng.randint(4, 12))
    )
    return "<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + f"</tr>{rows}</table>"


def _genre_pages(rng: random.Random, per_genre: int) -> list[LabelledPage]:
    pages = []
    for genre, (label, pool) in NEGATIVES.items():
        for i in range(per_genre):
            town = rng.choice(TOWNS)
            chosen = rng.sample(pool, k=max(3, len(pool) - rng.randint(0, 2)))
            body = "".join(f"<p>{_fill(s, town, rng)}</p>" for s in chosen)
            if genre in ("abfall", "sitzung", "veranstaltung", "kontakt") and i % 2:
                body = f"<p>{_fill(pool[0], town, rng)}</p>" + _table(town, rng)
            title = _fill(pool[0].split(":")[0].split(".")[0], town, rng)
            html = _chrome(town, title, f"<h1>{title}</h1>{body}", rng)
            pages.append(LabelledPage(f"{genre}/{i}", label, genre, html=html, title=title))
            if i == 0 and genre in ("abfall", "sitzung", "haushalt", "stellen"):
                text = "\n".join(_fill(s, town, rng) for s in pool)
                pages.append(LabelledPage(f"{genre}/pdf", label, genre, text=text, is_pdf=True))
    return pages


def _listing_pages(rng: random.Random, per_kind: int) -> list[LabelledPage]:
    """Navigation pages: teaser lists, paginated overviews, search results, sitemaps."""
    topics = [
        "Digitalstrategie", "Smart City", "Breitbandausbau", "Leitbild 2030", "Stadtfest",
        "Haushalt 2024", "Radverkehrskonzept", "Klimaschutz", "Bürgerbeteiligung", "Kita",
        "Schule", "Mobilitätsstrategie", "Wirtschaftsförderung", "Ortsteil Nord",
    ]  # fmt: skip
    pages = []
    for kind in LISTINGS:
        for i in range(per_kind):
            town = rng.choice(TOWNS)
            items = rng.sample(topics, k=rng.randint(6, 12))
            lis = "".join(
                f'<li><a href="/{kind.lower()}/{j}.html">{t}</a>'
                + (f"<p>{t} in {town}: kurze Vorschau.</p>" if rng.random() < 0.5 else "")
                + "</li>"
                for j, t in enumerate(items)
            )
            if i % 2:  # card style: linked headings, teaser text, "Mehr erfahren"
                lis = "".join(
                    f'<div class="card"><img src="/b/{j}.jpg" alt="{t}"><h3><a href="/{kind}/{j}">'
                    f"{t} in {town}</a></h3><p>{t}: {rng.choice(VISION_POOL)[:140]} …</p>"
                    f'<a href="/{kind}/{j}">Mehr erfahren</a></div>'
                    for j, t in enumerate(items)
                )
            pager = " ".join(f'<a href="?seite={p}">{p}</a>' for p in range(1, 6))
            body = (
                f"<h1>{kind}</h1><ul>{lis}</ul><div>{pager} <a href='?seite=2'>Weiter »</a></div>"
            )
            html = _chrome(town, kind, body, rng)
            pages.append(
                LabelledPage(f"liste/{kind}/{i}", "navigation", f"liste-{kind}", html=html)
            )
    return pages


def labelled_pages(seed: int = 15, per_genre: int = 4) -> list[LabelledPage]:
    """The whole labelled set, deterministic for a seed."""
    rng = random.Random(seed)
    return [
        *_strategy_pages(rng),
        *_seed_negatives(rng),
        *_genre_pages(rng, per_genre),
        *_listing_pages(rng, per_genre),
    ]
