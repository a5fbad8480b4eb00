"""Vision-Werkstatt, part 2: the patterns of vision statements, and drafts for a profile
modelled on named visions by pattern, never copied from them.

`classify_pattern` labels a catalogue vision; the drafts use four patterns, each with German templates written for this project and several wordings per
Handlungsfeld (chosen by a sha256 of the profile name, so two municipalities get different
drafts and the same one always gets the same):

    three_values  "Musterstadt – Gemeinsam. Bürgernah. Vernetzt."      (like Potsdam, Regensburg)
    mission       "Musterstadt nutzt die Digitalisierung, damit ..."    (like Ulm, Jena)
    zielbilder    "Zielbilder für Musterstadt: Zielbild 1: ..."         (like Guben)
    other         "Musterstadt – gemeinsam weiter, einfach erledigt."   (short motto)

The no-copy rule: a draft may not share `MAX_SHARED_RUN + 1` (= 8) or more consecutive words
(case and punctuation ignored) with any vision of the catalogue. A draft that does is replaced
by the pattern's next wording; a pattern whose wordings all fail is dropped.

Example:
    >>> longest_shared_run("Innovativ. Grün. Gerecht!", "innovativ, grün und gerecht")
    2
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rag.vision_similarity import Profile, format_population

if TYPE_CHECKING:
    from rag.vision import VisionEntry

MAX_SHARED_RUN = 7  # longest allowed run of words shared with a catalogue vision
PATTERNS = ("three_values", "mission", "zielbilder", "other")
PATTERN_LABELS = {
    "three_values": "Slogan aus drei Werten",
    "mission": "Leitsatz (Mission)",
    "zielbilder": "Set von Zielbildern",
    "other": "Motto / Sonstiges",
}
_WORD = re.compile(r"\w+", re.UNICODE)

ZIELBILD_LINE = re.compile(r"^[ \t]*(?:Zielbild|Leitziel)\s*\d+\s*[:.][^\n]*", re.M)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")
_VALUE_SEP = re.compile(r"\s*(?:[.!?](?=\s|$)|[,;–—]|\s-\s|\bund\b)\s*")

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
_FILLER_VALUES = {
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
_FILLER_CLAUSES = {
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
_COMPLEMENT = ("Daten/Infrastruktur", "Beteiligung", "Verwaltung")


@dataclass(frozen=True)
class Draft:
    """A suggested vision and the named visions it is modelled on."""

    text: str
    pattern: str
    modelled_on: tuple[VisionEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "modelled_on": [
                {"municipality": e.municipality, "url": e.url, "quote": e.quote}
                for e in self.modelled_on
            ],
        }


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation: the unit of the no-copy rule."""
    return _WORD.findall(text.casefold())


def longest_shared_run(draft: str, source: str) -> int:
    """Length of the longest run of consecutive words both texts share (case/punctuation
    ignored).

    >>> longest_shared_run("Wir sind eine smarte Stadt.", "Guben ist eine smarte Stadt!")
    3
    """
    a, b = words(draft), words(source)
    best = 0
    prev = [0] * (len(b) + 1)
    for word in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if word == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def is_values_slogan(text: str) -> bool:
    """Three (up to five) short values in a row: "Innovativ. Grün. Gerecht.", "Grün, Gerecht,
    Produktiv", "Fortschritt – Innovation – Vernetzung"; the whole text at most 20 words."""
    if len(words(text)) > 20:
        return False
    run = best = 0
    for part in _VALUE_SEP.split(text):
        n = len(part.split())
        if n == 0:
            continue
        run = run + 1 if n <= 3 else 0
        best = max(best, run)
    return best >= 3


