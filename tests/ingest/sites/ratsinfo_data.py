"""The Vorlagen and sessions of site (c), the council information system of the (fictional)
Große Kreisstadt Beispielheim in Baden-Württemberg. Plain data; `ratsinfo.py` renders it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vorlage:
    """One Drucksache: number, subject, kind, lead office, Sachverhalt, attachments (id, name)."""

    kvonr: int
    number: str
    subject: str
    kind: str
    office: str
    text: str
    proposal: str
    attachments: tuple[tuple[int, str], ...] = ()
    session: int = 0


STRATEGY_KVONR = 4711
VORLAGEN = (
    Vorlage(
        4711,
        "2023/118",
        "Digitalstrategie der Stadt Beispielheim",
        "Beschlussvorlage",
        "Stabsstelle Digitalisierung",
        "Die Verwaltung hat seit Herbst 2022 gemeinsam mit Bürgerschaft, Gemeinderat und "
        "Beschäftigten eine Digitalstrategie erarbeitet. In vier Workshops und einer "
        "Online-Beteiligung gingen über 400 Hinweise ein. Die Strategie (Anlage 1) beschreibt "
        "Leitbild, Handlungsfelder und erste Maßnahmen. Die Kosten der Maßnahmen werden in "
        "den jeweiligen Haushaltsjahren veranschlagt.",
        "Der Gemeinderat beschließt die Digitalstrategie der Stadt Beispielheim (Anlage 1).",
        ((77, "Anlage 1 Digitalstrategie"), (78, "Anlage 2 Ergebnisbericht Beteiligung")),
        301,
    ),
    Vorlage(
        4702,
        "2023/109",
        "Bebauungsplan Am Mühlbach - Satzungsbeschluss",
        "Beschlussvorlage",
        "Stadtplanungsamt",
        "Der Bebauungsplan Am Mühlbach schafft Baurecht für 48 Wohneinheiten. Die "
        "Stellungnahmen aus der Offenlage wurden geprüft und abgewogen.",
        "Der Gemeinderat beschließt den Bebauungsplan Am Mühlbach als Satzung.",
        ((71, "Anlage 1 Planzeichnung"), (72, "Anlage 2 Begründung")),
        301,
    ),
    Vorlage(
        4705,
        "2023/112",
        "Feuerwehrbedarfsplan 2023-2028",
        "Beschlussvorlage",
        "Ordnungsamt",
        "Der Feuerwehrbedarfsplan beschreibt Ausstattung, Personal und Standorte der "
        "Freiwilligen Feuerwehr. Ein neues Löschfahrzeug für die Abteilung Oberdorf wird "
        "2025 benötigt.",
        "Der Gemeinderat stimmt dem Feuerwehrbedarfsplan zu.",
        ((74, "Feuerwehrbedarfsplan"),),
        301,
    ),
    Vorlage(
        4706,
        "2023/113",
        "Beschaffung von Tablets für die papierlose Gremienarbeit",
        "Beschlussvorlage",
        "Hauptamt",
        "Zur Digitalisierung der Ratsarbeit sollen 32 Tablets für die Mitglieder des "
        "Gemeinderats beschafft werden. Sitzungsunterlagen werden künftig nur noch "
        "elektronisch bereitgestellt. Die Kosten betragen rund 28.000 Euro.",
        "Der Gemeinderat beschließt die Beschaffung und ermächtigt die Verwaltung zur Vergabe.",
        (),
        301,
    ),
    Vorlage(
        4708,
        "2023/115",
        "Sachstandsbericht Breitbandausbau",
        "Informationsvorlage",
        "Wirtschaftsförderung",
        "Der geförderte Glasfaserausbau in den Ortsteilen ist zu 70 Prozent abgeschlossen. "
        "Verzögerungen gab es bei den Tiefbauarbeiten in der Talstraße.",
        "Der Gemeinderat nimmt den Bericht zur Kenntnis.",
        ((75, "Karte Ausbaustand"),),
        302,
    ),
    Vorlage(
        4709,
        "2023/116",
        "Änderung der Kindergartengebühren ab 01.09.2023",
        "Beschlussvorlage",
        "Amt für Familie und Bildung",
        "Die Elternbeiträge werden entsprechend der Empfehlung der kommunalen Landesverbände "
        "um 8,5 Prozent angehoben.",
        "Der Gemeinderat beschließt die Änderung der Gebührensatzung.",
        ((76, "Gebührentabelle"),),
        301,
    ),
    Vorlage(
        4712,
        "2023/119",
        "Sanierung der Grundschule Oberdorf - Vergabe Dachdeckerarbeiten",
        "Beschlussvorlage",
        "Hochbauamt",
        "Für die Dachsanierung gingen fünf Angebote ein. Wirtschaftlichstes Angebot ist das "
        "der Firma Muster Bedachungen GmbH mit 214.300 Euro brutto.",
        "Der Auftrag wird an die Firma Muster Bedachungen GmbH vergeben.",
        (),
        301,
    ),
    Vorlage(
        4713,
        "2023/120",
        "Jahresabschluss 2022 der Stadtwerke Beispielheim",
        "Beschlussvorlage",
        "Kämmerei",
        "Der Jahresabschluss weist einen Jahresüberschuss von 1,2 Mio. Euro aus. Der "
        "Wirtschaftsprüfer hat einen uneingeschränkten Bestätigungsvermerk erteilt.",
        "Der Gemeinderat stellt den Jahresabschluss fest.",
        ((79, "Jahresabschluss 2022"),),
        302,
    ),
    Vorlage(
        4714,
        "2023/121",
        "Verkehrsberuhigung Hauptstraße - Tempo 30",
        "Beschlussvorlage",
        "Ordnungsamt",
        "Nach der Lärmaktionsplanung soll auf der Hauptstraße zwischen 22 und 6 Uhr Tempo 30 "
        "gelten. Die Straßenverkehrsbehörde hat zugestimmt.",
        "Der Gemeinderat stimmt der Anordnung zu.",
        (),
        302,
    ),
    Vorlage(
        4715,
        "2023/122",
        "Annahme von Spenden im 2. Quartal 2023",
        "Beschlussvorlage",
        "Kämmerei",
        "Im zweiten Quartal gingen Spenden über insgesamt 6.450 Euro ein, unter anderem für "
        "die Jugendfeuerwehr und die Stadtbücherei.",
        "Der Gemeinderat stimmt der Annahme der Spenden zu.",
        (),
        302,
    ),
    Vorlage(
        4716,
        "2023/123",
        "Neufassung der Friedhofssatzung",
        "Beschlussvorlage",
        "Ordnungsamt",
        "Die Friedhofssatzung wird an die neue Rechtslage angepasst. Neu sind Baumgräber "
        "auf dem Waldfriedhof.",
        "Der Gemeinderat beschließt die Neufassung der Friedhofssatzung.",
        ((80, "Satzungstext"),),
        302,
    ),
    Vorlage(
        4717,
        "2023/124",
        "Bericht der Stabsstelle Digitalisierung 2022",
        "Informationsvorlage",
        "Stabsstelle Digitalisierung",
        "Die Stabsstelle berichtet über das Jahr 2022: Einführung der E-Rechnung, 14 neue "
        "Online-Dienste und der Start des Strategieprozesses.",
        "Der Gemeinderat nimmt den Bericht zur Kenntnis.",
        (),
        302,
    ),
)

# Sessions: ksinr -> (committee, date, time).
SESSIONS = {
    300: ("Verwaltungsausschuss", "27.06.2023", "17:00"),
    301: ("Gemeinderat", "12.07.2023", "18:00"),
    302: ("Gemeinderat", "20.09.2023", "18:00"),
}
COMMITTEES = (
    "Gemeinderat",
    "Verwaltungsausschuss",
    "Technischer Ausschuss",
    "Ortschaftsrat Oberdorf",
)
