"""The strategy registry (corpus/sources.csv): validated rows, short indexed records, and
matching of headings like "Praxisbeispiel LK Dahme-Spreewald" to registry municipalities.

Example:
    >>> rows = load_registry(Path("corpus/sources.csv"))     # doctest: +SKIP
    >>> registry_doc(rows[0]).sections[0].text[:30]            # doctest: +SKIP
    'Potsdam (Stadt, Brandenburg), 2'
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.records import ParsedDoc, Section
from rag.core.errors import RegistryError
from rag.core.municipal import STATE_SEP, split_list, split_states
from rag.core.records import DocMeta
from rag.core.vocabulary import KINDS, MPSC, SIZE_CLASSES, STATES, format_population

COLUMNS = (
    "id",
    "municipality",
    "kind",
    "state",
    "population",
    "year",
    "title",
    "url",
    "vision_slogan",
    "programme",
    "staffel",
    "size_class",
    "members",
    "source_of_fact",
)
# Columns added with the programme facts; a registry without them is still read (all empty).
OPTIONAL_COLUMNS = ("programme", "staffel", "size_class", "members")
_TYPE_WORDS = {
    "landkreis",
    "lk",
    "kreis",
    "stadt",
    "gemeinde",
    "amt",
    "und",
    "region",
    "smart",
    "landkreise",
    "im",
    "an",
    "der",
    "die",
    "mark",
}


class RegistryRow(BaseModel):
    """One published strategy (facts only)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    municipality: str = Field(min_length=2)
    kind: str
    state: str | None = None  # one Land, or several joined by "/" (joint strategies); None unknown
    population: int | None = Field(None, ge=1, le=20_000_000)
    year: int | None = Field(None, ge=1990, le=2100)
    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://")
    vision_slogan: str | None = None
    programme: tuple[str, ...] = ()  # cell: "A; B"
    staffel: int | None = Field(None, ge=1, le=3)
    size_class: str | None = None
    members: tuple[str, ...] = ()  # cell: "A; B"
    source_of_fact: str | None = None

    @field_validator(
        "state",
        "population",
        "year",
        "vision_slogan",
        "staffel",
        "size_class",
        "source_of_fact",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("programme", "members", mode="before")
    @classmethod
    def _list(cls, v: object) -> object:
        return split_list(v) if isinstance(v, str) else v

    @field_validator("size_class")
    @classmethod
    def _size_class(cls, v: str | None) -> str | None:
        if v is not None and v not in SIZE_CLASSES:
            raise ValueError(f"unbekannte Größenklasse '{v}' (erlaubt: {', '.join(SIZE_CLASSES)})")
        return v

    @model_validator(mode="after")
    def _staffel_needs_mpsc(self) -> RegistryRow:
        if self.staffel is not None and MPSC not in self.programme:
            raise ValueError(f"staffel gibt es nur im Programm '{MPSC}'")
        return self

    @property
    def states(self) -> tuple[str, ...]:
        return split_states(self.state)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"unbekannter Kommunentyp '{v}' (erlaubt: {', '.join(KINDS)})")
        return v

    @field_validator("state")
    @classmethod
    def _state(cls, v: str | None) -> str | None:
        parts = split_states(v)
        for part in parts:
            if part not in STATES:
                raise ValueError(f"unbekanntes Bundesland '{part}'")
        if len(set(parts)) != len(parts):
            raise ValueError(f"Bundesland doppelt genannt: '{v}'")
        return STATE_SEP.join(parts) or None


def parse_registry(lines: Iterable[str], name: str = "sources.csv") -> list[RegistryRow]:
    """Validate registry CSV text; errors name the file, the row and the field."""
    reader = csv.DictReader(lines)
    header = tuple(reader.fieldnames or ())
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    if unknown or missing:
        raise RegistryError(
            f"{name}: Kopfzeile ungültig"
            + (f", unbekannte Spalte(n): {', '.join(unknown)}" if unknown else "")
            + (f", fehlende Spalte(n): {', '.join(missing)}" if missing else "")
        )
    rows: list[RegistryRow] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(reader, start=2):
        if None in raw:
            raise RegistryError(f"{name}, Zeile {lineno}: mehr Felder als Spalten")
        try:
            row = RegistryRow.model_validate({k: (v or "") for k, v in raw.items()})
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(x) for x in err["loc"])
            raise RegistryError(
                f"{name}, Zeile {lineno} (id '{raw.get('id')}'): Feld '{field}': {err['msg']}"
            ) from None
        if row.id in seen:
            raise RegistryError(
                f"{name}, Zeile {lineno}: doppelte id '{row.id}' (schon in Zeile {seen[row.id]})"
            )
        seen[row.id] = lineno
        rows.append(row)
    return rows


