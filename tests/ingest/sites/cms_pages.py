"""The unrelated pages of site (b), the municipal CMS of the (fictional) Stadt Beispielstadt.

path -> (title, body HTML). Typical municipal content; a few pages mention Digitalisierung in
passing (hard negatives).
"""

from __future__ import annotations

B = "/DE/Buergerservice/Leistungen/"
NOISE: dict[str, tuple[str, str]] = {
    B + "personalausweis.html": (
        "Personalausweis beantragen",
        "<p>Den Personalausweis beantragen Sie persönlich im Bürgerbüro. Bitte bringen Sie ein biometrisches Passfoto und Ihren alten Ausweis mit. Die Gebühr beträgt 37,00 Euro, für Personen unter 24 Jahren 22,80 Euro.</p><p>Bearbeitungszeit: etwa drei bis vier Wochen.</p>",
    ),
    B + "reisepass.html": (
        "Reisepass",
        "<p>Der Reisepass wird bei der Bundesdruckerei hergestellt. Die Bearbeitung dauert in der Regel vier bis sechs Wochen. Ein Express-Pass ist gegen Aufpreis möglich.</p>",
    ),
    B + "wohnsitz-anmelden.html": (
        "Wohnsitz anmelden",
        "<p>Nach einem Umzug müssen Sie sich innerhalb von zwei Wochen anmelden. Benötigt werden der Ausweis und die Wohnungsgeberbestätigung. Termine vergibt das Bürgerbüro online und telefonisch.</p>",
    ),
    B + "meldebescheinigung.html": (
        "Meldebescheinigung",
        "<p>Eine einfache Meldebescheinigung kostet 10,00 Euro. Sie erhalten sie sofort im Bürgerbüro oder per Post.</p>",
    ),
    B + "fuehrungszeugnis.html": (
        "Führungszeugnis",
        "<p>Das Führungszeugnis beantragen Sie im Bürgerbüro oder online beim Bundesamt für Justiz. Die Gebühr beträgt 13,00 Euro; für ehrenamtlich Tätige ist es gebührenfrei.</p>",
    ),
    B + "kfz-zulassung.html": (
        "Kfz-Zulassung",
        "<p>Die Zulassungsstelle befindet sich im Kreishaus. Bitte vereinbaren Sie einen Termin. Außerbetriebsetzungen sind auch online möglich.</p>",
    ),
    B + "gewerbeanmeldung.html": (
        "Gewerbe anmelden",
        "<p>Wer ein Gewerbe beginnt, muss es beim Gewerbeamt anzeigen. Die Gebühr beträgt 26,00 Euro. Das Formular finden Sie auch im Serviceportal.</p>",
    ),
    B + "hundesteuer.html": (
        "Hundesteuer",
        "<p>Hunde sind innerhalb von zwei Wochen anzumelden. Die Steuer beträgt für den ersten Hund 72 Euro im Jahr. Sie erhalten eine Hundesteuermarke.</p>",
    ),
    B + "baugenehmigung.html": (
        "Baugenehmigung",
        "<p>Bauanträge reichen Sie bei der unteren Bauaufsicht des Kreises ein. Die Stadt wird im Verfahren beteiligt. Beratung zum Bebauungsplan erhalten Sie im Stadtplanungsamt.</p>",
    ),
    B + "eheschliessung.html": (
        "Eheschließung",
        "<p>Trauungen finden im historischen Trausaal des Rathauses statt, freitags und an ausgewählten Samstagen. Die Anmeldung ist sechs Monate vorher möglich.</p>",
    ),
    B + "geburtsurkunde.html": (
        "Geburtsurkunde",
        "<p>Urkunden erhalten Sie beim Standesamt des Geburtsortes. Eine Urkunde kostet 12,00 Euro, jede weitere 6,00 Euro.</p>",
    ),
    B + "anwohnerparken.html": (
        "Bewohnerparkausweis",
        "<p>Bewohnerinnen und Bewohner der Altstadt erhalten einen Parkausweis für 30,70 Euro im Jahr. Der Antrag kann schriftlich oder im Bürgerbüro gestellt werden.</p>",
    ),
    B + "fundbuero.html": (
        "Fundbüro",
        "<p>Fundsachen werden sechs Monate aufbewahrt. Verlorene Gegenstände können Sie telefonisch oder persönlich erfragen.</p>",
    ),
    B + "sperrmuell.html": (
        "Sperrmüll anmelden",
        "<p>Sperrmüll wird zweimal im Jahr kostenlos abgeholt. Die Anmeldung erfolgt über die Abfallberatung mit der Abfall-App oder per Karte.</p>",
    ),
    "/DE/Umwelt/Abfall/abfallkalender.html": (
        "Abfallkalender 2026",
        "<p>Hier finden Sie die Abfuhrtermine für Restmüll, Biotonne, Papier und Gelbe Säcke.</p><table><tr><th>Bezirk</th><th>Restmüll</th><th>Bio</th><th>Papier</th></tr><tr><td>Innenstadt</td><td>Mo, 14-tägig</td><td>Do, wöchentlich</td><td>Mi, 4-wöchentlich</td></tr><tr><td>Nordstadt</td><td>Di, 14-tägig</td><td>Fr, wöchentlich</td><td>Do, 4-wöchentlich</td></tr><tr><td>Ortsteil Oberbach</td><td>Mi, 14-tägig</td><td>Fr, 14-tägig</td><td>Mo, 4-wöchentlich</td></tr></table>",
    ),
    "/DE/Umwelt/Abfall/wertstoffhof.html": (
        "Wertstoffhof",
        "<p>Der Wertstoffhof Am Bauhof 3 ist dienstags bis freitags von 12 bis 18 Uhr und samstags von 9 bis 14 Uhr geöffnet. Angenommen werden Grünschnitt, Altholz, Elektrogeräte und Metall.</p>",
    ),
    "/DE/Umwelt/Abfall/biotonne.html": (
        "Biotonne",
        "<p>In die Biotonne gehören Obst- und Gemüsereste, Kaffeesatz und Gartenabfälle. Plastiktüten, auch sogenannte kompostierbare, gehören nicht hinein.</p>",
    ),
    "/DE/Umwelt/Stadtgruen/baumpatenschaften.html": (
        "Baumpatenschaften",
        "<p>Übernehmen Sie eine Patenschaft für einen Straßenbaum! Paten gießen in trockenen Sommern und melden Schäden an den Bauhof.</p>",
    ),
    "/DE/Rathaus/Stellenangebote/stellenangebote_node.html": (
        "Stellenangebote",
        "<p>Die Stadt Beispielstadt ist mit rund 450 Beschäftigten ein großer Arbeitgeber in der Region.</p><ul><li><a href='/DE/Rathaus/Stellenangebote/erzieher.html'>Erzieherinnen und Erzieher (m/w/d)</a></li><li><a href='/DE/Rathaus/Stellenangebote/bauhof.html'>Mitarbeiter Bauhof (m/w/d)</a></li><li><a href='/DE/Rathaus/Stellenangebote/sachbearbeitung-it.html'>Sachbearbeitung IT und Digitalisierung (m/w/d)</a></li><li><a href='/DE/Rathaus/Stellenangebote/ausbildung.html'>Ausbildung Verwaltungsfachangestellte</a></li><li><a href='/DE/Rathaus/Stellenangebote/standesamt.html'>Standesbeamtin/Standesbeamter (m/w/d)</a></li></ul>",
    ),
    "/DE/Rathaus/Stellenangebote/erzieher.html": (
        "Erzieherinnen und Erzieher (m/w/d)",
        "<p>Für unsere städtischen Kitas suchen wir ab sofort pädagogische Fachkräfte in Voll- oder Teilzeit. Bezahlung nach TVöD SuE S 8a. Bewerbungsfrist: 31.01.</p>",
    ),
    "/DE/Rathaus/Stellenangebote/bauhof.html": (
        "Mitarbeiter Bauhof (m/w/d)",
        "<p>Sie pflegen Grünflächen, führen den Winterdienst durch und unterstützen bei Veranstaltungen. Führerschein Klasse C1E erwünscht. Entgeltgruppe 5 TVöD.</p>",
    ),
    "/DE/Rathaus/Stellenangebote/sachbearbeitung-it.html": (
        "Sachbearbeitung IT und Digitalisierung (m/w/d)",
        "<p>Sie betreuen die IT-Arbeitsplätze der Verwaltung, unterstützen Projekte zur Digitalisierung und wirken an der Umsetzung der Digitalstrategie mit. Wir bieten eine unbefristete Stelle in Entgeltgruppe 10 TVöD, mobiles Arbeiten und Fortbildungen.</p><p>Bewerbungsfrist: 15.02. Ansprechpartnerin: Personalabteilung, Zimmer 2.14.</p>",
    ),
    "/DE/Rathaus/Stellenangebote/ausbildung.html": (
        "Ausbildung Verwaltungsfachangestellte",
        "<p>Wir bilden jedes Jahr zum 1. August aus. Die Ausbildung dauert drei Jahre und verbindet Praxis im Rathaus mit dem Unterricht an der Berufsschule.</p>",
    ),
    "/DE/Rathaus/Stellenangebote/standesamt.html": (
        "Standesbeamtin/Standesbeamter (m/w/d)",
        "<p>Für das Standesamt suchen wir eine Verstärkung in Teilzeit (50 %). Erfahrung im Personenstandswesen ist wünschenswert.</p>",
    ),
    "/DE/Rathaus/Politik/buergermeister.html": (
        "Bürgermeisterin",
        "<p>Bürgermeisterin der Stadt Beispielstadt ist seit 2021 Anna Beispiel. Sprechstunden nach Vereinbarung über das Vorzimmer.</p>",
    ),
    "/DE/Rathaus/Politik/stadtverordnete.html": (
        "Stadtverordnetenversammlung",
        "<p>Die Stadtverordnetenversammlung hat 37 Mitglieder. Sie tagt in der Regel einmal im Monat öffentlich im Sitzungssaal des Rathauses. Tagesordnungen finden Sie im Bürgerinformationssystem.</p>",
    ),
    "/DE/Rathaus/Politik/ortsbeiraete.html": (
        "Ortsbeiräte",
        "<p>In den Ortsteilen Oberbach, Niederbach und Talheim gibt es Ortsbeiräte. Sie beraten über Angelegenheiten des Ortsteils.</p>",
    ),
    "/DE/Rathaus/Verwaltung/oeffnungszeiten.html": (
        "Öffnungszeiten",
        "<p>Bürgerbüro: Mo, Di, Do 8-18 Uhr, Mi und Fr 8-12 Uhr, jeden ersten Samstag im Monat 9-12 Uhr. Übrige Ämter nach Vereinbarung.</p>",
    ),
    "/DE/Rathaus/Verwaltung/organigramm.html": (
        "Verwaltungsgliederung",
        "<p>Die Verwaltung gliedert sich in vier Fachbereiche: Zentrale Dienste, Bürgerservice und Ordnung, Bauen und Umwelt, Familie und Soziales.</p>",
    ),
    "/DE/Rathaus/Stadtportraet/stadtportraet.html": (
        "Stadtporträt",
        "<p>Beispielstadt liegt im Süden Hessens und zählt rund 38.600 Einwohnerinnen und Einwohner in der Kernstadt und drei Ortsteilen. Die Altstadt mit Fachwerkhäusern und der Stadtpark prägen das Bild.</p>",
    ),
    "/DE/Presse/pm_2023_freibad.html": (
        "Freibad öffnet am 15. Mai",
        "<p class='datum'>02.05.2023</p><p>Das Freibad Beispielstadt startet am 15. Mai in die Saison. Die Preise bleiben stabil. Saisonkarten gibt es ab sofort im Bürgerbüro.</p>",
    ),
    "/DE/Presse/pm_2023_haushalt.html": (
        "Haushalt 2024 eingebracht",
        "<p class='datum'>14.11.2023</p><p>Kämmerer und Bürgermeisterin haben den Entwurf des Haushalts 2024 eingebracht. Schwerpunkte sind Kitas, Schulsanierungen, der Brandschutz und die Digitalisierung der Verwaltung. Das Defizit soll durch Rücklagen gedeckt werden.</p>",
    ),
    "/DE/Presse/pm_2023_stadtfest.html": (
        "Stadtfest mit Rekordbesuch",
        "<p class='datum'>04.09.2023</p><p>Rund 25.000 Gäste feierten am Wochenende das Stadtfest. Die Bürgermeisterin dankte den Vereinen und Helfern.</p>",
    ),
    "/DE/Presse/pm_2023_baustelle.html": (
        "Vollsperrung der Bahnhofstraße",
        "<p class='datum'>19.06.2023</p><p>Wegen Kanalarbeiten ist die Bahnhofstraße vom 3. Juli bis 25. August voll gesperrt. Eine Umleitung ist ausgeschildert. Die Buslinie 2 fährt geänderte Haltestellen an.</p>",
    ),
    "/DE/Presse/pm_2023_ehrenamt.html": (
        "Ehrenamtspreis verliehen",
        "<p class='datum'>05.12.2023</p><p>Der Ehrenamtspreis geht in diesem Jahr an die Tafel Beispielstadt und die Jugendfeuerwehr Oberbach.</p>",
    ),
    "/DE/Leben/Familie/kitas.html": (
        "Kindertagesstätten",
        "<p>In Beispielstadt gibt es elf Kitas in städtischer und freier Trägerschaft. Die Anmeldung erfolgt zentral über das Kita-Portal.</p>",
    ),
    "/DE/Leben/Bildung/schulen.html": (
        "Schulen",
        "<p>Vier Grundschulen, eine Gesamtschule und ein Gymnasium. Schulträger der weiterführenden Schulen ist der Kreis.</p>",
    ),
    "/DE/Leben/Kultur/stadtbibliothek.html": (
        "Stadtbibliothek",
        "<p>Die Stadtbibliothek bietet 40.000 Medien, eine Onleihe und Lesungen für Kinder. Öffnungszeiten: Di-Fr 10-18 Uhr, Sa 10-13 Uhr.</p>",
    ),
    "/DE/Leben/Freizeit/schwimmbad.html": (
        "Hallenbad und Freibad",
        "<p>Das Hallenbad ist von September bis April geöffnet, das Freibad von Mai bis September. Schulschwimmen dienstags und donnerstags vormittags.</p>",
    ),
    "/DE/Leben/Soziales/friedhoefe.html": (
        "Friedhöfe",
        "<p>Die Stadt unterhält fünf Friedhöfe. Grabarten und Gebühren regelt die Friedhofssatzung.</p>",
    ),
    "/DE/Veranstaltungen/weihnachtsmarkt.html": (
        "Weihnachtsmarkt",
        "<p>Vom 28. November bis 23. Dezember auf dem Marktplatz, täglich 11 bis 21 Uhr.</p>",
    ),
    "/DE/Veranstaltungen/flohmarkt.html": (
        "Flohmarkt am Stadtpark",
        "<p>Jeden ersten Sonntag im Monat von April bis Oktober, 8 bis 14 Uhr. Standanmeldung nicht erforderlich.</p>",
    ),
    "/DE/Veranstaltungen/konzert.html": (
        "Sommerkonzert im Stadtpark",
        "<p>Das Jugendorchester spielt am 12. Juli um 19 Uhr. Eintritt frei.</p>",
    ),
    "/DE/Veranstaltungen/lesung.html": (
        "Lesung in der Stadtbibliothek",
        "<p>Krimiabend mit einer regionalen Autorin am 9. März, 19:30 Uhr. Karten an der Ausleihtheke.</p>",
    ),
    "/DE/Veranstaltungen/digitalcafe.html": (
        "Digitalcafé für Seniorinnen und Senioren",
        "<p>Jeden Mittwoch 15 Uhr im Mehrgenerationenhaus: Ehrenamtliche helfen bei Fragen zu Smartphone und Tablet. Kaffee und Kuchen inklusive.</p>",
    ),
    "/DE/Service/impressum.html": (
        "Impressum",
        "<p>Herausgeber: Magistrat der Stadt Beispielstadt, Rathausplatz 1, 61234 Beispielstadt, Hessen. Vertreten durch die Bürgermeisterin. Die Stadt ist eine Körperschaft des öffentlichen Rechts.</p>",
    ),
    "/DE/Service/datenschutz.html": (
        "Datenschutz",
        "<p>Informationen zur Verarbeitung personenbezogener Daten nach Art. 13 DSGVO. Datenschutzbeauftragter: datenschutz@beispielstadt.example.</p>",
    ),
    "/DE/Service/kontakt.html": (
        "Kontakt",
        "<p>Stadtverwaltung Beispielstadt, Rathausplatz 1, 61234 Beispielstadt. Telefon 06123 45-0.</p>",
    ),
    "/DE/Service/barrierefreiheit.html": (
        "Barrierefreiheit",
        "<p>Die Stadt ist bemüht, ihre Website barrierefrei zugänglich zu machen. Nicht barrierefreie Inhalte: einige PDF-Dokumente und eingebettete Karten.</p>",
    ),
}
TOLERATED = {
    "/DE/Presse/pm_2023_digitalstrategie.html": (
        "Stadtverordnete beschließen Digitalstrategie",
        "<p class='datum'>13.07.2023</p><p>Die Stadtverordnetenversammlung hat am Mittwoch die Digitalstrategie beschlossen. Sie beschreibt in drei Kapiteln Leitbild, Handlungsfelder und Umsetzung. Die Bürgermeisterin sprach von einem wichtigen Schritt.</p>",
    ),
}
