"""German building blocks for strategy texts (fictional places, typical municipal wording).

`strategy_sections(profile)` composes a strategy of varied length: Vorwort, Ausgangslage,
Vision/Leitbild, Handlungsfelder with Ziele and Maßnahmen, Umsetzung. Each place picks its own
fields and variants, so two strategies share little text (no accidental near-duplicates).
"""

from __future__ import annotations

from dataclasses import dataclass

Section = tuple[str, tuple[str, ...]]

FIELDS: dict[str, tuple[str, tuple[str, str], tuple[str, ...]]] = {
    "verwaltung": (
        "Digitale Verwaltung",
        (
            "Bis 2027 sollen alle häufig genutzten Verwaltungsleistungen von {ort} vollständig online beantragt werden können.",
            "Die Verwaltung von {ort} arbeitet medienbruchfrei: Anträge, Akten und Rechnungen laufen elektronisch.",
        ),
        (
            "Einführung der E-Akte in allen Fachbereichen bis Ende 2025.",
            "Online-Terminvergabe für Bürgerbüro und Kfz-Zulassung.",
            "Anbindung an das Bürgerkonto und das Serviceportal des Landes.",
            "Schulungsprogramm „Digital im Dienst“ für alle Beschäftigten.",
            "Elektronischer Rechnungseingang und digitale Freigabe-Workflows.",
        ),
    ),
    "bildung": (
        "Bildung und digitale Kompetenzen",
        (
            "Alle Schulen in Trägerschaft von {ort} verfügen über eine verlässliche digitale Ausstattung und Support.",
            "Menschen jeden Alters in {ort} sollen digitale Angebote sicher und selbstbestimmt nutzen können.",
        ),
        (
            "Medienentwicklungsplan für alle Schulen fortschreiben.",
            "Digitallotsinnen und Digitallotsen in der Stadtbibliothek.",
            "Sprechstunden „Fit fürs Smartphone“ für Seniorinnen und Senioren.",
            "Gemeinsamer IT-Support für Schulen mit den Nachbarkommunen.",
        ),
    ),
    "mobilitaet": (
        "Mobilität",
        (
            "Wir machen Mobilität in {ort} einfacher, klimafreundlicher und für alle zugänglich.",
            "Bus, Rad und Carsharing werden in {ort} digital vernetzt und in einer Auskunft gebündelt.",
        ),
        (
            "Echtzeit-Fahrgastinformation an den wichtigsten Haltestellen.",
            "Digitale Parkraumerfassung in der Innenstadt.",
            "Rufbus on demand für die Ortsteile, buchbar per App und Telefon.",
            "Sichere Radabstellanlagen mit digitaler Buchung am Bahnhof.",
        ),
    ),
    "klima": (
        "Energie, Klima und Umwelt",
        (
            "Daten helfen {ort}, Energie zu sparen und die Folgen des Klimawandels früh zu erkennen.",
            "{ort} nutzt digitale Werkzeuge, um bis 2040 klimaneutral zu werden.",
        ),
        (
            "Sensoren für Bodenfeuchte in Parks und an Straßenbäumen.",
            "Energiemonitoring für alle kommunalen Liegenschaften.",
            "Starkregen-Frühwarnsystem mit Pegelsensoren.",
            "Intelligente Straßenbeleuchtung mit bedarfsgerechter Dimmung.",
        ),
    ),
    "teilhabe": (
        "Teilhabe und Gemeinschaft",
        (
            "Niemand in {ort} wird bei der Digitalisierung zurückgelassen; analoge Wege bleiben offen.",
            "Digitale Werkzeuge stärken das Ehrenamt und das Miteinander in {ort}.",
        ),
        (
            "Beteiligungsplattform für Bürgerhaushalt und Planungsverfahren.",
            "Kostenloses WLAN an Treffpunkten und im Dorfgemeinschaftshaus.",
            "Vereinsplattform mit Raumbuchung und Terminkalender.",
            "Barrierefreie Gestaltung aller digitalen Angebote nach BITV 2.0.",
        ),
    ),
    "wirtschaft": (
        "Wirtschaft, Handel und Tourismus",
        (
            "Der Standort {ort} bleibt attraktiv für Unternehmen, Fachkräfte und Gäste.",
            "Handel und Handwerk in {ort} werden bei der Digitalisierung begleitet.",
        ),
        (
            "Coworking-Space im ehemaligen Bahnhofsgebäude.",
            "Digitaler Marktplatz für den lokalen Einzelhandel.",
            "Gästekarte mit digitalem Ticket für Bus und Museen.",
            "Beratungsreihe „Digital-Check“ mit der Wirtschaftsförderung.",
        ),
    ),
    "infrastruktur": (
        "Digitale Infrastruktur",
        (
            "Jeder Haushalt und jedes Unternehmen in {ort} erhält einen Glasfaseranschluss.",
            "{ort} schafft mit Glasfaser, Mobilfunk und einem LoRaWAN-Netz die Grundlage aller Vorhaben.",
        ),
        (
            "Geförderter Glasfaserausbau in den unterversorgten Gebieten.",
            "Aufbau eines offenen LoRaWAN-Funknetzes für Sensoren.",
            "Mitverlegung von Leerrohren bei allen Tiefbaumaßnahmen.",
            "Standortsuche für Mobilfunkmasten gemeinsam mit den Netzbetreibern.",
        ),
    ),
    "gesundheit": (
        "Gesundheit und Pflege",
        (
            "Ältere Menschen sollen in {ort} möglichst lange selbstbestimmt zu Hause leben können.",
            "Digitale Angebote sichern die gesundheitliche Versorgung in den Ortsteilen von {ort}.",
        ),
        (
            "Telemedizinische Sprechstunde im Gesundheitszentrum.",
            "Digitaler Pflegewegweiser mit freien Plätzen in der Region.",
            "Assistenzsysteme für Wohnungen im Projekt „Sicher zu Hause“.",
        ),
    ),
    "daten": (
        "Daten und offene Plattform",
        (
            "{ort} behandelt Daten als Gemeingut: offen, wo möglich, geschützt, wo nötig.",
            "Eine urbane Datenplattform bündelt die Daten von {ort} für bessere Entscheidungen.",
        ),
        (
            "Open-Data-Portal mit mindestens 50 Datensätzen bis 2026.",
            "Urbane Datenplattform auf Basis offener Standards.",
            "Datenschutz- und Ethikleitlinien für Sensordaten.",
            "Digitaler Zwilling der Innenstadt für Planungsverfahren.",
        ),
    ),
}


