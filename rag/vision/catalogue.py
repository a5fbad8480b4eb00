"""Vision-Werkstatt: the catalogue of vision statements in the index and their patterns.

`build_catalogue` finds the vision / Leitbild / Zielbild / Motto statements of an index, each an
exact quote of a stored passage with its municipality, source URL and pattern (registry slogans,
quoted statements such as Potsdam's "Ihre Vision lautet: „…“", Guben's "Zielbild 1: …" lines,
Ulm's vision chapter). `classify_pattern` labels a quote with one of `PATTERNS`.

Example:
    >>> classify_pattern("Innovativ. Grün. Gerecht.", "registry")
    'three_values'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rag.core.records import Passage
from rag.core.text import sentence_spans
from rag.index.schema import passage_from_payload

if TYPE_CHECKING:
    from rag.index.store import IndexStore

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


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation: the unit of the no-copy rule."""
    return _WORD.findall(text.casefold())


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
    """The pattern of a vision quote (a key of PATTERN_LABELS); `source` as in rag.vision.workshop."""
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


def visions_in_passage(p: Passage) -> list[VisionEntry]:
    """The vision statements of one stored passage."""
    municipality, text, d = p.shown_municipality, p.text, p.doc
    if not municipality or not text:
        return []
    if d.source_type == "registry":
        m = _REGISTRY_SLOGAN.search(text)
        spans = [(*_span(text, m.start("q"), m.end("q")), "registry")] if m else []
    else:
        path = " > ".join(x for x in (d.title, p.section) if x)
        spans = _statement_spans(text, path)
    return [
        VisionEntry(
            municipality=municipality,
            kind=d.kind,
            state=d.state,
            population=d.population,
            url=d.url,
            doc_id=d.doc_id,
            chunk_id=p.chunk_id,
            section=p.section,
            quote=text[a:b],
            pattern=classify_pattern(text[a:b], source),
            source=source,
        )
        for a, b, source in spans
        if b > a
    ]


def visions_in_payload(payload: dict[str, Any]) -> list[VisionEntry]:
    """`visions_in_passage` of a stored payload (as `rag.index.schema` writes it)."""
    return visions_in_passage(passage_from_payload(payload))


def catalogue_from_payloads(payloads: Iterable[dict[str, Any]]) -> list[VisionEntry]:
    """`catalogue_from_passages` of stored payloads."""
    return catalogue_from_passages(passage_from_payload(p) for p in payloads)


def catalogue_from_passages(passages: Iterable[Passage]) -> list[VisionEntry]:
    """All vision statements, one per municipality and wording, most authoritative first."""
    ordered = sorted(passages, key=lambda p: (p.doc.doc_id, p.ord))
    entries = [e for p in ordered for e in visions_in_passage(p)]
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
    return catalogue_from_passages(store.passages())


def catalogue_rows(entries: Sequence[VisionEntry]) -> list[dict[str, Any]]:
    """One row per catalogue vision for an editors' listing (like `kompass docs`).

    >>> catalogue_rows([])
    []
    """
    return [{**asdict(e), "pattern_label": e.pattern_label} for e in entries]
