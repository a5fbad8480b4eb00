"""Vision-Werkstatt: comparable municipalities and vision drafts modelled on theirs, with sources.

Three steps over the index, all read-only:

1. `build_catalogue`: the vision / Leitbild / Zielbild / Motto statements of the index, each an
   exact quote of a stored passage with its municipality, source URL and pattern (registry
   slogans, quoted statements such as Potsdam's "Ihre Vision lautet: „…“", Guben's
   "Zielbild 1: …" lines, Ulm's vision chapter).
2. Municipality profiles aggregated from the index (registry facts + document text), ranked by
   `rag.vision_similarity` against the user's `Profile`.
3. Drafts by `rag.vision_drafts`, one per pattern, each naming the visions it is modelled on and
   checked never to copy 8 or more consecutive words from any catalogue vision.

Example:
    >>> kompass = Kompass(Settings())                                        # doctest: +SKIP
    >>> profile = Profile("Musterstadt", "Stadt", "Brandenburg", 20_000,
    ...                   focus=("Beteiligung", "Verwaltung"))
    >>> result = suggest_vision(kompass, profile)                            # doctest: +SKIP
    >>> result.comparables[0].municipality, result.comparables[0].why        # doctest: +SKIP
    ('Guben', 'gleicher Typ, ähnliche Größe (16.783 vs. 20.000 EW), ebenfalls Brandenburg, ...')
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.errors import UserInputError
from rag.schema import passage_payload
from rag.text import sentence_spans
from rag.vision_drafts import (
    PATTERN_LABELS,
    ZIELBILD_LINE,
    CopyGuard,
    Draft,
    classify_pattern,
    llm_drafts,
    template_drafts,
    words,
)
from rag.vision_similarity import (
    FIELD_NAMES,
    Candidate,
    Parts,
    Profile,
    chosen_fields,
    field_hits,
    looks_rural,
    rank_candidates,
    why_text,
)

if TYPE_CHECKING:
    from rag.service import Kompass
    from rag.store import IndexStore

__all__ = [
    "Comparable",
    "Draft",
    "FieldChoice",
    "Profile",
    "VisionEntry",
    "VisionResult",
    "build_catalogue",
    "catalogue_rows",
    "suggest_vision",
]

# Source kinds of a catalogue entry, most authoritative first (a comparable shows the first).
SOURCES = ("registry", "statement", "zielbilder", "heading", "section")
_VISION_WORDS = re.compile(r"vision|leitbild|zielbild|leitziel|motto", re.I)
_REGISTRY_SLOGAN = re.compile(r"Leitbild/Motto: „(?P<q>.+)“", re.S)
_QUOTED = re.compile(r"\b(?:vision|leitbild)\b[^„\n.]{0,80}„(?P<q>[^„“”]{8,700})[“”]", re.I)
_STATED = re.compile(r"\bVision\s+(?:lautet|heißt)\b|\bmit der Vision\b")
_HEADING = re.compile(
    r"^[ \t]*(?:(?:die|unsere)\s+(?:\S+\s+)?)?(?:vision|leitbild)\b[^\n.]{0,80}$", re.I | re.M
)
_STRIP = ' \t\n“”„"»«…'
MAX_QUOTE = 400


@dataclass(frozen=True)
class VisionEntry:
    """One vision statement of a municipality: an exact quote of a stored passage."""

    municipality: str
    kind: str | None
    state: str | None
    population: int | None
    url: str | None
    doc_id: str
    chunk_id: str
    section: str | None
    quote: str
    pattern: str  # "three_values" | "mission" | "zielbilder" | "other"
    source: str  # one of SOURCES

    @property
    def pattern_label(self) -> str:
        return PATTERN_LABELS[self.pattern]


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return start, end


def _lead(text: str, start: int, end: int, max_sentences: int = 2) -> tuple[int, int]:
    """The first sentences of text[start:end] (at most MAX_QUOTE characters, one at least)."""
    start, end = _span(text, start, end)
    stop = start
    for i, (_, b) in enumerate(sentence_spans(text[start:end])):
        if i >= max_sentences or (i and b > MAX_QUOTE):
            break
        stop = start + min(b, MAX_QUOTE)
    if stop > start and stop - start >= MAX_QUOTE:
        cut = text.rfind(" ", start, start + MAX_QUOTE)
        stop = cut if cut > start else stop
    return start, stop


def _statement_spans(text: str, heading_path: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in spans)

    for m in _QUOTED.finditer(text):
        spans.append((*_span(text, m.start("q"), m.end("q")), "statement"))
    for a, b in sentence_spans(text):
        if _STATED.search(text[a:b]) and free(a, b):
            spans.append((*_span(text, a, b), "statement"))
    lines = list(ZIELBILD_LINE.finditer(text))
    if len(lines) >= 2 and free(lines[0].start(), lines[-1].end()):
        spans.append((*_span(text, lines[0].start(), lines[-1].end()), "zielbilder"))
    for m in _HEADING.finditer(text):
        block_end = text.find("\n\n", m.end() + 1)
        a, b = _lead(text, m.end(), len(text) if block_end < 0 else block_end, max_sentences=5)
        if b > a and free(a, b):
            spans.append((a, b, "heading"))
    if not spans and _VISION_WORDS.search(heading_path):
        para = text.find("\n\n")
        a, b = _lead(text, 0, len(text) if para < 0 else para)
        if b > a:
            spans.append((a, b, "section"))
    return spans


def visions_in_payload(p: Mapping[str, Any]) -> list[VisionEntry]:
    """The vision statements of one stored passage (payload dict of `rag.schema`)."""
    municipality = p.get("municipality")
    text = p.get("text") or ""
    if not municipality or not text:
        return []
    if p.get("source_type") == "registry":
        m = _REGISTRY_SLOGAN.search(text)
        spans = [(*_span(text, m.start("q"), m.end("q")), "registry")] if m else []
    else:
        path = " > ".join(x for x in (p.get("title"), p.get("section")) if x)
        spans = _statement_spans(text, path)
    return [
        VisionEntry(
            municipality=municipality,
            kind=p.get("kind"),
            state=p.get("state"),
            population=p.get("population"),
            url=p.get("url"),
            doc_id=p["doc_id"],
            chunk_id=p.get("chunk_id") or "",
            section=p.get("section"),
            quote=text[a:b],
            pattern=classify_pattern(text[a:b], source),
            source=source,
        )
        for a, b, source in spans
        if b > a
    ]


def catalogue_from_payloads(payloads: Iterable[Mapping[str, Any]]) -> list[VisionEntry]:
    """All vision statements, one per municipality and wording, most authoritative first."""
    ordered = sorted(payloads, key=lambda p: (p.get("doc_id") or "", int(p.get("ord") or 0)))
    entries = [e for p in ordered for e in visions_in_payload(p)]
    entries.sort(key=lambda e: (e.municipality, SOURCES.index(e.source)))
    seen: set[tuple[str, str]] = set()
    out = []
    for e in entries:
        key = (e.municipality, " ".join(words(e.quote)))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def build_catalogue(store: IndexStore) -> list[VisionEntry]:
    """The vision catalogue of an index (see module docstring)."""
    return catalogue_from_payloads(store.payloads())


def catalogue_rows(entries: Sequence[VisionEntry]) -> list[dict[str, Any]]:
    """One row per catalogue vision for an editors' listing (like `kompass docs`).

    >>> catalogue_rows([])
    []
    """
    return [{**asdict(e), "pattern_label": e.pattern_label} for e in entries]


@dataclass(frozen=True)
class Municipality:
    """A municipality as aggregated from the index: registry facts plus its documents' text."""

    name: str
    kind: str | None
    state: str | None
    population: int | None
    year: int | None
    url: str | None
    doc_id: str | None
    fields: tuple[str, ...]
    rural: bool | None
    programme: tuple[str, ...] = ()
    staffel: int | None = None
    size_class: str | None = None

    def candidate(self) -> Candidate:
        return Candidate(
            self.name,
            self.kind,
            self.state,
            self.population,
            frozenset(self.fields),
            self.rural,
            self.size_class,
        )


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v not in (None, "", [])), None)


