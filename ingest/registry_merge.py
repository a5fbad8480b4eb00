"""Grow the registry (corpus/sources.csv) from researched rows, the MPSC list and single facts.

Pure functions over CSV rows (dicts of strings), used by `scripts/make_registry.py`:

- `add_rows`: new strategies (the shared mirror's columns: `type` instead of `kind`, no id).
  A row already present (same municipality and title) is left alone; a new one gets a stable
  id (slug of the municipality; with the year where the batch or the registry has the slug).
  Existing ids never change.
- `apply_programme`: the Modellprojekte Smart Cities list (Staffel, size category at
  selection, which registry row holds each) sets `programme`, `staffel` and `size_class`.
- `apply_facts`: single facts read from a source (`id,field,value,source`) fill empty cells;
  a fact that contradicts a filled cell is reported, never applied.
- `derive_members`: the member municipalities a joint strategy's name states
  ("Dortmund und Schwerte", "Partheland (Brandis, Naunhof, …)").

Every step records the source of what it set in `source_of_fact` and reports what it changed,
so running the merge twice changes nothing the second time.

Example:
    >>> rows, report = add_rows([], [{"municipality": "Guben", "type": "Stadt", "year": "2023"}])
    >>> rows[0]["id"], report.added
    ('guben', ['guben'])
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ingest.registry import COLUMNS
from rag.core.municipal import join_list, programme_category, split_list
from rag.core.vocabulary import JOINT_KINDS, KINDS, MPSC

Row = dict[str, str]
_KIND_ALIASES = {"kreis": "Landkreis", "verband": "Verbund"}
_COUNT_WORDS = frozenset(
    [
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "elf",
        "zwölf",
        "mehrere",
        "weitere",
        "weiteren",
    ]
)
_PREFIXES = ("Stadt ", "Gemeinde ", "Ortsgemeinde ")
_ELLIPSIS = "(…)"


@dataclass
class MergeReport:
    """What a merge changed (row ids), and what it could not do."""

    added: list[str] = field(default_factory=list)
    filled: list[tuple[str, str, str]] = field(default_factory=list)  # (id, field, value)
    conflicts: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.filled)

    def extend(self, other: MergeReport) -> None:
        self.added += other.added
        self.filled += other.filled
        self.conflicts += other.conflicts
        self.unresolved += other.unresolved

    def lines(self) -> list[str]:
        out = [f"added {len(self.added)} rows: {', '.join(self.added) or '-'}"]
        per_field = Counter(f for _, f, _ in self.filled)
        out.append(
            f"filled {len(self.filled)} cells"
            + (
                f" ({', '.join(f'{k} {v}' for k, v in sorted(per_field.items()))})"
                if per_field
                else ""
            )
        )
        out += [f"  {rid}.{f} = {v}" for rid, f, v in self.filled]
        out += [f"conflict (not applied): {c}" for c in self.conflicts]
        out += [f"unresolved: {u}" for u in self.unresolved]
        return out


def slug(text: str) -> str:
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def normalise_kind(kind: str) -> str:
    """'region' -> 'Region', 'Kreis' -> 'Landkreis'; unknown kinds are left for validation."""
    k = kind.strip()
    for known in KINDS:
        if k.casefold() == known.casefold():
            return known
    return _KIND_ALIASES.get(k.casefold(), k)


def _note(row: Row, text: str) -> None:
    """Append a source note to source_of_fact once."""
    current = row.get("source_of_fact") or ""
    if text not in current:
        row["source_of_fact"] = f"{current}; {text}" if current else text


def _new_id(row: Mapping[str, str], batch: Counter[str], taken: set[str]) -> str:
    base = slug(row["municipality"])
    rid = base
    if batch[base] > 1 or rid in taken:
        rid = f"{base}-{row.get('year') or 'ohne-jahr'}"
    n = 2
    while rid in taken:
        rid, n = f"{base}-{row.get('year') or 'ohne-jahr'}-{n}", n + 1
    return rid


def add_rows(
    registry: Iterable[Row], new: Iterable[Mapping[str, str]]
) -> tuple[list[Row], MergeReport]:
    """The registry plus the new rows that are not in it yet (matched by municipality+title)."""
    rows = [dict(r) for r in registry]
    report = MergeReport()
    present = {(r["municipality"].strip(), r["title"].strip()) for r in rows}
    incoming = [
        r for r in new if (r["municipality"].strip(), (r.get("title") or "").strip()) not in present
    ]
    batch = Counter(slug(r["municipality"]) for r in incoming)
    taken = {r["id"] for r in rows}
    for raw in incoming:
        row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        row["kind"] = normalise_kind(raw.get("kind") or raw.get("type") or "")
        row["id"] = _new_id(row, batch, taken)
        taken.add(row["id"])
        rows.append(row)
        report.added.append(row["id"])
    return rows, report


def _set(
    row: Row, column: str, value: str, source: str, report: MergeReport, note: bool = True
) -> None:
    """Fill an empty cell (noting its source); a different filled value is a conflict."""
    current = row.get(column) or ""
    if current == value:
        return
    if current:
        report.conflicts.append(f"{row['id']}.{column}: '{current}' vs. '{value}' ({source})")
        return
    row[column] = value
    if note:
        _note(row, f"{column}: {source}")
    report.filled.append((row["id"], column, value))


def _add_programme(row: Row, programme: str, first: bool, report: MergeReport) -> None:
    current = split_list(row.get("programme"))
    if programme in current:
        return
    row["programme"] = join_list((programme, *current) if first else (*current, programme))
    report.filled.append((row["id"], "programme", programme))


def resolve_rows(spec: str, rows: Iterable[Row]) -> tuple[list[Row], list[str]]:
    """The rows an MPSC entry names: 'A; B', 'Partheland (…)' (a name prefix); a part that
    adds an unnamed row ('X (+ Region …)') resolves X and reports the rest."""
    rows = list(rows)
    found: list[Row] = []
    missing: list[str] = []
    for part in split_list(spec):
        extra = re.search(r"\s*\(\+[^)]*\)$", part)
        if extra:
            missing.append(f"'{part}': Zusatz {extra.group(0).strip()} nicht zugeordnet")
            part = part[: extra.start()]
        if part.endswith(_ELLIPSIS):
            prefix = part[: -len(_ELLIPSIS)].strip()
            hits = [r for r in rows if r["municipality"].startswith(prefix)]
        else:
            hits = [r for r in rows if r["municipality"] == part]
        if len(hits) == 1:
            found.append(hits[0])
        else:
            missing.append(f"'{part}': {len(hits)} Zeilen")
    return found, missing


def apply_programme(rows: list[Row], entries: Iterable[Mapping[str, str]]) -> MergeReport:
    """Mark the rows of the MPSC list: programme first, Staffel, size class at selection."""
    report = MergeReport()
    for e in entries:
        found, missing = resolve_rows(e["registry_row"], rows)
        report.unresolved += [f"MPSC {e['name_in_source']}: {m}" for m in missing]
        for row in found:
            _add_programme(row, MPSC, first=True, report=report)
            source = e["source_of_fact"]
            _set(row, "staffel", e["staffel"], source, report, note=False)
            category = programme_category(e["size_category_at_selection"], row["kind"])
            _set(row, "size_class", category, source, report, note=False)
            _note(row, f"programme, staffel, size_class: {source}")
    return report


def apply_facts(rows: list[Row], facts: Iterable[Mapping[str, str]]) -> MergeReport:
    """Single facts `id,field,value,source`; `programme` adds to the list, others fill."""
    report = MergeReport()
    by_id = {r["id"]: r for r in rows}
    for f in facts:
        row = by_id.get(f["id"])
        if row is None:
            report.unresolved.append(f"fact for unknown id '{f['id']}'")
            continue
        column, value, source = f["field"], f["value"].strip(), f["source"].strip()
        if column not in COLUMNS or column in ("id", "source_of_fact"):
            report.unresolved.append(f"fact for unknown column '{column}' ({f['id']})")
        elif column == "programme":
            _add_programme(row, value, first=False, report=report)
            _note(row, f"programme {value}: {source}")
        else:
            _set(row, column, value, source, report)
    return report


def member_names(name: str) -> tuple[str, ...]:
    """The member municipalities a joint strategy's name states.

    >>> member_names("Landkreise Vorpommern-Greifswald und Mecklenburgische Seenplatte")
    ('Landkreis Vorpommern-Greifswald', 'Landkreis Mecklenburgische Seenplatte')
    >>> member_names("Ilzer Land (Gemeinde Ringelai und 10 weitere Gemeinden)")
    ('Ringelai',)
    """
    inner = re.fullmatch(r"[^()]*\(([^()]+)\)\s*", name)
    parts = re.split(r",\s*|\s+und\s+", inner.group(1) if inner else name)
    plural = re.match(r"(Landkreise|Kreise)\s+", parts[0])
    out: list[str] = []
    for i, part in enumerate(p.strip() for p in parts):
        first = part.split(" ", 1)[0].casefold()
        if not part or first.isdigit() or first in _COUNT_WORDS:
            continue
        if plural:
            part = part[plural.end() :] if i == 0 else part
            part = f"{plural.group(1)[:-1]} {part}"
        for prefix in _PREFIXES:
            part = part.removeprefix(prefix)
        out.append(part)
    return tuple(out) if len(out) > 1 or (inner and out) else ()


def derive_members(rows: list[Row]) -> MergeReport:
    """Fill `members` of joint strategies (kinds Region/Verbund) from their names."""
    report = MergeReport()
    for row in rows:
        if row["kind"] in JOINT_KINDS and not row.get("members"):
            members = member_names(row["municipality"])
            if members:
                row["members"] = join_list(members)
                report.filled.append((row["id"], "members", row["members"]))
    return report
