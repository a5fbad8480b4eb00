"""Vision-Werkstatt: the German template data of the drafts (written for this project).

Per Handlungsfeld: slogan values, motto phrases, "dass"-clauses and Zielbilder; plus fillers
for profiles with few focus areas and the articles of municipality names. `rag.vision.drafts`
combines them into wordings.
"""

from __future__ import annotations

from collections.abc import Mapping

# Per Handlungsfeld: slogan values, motto phrases, "dass"-clauses, and Zielbilder (title, text).
VALUES: Mapping[str, tuple[str, ...]] = {
    "Verwaltung": ("Bürgernah", "Unkompliziert", "Serviceorientiert"),
    "Bildung": ("Neugierig", "Lernend", "Kompetent"),
    "Mobilität": ("Beweglich", "Verbunden", "Erreichbar"),
    "Gesundheit": ("Fürsorglich", "Gesund", "Gut versorgt"),
    "Klima/Energie": ("Klimafest", "Ressourcenschonend", "Grün"),
    "Wirtschaft": ("Tatkräftig", "Unternehmerisch", "Wirtschaftsstark"),
    "Beteiligung": ("Gemeinsam", "Mitgestaltet", "Offen"),
    "Kultur": ("Lebendig", "Vielfältig", "Kulturvoll"),
    "Sicherheit": ("Sicher", "Widerstandsfähig", "Verlässlich"),
    "Daten/Infrastruktur": ("Vernetzt", "Datenklug", "Gut angebunden"),
    "Wohnen/Stadtentwicklung": ("Lebenswert", "Wohnlich", "Nachbarschaftlich"),
    "Tourismus/Handel": ("Gastfreundlich", "Einladend", "Belebt"),
}
FILLER_VALUES = {
    "ländlich": ("Naturnah", "Heimatverbunden", "Zukunftsfest"),
    "städtisch": ("Urban", "Weltoffen", "Zukunftsfest"),
    None: ("Zukunftsfest", "Nah", "Modern"),
}
MOTTOS: Mapping[str, tuple[str, ...]] = {
    "Verwaltung": ("einfach erledigt", "Service ohne Umwege"),
    "Bildung": ("klug vernetzt", "neugierig auf morgen"),
    "Mobilität": ("gut verbunden", "näher dran"),
    "Gesundheit": ("gut versorgt", "gesund vernetzt"),
    "Klima/Energie": ("klimaklug digital", "grün vernetzt"),
    "Wirtschaft": ("Raum für Macher", "Standort mit Zukunft"),
    "Beteiligung": ("gemeinsam weiter", "mitgedacht statt vorgedacht"),
    "Kultur": ("Kultur im Netz und vor Ort", "lebendig vernetzt"),
    "Sicherheit": ("sicher vernetzt", "gut geschützt"),
    "Daten/Infrastruktur": ("schnell verbunden", "Daten mit Sinn"),
    "Wohnen/Stadtentwicklung": ("Zuhause mit Zukunft", "lebenswert vernetzt"),
    "Tourismus/Handel": ("willkommen digital", "einladend vernetzt"),
}
CLAUSES: Mapping[str, tuple[str, ...]] = {
    "Verwaltung": (
        "Anliegen im Rathaus schnell, einfach und auch online erledigt werden",
        "jede und jeder Verwaltungsleistungen ohne Umwege und rund um die Uhr nutzen kann",
    ),
    "Bildung": (
        "Kinder, Jugendliche und Erwachsene digitale Kompetenzen ein Leben lang ausbauen",
        "Lernorte vernetzt und für alle zugänglich sind",
    ),
    "Mobilität": (
        "Wege im Alltag kürzer, klimafreundlicher und verlässlicher werden",
        "Bus, Rad und geteilte Fahrzeuge klug ineinandergreifen",
    ),
    "Gesundheit": (
        "medizinische Versorgung und Pflege auch künftig nah erreichbar bleiben",
        "Menschen gesund und selbstbestimmt älter werden können",
    ),
    "Klima/Energie": (
        "Energie gespart, Ressourcen geschont und das Klima geschützt wird",
        "der Weg zur Klimaneutralität messbar vorankommt",
    ),
    "Wirtschaft": (
        "Betriebe, Handwerk und Gründungen gute Bedingungen vorfinden",
        "neue Arbeitsplätze entstehen und Fachkräfte gerne bleiben",
    ),
    "Beteiligung": (
        "alle Generationen die Zukunft vor Ort mitgestalten können",
        "Ideen aus der Bürgerschaft sichtbar werden und Gehör finden",
    ),
    "Kultur": (
        "Kultur und Vereinsleben analog wie digital erlebbar sind",
        "das kulturelle Erbe lebendig und zugänglich bleibt",
    ),
    "Sicherheit": (
        "Menschen sich sicher fühlen und Krisen gut bewältigt werden",
        "Warnung, Hilfe und Schutz im Ernstfall schnell ankommen",
    ),
    "Daten/Infrastruktur": (
        "schnelles Netz und offene Daten die Grundlage guter Entscheidungen bilden",
        "Glasfaser, Funknetz und Datenplattform alle Ortsteile erreichen",
    ),
    "Wohnen/Stadtentwicklung": (
        "Quartiere und Ortsteile lebenswert und bezahlbar bleiben",
        "Planen und Bauen transparent und vorausschauend gelingen",
    ),
    "Tourismus/Handel": (
        "Gäste sich willkommen fühlen und der Handel vor Ort lebendig bleibt",
        "Zentrum und Ortskerne belebt und gut erreichbar sind",
    ),
}
FILLER_CLAUSES = {
    "ländlich": "auch kleine Ortsteile den Anschluss nicht verlieren",
    "städtisch": "alle Stadtteile gleichermaßen profitieren",
    None: "niemand beim digitalen Wandel zurückbleibt",
}
# Zielbilder as "Titel: Satz" ({dat} = the name in the dative).
ZIELBILDER: Mapping[str, tuple[str, ...]] = {
    "Verwaltung": (
        "Rathaus ohne Wartezeit: Leistungen von {dat} sind digital, verständlich und barrierearm erreichbar.",
        "Service aus einer Hand: Die Verwaltung arbeitet vernetzt und fragt Angaben nur einmal ab.",
    ),
    "Bildung": (
        "Lernen ohne Grenzen: Schulen, Kitas und Bibliothek verbinden analoge und digitale Lernangebote.",
        "Sicher im digitalen Alltag: Kurse und Lotsen helfen allen Altersgruppen, digitale Angebote zu nutzen.",
    ),
    "Mobilität": (
        "Gut unterwegs: Digitale Auskunft und flexible Angebote verbinden Ortsteile, Bahnhof und Zentrum.",
        "Mobil ohne eigenes Auto: Rufbus, Sharing und sichere Radwege machen Wege planbar und klimafreundlich.",
    ),
    "Gesundheit": (
        "Versorgung in der Nähe: Telemedizin und vernetzte Pflege sichern die Versorgung auch abseits der Zentren.",
        "Gesund älter werden: Digitale Hilfen unterstützen ein selbstbestimmtes Leben im eigenen Zuhause.",
    ),
    "Klima/Energie": (
        "Klimafreundlich vernetzt: Messdaten zu Energie, Wärme und Wasser helfen, Verbrauch und Emissionen zu senken.",
        "Energie von hier: Erneuerbare Energie wird vor Ort erzeugt, klug gesteuert und gemeinsam genutzt.",
    ),
    "Wirtschaft": (
        "Starker Standort: Betriebe in {dat} finden digitale Dienste, Netzwerke und Raum für neue Ideen.",
        "Arbeiten mit Zukunft: Coworking und digitale Weiterbildung halten Fachkräfte in der Region.",
    ),
    "Beteiligung": (
        "Mitreden leicht gemacht: Alle bringen ihre Ideen online wie vor Ort ein und sehen, was daraus wird.",
        "Gemeinsam entscheiden: Planungen in {dat} öffnen sich früh, damit Vereine, Jugend und Ältere mitwirken.",
    ),
    "Kultur": (
        "Kultur erleben: Museen, Vereine und Veranstaltungen sind auch digital auffindbar und zugänglich.",
        "Geschichte sichtbar machen: Das kulturelle Erbe von {dat} wird digital bewahrt und neu erzählt.",
    ),
    "Sicherheit": (
        "Sicher und krisenfest: Warnsysteme und vernetzte Einsatzkräfte schützen die Menschen im Ernstfall.",
        "Vorsorge mit Daten: Sensoren und Lagebilder helfen, Gefahren wie Hochwasser früh zu erkennen.",
    ),
    "Daten/Infrastruktur": (
        "Digitales Fundament: Glasfaser, Funknetze und eine offene Datenplattform erreichen alle Ortsteile.",
        "Daten für das Gemeinwohl: Offene Daten werden verantwortungsvoll geteilt und stützen Entscheidungen.",
    ),
    "Wohnen/Stadtentwicklung": (
        "Lebenswerte Quartiere: Digitale Planung macht Bauvorhaben früh sichtbar und Nachbarschaften stark.",
        "Zuhause mit Zukunft: Wohnen, Nahversorgung und Treffpunkte in {dat} wachsen gemeinsam weiter.",
    ),
    "Tourismus/Handel": (
        "Willkommen vor Ort: Gäste finden Angebote, Wege und Unterkünfte mit wenigen Klicks.",
        "Lebendige Mitte: Händler und Gastronomie werden digital sichtbar und beleben die Ortsmitte.",
    ),
}
# Fields that complete a set when the profile names fewer than three focus areas.
COMPLEMENT = ("Daten/Infrastruktur", "Beteiligung", "Verwaltung")


ARTICLES = {  # leading word of a name -> (nominative, accusative, dative) article
    "Landkreis": ("der", "den", "dem"),
    "Kreis": ("der", "den", "dem"),
    "Verbund": ("der", "den", "dem"),
    "Amt": ("das", "das", "dem"),
    "Stadt": ("die", "die", "der"),
    "Gemeinde": ("die", "die", "der"),
    "Region": ("die", "die", "der"),
    "Hansestadt": ("die", "die", "der"),
    "Samtgemeinde": ("die", "die", "der"),
    "Verbandsgemeinde": ("die", "die", "der"),
}
