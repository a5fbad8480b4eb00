"""Vision-Werkstatt: comparable municipalities and vision drafts modelled on theirs, with sources.

Three steps over the index, all read-only:

1. `build_catalogue`: the vision / Leitbild / Zielbild / Motto statements of the index, each an
   exact quote of a stored passage with its municipality, source URL and pattern (registry
   slogans, quoted statements such as Potsdam's "Ihre Vision lautet: „…“", Guben's
   "Zielbild 1: …" lines, Ulm's vision chapter).
2. Municipality profiles aggregated from the index (registry facts + document text), ranked by
   `rag.vision.similarity` against the user's `Profile`.
3. Drafts by `rag.vision.drafts`, one per pattern, each naming the visions it is modelled on and
   checked never to copy 8 or more consecutive words from any catalogue vision.

Example:
    >>> kompass = Kompass(Settings())                                        # doctest: +SKIP
    >>> profile = Profile("Musterstadt", "Stadt", "Brandenburg", 20_000,
    ...                   focus=("Beteiligung", "Verwaltung"))
    >>> result = suggest_vision(kompass, profile)  # Kompass: store + embedder   # doctest: +SKIP
    >>> result.comparables[0].municipality, result.comparables[0].why        # doctest: +SKIP
    ('Guben', 'gleicher Typ, ähnliche Größe (16.783 vs. 20.000 EW), ebenfalls Brandenburg, ...')
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from rag.core.errors import UserInputError
from rag.vision.catalogue import PATTERN_LABELS, SOURCES, VisionEntry, words
from rag.vision.drafts import CopyGuard, Draft, llm_drafts, template_drafts
from rag.vision.municipalities import Municipality, index_view
from rag.vision.similarity import FIELD_NAMES, Parts, Profile, rank_candidates, why_text

if TYPE_CHECKING:
    from rag.embedding import Embedder
    from rag.index.store import IndexStore

__all__ = [
    "Comparable",
    "Draft",
    "FieldChoice",
    "Profile",
    "VisionEntry",
    "VisionResult",
    "suggest_vision",
]


@dataclass(frozen=True)
class Comparable:
    """A comparable municipality, its similarity parts and reason, and its vision (if any)."""

    municipality: Municipality
    parts: Parts
    why: str
    vision: VisionEntry | None

    @property
    def similarity(self) -> float:
        return self.parts.total

    def to_json(self) -> dict[str, Any]:
        m, v = self.municipality, self.vision
        return {
            "municipality": m.name,
            "kind": m.kind,
            "state": m.state,
            "population": m.population,
            "programme": m.programme[0] if m.programme else None,
            "staffel": m.staffel,
            "size_class": m.size_class,
            "similarity": round(self.similarity, 4),
            "why": self.why,
            "vision": v.quote if v else None,
            "url": v.url if v else m.url,
            "doc_id": v.doc_id if v else m.doc_id,
        }


@dataclass(frozen=True)
class FieldChoice:
    """A Handlungsfeld and the comparables that chose it."""

    field: str
    in_focus: bool
    municipalities: tuple[tuple[str, str | None], ...]  # (name, url)

    def to_json(self) -> dict[str, Any]:
        return {
            "handlungsfeld": self.field,
            "count": len(self.municipalities),
            "in_focus": self.in_focus,
            "municipalities": [{"municipality": n, "url": u} for n, u in self.municipalities],
        }


@dataclass(frozen=True)
class VisionResult:
    """Comparables, drafts and the comparables' Handlungsfelder for one profile."""

    profile: Profile
    comparables: tuple[Comparable, ...]
    suggestions: tuple[Draft, ...]
    handlungsfelder: tuple[FieldChoice, ...]
    took_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile.to_json(),
            "comparables": [c.to_json() for c in self.comparables],
            "suggestions": [d.to_json() for d in self.suggestions],
            "handlungsfelder": [f.to_json() for f in self.handlungsfelder],
        }

    def to_text(self) -> str:
        """German plain text for the terminal: comparables, drafts with models, fields."""
        out = ["Vergleichbare Kommunen:"]
        for i, c in enumerate(self.comparables, start=1):
            out.append(f"{i:>2}. [{c.similarity:.2f}] {c.municipality.name} – {c.why}")
            if c.vision:
                out.append(f"    Vision: „{' '.join(c.vision.quote.split())}“")
            if url := (c.vision.url if c.vision else c.municipality.url):
                out.append(f"    {url}")
        out.append("\nEntwürfe:")
        for i, d in enumerate(self.suggestions, start=1):
            out.append(f"{i}. " + d.text.replace("\n", "\n   "))
            for e in d.modelled_on:
                out.append(f"   nach dem Vorbild von {e.municipality}: {e.url or '-'}")
        out.append("\nHandlungsfelder der Vergleichskommunen:")
        for f in self.handlungsfelder:
            names = ", ".join(n for n, _ in f.municipalities)
            out.append(f"  {f.field} ({len(f.municipalities)}): {names}")
        return "\n".join(out)