def classify_pattern(quote: str, source: str) -> str:
    """The pattern of a vision quote (a key of PATTERN_LABELS); `source` as in rag.vision."""
    core = _PARENTHESIS.sub("", quote)
    if len(ZIELBILD_LINE.findall(quote)) >= 2:
        return "zielbilder"
    goals = [p for p in _VALUE_SEP.split(core) if p.strip()]
    short = len(words(core)) <= 20
    titled = short and len(goals) >= 3 and all(len(g.split()) >= 2 for g in goals)
    if titled and re.search(r"leitziel|zielbild", quote, re.I):  # titled goals, not values
        return "zielbilder"
    if is_values_slogan(core):
        return "three_values"
    lower = sum(1 for w in re.findall(r"[^\W\d]+", core) if w[0].islower())
    if source != "section" and len(words(core)) >= 4 and lower >= 2:
        return "mission"
    return "other"


class CopyGuard:
    """Answers "does this text share more than MAX_SHARED_RUN consecutive words with any of
    these visions?" via a set of word n-grams (fast for many checks against one catalogue)."""

    def __init__(self, visions: Iterable[str], limit: int = MAX_SHARED_RUN) -> None:
        self.n = limit + 1
        self.grams: set[tuple[str, ...]] = set()
        for text in visions:
            self.grams.update(self._grams(text))

    def _grams(self, text: str) -> Iterator[tuple[str, ...]]:
        w = words(text)
        return (tuple(w[i : i + self.n]) for i in range(len(w) - self.n + 1))

    def allows(self, text: str) -> bool:
        return not any(g in self.grams for g in self._grams(text))