def load_registry(path: Path) -> list[RegistryRow]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return parse_registry(fh, path.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: nicht lesbar ({exc})") from exc


def programme_text(row: RegistryRow) -> str:
    """' Förderprogramm: Modellprojekte Smart Cities (2. Staffel, Kategorie Mittelstadt).'"""
    if not row.programme:
        return f" Größenklasse: {row.size_class}." if row.size_class else ""
    details = [f"{row.staffel}. Staffel"] if row.staffel else []
    details += [f"Kategorie {row.size_class}"] if row.size_class else []
    first = row.programme[0] + (f" ({', '.join(details)})" if details else "")
    label = "Förderprogramme" if len(row.programme) > 1 else "Förderprogramm"
    return f" {label}: {', '.join((first, *row.programme[1:]))}."


def registry_head(
    municipality: str, kind: str, state: str | None, year: int | str | None, title: str
) -> str:
    """'Potsdam (Stadt, Brandenburg), 2023: Smart-City-Strategie …': who, where, when, what."""
    when = f", {year}" if year else ""
    where = f"{kind}, {state}" if state else kind
    return f"{municipality} ({where}){when}: {title}"


def registry_text(row: RegistryRow) -> str:
    """The short record indexed for a registry row (exact facts, German)."""
    text = registry_head(row.municipality, row.kind, row.state, row.year, row.title) + "."
    if row.vision_slogan:
        end = "" if row.vision_slogan.rstrip()[-1] in ".!?" else "."
        text += f" Leitbild/Motto: „{row.vision_slogan}“{end}"
    text += programme_text(row)
    if row.members:
        text += f" Gemeinsame Strategie mehrerer Kommunen: {', '.join(row.members)}."
    if row.population:
        text += f" Einwohnerzahl: {format_population(row.population)}."
    return text


def registry_meta(row: RegistryRow) -> DocMeta:
    return DocMeta(
        doc_id=f"registry-{row.id}",
        title=row.title,
        municipality=row.municipality,
        kind=row.kind,
        state=row.state,
        year=row.year,
        population=row.population,
        url=row.url,
        licence="Fakten (Registereintrag, keine Lizenz)",
        source_type="registry",
        registry_id=row.id,
        programme=row.programme,
        staffel=row.staffel,
        size_class=row.size_class,
        members=row.members,
    )


def registry_doc(row: RegistryRow) -> ParsedDoc:
    return ParsedDoc(
        meta=registry_meta(row),
        sections=(Section(("Registereintrag",), registry_text(row)),),
        source_id=f"registry:{row.id}",
        urls=(row.url,),
        vision=row.vision_slogan,
    )


def _core_tokens(name: str) -> set[str]:
    words = re.findall(r"[a-zäöüß]+", name.lower())
    return {w for w in words if w not in _TYPE_WORDS and len(w) > 1}


def municipality_matcher(rows: Iterable[RegistryRow]):  # type: ignore[no-untyped-def]
    """Return f(heading_path) -> registry municipality named in the innermost heading, if any.

    A heading names a municipality when it contains all core words of its name ("Praxisbeispiel
    LK Dahme-Spreewald" -> "Landkreis Dahme-Spreewald"), or >= 3 of 4 for long names.
    """
    names = [(r.municipality, _core_tokens(r.municipality)) for r in rows]

    def match(path: tuple[str, ...]) -> str | None:
        for heading in reversed(path):
            words = set(re.findall(r"[a-zäöüß]+", heading.lower()))
            best: tuple[float, str] | None = None
            for name, core in names:
                if not core:
                    continue
                share = len(core & words) / len(core)
                ok = share == 1.0 or (len(core) >= 3 and share >= 0.75)
                if ok and (best is None or share > best[0]):
                    best = (share, name)
            if best:
                return best[1]
        return None

    return match
