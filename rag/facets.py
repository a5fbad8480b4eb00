"""Facets named in a German question: Bundesland, kind of municipality, size, year, names.

Officials ask comparison questions that are really filters: "Welche Landkreise in
Brandenburg ...?", "Strategien aus NRW", "Städte mit mehr als 100.000 Einwohnern",
"vor 2018", "Wie unterscheiden sich Potsdam und Guben?", "Welche Mittelstädte sind
Modellprojekte Smart Cities?", "gemeinsame Strategie mehrerer Gemeinden" (`rag.facet_terms`).
Ranking by text similarity alone returns whichever passage is closest, not the municipalities
the question names. The retriever turns what `detect` finds into *boosts*: extra filtered
retrieval legs fused with the unfiltered ones (soft, so a wrong guess costs ranking, never recall).

Example:
    >>> f = detect("Welche Landkreise in Brandenburg haben eine Digitalstrategie?")
    >>> f.filters.kinds, f.filters.states
    (('Landkreis',), ('Brandenburg',))
    >>> detect("Welche Landkreise außerhalb Brandenburgs haben ein Motto?").filters.states
    ()
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rag.core.municipal import population_class
from rag.core.records import SearchFilters
from rag.core.vocabulary import STATE_WORDS
from rag.facet_terms import detect_terms

# A word is a whole token: letters and hyphens inside, nothing of either around it.
_EDGE_L, _EDGE_R = r"(?<![\wäöüß-])", r"(?![\wäöüß-])"
# Genitive -s, adjective endings (-e, -en, -er, -es, -em).
_STATE_RES = [
    (
        state,
        re.compile(
            _EDGE_L + "(?:" + "|".join(re.escape(w) for w in words) + r")(?:s|e|en|er|es|em)?"
            + _EDGE_R
        ),
    )
    for state, words in STATE_WORDS.items()
]  # fmt: skip
_NEGATED = re.compile(r"(?:außerhalb|ausserhalb|nicht\s+(?:in|aus)|ohne|außer)\s+(?:von\s+)?$")

_ASKED_FOR = r"(?:welche[rsmn]?|ein(?:e|en)?|kein(?:e|en)?)\s+(?:\w+\s+){0,2}"
_KIND_RES = [
    (("Landkreis",), re.compile(_EDGE_L + r"(?:land)?kreise(?:n)?" + _EDGE_R)),
    (("Stadt", "kreisfreie Stadt"), re.compile(_EDGE_L + r"städte(?:n)?" + _EDGE_R)),
    (("Gemeinde",), re.compile(_EDGE_L + r"gemeinden" + _EDGE_R)),
    (("Amt",), re.compile(_EDGE_L + r"ämter(?:n)?" + _EDGE_R)),
    # The singular names a kind only as what is asked for: "Welcher Landkreis ...",
    # "eine kleine hessische Gemeinde", not "unsere Stadt" or "das Amt für Digitales".
    (("Landkreis",), re.compile(_ASKED_FOR + r"landkreis\b")),
    (("Gemeinde",), re.compile(_ASKED_FOR + r"gemeinde\b")),
    (("Amt",), re.compile(r"(?:welches|ein)\s+(?:\w+\s+){0,2}amt\b")),
]
_BIG_CITY = re.compile(_EDGE_L + r"(?:großstadt|großstädten?)" + _EDGE_R)
_NUMBER = r"(\d{1,3}(?:[.\s]\d{3})+|\d+)(\s*(?:tausend|tsd\.?|mio\.?|millionen?))?"
_POP_MIN = re.compile(
    r"(?:mehr\s+als|über|ueber|ab|mindestens)\s+" + _NUMBER + r"\s*(?:einwohner|ew\b|menschen)"
)
_POP_MAX = re.compile(
    r"(?:weniger\s+als|unter|bis\s+zu|höchstens)\s+" + _NUMBER + r"\s*(?:einwohner|ew\b|menschen)"
)
_YEAR = r"((?:19|20)\d\d)"
_YEAR_BEFORE = re.compile(r"\bvor\s+(?:dem\s+jahr\s+)?" + _YEAR + r"\b")
_YEAR_AFTER = re.compile(r"\b(?:nach|seit|ab)\s+(?:dem\s+jahr\s+)?" + _YEAR + r"\b")
_YEAR_IN = re.compile(r"\b(?:im\s+jahr(?:e)?|jahr|in)\s+" + _YEAR + r"\b")
_WORD = re.compile(r"[^\W\d_]+")
# Words that never identify a municipality on their own.
_GENERIC = frozenset(
    [
        "landkreis",
        "landkreise",
        "kreis",
        "stadt",
        "gemeinde",
        "amt",
        "region",
        "und",
        "im",
        "an",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "mark",
        "smart",
        "city",
        "bad",
    ]
)


MAX_CHARS = 1000


@dataclass(frozen=True)
class QueryFacets:
    """What a question narrows to: one filter for the facets, one per named municipality."""

    filters: SearchFilters = field(default_factory=SearchFilters)
    municipalities: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.filters.empty and not self.municipalities

    def boosts(self, limit: int = 4) -> tuple[SearchFilters, ...]:
        """The filters of the extra retrieval legs, facets first (at most `limit`)."""
        out = [] if self.filters.empty else [self.filters]
        out += [SearchFilters(municipalities=(m,)) for m in self.municipalities]
        return tuple(out[:limit])


def _number(digits: str, unit: str | None) -> int:
    value = int(re.sub(r"[.\s]", "", digits))
    unit = (unit or "").strip()
    if unit.startswith(("tausend", "tsd")):
        value *= 1_000
    elif unit.startswith(("mio", "million")):
        value *= 1_000_000
    return value


def _states(text: str) -> tuple[str, ...]:
    found = []
    for state, rx in _STATE_RES:
        for m in rx.finditer(text):
            if not _NEGATED.search(text[max(0, m.start() - 30) : m.start()]):
                found.append(state)
                break
    return tuple(found)


def _core(name: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(name.lower()) if w not in _GENERIC and len(w) > 2)


class MunicipalityNames:
    """Finds municipalities of the index named in a question (all core words present).

    "Wie unterscheiden sich Potsdam und Guben?" names Potsdam and Guben; a name of several
    words ("Landkreis Dahme-Spreewald") needs all its distinctive words; genitive -s is
    tolerated ("Ulms").
    """

    def __init__(self, names: Iterable[str]) -> None:
        # "Cottbus/Chóśebuz": either spelling names it, as does the whole.
        alts = {
            (n, core) for n in names if n for part in (n, *n.split("/")) if (core := _core(part))
        }
        self._names = sorted(alts, key=lambda x: (x[0], sorted(x[1])))

    def __len__(self) -> int:
        return len({name for name, _ in self._names})

    def find(self, question: str) -> tuple[str, ...]:
        words = set(_WORD.findall(question.lower()))
        words |= {w[:-1] for w in words if w.endswith("s") and len(w) > 3}
        return tuple(dict.fromkeys(name for name, core in self._names if core <= words))


def detect(
    question: str, names: MunicipalityNames | None = None, programmes: Sequence[str] = ()
) -> QueryFacets:
    """Facets named in `question` (German). Nothing found -> an empty QueryFacets.

    `names` are the municipalities (and members of joint strategies) of the index,
    `programmes` its funding programmes; size classes come from `rag.core.municipal`
    (see `rag.facet_terms`). "Großstädte" filters the size class, not a population bound, so
    programme Großstädte without a known population stay in.

    Only the first `MAX_CHARS` characters are read: questions are short, and the bound keeps
    every pattern linear on pasted text.
    """
    question = question[:MAX_CHARS]
    text = " ".join(question.lower().split())
    states = _states(text)
    kinds: list[str] = []
    for values, rx in _KIND_RES:
        if rx.search(text):
            kinds += [v for v in values if v not in kinds]
    pop_min = pop_max = year_min = year_max = None
    terms = detect_terms(text, programmes)
    if terms.joint:  # "mehrerer Gemeinden": the members' kind, not the strategy's
        kinds = []
    elif _BIG_CITY.search(text):
        kinds += [k for k in ("Stadt", "kreisfreie Stadt") if k not in kinds]
    if m := _POP_MIN.search(text):
        pop_min = _number(m.group(1), m.group(2))
    if m := _POP_MAX.search(text):
        pop_max = _number(m.group(1), m.group(2))
    if m := _YEAR_BEFORE.search(text):
        year_max = int(m.group(1)) - 1
    if m := _YEAR_AFTER.search(text):
        year_min = int(m.group(1))
    if m := _YEAR_IN.search(text):
        year_min = year_max = int(m.group(1))
    if year_min is not None and year_max is not None and year_min > year_max:
        year_min = year_max = None  # "vor 2018 … nach 2020": contradictory, boost neither
    if pop_min is not None and pop_max is not None and pop_min > pop_max:
        pop_min = pop_max = None
    filters = SearchFilters(
        states=states,
        kinds=tuple(kinds),
        year_min=year_min,
        year_max=year_max,
        population_min=pop_min,
        population_max=pop_max,
        programmes=terms.programmes,
        staffel=terms.staffel,
        # a class the asked-for kind already implies ("Landkreise") narrows nothing further
        size_classes=tuple(
            c for c in terms.size_classes if c not in {population_class(k, None) for k in kinds}
        ),
    )
    named = names.find(question) if names is not None else ()
    return QueryFacets(filters, named)
