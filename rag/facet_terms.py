"""Registry facets named in a question: funding programme, Staffel, size class, joint strategy.

The vocabulary comes from the data, not from examples: programme names are the values the
index holds ("Modellprojekte Smart Cities", "Smarte.Land.Regionen"), size classes are the
programme's categories (`rag.core.vocabulary.SIZE_CLASSES`). Words match by stem, umlauts folded and
the last two letters cut, so "Mittelstädten" names "Mittelstadt", "Modellprojekt" names
"Modellprojekte Smart Cities", and "interkommunalen" names "interkommunale Kooperation".
A few paraphrases name a joint strategy without the programme's words ("gemeinsame Strategie
mehrerer Gemeinden", "Verbund"); "gefördert" or "Förderprogramm" name any programme.

Example:
    >>> t = detect_terms("Welche Mittelstädte sind Modellprojekte?", ("Modellprojekte Smart Cities",))
    >>> t.programmes, t.size_classes
    (('Modellprojekte Smart Cities',), ('Mittelstadt',))
    >>> detect_terms("Gibt es gemeinsame Strategien mehrerer Gemeinden?", ()).joint
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rag.core.vocabulary import KOOPERATION, SIZE_CLASSES

_WORD = re.compile(r"[^\W\d_]+")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
# Words of a programme name that name no programme on their own.
_GENERIC = frozenset({"smart", "smarte", "city", "cities", "digitale", "digital", "und", "der"})
_MIN_STEM = 5
_MAX_ENDING = 4
_FUNDED = re.compile(
    r"gefördert|förderprogramm|bundesprogramm|bundesförder|fördermittel|förderaufruf|"
    r"modellkommune|modellregion|modellvorhaben"
)
# Funding words name a programme facet only in a question that asks for municipalities
# ("Welche Orte werden gefördert?"), not in "Mit wie viel Geld wird X gefördert?".
_ASKS_FOR_PLACES = re.compile(
    r"\b(?:welche[rsmn]?|wo|wer)\b(?:\s+\S+){0,3}?\s+"
    r"(?:kommunen|orte|städte|gemeinden|landkreise|kreise|regionen|großstädte|kleinstädte)"
    r"|\bwo\b|\bwer\b"
)
_ORDINALS = {"erste": 1, "zweite": 2, "dritte": 3}
_STAFFEL = re.compile(
    r"(?:(?P<n>[1-3])\.|(?P<w>erste|zweite|dritte)[nrs]?)\s+(?:förder)?(?:staffel|runde)"
    r"|(?:staffel|runde)\s+(?P<m>[1-3])\b"
)
_JOINT = re.compile(
    r"mehrere[rn]?\s+(?:\w+\s+)?(?:gemeinden|kommunen|orte|städte|kreise|landkreise)"
    r"|gemeinsame[nrs]?\s+(?:\w+\s+){0,2}[\w-]*(?:strategie|konzept|projekt)"
    r"|zusammen(?:schluss|geschlossen|arbeit)|\bverb(?:und|ünde)\w*|\bregionen\b"
)


def fold(word: str) -> str:
    return word.lower().translate(_FOLD)


def stem(word: str) -> str:
    """Folded word without its last two letters (at least 5 kept): 'Städte' -> 'stad'."""
    f = fold(word)
    return f if len(f) <= _MIN_STEM else f[: max(_MIN_STEM, len(f) - 2)]


def _named(stems: Iterable[str], words: Sequence[str]) -> bool:
    """Every stem starts a word that ends within a few letters (an inflection, not a
    compound: 'Großstädten' names Großstadt, 'Großstadtregion' does not)."""
    return all(
        any(w.startswith(s) and len(w) - len(s) <= _MAX_ENDING for w in words) for s in stems
    )


def programme_stems(name: str) -> tuple[str, ...]:
    """The stems a question must contain to name a programme (all of them).

    >>> programme_stems("Modellprojekte Smart Cities")
    ('modellprojek',)
    """
    words = [w for w in _WORD.findall(name) if len(w) >= 4 and fold(w) not in _GENERIC]
    return tuple(dict.fromkeys(stem(w) for w in words)) or (stem(name),)


def size_class_stems(size_class: str) -> tuple[str, ...]:
    """Stems that each name a size class on their own ('Kleinstadt/Landgemeinde' has two)."""
    return tuple(stem(w) for w in _WORD.findall(size_class) if len(w) >= 6)


def size_class_phrase(size_class: str) -> re.Pattern[str] | None:
    """A compound class word taken apart: 'Mittelstadt' -> 'mittelgroße Städte', 'Kleinstadt'
    -> 'kleine Städte/Gemeinden' (the adjective stem, any ending, then the noun)."""
    heads = [w[: -len("stadt")] for w in _WORD.findall(size_class) if fold(w).endswith("stadt")]
    if not heads or not all(heads):
        return None
    adjectives = "|".join(re.escape(h.lower()) for h in heads)
    return re.compile(rf"\b(?:{adjectives})\w*\s+(?:städte|stadt|kommunen|gemeinden|orte)")


@dataclass(frozen=True)
class Terms:
    """What a question names of the registry's programme and size facts."""

    programmes: tuple[str, ...] = ()
    staffel: int | None = None
    size_classes: tuple[str, ...] = ()

    @property
    def joint(self) -> bool:
        return KOOPERATION in self.size_classes


def _staffel(text: str) -> int | None:
    m = _STAFFEL.search(text)
    if not m:
        return None
    return int(m["n"] or m["m"]) if (m["n"] or m["m"]) else _ORDINALS[m["w"]]


def detect_terms(question: str, programmes: Sequence[str]) -> Terms:
    """Programmes, Staffel and size classes named in `question` (lower-case German)."""
    text = " ".join(question.lower().split())
    words = [fold(w) for w in _WORD.findall(text)]
    named = tuple(p for p in programmes if _named(programme_stems(p), words))
    if not named and _FUNDED.search(text) and _ASKS_FOR_PLACES.search(text):
        named = tuple(programmes)
    classes = [
        c
        for c in SIZE_CLASSES
        if any(_named((s,), words) for s in size_class_stems(c))
        or ((rx := size_class_phrase(c)) is not None and rx.search(text))
    ]
    if KOOPERATION not in classes and _JOINT.search(text):
        classes.append(KOOPERATION)
    return Terms(named, _staffel(text), tuple(classes))
