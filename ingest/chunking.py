"""ParsedDoc -> Passages: structure-aware chunks with heading path, page and context header.

Pure functions. A chunk never crosses a page or a top-level (level <= 2) heading; paragraphs
are packed up to `max_chars`, long paragraphs split at sentence ends. The stored text is exact
document text; the context header (Kommune | Dokument | Abschnitt) is embedded with it.

Example:
    >>> from rag.core.records import DocMeta
    >>> from ingest.records import ParsedDoc, Section
    >>> doc = ParsedDoc(DocMeta("d1", "Strategie", municipality="Guben"),
    ...                 (Section(("Vision",), "Guben ist smart."),), "d1")
    >>> [p.text for p in split_passages(doc)]
    ['Guben ist smart.']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ingest.records import ParsedDoc, Section
from rag.core.records import Passage
from rag.core.text import split_sentences
from rag.index.schema import content_id


def chunking_signature(max_chars: int, min_chars: int, overlap: int, header: bool) -> str:
    """Recorded in the index manifest: another signature means re-chunking."""
    return f"v1-max{max_chars}-min{min_chars}-ov{overlap}-hdr{int(header)}"


def _pieces(block: str, max_chars: int) -> Iterator[str]:
    """A block that is too long -> sentence-sized pieces (hard cut only for monsters)."""
    if len(block) <= max_chars:
        yield block
        return
    units: list[str] = []
    for line in block.split("\n"):
        units.extend(split_sentences(line) if len(line) > max_chars else [line])
    for unit in units:
        while len(unit) > max_chars:
            cut = unit.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            yield unit[:cut].strip()
            unit = unit[cut:].strip()
        if unit:
            yield unit


def _pack(units: list[str], max_chars: int, min_chars: int, overlap: int) -> list[str]:
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for unit in units:
        if current and size + len(unit) + 2 > max_chars:
            chunks.append(current)
            current = current[-overlap:] if overlap else []
            size = sum(len(u) + 2 for u in current)
        current.append(unit)
        size += len(unit) + 2
    if current:
        if (
            chunks
            and size < min_chars
            and sum(len(u) + 2 for u in chunks[-1]) + size <= max_chars * 1.5
        ):
            chunks[-1].extend(current[overlap:] if overlap else current)
        else:
            chunks.append(current)
    return ["\n\n".join(c) for c in chunks]


def _groups(sections: tuple[Section, ...]) -> Iterator[list[Section]]:
    """Consecutive sections under the same top-level (<= 2) heading and page."""
    group: list[Section] = []
    for sec in sections:
        key = (sec.heading_path[:2], sec.page)
        if group and (group[0].heading_path[:2], group[0].page) != key:
            yield group
            group = []
        group.append(sec)
    if group:
        yield group


def context_header(doc_label: str | None, title: str, section: str | None) -> str:
    parts = [p for p in (doc_label, title, section) if p]
    return " | ".join(parts)


def split_passages(
    doc: ParsedDoc,
    max_chars: int = 900,
    min_chars: int = 200,
    overlap: int = 0,
    header: bool = True,
    municipality_of: Callable[[tuple[str, ...]], str | None] | None = None,
) -> list[Passage]:
    """Cut a parsed document into passages with content-derived ids."""
    meta = doc.meta
    out: list[Passage] = []
    for group in _groups(doc.sections):
        units: list[tuple[str, Section]] = []
        for sec in group:
            for block in sec.text.split("\n\n"):
                units.extend((piece, sec) for piece in _pieces(block.strip(), max_chars) if piece)
        owner = {u: s for u, s in units}
        for text in _pack([u for u, _ in units], max_chars, min_chars, overlap):
            first = owner.get(text.split("\n\n", 1)[0], group[0])
            section = " > ".join(first.heading_path) or None
            mun = municipality_of(first.heading_path) if municipality_of else None
            label = mun or meta.municipality or meta.publisher
            head = context_header(label, meta.title, section) if header else ""
            out.append(
                Passage(
                    chunk_id=content_id(meta.doc_id, head, text),
                    doc=meta,
                    text=text,
                    header=head,
                    section=section,
                    page=first.page,
                    ord=len(out),
                    municipality=mun if mun and mun != meta.municipality else None,
                )
            )
    return out
