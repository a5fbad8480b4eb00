"""Growing the registry: stable ids, idempotent merge, sourced facts, reported changes."""

from __future__ import annotations

import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from ingest.registry import load_registry
from ingest.registry_merge import (
    add_rows,
    apply_facts,
    apply_programme,
    derive_members,
    member_names,
    resolve_rows,
)
from rag.core.vocabulary import KOOPERATION, LANDKREIS, MPSC

pytestmark = pytest.mark.unit
ROOT = Path(__file__).parents[2]
# ../shared next to the main checkout; worktrees sit one level deeper
MIRROR = next(
    (
        p / "shared" / "corpus-mirror"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared").exists()
    ),
    ROOT / "missing",
)


def row(rid: str, municipality: str, kind: str = "Stadt", **extra: str) -> dict[str, str]:
    base = {"id": rid, "municipality": municipality, "kind": kind, "title": f"Strategie {rid}"}
    return {**base, "state": "Brandenburg", "url": "https://x.de/", **extra}


def test_new_rows_get_stable_ids_and_existing_ids_never_change() -> None:
    registry = [row("hamburg", "Hamburg")]
    new = [
        {"municipality": "Hamburg", "type": "Stadt", "title": "Neue Strategie", "year": "2025"},
        {"municipality": "Köln", "type": "stadt", "title": "A", "year": "2019"},
        {"municipality": "Köln", "type": "Stadt", "title": "B", "year": "2023"},
        {"municipality": "Kreis X", "type": "Kreis", "title": "C"},
    ]
    rows, report = add_rows(registry, new)
    assert [r["id"] for r in rows] == [
        "hamburg",
        "hamburg-2025",
        "koln-2019",
        "koln-2023",
        "kreis-x",
    ]
    assert rows[2]["kind"] == "Stadt" and rows[4]["kind"] == "Landkreis"
    assert report.added == ["hamburg-2025", "koln-2019", "koln-2023", "kreis-x"]
    again, report2 = add_rows(rows, new)  # same municipality and title: already there
    assert again == rows and report2.added == [] and not report2.changed


def test_programme_list_resolves_names_prefixes_and_reports_the_rest() -> None:
    rows = [
        row("a", "Partheland (Brandis, Naunhof)", "Region"),
        row("b", "Landkreis V", "Landkreis"),
        row("c", "Olpe"),
        row("d", "Soest"),
    ]
    found, missing = resolve_rows("Partheland (…); Olpe; Soest; Nirgendwo", rows)
    assert [r["id"] for r in found] == ["a", "c", "d"] and missing == ["'Nirgendwo': 0 Zeilen"]
    entries = [
        {"staffel": "3", "size_category_at_selection": "Interkommunale Kooperationen und Landkreise",
         "name_in_source": "LK V", "registry_row": "Landkreis V (+ Region V/W)", "source_of_fact": "https://s/3"},
        {"staffel": "1", "size_category_at_selection": "Interkommunale Kooperation und Landkreise",
         "name_in_source": "Kooperation", "registry_row": "Olpe; Soest", "source_of_fact": "https://s/1"},
    ]  # fmt: skip
    report = apply_programme(rows, entries)
    assert (rows[1]["programme"], rows[1]["staffel"], rows[1]["size_class"]) == (
        MPSC,
        "3",
        LANDKREIS,
    )
    assert rows[2]["size_class"] == KOOPERATION  # a town selected as part of a cooperation
    assert "https://s/1" in rows[3]["source_of_fact"]
    assert any("(+ Region V/W)" in u for u in report.unresolved)
    assert not apply_programme(rows, entries).changed  # idempotent


def test_facts_fill_empty_cells_with_their_source_and_never_overwrite() -> None:
    rows = [row("potsdam", "Potsdam", population="", source_of_fact="seed")]
    facts = [
        {"id": "potsdam", "field": "population", "value": "187310", "source": "https://p/"},
        {"id": "potsdam", "field": "programme", "value": "Smarte.Land.Regionen", "source": "https://q/"},
        {"id": "nirgendwo", "field": "year", "value": "2020", "source": "x"},
    ]  # fmt: skip
    report = apply_facts(rows, facts)
    assert rows[0]["population"] == "187310"
    assert rows[0]["source_of_fact"] == (
        "seed; population: https://p/; programme Smarte.Land.Regionen: https://q/"
    )
    assert report.unresolved == ["fact for unknown id 'nirgendwo'"]
    conflict = apply_facts(rows, [{**facts[0], "value": "180000"}])
    assert rows[0]["population"] == "187310" and "'187310' vs. '180000'" in conflict.conflicts[0]
    assert not apply_facts(rows, facts[:2]).changed


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("Dortmund und Schwerte", ("Dortmund", "Schwerte")),
        ("Bad Belzig und Wiesenburg/Mark", ("Bad Belzig", "Wiesenburg/Mark")),
        ("Smart Region AUF (Apfeldorf, Unterdießen, Fuchstal)", ("Apfeldorf", "Unterdießen", "Fuchstal")),
        ("Smarte Region Linz (Stadt Linz am Rhein und sechs Ortsgemeinden)", ("Linz am Rhein",)),
        ("Landkreise A-Land und B-Land", ("Landkreis A-Land", "Landkreis B-Land")),
        ("Verband Region Rhein-Neckar", ()),
    ],
)  # fmt: skip
def test_member_names(name: str, members: tuple[str, ...]) -> None:
    assert member_names(name) == members


def test_members_only_for_joint_kinds() -> None:
    rows = [row("a", "Aalen und Heidenheim", "Region"), row("b", "Halle (Saale)")]
    derive_members(rows)
    assert rows[0]["members"] == "Aalen; Heidenheim" and not rows[1].get("members")


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_registry", ROOT / "scripts/make_registry.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not MIRROR.exists(), reason="shared corpus mirror not present")
def test_script_rebuilds_the_shipped_registry_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From the mirror alone the script gives the shipped file byte for byte: the first 48
    ids are those of the original registry, and a second run changes nothing."""
    out = tmp_path / "sources.csv"
    args = ["--registry", str(out), "--add", str(MIRROR / "strategy-registry.csv"),
            "--add", str(MIRROR / "registry-additions.csv"), "--mpsc", str(MIRROR / "mpsc-73.csv"),
            "--facts", str(ROOT / "corpus/registry-facts.csv")]  # fmt: skip
    assert _script().main(args) == 0
    first = capsys.readouterr().out
    assert "added 94 rows" in first and "written (94 rows)" in first
    assert out.read_text(encoding="utf-8") == (ROOT / "corpus/sources.csv").read_text("utf-8")
    assert _script().main([*args, "--check"]) == 0
    assert "unchanged (94 rows)" in capsys.readouterr().out
    assert len(load_registry(out)) == 94


def test_script_check_fails_when_the_registry_would_change(tmp_path: Path) -> None:
    registry = tmp_path / "sources.csv"
    shutil.copy(ROOT / "corpus/sources.csv", registry)
    extra = tmp_path / "new.csv"
    with extra.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["municipality", "type", "state", "title", "url"])
        w.writeheader()
        w.writerow({"municipality": "Musterstadt", "type": "Stadt", "state": "Hessen",
                    "title": "Digitalstrategie Musterstadt", "url": "https://muster.de/"})  # fmt: skip
    assert _script().main(["--registry", str(registry), "--add", str(extra), "--check"]) == 1
    assert _script().main(["--registry", str(registry), "--add", str(extra)]) == 0
    rows = load_registry(registry)
    assert rows[-1].id == "musterstadt" and len(rows) == 95
