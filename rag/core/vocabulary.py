"""The German domain words, defined once: Bundesländer (with the forms questions use and their
neighbours), kinds of municipality, funding programmes and size classes, the Handlungsfelder with the patterns that signal them,
stopwords and number formatting. Every floor reads them from here (ground floor: no imports
from the project).

Example:
    >>> field_hits("Bürgerbeteiligung und eine digitale Verwaltung")
    {'Verwaltung': 1, 'Beteiligung': 1}
    >>> format_population(16783)
    '16.783'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

STATES = (
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz",
    "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
)  # fmt: skip
# ISO 3166-2:DE subdivision codes, in the order of STATES.
ISO_STATES: Mapping[str, str] = dict(
    zip(
        ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
         "SH", "TH"),
        STATES,
        strict=True,
    )
)  # fmt: skip
# Bundesland -> name and adjective stems as they appear in questions (lower case).
STATE_WORDS: Mapping[str, tuple[str, ...]] = {
    "Baden-Württemberg": ("baden-württemberg", "baden-württembergisch"),
    "Bayern": ("bayern", "bayerisch", "bayrisch"),
    "Berlin": ("berlin",),
    "Brandenburg": ("brandenburg", "brandenburgisch"),
    "Bremen": ("bremen", "bremisch"),
    "Hamburg": ("hamburg", "hamburgisch"),
    "Hessen": ("hessen", "hessisch"),
    "Mecklenburg-Vorpommern": ("mecklenburg-vorpommern", "meck-pomm"),
    "Niedersachsen": ("niedersachsen", "niedersächsisch"),
    "Nordrhein-Westfalen": ("nordrhein-westfalen", "nordrhein-westfälisch", "nrw"),
    "Rheinland-Pfalz": ("rheinland-pfalz", "rheinland-pfälzisch"),
    "Saarland": ("saarland", "saarländisch"),
    "Sachsen": ("sachsen", "sächsisch"),
    "Sachsen-Anhalt": ("sachsen-anhalt", "sachsen-anhaltisch"),
    "Schleswig-Holstein": ("schleswig-holstein", "schleswig-holsteinisch"),
    "Thüringen": ("thüringen", "thüringisch", "thüringer"),
}

# Neighbouring Bundesländer (a shared land border); the table is checked to be symmetric.
_BORDERS = """
Baden-Württemberg: Bayern, Hessen, Rheinland-Pfalz
Bayern: Baden-Württemberg, Hessen, Sachsen, Thüringen
Berlin: Brandenburg
Brandenburg: Berlin, Mecklenburg-Vorpommern, Niedersachsen, Sachsen, Sachsen-Anhalt
Bremen: Niedersachsen
Hamburg: Niedersachsen, Schleswig-Holstein
Hessen: Baden-Württemberg, Bayern, Niedersachsen, Nordrhein-Westfalen, Rheinland-Pfalz, Thüringen
Mecklenburg-Vorpommern: Brandenburg, Niedersachsen, Schleswig-Holstein
Niedersachsen: Brandenburg, Bremen, Hamburg, Hessen, Mecklenburg-Vorpommern, Nordrhein-Westfalen, Sachsen-Anhalt, Schleswig-Holstein, Thüringen
Nordrhein-Westfalen: Hessen, Niedersachsen, Rheinland-Pfalz
Rheinland-Pfalz: Baden-Württemberg, Hessen, Nordrhein-Westfalen, Saarland
Saarland: Rheinland-Pfalz
Sachsen: Bayern, Brandenburg, Sachsen-Anhalt, Thüringen
Sachsen-Anhalt: Brandenburg, Niedersachsen, Sachsen, Thüringen
Schleswig-Holstein: Hamburg, Mecklenburg-Vorpommern, Niedersachsen
Thüringen: Bayern, Hessen, Niedersachsen, Sachsen, Sachsen-Anhalt
"""
STATE_NEIGHBOURS: Mapping[str, frozenset[str]] = {
    state: frozenset(n.strip() for n in neighbours.split(","))
    for state, neighbours in (line.split(":") for line in _BORDERS.strip().splitlines())
}

# Kinds of municipality the registry knows (ingest refuses others).
KINDS = ("Gemeinde", "Stadt", "kreisfreie Stadt", "Landkreis", "Amt", "Region", "Verbund")
# Kinds that name several municipalities working together (a searchable kind of their own).
JOINT_KINDS = ("Region", "Verbund")
COUNTY_KINDS = ("Landkreis",)

# Funding programmes and the size classes of the Modellprojekte Smart Cities (rag.core.municipal
# derives a class from kind and population with the BBSR thresholds).
MPSC = "Modellprojekte Smart Cities"
GROSSSTADT = "Großstadt"
MITTELSTADT = "Mittelstadt"
KLEINSTADT = "Kleinstadt/Landgemeinde"
LANDKREIS = "Landkreis"
KOOPERATION = "interkommunale Kooperation"
SIZE_CLASSES = (GROSSSTADT, MITTELSTADT, KLEINSTADT, LANDKREIS, KOOPERATION)
BIG_CITY_FROM = 100_000  # BBSR: Großstadt
MEDIUM_CITY_FROM = 20_000  # BBSR: Mittelstadt

# Handlungsfelder and the German (and common English smart-city) keywords that signal them.
# Patterns are regular expressions over lower-cased text; most are stems, so compounds match
# ("Bürgerbeteiligung" -> "beteiligung").
_FIELD_PATTERNS = {
    "Verwaltung": (
        r"verwaltung|bürgerservice|e-government|smart government|onlinezugang|\bozg\b|"
        r"bürgeramt|rathaus|behörd|governance|e-akte"
    ),
    "Bildung": (
        r"bildung|schul(?!d)|\bkitas?\b|medienkompetenz|digitale kompetenz|\blern|"
        r"hochschul|universität|bibliothek"
    ),
    "Mobilität": (
        r"mobilität|mobility|verkehr|öpnv|\bbus(?:se)?\b|rufbus|parkplatz|fahrrad|carsharing|"
        r"sharing|ladeinfrastruktur|e-mobil|pendl"
    ),
    "Gesundheit": r"gesund|health|pflege|ärzt|\barzt|telemedizin|klinik|krankenhaus|senior",
    "Klima/Energie": (
        r"klima|energie|energy|umwelt|environment|co2|co₂|emission|erneuerbar|photovoltaik|"
        r"solar|wärmewende|ressourcen|\bgrün(?:e[nrs]?)?\b"
    ),
    "Wirtschaft": (
        r"wirtschaft|economy|unternehm|gewerbe|arbeitsplätze|fachkräfte|start-?ups?\b|"
        r"gründer|coworking|mittelstand|handwerk"
    ),
    "Beteiligung": (
        r"beteiligung|partizipat|mitgestalt|mitwirk|mitreden|mitmach|bürgerdialog|"
        r"bürgerschaft|ehrenamt|zivilgesellschaft|teilhabe|miteinander|zusammenleben|"
        r"deine ideen|smart people|smart society"
    ),
    "Kultur": r"kultur|museum|museen|theater|kulturerbe|\bkunst|veranstaltung",
    "Sicherheit": (
        r"sicherheit|security|katastrophenschutz|bevölkerungsschutz|feuerwehr|rettung|"
        r"resilien|\bkrise|gefahr|\bwarn|hochwasser"
    ),
    "Daten/Infrastruktur": (
        r"daten|open data|breitband|glasfaser|\b5g\b|lorawan|sensor|infrastruktur|"
        r"plattform|digitaler zwilling|wlan|rechenzentr"
    ),
    "Wohnen/Stadtentwicklung": (
        r"wohnen|wohnung|stadtentwicklung|ortsentwicklung|dorfentwicklung|quartier|"
        r"stadtplanung|städtebau|gebäude|\bbauen\b|innenstadt|ortskern|\bzentren\b|"
        r"lebensumfeld|smart living"
    ),
    "Tourismus/Handel": (
        r"touris|\bgäste|urlaub|einzelhandel|\bhandels?\b|händler|innenstadt|gastronomie|"
        r"freizeit|naherholung"
    ),
}
HANDLUNGSFELDER: Mapping[str, tuple[str, ...]] = {
    name: tuple(patterns.split("|")) for name, patterns in _FIELD_PATTERNS.items()
}
FIELD_NAMES = tuple(HANDLUNGSFELDER)
FIELD_ALIASES = {
    "klima": "Klima/Energie",
    "energie": "Klima/Energie",
    "umwelt": "Klima/Energie",
    "daten": "Daten/Infrastruktur",
    "infrastruktur": "Daten/Infrastruktur",
    "wohnen": "Wohnen/Stadtentwicklung",
    "stadtentwicklung": "Wohnen/Stadtentwicklung",
    "tourismus": "Tourismus/Handel",
    "handel": "Tourismus/Handel",
    "mobilitaet": "Mobilität",
    "partizipation": "Beteiligung",
}


@cache
def _compiled_fields() -> dict[str, re.Pattern[str]]:
    return {name: re.compile(patterns) for name, patterns in _FIELD_PATTERNS.items()}


def field_hits(text: str) -> dict[str, int]:
    """Pattern occurrences per Handlungsfeld in `text` (fields without hits are left out)."""
    low = text.lower()
    hits = {name: len(pat.findall(low)) for name, pat in _compiled_fields().items()}
    return {name: n for name, n in hits.items() if n}


# A word for counting and overlap: letters, digits and underscore (Unicode).
WORD = re.compile(r"\w+", re.UNICODE)
# German function words that carry no topic (highlighting, citation overlap).
# evals/judgements.py keeps its own list on purpose (see there).
STOPWORDS: frozenset[str] = frozenset(
    [
        "und",
        "oder",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "mit",
        "von",
        "für",
        "auf",
        "aus",
        "bei",
        "bis",
        "nach",
        "über",
        "unter",
        "durch",
        "sich",
        "sind",
        "ist",
        "wird",
        "werden",
        "wurde",
        "hat",
        "haben",
        "als",
        "auch",
        "noch",
        "nicht",
        "nur",
        "wie",
        "was",
        "wer",
        "wo",
        "wir",
        "ihr",
        "sie",
        "es",
        "er",
        "zum",
        "zur",
        "vom",
        "im",
        "in",
        "an",
        "zu",
        "dass",
        "diese",
        "dieser",
        "dieses",
        "man",
        "kann",
        "können",
        "soll",
        "sollen",
        "unsere",
        "unser",
        "welche",
        "welcher",
        "welches",
    ]
)


def format_population(n: int) -> str:
    """German thousands separator: 16783 -> '16.783'."""
    return f"{n:,}".replace(",", ".")
