"""Shared pieces of the Streamlit pages: safe Markdown from corpus text, highlighting, facets,
exports and corpus statistics (pure functions), plus the sidebar filter widgets.

Corpus text is never trusted as Markdown or HTML: `escape_md` backslash-escapes every character
Markdown (or Streamlit's own directives) could act on, and highlighting wraps already escaped
pieces in `**`. Nothing here uses `unsafe_allow_html`.

Example:
    >>> highlight_terms("Die Vision (2030) der Stadt", "vision stadt")
    'Die **Vision** \\\\(2030\\\\) der **Stadt**'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from rag.core.records import DocumentRow, Hit, Passage, SearchFilters
from rag.core.vocabulary import KINDS, STATES, STOPWORDS, WORD, field_hits
from rag.core.vocabulary import SIZE_CLASSES as SIZE_CLASS_NAMES

BUNDESLAENDER = STATES
KOMMUNENTYPEN = KINDS  # the registry's types; ingest refuses others
ALL_SIZES = "Alle Größen"
UNKNOWN = "unbekannt"
NO_PROGRAMME = "kein Programm"
STADTGROESSEN = SIZE_CLASS_NAMES  # the programme's size classes, also derived from population
# Label -> (population_min, population_max), both inclusive.
SIZE_CLASSES: dict[str, tuple[int | None, int | None]] = {
    ALL_SIZES: (None, None),
    "unter 10.000 EW": (None, 9_999),
    "10.000–50.000 EW": (10_000, 49_999),
    "50.000–200.000 EW": (50_000, 199_999),
    "über 200.000 EW": (200_000, None),
}
# Every ASCII character CommonMark allows to escape, so no corpus text can form Markdown,
# HTML, LaTeX ($) or Streamlit directives (:red[...], :material/...:).
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_CSV_FIELDS = (
    "rank",
    "score",
    "municipality",
    "kind",
    "state",
    "year",
    "title",
    "programme",
    "staffel",
    "size_class",
    "members",
    "section",
    "page",
    "url",
    "doc_id",
    "chunk_id",
    "text",
)


def escape_md(text: str) -> str:
    """Text shown literally by st.markdown (every Markdown-active character escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def query_terms(query: str) -> list[str]:
    """Lower-case words of a query worth highlighting (no stopwords, at least 3 characters)."""
    seen: dict[str, None] = {}
    for w in WORD.findall(query.lower()):
        if len(w) >= 3 and w not in STOPWORDS:
            seen.setdefault(w)
    return list(seen)


def term_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur in text (case-insensitive, also inside compounds)."""
    if not terms:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    return [m.span() for m in pattern.finditer(text.lower())]


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def _bold(piece: str) -> str:
    core = piece.strip()
    if not core:
        return piece
    lead = piece[: len(piece) - len(piece.lstrip())]
    trail = piece[len(piece.rstrip()) :]
    return f"{lead}**{escape_md(core)}**{trail}"


def _line(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    parts, pos = [], start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        parts.append(escape_md(text[pos:a]))
        parts.append(_bold(text[a:b]))
        pos = b
    parts.append(escape_md(text[pos:end]))
    return "".join(parts)


def marked_markdown(text: str, spans: Iterable[tuple[int, int]] = ()) -> str:
    """Escaped Markdown of `text` with the character spans in bold.

    Lines keep their breaks, blank lines separate paragraphs, leading indentation is dropped
    (it would turn into a code block). Bold never crosses a line.
    """
    merged = _merge(spans)
    paragraphs: list[list[str]] = [[]]
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        lead = len(raw) - len(raw.lstrip())
        if not raw.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(_line(text, start + lead, len(raw.rstrip()) + start, merged))
    return "\n\n".join("  \n".join(lines) for lines in paragraphs if lines)


def highlight_terms(text: str, query: str) -> str:
    """Escaped Markdown with the query's words in bold."""
    return marked_markdown(text, term_spans(text, query_terms(query)))


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where an exact quote sits in its passage (whitespace differences tolerated)."""
    if not quote.strip():
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    words = quote.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    return m.span() if m else None


def highlight_quote(text: str, quote: str) -> str:
    """The whole passage, escaped, with the cited quote in bold."""
    span = quote_span(text, quote)
    return marked_markdown(text, [span] if span else [])


def location_label(p: Passage) -> str:
    """'Seite 4' or 'Abschnitt: Mobilität > Ziele' (empty when neither is known)."""
    if p.page:
        return f"Seite {p.page}"
    if p.section and p.section != p.doc.title:
        return f"Abschnitt: {p.section}"
    return ""


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are shown as links."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def size_range(label: str) -> tuple[int | None, int | None]:
    return SIZE_CLASSES.get(label, (None, None))


def make_filters(
    states: Sequence[str] = (),
    kinds: Sequence[str] = (),
    size: str = ALL_SIZES,
    years: tuple[int, int] | None = None,
    year_bounds: tuple[int, int] | None = None,
    programmes: Sequence[str] = (),
    size_classes: Sequence[str] = (),
) -> SearchFilters:
    """Sidebar choices -> SearchFilters; the full year range does not filter (so documents
    without a year stay in)."""
    lo, hi = size_range(size)
    year_min = year_max = None
    if years is not None and years != year_bounds:
        year_min, year_max = years
    return SearchFilters(
        states=tuple(states),
        kinds=tuple(kinds),
        year_min=year_min,
        year_max=year_max,
        population_min=lo,
        population_max=hi,
        programmes=tuple(programmes),
        size_classes=tuple(size_classes),
    )


def describe_filters(f: SearchFilters) -> str:
    """One German line naming the active filters ('' when none)."""
    parts = []
    if f.states:
        parts.append(", ".join(f.states))
    if f.kinds:
        parts.append(", ".join(f.kinds))
    if f.size_classes:
        parts.append(", ".join(f.size_classes))
    if f.programmes:
        parts.append(", ".join(f.programmes))
    if f.staffel is not None:
        parts.append(f"{f.staffel}. Staffel")
    for label, rng in SIZE_CLASSES.items():
        if rng != (None, None) and rng == (f.population_min, f.population_max):
            parts.append(label)
    if f.year_min is not None or f.year_max is not None:
        parts.append(f"Jahr {f.year_min or '…'}–{f.year_max or '…'}")
    return "; ".join(parts)


def describe_boosts(boosts: Sequence[SearchFilters]) -> str:
    """What the question named and retrieval weighted higher, in German ('' when nothing)."""
    parts: list[str] = []
    for b in boosts:
        if b.municipalities:
            parts += b.municipalities
            continue
        line = describe_filters(b)
        if b.population_min is not None and b.population_max is None:
            line = "; ".join(
                x for x in (line, f"ab {b.population_min:,} EW".replace(",", ".")) if x
            )
        elif b.population_max is not None and b.population_min is None:
            line = "; ".join(
                x for x in (line, f"bis {b.population_max:,} EW".replace(",", ".")) if x
            )
        if line:
            parts.append(line)
    return ", ".join(parts)


def _csv_cell(value: Any) -> Any:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def hits_csv(hits: Sequence[Hit]) -> str:
    """Search results as CSV for spreadsheets (semicolon-separated, as German Excel expects)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_CSV_FIELDS, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    for h in hits:
        row = h.to_json()
        row["members"] = "; ".join(row.get("members") or ())
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


def results_json(payload: Mapping[str, Any]) -> str:
    """The CONTRACT's search JSON, pretty-printed."""
    return json.dumps(payload, ensure_ascii=False, indent=2)


def registry_counts(docs: Sequence[DocumentRow]) -> dict[str, Counter[str]]:
    """Registered strategies by Bundesland, year, Kommunentyp, size class and programme.

    A joint strategy of several Länder counts once for each of its Länder, a strategy in two
    programmes once for each; size class is the programme's, else the one derived from kind
    and population.
    """
    rows = [d for d in docs if d.source_type == "registry"]
    return {
        "state": Counter(s for d in rows for s in (d.states or (UNKNOWN,))),
        "year": Counter(str(d.year) if d.year else UNKNOWN for d in rows),
        "kind": Counter(d.kind or UNKNOWN for d in rows),
        "size_class": Counter(d.size_class or d.population_class or UNKNOWN for d in rows),
        "programme": Counter(p for d in rows for p in (d.programmes or (NO_PROGRAMME,))),
        "staffel": Counter(f"{d.staffel}. Staffel" for d in rows if d.staffel),
    }


def handlungsfeld_counts(texts: Iterable[str]) -> Counter[str]:
    """How many of the texts (titles, section headings) name each Handlungsfeld."""
    return Counter(field for text in texts for field in field_hits(text))


def sidebar_filters(docs: Sequence[DocumentRow], prefix: str) -> SearchFilters:
    """The facet widgets in the sidebar; returns the chosen SearchFilters."""
    import streamlit as st

    kinds = sorted({d.kind for d in docs if d.kind} | set(KOMMUNENTYPEN))
    years = sorted({int(d.year) for d in docs if d.year})
    programmes = sorted({p for d in docs for p in d.programmes})
    with st.sidebar:
        st.subheader("Filter")
        states = st.multiselect(
            "Bundesland", BUNDESLAENDER, key=f"{prefix}_states", placeholder="Alle Bundesländer"
        )
        chosen_kinds = st.multiselect(
            "Kommunentyp", kinds, key=f"{prefix}_kinds", placeholder="Alle Typen"
        )
        classes = st.multiselect(
            "Stadtgröße", STADTGROESSEN, key=f"{prefix}_classes", placeholder="Alle Größen"
        )
        size = st.selectbox("Einwohnerzahl", list(SIZE_CLASSES), key=f"{prefix}_size")
        chosen_programmes = st.multiselect(
            "Förderprogramm", programmes, key=f"{prefix}_programmes", placeholder="Alle"
        )
        span: tuple[int, int] | None = None
        bounds = (years[0], years[-1]) if years else None
        if bounds and bounds[0] < bounds[1]:
            span = st.slider("Jahr", bounds[0], bounds[1], bounds, key=f"{prefix}_years")
        st.caption(
            "Stadtgröße: die Kategorie des Förderprogramms oder aus der Einwohnerzahl. "
            "Einwohnerzahl und Jahr lassen Quellen ohne diese Angabe weg; der volle "
            "Jahresbereich filtert nicht. Gemeinsame Strategien zählen für jedes ihrer Länder."
        )
    return make_filters(states, chosen_kinds, size, span, bounds, chosen_programmes, classes)
