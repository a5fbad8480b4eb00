"""Vision-Werkstatt: drafts for a profile modelled on named visions by pattern, never copied
from them.

The drafts use the four patterns of `rag.vision.catalogue`, each with the German templates of
`rag.vision.templates` and several wordings per
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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rag.core.vocabulary import format_population
from rag.vision.catalogue import PATTERNS, VisionEntry, words
from rag.vision.similarity import Profile
from rag.vision.templates import (
    ARTICLES,
    CLAUSES,
    COMPLEMENT,
    FILLER_CLAUSES,
    FILLER_VALUES,
    MOTTOS,
    VALUES,
    ZIELBILDER,
)

MAX_SHARED_RUN = 7  # longest allowed run of words shared with a catalogue vision


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


def name_forms(name: str) -> tuple[str, str, str]:
    """(nominative, accusative, dative) of a municipality name inside a sentence.

    >>> name_forms("Landkreis Musterland")
    ('der Landkreis Musterland', 'den Landkreis Musterland', 'dem Landkreis Musterland')
    >>> name_forms("Guben")
    ('Guben', 'Guben', 'Guben')
    """
    articles = ARTICLES.get(name.split()[0])
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
    """The profile's focus areas (up to at_most), completed from COMPLEMENT to at_least."""
    chosen = list(profile.focus[:at_most])
    for f in COMPLEMENT:
        if len(chosen) >= at_least:
            break
        if f not in chosen:
            chosen.append(f)
    return chosen


def _three_values(profile: Profile, variant: int) -> str:
    seed = _seed(profile, "values")
    vals = [_pick(VALUES[f], seed, variant) for f in profile.focus[:3]]
    for filler in FILLER_VALUES[profile.setting]:
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
        clauses.append(FILLER_CLAUSES[profile.setting])
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