def profile_query(profile: Profile) -> str:
    """The text embedded (as a query) to find passages that fit the profile's concerns."""
    where = f"{profile.setting} geprägte {profile.kind}" if profile.setting else profile.kind
    focus = ", ".join(profile.focus)
    text = f"Digitale Vision für eine {where}. Schwerpunkte: {focus}. {profile.challenges}"
    return " ".join(text.split())


def rank_fields(profile: Profile, comparables: Sequence[Comparable]) -> list[FieldChoice]:
    """Handlungsfelder of the comparables, most often chosen first (ties: canonical order)."""
    choices = [
        FieldChoice(
            f,
            f in profile.focus,
            tuple(
                (c.municipality.name, c.municipality.url)
                for c in comparables
                if f in c.municipality.fields
            ),
        )
        for f in FIELD_NAMES
    ]
    return sorted((c for c in choices if c.municipalities), key=lambda c: -len(c.municipalities))


def _models(
    ranked: Sequence[str], catalogue: Sequence[VisionEntry], per_pattern: int = 2
) -> dict[str, list[VisionEntry]]:
    """Per pattern, visions of the best-ranked municipalities (one each, `per_pattern` in all).
    Short mottos only for "other"; section leads never serve as models."""
    rank = {name: i for i, name in enumerate(ranked)}
    usable = [e for e in catalogue if e.municipality in rank and e.source != "section"]
    usable.sort(key=lambda e: (rank[e.municipality], SOURCES.index(e.source)))
    models: dict[str, list[VisionEntry]] = defaultdict(list)
    for e in usable:
        if e.pattern == "other" and len(words(e.quote)) > 8:
            continue
        chosen = models[e.pattern]
        if len(chosen) < per_pattern and all(m.municipality != e.municipality for m in chosen):
            chosen.append(e)
    for pattern in PATTERN_LABELS:  # a pattern no one uses: the nearest visions of any kind
        if not models[pattern]:
            models[pattern] = usable[:1]
    return models


class IndexSource(Protocol):
    """What the Vision-Werkstatt reads: an index and the embedder it was built with (a
    `rag.service.Kompass` is one)."""

    store: IndexStore
    embedder: Embedder


def suggest_vision(
    source: IndexSource, profile: Profile, k: int = 6, llm: Any | None = None
) -> VisionResult:
    """Comparable municipalities (k, best first), drafts and ranked Handlungsfelder.

    `llm`: a llama-index chat model for additional drafts (`rag.llm.configured_chat`), else
    templates only. Every draft passes the no-copy check.
    """
    if not 1 <= k <= 50:
        raise UserInputError("k muss zwischen 1 und 50 liegen")
    t0 = time.perf_counter()
    view = index_view(source.store)
    own = profile.name.casefold()
    munis = [m for m in view.municipalities if m.name.casefold() != own]
    text_scores: dict[str, float] = {}
    if profile.focus or profile.challenges:
        query = source.embedder.embed_batch([profile_query(profile)], kind="query")[0]
        text_scores = view.text_scores(query)
    by_name = {m.name: m for m in munis}
    ranked = rank_candidates(profile, [m.candidate() for m in munis], text_scores)
    first_vision: dict[str, VisionEntry] = {}
    for e in view.catalogue:
        first_vision.setdefault(e.municipality, e)
    comparables = tuple(
        Comparable(by_name[c.name], parts, why_text(profile, c, parts), first_vision.get(c.name))
        for c, parts in ranked[:k]
    )
    models = _models([c.name for c, _ in ranked], view.catalogue)
    guard = CopyGuard(e.quote for e in view.catalogue)
    drafts = template_drafts(profile, models, guard)
    if llm is not None:
        nearest = [m[0] for m in models.values() if m][:3]
        drafts = llm_drafts(llm, profile, nearest, guard) + drafts
    return VisionResult(
        profile,
        comparables,
        tuple(drafts),
        tuple(rank_fields(profile, comparables)),
        (time.perf_counter() - t0) * 1000,
    )
