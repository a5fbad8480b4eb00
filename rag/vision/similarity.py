"""Vision-Werkstatt, part 1: the profile of a municipality and how alike two municipalities are.

Everything here is a pure function over plain values (names, numbers, sets of Handlungsfelder),
so the scoring can be tested with literal inputs and explained in one German line.

Similarity of a candidate municipality to a profile, each part in [0, 1]:

    kind        0.25  same type 1.0; Stadt~kreisfreie Stadt and Amt~Region~Verbund 0.8;
                      Gemeinde~Amt/Region/Verbund 0.6; Stadt~Gemeinde/Amt/Region/Verbund 0.5;
                      Landkreis~Region 0.5; further pairs in `_KIND_PAIRS`, otherwise 0.1
    population  0.25  1 - |log10(a) - log10(b)| / 1.5, floored at 0 (a factor of ~30 is 0);
                      candidate's population unknown: its size class (the programme's, else
                      the one its kind implies) against the profile's, 0.6 same / 0.2 other,
                      no class either 0.25, so comparables of known size rank first
    state       0.25  same Bundesland 1.0, neighbouring Bundesland 0.5, other 0.0; a joint
                      strategy of several Länder counts with its closest Land
    fields      0.15  mean of coverage (shared / profile's focus areas) and Jaccard (shared /
                      union), so a strategy that names everything ranks below a focused one;
                      no focus areas given: 0.5 (neutral)
    text        0.10  best dense match of the profile query among the municipality's passages,
                      min-max scaled over all candidates (model-independent: e5 and the hashing
                      test embedder have very different cosine ranges)

The optional setting (ländlich / städtisch) is not weighted: it enters the text query and the
"why" ("ebenfalls ländlich geprägt"), since few strategies state it.

Example:
    >>> round(population_similarity(16_783, 20_000), 2)
    0.95
    >>> state_similarity("Brandenburg", "Sachsen")
    0.5
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rag.core.errors import UserInputError
from rag.core.municipal import population_class, split_states
from rag.core.vocabulary import (
    FIELD_ALIASES,
    FIELD_NAMES,
    STATE_NEIGHBOURS,
    STATES,
    format_population,
)

WEIGHTS: Mapping[str, float] = {
    "kind": 0.25,
    "population": 0.25,
    "state": 0.25,
    "fields": 0.15,
    "text": 0.10,
}
NEUTRAL = 0.5
SAME_CLASS = 0.6  # population unknown, same size class as the profile
OTHER_CLASS = 0.2  # population unknown, another size class
UNKNOWN_SIZE = 0.25  # population and size class unknown: below any plausible known size
POPULATION_SPAN = 1.5  # decades of population at which the population part reaches 0
SIMILAR_SIZE = 0.75  # population part at or above this reads "ähnliche Größe"

KIND_GROUP = "Amt/Verbund/Region"
PROFILE_KINDS = ("Gemeinde", "Stadt", "kreisfreie Stadt", "Landkreis", KIND_GROUP)
_GROUPED = ("Amt", "Verbund", "Region")
SETTINGS = ("ländlich", "städtisch")


_RURAL = re.compile(r"ländlich|l@ndlich|\bdörf|\bdorf|land\.?regionen|smart region", re.I)


def chosen_fields(weighted_hits: Mapping[str, float], threshold: float = 2.0) -> tuple[str, ...]:
    """Handlungsfelder whose (weighted) keyword count reaches `threshold`, in canonical order."""
    return tuple(f for f in FIELD_NAMES if weighted_hits.get(f, 0.0) >= threshold)


def normalise_field(value: str) -> str:
    """A Handlungsfeld name as typed by a user -> its canonical name (German error if unknown)."""
    v = value.strip()
    for name in FIELD_NAMES:
        if v.casefold() == name.casefold():
            return name
    alias = FIELD_ALIASES.get(v.casefold())
    if alias:
        return alias
    raise UserInputError(
        f"Unbekanntes Handlungsfeld '{value}'", f"erlaubt: {', '.join(FIELD_NAMES)}"
    )


def normalise_kind(value: str) -> str:
    """Kommunentyp as typed -> profile kind ('Amt', 'Region', 'Verbund' -> the group)."""
    v = value.strip()
    if v.casefold() in {k.casefold() for k in _GROUPED} or v.casefold() == KIND_GROUP.casefold():
        return KIND_GROUP
    for kind in PROFILE_KINDS:
        if v.casefold() == kind.casefold():
            return kind
    raise UserInputError(
        f"Unbekannter Kommunentyp '{value}'", f"erlaubt: {', '.join(PROFILE_KINDS)}"
    )


@dataclass(frozen=True)
class Profile:
    """The municipality a vision is drafted for. Validated on creation (German errors).

    Example:
        >>> p = Profile("Musterstadt", "Stadt", "Brandenburg", 20_000, focus=("beteiligung",))
        >>> p.focus
        ('Beteiligung',)
    """

    name: str
    kind: str
    state: str
    population: int
    setting: str | None = None  # "ländlich" | "städtisch"
    focus: tuple[str, ...] = ()
    challenges: str = ""

    def __post_init__(self) -> None:
        name = " ".join(str(self.name or "").split())
        if len(name) < 2 or len(name) > 120:
            raise UserInputError("Bitte einen Namen der Kommune angeben (2 bis 120 Zeichen)")
        if self.state not in STATE_NEIGHBOURS:
            raise UserInputError(
                f"Unbekanntes Bundesland '{self.state}'", f"erlaubt: {', '.join(STATES)}"
            )
        if isinstance(self.population, bool) or not isinstance(self.population, int):
            raise UserInputError("Die Einwohnerzahl muss eine ganze Zahl sein")
        if not 1 <= self.population <= 20_000_000:
            raise UserInputError("Die Einwohnerzahl muss zwischen 1 und 20.000.000 liegen")
        setting = (self.setting or "").strip() or None
        if setting is not None and setting not in SETTINGS:
            raise UserInputError(
                f"Unbekannte Prägung '{self.setting}'", "erlaubt: ländlich, städtisch"
            )
        if len(self.challenges or "") > 2000:
            raise UserInputError("Die Herausforderungen sind zu lang (höchstens 2.000 Zeichen)")
        raw = (self.focus,) if isinstance(self.focus, str) else tuple(self.focus or ())
        focus = tuple(dict.fromkeys(normalise_field(f) for f in raw))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", normalise_kind(self.kind))
        object.__setattr__(self, "setting", setting)
        object.__setattr__(self, "focus", focus)
        object.__setattr__(self, "challenges", (self.challenges or "").strip())

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "state": self.state,
            "population": self.population,
            "setting": self.setting,
            "focus": list(self.focus),
            "challenges": self.challenges,
        }


@dataclass(frozen=True)
class Candidate:
    """A municipality as the similarity sees it: plain facts and its Handlungsfelder."""

    name: str
    kind: str | None
    state: str | None
    population: int | None
    fields: frozenset[str] = frozenset()
    rural: bool | None = None  # True: its texts call it rural; None: unknown
    size_class: str | None = None  # the programme's class (rag.core.municipal), if any


@dataclass(frozen=True)
class Parts:
    """The similarity parts of one candidate (each in [0, 1]) and the weighted total."""

    kind: float
    population: float
    state: float
    fields: float
    text: float
    shared: tuple[str, ...] = field(default=())

    @property
    def total(self) -> float:
        return sum(WEIGHTS[name] * getattr(self, name) for name in WEIGHTS)


def _kind_group(kind: str) -> str:
    return KIND_GROUP if kind in _GROUPED or kind == KIND_GROUP else kind


_KIND_PAIRS: Mapping[frozenset[str], float] = {
    frozenset({"Stadt", "kreisfreie Stadt"}): 0.8,
    frozenset({"Gemeinde", KIND_GROUP}): 0.6,
    frozenset({"Gemeinde", "Stadt"}): 0.5,
    frozenset({"Stadt", KIND_GROUP}): 0.5,
    frozenset({"Landkreis", KIND_GROUP}): 0.5,
    frozenset({"Landkreis", "kreisfreie Stadt"}): 0.3,
    frozenset({"Gemeinde", "kreisfreie Stadt"}): 0.2,
    frozenset({"kreisfreie Stadt", KIND_GROUP}): 0.2,
}


def kind_similarity(a: str | None, b: str | None) -> float:
    """Same kind 1.0; Amt, Region and Verbund are one family (0.8 among each other, 1.0 with
    the profile option 'Amt/Verbund/Region'); other pairs from `_KIND_PAIRS`, else 0.1.

    >>> kind_similarity("Stadt", "kreisfreie Stadt"), kind_similarity("Region", "Amt")
    (0.8, 0.8)
    """
    if not a or not b:
        return NEUTRAL
    ga, gb = _kind_group(a), _kind_group(b)
    if a == b or (KIND_GROUP in (a, b) and ga == gb):
        return 1.0
    if ga == gb:
        return 0.8
    return _KIND_PAIRS.get(frozenset({ga, gb}), 0.1)


def population_similarity(a: int | None, b: int | None) -> float:
    """Closeness in log10 population: 1 - |Δlog10| / 1.5, floored at 0; unknown: 0.5.

    >>> population_similarity(20_000, 20_000), population_similarity(None, 20_000)
    (1.0, 0.5)
    """
    if not a or not b or a <= 0 or b <= 0:
        return NEUTRAL
    return max(0.0, 1.0 - abs(math.log10(a) - math.log10(b)) / POPULATION_SPAN)


def size_similarity(profile: Profile, cand: Candidate) -> float:
    """The population part: log closeness when the candidate's population is known, else its
    size class against the profile's (see the module docstring).

    >>> p = Profile("Musterstadt", "Stadt", "Brandenburg", 20_000)
    >>> size_similarity(p, Candidate("X", "Stadt", "Sachsen", None, size_class="Mittelstadt"))
    0.6
    """
    if cand.population:
        return population_similarity(profile.population, cand.population)
    mine = population_class(profile.kind, profile.population)
    theirs = cand.size_class or population_class(cand.kind, None)
    if theirs is None:
        return UNKNOWN_SIZE
    return SAME_CLASS if theirs == mine else OTHER_CLASS


def state_similarity(a: str | None, b: str | None) -> float:
    """Same Bundesland 1.0, neighbouring 0.5, other (or unknown) 0.0; `b` may name several
    Länder ('Baden-Württemberg/Hessen'), the closest counts.

    >>> state_similarity("Hessen", "Baden-Württemberg/Rheinland-Pfalz/Hessen")
    1.0
    """
    if not a or not b:
        return 0.0
    best = 0.0
    for part in split_states(b):
        if part == a:
            return 1.0
        if part in STATE_NEIGHBOURS.get(a, frozenset()):
            best = 0.5
    return best


def field_similarity(focus: Iterable[str], fields: Iterable[str]) -> float:
    """Mean of coverage (|shared| / |focus|) and Jaccard (|shared| / |union|); no focus: 0.5.

    >>> field_similarity(["Beteiligung", "Verwaltung"], ["Beteiligung"])
    0.5
    """
    f, g = set(focus), set(fields)
    if not f:
        return NEUTRAL
    shared = f & g
    return 0.5 * len(shared) / len(f) + 0.5 * len(shared) / len(f | g)


def scale_text_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """Min-max scale best-match cosines over the candidates; all equal (or one): 0.5 each."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-9:
        return {k: NEUTRAL for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def compare(profile: Profile, cand: Candidate, text: float = NEUTRAL) -> Parts:
    """All parts of the similarity of `cand` to `profile`; `text` is already scaled to [0, 1]."""
    return Parts(
        kind=kind_similarity(profile.kind, cand.kind),
        population=size_similarity(profile, cand),
        state=state_similarity(profile.state, cand.state),
        fields=field_similarity(profile.focus, cand.fields),
        text=text,
        shared=tuple(f for f in profile.focus if f in cand.fields),
    )


def _kind_phrase(profile: Profile, cand: Candidate, score: float) -> str:
    if score >= 1.0:
        return "gleicher Typ"
    if score >= 0.5:
        return f"verwandter Typ ({cand.kind})"
    return f"anderer Typ ({cand.kind})" if cand.kind else "Typ unbekannt"


def _size_phrase(profile: Profile, cand: Candidate, score: float) -> str:
    if not cand.population:
        theirs = cand.size_class or population_class(cand.kind, None)
        if theirs is None:
            return "Einwohnerzahl unbekannt"
        same = theirs == population_class(profile.kind, profile.population)
        return f"Einwohnerzahl unbekannt, Größenklasse {theirs}" + (" wie Ihre" if same else "")
    numbers = f"{format_population(cand.population)} vs. {format_population(profile.population)} EW"
    if score >= SIMILAR_SIZE:
        return f"ähnliche Größe ({numbers})"
    return f"{'größer' if cand.population > profile.population else 'kleiner'} ({numbers})"


def _state_phrase(profile: Profile, cand: Candidate, score: float) -> str:
    several = len(split_states(cand.state)) > 1
    if score >= 1.0:
        return f"ebenfalls {profile.state}" + (f" (mit {cand.state})" if several else "")
    if score > 0:
        return f"Nachbarland {cand.state}" if not several else f"Nachbarländer ({cand.state})"
    return f"aus {cand.state}" if cand.state else "Bundesland unbekannt"


def why_text(profile: Profile, cand: Candidate, parts: Parts) -> str:
    """One German line that explains the similarity, in the order of the weights.

    >>> p = Profile("Musterstadt", "Stadt", "Brandenburg", 20_000, focus=("Beteiligung",))
    >>> c = Candidate("Guben", "Stadt", "Brandenburg", 16_783, frozenset({"Beteiligung"}))
    >>> why_text(p, c, compare(p, c))
    'gleicher Typ, ähnliche Größe (16.783 vs. 20.000 EW), ebenfalls Brandenburg, Fokus Beteiligung'
    """
    bits = [
        _kind_phrase(profile, cand, parts.kind),
        _size_phrase(profile, cand, parts.population),
        _state_phrase(profile, cand, parts.state),
    ]
    if parts.shared:
        bits.append(f"Fokus {', '.join(parts.shared)}")
    if profile.setting == "ländlich" and cand.rural:
        bits.append("ebenfalls ländlich geprägt")
    if parts.text >= 0.8:
        bits.append("Texte passen inhaltlich zu Ihren Schwerpunkten")
    return ", ".join(bits)


def rank_candidates(
    profile: Profile, candidates: Sequence[Candidate], text_scores: Mapping[str, float]
) -> list[tuple[Candidate, Parts]]:
    """Candidates with their parts, best first (ties: name), text scores scaled here."""
    scaled = scale_text_scores(text_scores)
    scored = [(c, compare(profile, c, scaled.get(c.name, NEUTRAL))) for c in candidates]
    return sorted(scored, key=lambda cp: (-cp[1].total, cp[0].name))


def looks_rural(text: str) -> bool:
    """The text calls the place rural ('ländlich geprägt', 'Dorf', 'Smarte.Land.Regionen')."""
    return bool(_RURAL.search(text))
