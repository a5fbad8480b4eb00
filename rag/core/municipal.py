"""Facts about municipalities that both floors share: size classes, joint kinds, funding
programmes and the multi-valued registry fields (several Länder, several members).

A registry row may describe a joint strategy of several municipalities that spans several
Länder ("Baden-Württemberg/Rheinland-Pfalz/Hessen") and may have been made in one or more
funding programmes ("Modellprojekte Smart Cities; Smarte.Land.Regionen"). The index stores
those lists as arrays, so a filter for one Land or one member municipality finds the joint row.

Size classes are the five categories of the Modellprojekte Smart Cities (the words live in
`rag.core.vocabulary`, the rules over them here). A row carries the
class the programme states (`size_class`) and, next to it, the class derived from its kind and
population (`population_class`, BBSR thresholds: Großstadt from 100,000, Mittelstadt from
20,000 inhabitants).

Example:
    >>> split_states("Baden-Württemberg/Rheinland-Pfalz/Hessen")
    ('Baden-Württemberg', 'Rheinland-Pfalz', 'Hessen')
    >>> population_class("Stadt", 16_783), population_class("Landkreis", None)
    ('Kleinstadt/Landgemeinde', 'Landkreis')
"""

from __future__ import annotations

from collections.abc import Iterable

from rag.core.vocabulary import (
    BIG_CITY_FROM,
    COUNTY_KINDS,
    GROSSSTADT,
    JOINT_KINDS,
    KLEINSTADT,
    KOOPERATION,
    LANDKREIS,
    MEDIUM_CITY_FROM,
    MITTELSTADT,
)

LIST_SEP = "; "
STATE_SEP = "/"


def split_list(text: str | None) -> tuple[str, ...]:
    """'a; b;; c ' -> ('a', 'b', 'c'): the registry's list cells (programmes, members)."""
    return tuple(p.strip() for p in (text or "").split(";") if p.strip())


def join_list(values: Iterable[str]) -> str:
    return LIST_SEP.join(dict.fromkeys(v for v in values if v))


def split_states(state: str | None) -> tuple[str, ...]:
    """A registry state cell -> its Länder ('' -> ())."""
    return tuple(p.strip() for p in (state or "").split(STATE_SEP) if p.strip())


def population_class(kind: str | None, population: int | None) -> str | None:
    """The size class derived from kind and population (None when neither decides).

    >>> population_class("Stadt", 120_000), population_class("Region", None)
    ('Großstadt', 'interkommunale Kooperation')
    """
    if kind in COUNTY_KINDS:
        return LANDKREIS
    if kind in JOINT_KINDS:
        return KOOPERATION
    if not population:
        return None
    if population >= BIG_CITY_FROM:
        return GROSSSTADT
    return MITTELSTADT if population >= MEDIUM_CITY_FROM else KLEINSTADT


def size_classes(
    size_class: str | None, kind: str | None, population: int | None
) -> tuple[str, ...]:
    """The programme's class and the derived one (each once; what a size filter matches)."""
    return tuple(dict.fromkeys(c for c in (size_class, population_class(kind, population)) if c))


def programme_category(category: str, kind: str) -> str:
    """An MPSC selection category as the source words it -> one of SIZE_CLASSES.

    The programme's fourth category is "Interkommunale Kooperationen und Landkreise"; a row of
    kind Landkreis is then a Landkreis, any other row (a Region, or a town selected as part of
    a cooperation) an interkommunale Kooperation.

    >>> programme_category("Mittlere Städte", "Stadt")
    'Mittelstadt'
    >>> programme_category("Interkommunale Kooperation und Landkreise", "Landkreis")
    'Landkreis'
    """
    low = category.lower()
    if low.startswith("groß"):
        return GROSSSTADT
    if low.startswith(("mittel", "mittlere")):
        return MITTELSTADT
    if low.startswith("klein"):
        return KLEINSTADT
    if "kooperation" in low or "landkreis" in low:
        return LANDKREIS if kind in COUNTY_KINDS else KOOPERATION
    raise ValueError(f"unbekannte Größenkategorie '{category}'")