@dataclass(frozen=True)
class Profile:
    """One fictional place and how its strategy is shaped."""

    ort: str  # "Musterstadt"
    full_name: str  # "Stadt Musterstadt"
    doc_title: str  # "Digitalstrategie Musterstadt 2030"
    slogan: str
    fields: tuple[str, ...]
    variant: int = 0
    intro: bool = True
    situation: str = ""


def field_section(key: str, ort: str, variant: int) -> Section:
    """One Handlungsfeld with its goal and measures."""
    title, goals, measures = FIELDS[key]
    goal = goals[variant % 2].format(ort=ort)
    picked = measures[variant % 2 :] + measures[: variant % 2]
    bullets = tuple(f"Maßnahme: {m}" for m in picked[: 3 + variant % 2])
    return (f"Handlungsfeld {title}", (f"Ziel: {goal}", *bullets))


def strategy_sections(p: Profile) -> tuple[Section, ...]:
    """The whole strategy as (heading, paragraphs) sections."""
    sections: list[Section] = []
    if p.intro:
        sections.append(
            (
                "Vorwort",
                (
                    f"Liebe Bürgerinnen und Bürger, mit dieser Strategie legt die {p.full_name} "
                    "fest, wie wir die Digitalisierung in den nächsten Jahren gestalten wollen.",
                    "Sie ist in einem offenen Beteiligungsprozess mit Bürgerschaft, Vereinen, "
                    "Unternehmen und Verwaltung entstanden. Allen Beteiligten danke ich herzlich.",
                ),
            )
        )
    situation = p.situation or (
        f"{p.ort} steht vor ähnlichen Aufgaben wie viele Kommunen: eine älter werdende "
        "Bevölkerung, Fachkräftemangel in der Verwaltung und steigende Erwartungen an "
        "digitale Dienstleistungen."
    )
    sections.append(("Ausgangslage", (situation,)))
    sections.append(
        (
            "Vision und Leitbild",
            (
                f"Unser Leitbild: „{p.slogan}“",
                f"Digitalisierung ist für {p.ort} kein Selbstzweck. Sie soll das Leben der "
                "Menschen spürbar einfacher machen und die Lebensqualität vor Ort stärken.",
            ),
        )
    )
    sections += [field_section(key, p.ort, p.variant + i) for i, key in enumerate(p.fields)]
    sections.append(
        (
            "Umsetzung und Steuerung",
            (
                "Die Umsetzung steuert eine Lenkungsgruppe unter Leitung der Verwaltungsspitze. "
                "Jede Maßnahme hat eine verantwortliche Stelle, einen Zeitplan und Kennzahlen.",
                "Über den Stand berichten wir jährlich in den Gremien; die Strategie wird "
                "spätestens nach drei Jahren fortgeschrieben.",
            ),
        )
    )
    return tuple(sections)


def sections_html(sections: tuple[Section, ...], heading: str = "h2") -> str:
    """Sections as HTML: headings and paragraphs; 'Maßnahme:' lines become a list."""
    out: list[str] = []
    for title, paragraphs in sections:
        out.append(f"<{heading}>{title}</{heading}>")
        items = [p.removeprefix("Maßnahme: ") for p in paragraphs if p.startswith("Maßnahme: ")]
        out += [f"<p>{p}</p>" for p in paragraphs if not p.startswith("Maßnahme: ")]
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    return "\n".join(out)
