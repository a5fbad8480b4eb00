"""The Praxisbeispiele of site (a): fictional municipalities in Niedersachsen, the facts each
detail page states (in varied formats: definition lists, tables, running text) and the PDFs
some of them link."""

from __future__ import annotations

from dataclasses import dataclass

from tests.ingest.sites.prose import Profile


@dataclass(frozen=True)
class Example:
    """One Praxisbeispiel: the detail page and, maybe, the strategy PDF it links."""

    slug: str
    profile: Profile
    kind: str
    facts_box: str  # HTML that states the facts (varied formats)
    facts: dict[str, object]
    teaser: str
    pdf_path: str = ""
    pdf_facts: dict[str, object] | None = None
    pdf_title: tuple[str, ...] = ()
    link_style: str = "mehr"  # "mehr" | "weiter" | "bild"


def _p(ort: str, full: str, title: str, slogan: str, fields: str, variant: int) -> Profile:
    return Profile(ort, full, title, slogan, tuple(fields.split()), variant)


EXAMPLES = (
    Example(
        "musterstadt",
        _p(
            "Musterstadt",
            "Stadt Musterstadt",
            "Digitalstrategie Musterstadt 2030",
            "Musterstadt – digital, nah, für alle",
            "verwaltung bildung mobilitaet daten",
            0,
        ),
        "Stadt",
        "<dl class='facts'><dt>Kommune</dt><dd>Stadt Musterstadt</dd><dt>Bundesland</dt>"
        "<dd>Niedersachsen</dd><dt>Einwohnerzahl</dt><dd>48.300</dd><dt>Veröffentlicht</dt>"
        "<dd>September 2022</dd></dl>",
        {
            "municipality": "Musterstadt",
            "kind": "Stadt",
            "state": "Niedersachsen",
            "population": 48300,
            "year": 2022,
        },
        "Wie eine Mittelstadt ihre Verwaltung, Schulen und Mobilität zusammen denkt.",
        "/fileadmin/praxis/Digitalstrategie_MS_final.pdf",
        {"municipality": "Musterstadt", "kind": "Stadt", "year": 2022},
        (
            "Digitalstrategie der Stadt Musterstadt",
            "Musterstadt – digital, nah, für alle",
            "Beschlossen vom Rat der Stadt Musterstadt am 14.09.2022",
        ),
    ),
    Example(
        "beispielbach",
        _p(
            "Beispielbach",
            "Gemeinde Beispielbach",
            "Smart-Village-Strategie Beispielbach",
            "Beispielbach verbindet – Dorf mit Zukunft",
            "teilhabe infrastruktur gesundheit",
            1,
        ),
        "Gemeinde",
        "<table class='steckbrief'><tr><th>Gemeinde</th><td>Beispielbach</td></tr>"
        "<tr><th>Einwohner</th><td>6.200</td></tr><tr><th>Stand</th><td>03/2023</td></tr></table>",
        {"municipality": "Beispielbach", "kind": "Gemeinde", "population": 6200, "year": 2023},
        "Ein Dorf setzt auf Gemeinschaft, Glasfaser und Telemedizin.",
        link_style="bild",
    ),
    Example(
        "mustertal",
        _p(
            "Mustertal",
            "Stadt Mustertal",
            "Strategie „Mustertal digital“",
            "Mustertal gestaltet Wandel gemeinsam",
            "verwaltung wirtschaft klima",
            2,
        ),
        "Stadt",
        "<p class='meta'>Stadt Mustertal · Niedersachsen · rund 15.800 Einwohnerinnen und "
        "Einwohner · Strategie beschlossen 2021</p>",
        {
            "municipality": "Mustertal",
            "kind": "Stadt",
            "state": "Niedersachsen",
            "population": 15800,
            "year": 2021,
        },
        "Tourismus, Handwerk und ein digitales Rathaus.",
        "/medien/dokumente/pb_0419.pdf",
        {"municipality": "Mustertal", "kind": "Stadt", "year": 2021},
        (
            "Mustertal digital",
            "Digitalisierungsstrategie der Stadt Mustertal",
            "Fassung vom 2. Juni 2021",
        ),
        link_style="weiter",
    ),
    Example(
        "beispielland",
        _p(
            "Beispielland",
            "Landkreis Beispielland",
            "Smart-Region-Strategie Landkreis Beispielland",
            "Beispielland – vernetzt in Stadt und Land",
            "infrastruktur mobilitaet gesundheit daten verwaltung",
            3,
        ),
        "Landkreis",
        "<dl class='facts'><dt>Gebietskörperschaft</dt><dd>Landkreis Beispielland</dd>"
        "<dt>Bundesland</dt><dd>Niedersachsen</dd><dt>Einwohner</dt><dd>131.000</dd>"
        "<dt>Jahr</dt><dd>2023</dd></dl>",
        {
            "municipality": "Landkreis Beispielland",
            "kind": "Landkreis",
            "state": "Niedersachsen",
            "population": 131000,
            "year": 2023,
        },
        "Ein Landkreis bündelt Breitband, Mobilität und Gesundheit.",
        "/fileadmin/user_upload/Landkreis/Strategie_final_web.pdf",
        {"municipality": "Landkreis Beispielland", "kind": "Landkreis", "year": 2023},
        (
            "Smart Region Beispielland",
            "Strategie des Landkreises Beispielland",
            "Kreistagsbeschluss vom 23. März 2023",
        ),
        link_style="bild",
    ),
    Example(
        "musterhagen",
        _p(
            "Musterhagen",
            "Stadt Musterhagen",
            "Smart-City-Strategie Musterhagen",
            "Musterhagen – klug, grün, gemeinsam",
            "klima daten mobilitaet",
            4,
        ),
        "Stadt",
        "<p>Die Stadt Musterhagen (27.900 Einwohner) hat ihre Smart-City-Strategie im Jahr 2024 "
        "veröffentlicht.</p>",
        {"municipality": "Musterhagen", "kind": "Stadt", "population": 27900, "year": 2024},
        "Sensoren für Stadtgrün und eine offene Datenplattform.",
    ),
    Example(
        "beispielfelde",
        _p(
            "Beispielfelde",
            "Gemeinde Beispielfelde",
            "Digitales Dorf Beispielfelde",
            "Beispielfelde – klein, digital, lebenswert",
            "teilhabe bildung",
            5,
        ),
        "Gemeinde",
        "<dl class='facts'><dt>Kommune</dt><dd>Gemeinde Beispielfelde</dd><dt>Einwohnerzahl</dt>"
        "<dd>3.100</dd><dt>Bundesland</dt><dd>Niedersachsen</dd><dt>Veröffentlicht</dt>"
        "<dd>November 2022</dd></dl>",
        {
            "municipality": "Beispielfelde",
            "kind": "Gemeinde",
            "state": "Niedersachsen",
            "population": 3100,
            "year": 2022,
        },
        "Ehrenamt und Dorfgemeinschaft im Mittelpunkt.",
        "/medien/2022-11-03_beschlussvorlage_anlage.pdf",
        {"municipality": "Beispielfelde", "kind": "Gemeinde", "year": 2022},
        (
            "Anlage 2 zur Beschlussvorlage 2022/117",
            "Digitales Dorf Beispielfelde",
            "Strategie der Gemeinde Beispielfelde",
            "November 2022",
        ),
        link_style="weiter",
    ),
    Example(
        "musterburg",
        _p(
            "Musterburg",
            "Stadt Musterburg",
            "Digitalstrategie Musterburg",
            "Musterburg 2035 – offen, vernetzt, nachhaltig",
            "verwaltung wirtschaft bildung klima teilhabe",
            6,
        ),
        "Stadt",
        "<ul class='kennzahlen'><li>Stadt Musterburg</li><li>61.000 Einwohnerinnen und Einwohner"
        "</li><li>Niedersachsen</li><li>Stand: Mai 2023</li></ul>",
        {
            "municipality": "Musterburg",
            "kind": "Stadt",
            "state": "Niedersachsen",
            "population": 61000,
            "year": 2023,
        },
        "Eine Großstadt im Kleinen: fünf Handlungsfelder, ein Programmbüro.",
    ),
    Example(
        "musterland-nord",
        _p(
            "Musterland-Nord",
            "Zukunftsregion Musterland-Nord",
            "Gemeinsame Digitalstrategie Musterland-Nord",
            "Vier Gemeinden, eine digitale Region",
            "infrastruktur teilhabe wirtschaft",
            7,
        ),
        "Region",
        "<p class='meta'>Interkommunale Kooperation von vier Gemeinden · zusammen rund 22.000 "
        "Einwohnerinnen und Einwohner · Strategie von 2023</p>",
        {"municipality": "Musterland-Nord", "kind": "Region", "population": 22000, "year": 2023},
        "Vier Gemeinden teilen sich Digitallotsen und eine Plattform.",
        "/downloads/strategie.pdf",
        {"municipality": "Musterland-Nord", "kind": "Region", "year": 2023},
        ("Gemeinsame Digitalstrategie", "Zukunftsregion Musterland-Nord", "2023"),
    ),
    Example(
        "beispielstedt",
        _p(
            "Beispielstedt",
            "Gemeinde Beispielstedt",
            "Digitalisierungsstrategie Beispielstedt",
            "Beispielstedt bleibt verbunden",
            "verwaltung infrastruktur",
            8,
        ),
        "Gemeinde",
        "<p class='meta'>Gemeinde Beispielstedt · Stand: März 2021</p>",
        {"municipality": "Beispielstedt", "kind": "Gemeinde", "year": 2021},
        "Eine kleine Gemeinde priorisiert Glasfaser und Online-Dienste.",
    ),
)