_ARTICLES = {  # leading word of a name -> (nominative, accusative, dative) article
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


def name_forms(name: str) -> tuple[str, str, str]:
    """(nominative, accusative, dative) of a municipality name inside a sentence.

    >>> name_forms("Landkreis Musterland")
    ('der Landkreis Musterland', 'den Landkreis Musterland', 'dem Landkreis Musterland')
    >>> name_forms("Guben")
    ('Guben', 'Guben', 'Guben')
    """
    articles = _ARTICLES.get(name.split()[0])
    if not articles:
        return name, name, name
    nom, acc, dat = articles
    return f"{nom} {name}", f"{acc} {name}", f"{dat} {name}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _seed(profile: Profile, salt: str) -> int:
    digest = hashlib.sha256(f"{profile.name}|{salt}".encode()).hexdigest()
    return int(digest[:12], 16)


def _pick(options: Sequence[Any], seed: int, shift: int = 0) -> Any:
    return options[(seed + shift) % len(options)]


def _fields(profile: Profile, at_least: int, at_most: int) -> list[str]:
    """The profile's focus areas (up to at_most), completed from _COMPLEMENT to at_least."""
    chosen = list(profile.focus[:at_most])
    for f in _COMPLEMENT:
        if len(chosen) >= at_least:
            break
        if f not in chosen:
            chosen.append(f)
    return chosen


def _three_values(profile: Profile, variant: int) -> str:
    seed = _seed(profile, "values")
    vals = [_pick(VALUES[f], seed, variant) for f in profile.focus[:3]]
    for filler in _FILLER_VALUES[profile.setting]:
        if len(vals) >= 3:
            break
        if filler not in vals:
            vals.append(filler)
    a, b, c = vals
    forms = (
        f"{profile.name} – {a}. {b}. {c}.",
        f"{a}. {b}. {c}. – {profile.name} digital",
        f"{profile.name} digital: {a}. {b}. {c}.",
    )
    return _pick(forms, seed, variant)  # type: ignore[no-any-return]


def _mission(profile: Profile, variant: int) -> str:
    seed = _seed(profile, "mission")
    clauses = [_pick(CLAUSES[f], seed, variant) for f in profile.focus[:2]]
    if len(clauses) < 2:
        clauses.append(_FILLER_CLAUSES[profile.setting])
    if len(clauses) < 2:
        clauses.append("die Lebensqualität vor Ort spürbar wächst")
    c1, c2 = clauses
    nom, acc, dat = name_forms(profile.name)
    forms = (
        f"{_upper_first(nom)} nutzt die Digitalisierung, damit {c1} und {c2}.",
        f"Für {acc} gilt: Wir gestalten den digitalen Wandel so, dass {c1} und {c2}.",
        f"Wir wollen, dass {c1} und {c2} – dafür steht die digitale Strategie von {dat}.",
    )
    return _pick(forms, seed, variant)  # type: ignore[no-any-return]


def _zielbilder(profile: Profile, variant: int) -> str:
    seed = _seed(profile, "zielbilder")
    fields = _fields(profile, at_least=3, at_most=4)
    items = [_pick(ZIELBILDER[f], seed, variant + i).split(": ", 1) for i, f in enumerate(fields)]
    if _pick((0, 1), seed, variant) == 0:
        lines = [f"Zielbilder für {name_forms(profile.name)[1]}:"]
        lines += [f"Zielbild {i}: {t}. {s}" for i, (t, s) in enumerate(items, start=1)]
    else:
        lines = [f"{profile.name} im Jahr 2035 – unsere Zielbilder:"]
        lines += [f"{i}. {t} – {s}" for i, (t, s) in enumerate(items, start=1)]
    return "\n".join(lines).replace("{dat}", name_forms(profile.name)[2])


def _motto(profile: Profile, variant: int) -> str:
    seed = _seed(profile, "motto")
    fields = _fields(profile, at_least=2, at_most=2)
    m1, m2 = (_pick(MOTTOS[f], seed, variant) for f in fields)
    forms = (f"{profile.name} – {m1}, {m2}.", f"{profile.name}: {m1} – {m2}")
    return _pick(forms, seed, variant)  # type: ignore[no-any-return]


_BUILDERS = {
    "three_values": _three_values,
    "mission": _mission,
    "zielbilder": _zielbilder,
    "other": _motto,
}
VARIANTS = 6  # wordings tried per pattern before the pattern is dropped


def draft_variants(profile: Profile, pattern: str) -> list[str]:
    """All distinct wordings of one pattern for the profile, in the order they are tried."""
    build = _BUILDERS[pattern]
    return list(dict.fromkeys(build(profile, v) for v in range(VARIANTS)))


def template_drafts(
    profile: Profile,
    models: Mapping[str, Sequence[VisionEntry]],
    guard: CopyGuard,
) -> list[Draft]:
    """One draft per pattern: the first wording the guard allows (none allowed: dropped)."""
    drafts: list[Draft] = []
    for pattern in PATTERNS:
        text = next((t for t in draft_variants(profile, pattern) if guard.allows(t)), None)
        if text is not None:
            drafts.append(Draft(text, pattern, tuple(models.get(pattern, ()))))
    return drafts


def llm_drafts(
    llm: Any, profile: Profile, models: Sequence[VisionEntry], guard: CopyGuard
) -> list[Draft]:
    """Drafts written by a chat model (llama-index ChatLLM), under the same no-copy check.

    Best effort: any failure or unusable reply yields no drafts (the caller keeps templates).
    """
    from llama_index.core.llms import ChatMessage, MessageRole

    examples = "\n".join(f"- {e.municipality}: {e.quote[:300]}" for e in models)
    prompt = (
        f"Schreibe drei kurze, unterschiedliche Visionen (Leitbild) für die Digitalstrategie von "
        f"{profile.name} ({profile.kind}, {profile.state}, "
        f"{format_population(profile.population)} Einwohner). "
        f"Schwerpunkte: {', '.join(profile.focus) or 'keine Angabe'}. {profile.challenges}\n"
        "Orientiere dich am Muster dieser Beispiele, übernimm aber keine Formulierungen:\n"
        f"{examples}\nAntworte nur mit einer JSON-Liste aus drei Zeichenketten."
    )
    try:
        reply = llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)])
        texts = json.loads(str(reply.message.content or "").strip().strip("`").removeprefix("json"))
    except Exception:  # an optional helper: the template drafts remain
        return []
    if not isinstance(texts, list):
        return []
    out = []
    for text in texts:
        if isinstance(text, str) and 10 <= len(text) <= 800 and guard.allows(text):
            out.append(Draft(" ".join(text.split()), "llm", tuple(models)))
    return out
