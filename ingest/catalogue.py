"""corpus/documents.csv -> Sources, with registry facts merged in (the registry wins).

Example:
    >>> sources = load_catalogue(Path("corpus/documents.csv"), rows)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import logging
from dataclasses import fields, replace
from pathlib import Path

from ingest.records import Source
from ingest.registry import RegistryRow
from rag.core.errors import RegistryError
from rag.core.municipal import split_list
from rag.core.records import DocMeta

log = logging.getLogger(__name__)
_INT_FIELDS = ("year", "population", "staffel")
_LIST_FIELDS = ("programme", "members")


def _meta_from_row(row: dict[str, str], name: str, lineno: int) -> DocMeta:
    values: dict[str, object] = {}
    for f in fields(DocMeta):
        raw = (row.get(f.name) or "").strip()
        if f.name in _LIST_FIELDS:
            values[f.name] = split_list(raw)
        elif f.name in _INT_FIELDS and raw:
            try:
                values[f.name] = int(raw)
            except ValueError:
                raise RegistryError(
                    f"{name}, Zeile {lineno}: '{f.name}' ist keine Zahl: {raw}"
                ) from None
        else:
            values[f.name] = raw or None
    if not values["doc_id"] or not values["title"]:
        raise RegistryError(f"{name}, Zeile {lineno}: doc_id und title sind Pflicht")
    return DocMeta(**values)  # type: ignore[arg-type]


def merge_registry(meta: DocMeta, row: RegistryRow | None, same_strategy: bool = True) -> DocMeta:
    """Fill and override document facts from its registry row; conflicts are logged.

    Facts about the municipality (name, kind, state, population) always win. The year is a
    fact of the registry's strategy: it wins only if this document is that strategy
    (`same_strategy`); for another document of the same municipality it is left alone."""
    if row is None:
        return meta
    facts: dict[str, object] = {
        "municipality": row.municipality,
        "kind": row.kind,
        "state": row.state,
        "year": row.year,
        "population": row.population,
        "size_class": row.size_class,
        "members": row.members or None,
        "programme": row.programme or None,
        "staffel": row.staffel,
    }
    if not same_strategy:  # the year and the programme are facts of the registry's strategy
        for key in ("year", "programme", "staffel"):
            facts.pop(key)
    updates: dict[str, object] = {}
    for key, fact in facts.items():
        mine = getattr(meta, key)
        if fact is None:
            continue
        if mine not in (None, ()) and mine != fact:
            log.warning(
                "%s: %s=%r widerspricht dem Register (%r); das Register gilt",
                meta.doc_id,
                key,
                mine,
                fact,
            )
        updates[key] = fact
    return replace(meta, **updates)  # type: ignore[arg-type]


def load_catalogue(
    path: Path, registry: list[RegistryRow], root: Path | None = None
) -> list[Source]:
    """Read documents.csv; paths are relative to `root` (default: the corpus' parent)."""
    root = root or path.parent.parent
    by_id = {r.id: r for r in registry}
    out: list[Source] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            meta = _meta_from_row(row, path.name, lineno)
            if meta.doc_id in seen:
                raise RegistryError(f"{path.name}, Zeile {lineno}: doppelte doc_id '{meta.doc_id}'")
            seen.add(meta.doc_id)
            reg = by_id.get(meta.registry_id or "")
            if meta.registry_id and reg is None:
                raise RegistryError(
                    f"{path.name}, Zeile {lineno}: registry_id '{meta.registry_id}' fehlt in sources.csv"
                )
            rel = row["path"].strip()
            out.append(
                Source(
                    source_id=rel,
                    location=str(root / rel),
                    meta=merge_registry(meta, reg),
                    urls=(meta.url,) if meta.url else (),
                )
            )
    return out