def municipalities_from_payloads(payloads: Iterable[Mapping[str, Any]]) -> list[Municipality]:
    """Group passages by municipality. Registry records give the facts (the newest one wins)
    and count double for Handlungsfelder; a field is chosen at a weighted count of 2."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for p in payloads:
        if p.get("municipality"):
            groups[p["municipality"]].append(p)
    out = []
    for name, ps in sorted(groups.items()):
        regs = sorted(
            (p for p in ps if p.get("source_type") == "registry"),
            key=lambda p: -(p.get("year") or 0),
        )
        facts = [*regs, *ps]
        hits: Counter[str] = Counter()
        for p in ps:
            weight = 2 if p.get("source_type") == "registry" else 1
            for f, n in field_hits(p.get("text") or "").items():
                hits[f] += weight * n
        rural = any(looks_rural(p.get("text") or "") for p in ps)
        out.append(
            Municipality(
                name=name,
                kind=_first(p.get("kind") for p in facts),
                state=_first(p.get("state") for p in facts),
                population=max(
                    (p["population"] for p in facts if p.get("population")), default=None
                ),
                year=_first(p.get("year") for p in facts),
                url=_first(p.get("url") for p in facts),
                doc_id=_first(p.get("doc_id") for p in facts),
                fields=chosen_fields(hits),
                rural=True if rural else None,
                programme=tuple(_first(p.get("programme") for p in facts) or ()),
                staffel=_first(p.get("staffel") for p in facts),
                size_class=_first(p.get("size_class") for p in facts),
            )
        )
    return out


@dataclass
class _IndexView:
    """What the Vision-Werkstatt needs from one index, read in one pass and cached."""

    count: int
    catalogue: list[VisionEntry]
    municipalities: list[Municipality]
    names: list[str]
    vectors: np.ndarray  # one row per passage with a municipality
    owner: np.ndarray  # row -> index into names

    def text_scores(self, query: np.ndarray) -> dict[str, float]:
        """Best cosine of the query among each municipality's passages."""
        if not len(self.vectors):
            return {}
        best = np.full(len(self.names), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owner, self.vectors @ query.astype(np.float32))
        return {n: float(s) for n, s in zip(self.names, best, strict=True) if np.isfinite(s)}


_VIEWS: weakref.WeakKeyDictionary[Any, _IndexView] = weakref.WeakKeyDictionary()
_VIEWS_LOCK = threading.Lock()


def _read_view(store: IndexStore) -> _IndexView:
    payloads: list[dict[str, Any]] = []
    rows: list[np.ndarray] = []
    owners: list[str] = []
    for sp in store.points(with_vectors=True):
        payload = passage_payload(sp.passage)
        payloads.append(payload)
        if payload["municipality"] and sp.dense.size:
            rows.append(sp.dense)
            owners.append(payload["municipality"])
    names = sorted(set(owners))
    index = {n: i for i, n in enumerate(names)}
    return _IndexView(
        count=len(payloads),
        catalogue=catalogue_from_payloads(payloads),
        municipalities=municipalities_from_payloads(payloads),
        names=names,
        vectors=np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32),
        owner=np.array([index[o] for o in owners], dtype=np.int64),
    )


def index_view(store: IndexStore) -> _IndexView:
    """The cached view of a store (rebuilt when its number of points changed)."""
    with _VIEWS_LOCK:
        view = _VIEWS.get(store)
        if view is None or view.count != store.count():
            view = _read_view(store)
            _VIEWS[store] = view
        return view


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


def suggest_vision(
    kompass: Kompass, profile: Profile, k: int = 6, llm: Any | None = None
) -> VisionResult:
    """Comparable municipalities (k, best first), drafts and ranked Handlungsfelder.

    `llm`: a llama-index chat model for the drafts; by default the configured endpoint
    (settings.llm.base_url) if any, else templates only. Every draft passes the no-copy check.
    """
    if not 1 <= k <= 50:
        raise UserInputError("k muss zwischen 1 und 50 liegen")
    t0 = time.perf_counter()
    view = index_view(kompass.store)
    own = profile.name.casefold()
    munis = [m for m in view.municipalities if m.name.casefold() != own]
    text_scores: dict[str, float] = {}
    if profile.focus or profile.challenges:
        query = kompass.embedder.embed_batch([profile_query(profile)], kind="query")[0]
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
    chat = llm if llm is not None else _configured_llm(kompass)
    if chat is not None:
        nearest = [m[0] for m in models.values() if m][:3]
        drafts = llm_drafts(chat, profile, nearest, guard) + drafts
    return VisionResult(
        profile,
        comparables,
        tuple(drafts),
        tuple(rank_fields(profile, comparables)),
        (time.perf_counter() - t0) * 1000,
    )


def _configured_llm(kompass: Kompass) -> Any | None:
    settings = getattr(kompass, "settings", None)
    if settings is None or not settings.llm.base_url:
        return None
    try:
        from rag.llm import openai_like

        return openai_like(settings.llm)
    except Exception:  # optional: without a usable client the template drafts stand alone
        return None
