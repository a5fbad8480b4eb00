from pathlib import Path

import pytest

from ingest.registry import (
    load_registry,
    municipality_matcher,
    parse_registry,
    registry_doc,
    registry_text,
)
from rag.core.errors import RegistryError
from rag.core.vocabulary import KLEINSTADT, KOOPERATION, MPSC

pytestmark = pytest.mark.unit
ROOT = Path(__file__).parents[2]
HEAD = "id,municipality,kind,state,population,year,title,url,vision_slogan,source_of_fact\n"
ROW = "guben,Guben,Stadt,Brandenburg,16783,2023,Smart-City-Strategie Guben,https://smart.guben.de/,Grenzenlos smart,seed\n"


def test_shipped_registry_is_valid() -> None:
    rows = load_registry(ROOT / "corpus/sources.csv")
    assert len(rows) == 94
    assert len({r.id for r in rows}) == 94
    guben = next(r for r in rows if r.id == "guben")
    assert guben.population == 16783 and guben.year == 2023
    assert (guben.programme, guben.staffel, guben.size_class) == ((MPSC,), 3, KLEINSTADT)
    assert sum(bool(r.state) for r in rows) >= 92
    # all 73 Modellprojekte Smart Cities: 5 towns of one cooperation and 2 rows of two
    # projects each have a row, so more rows than projects carry the programme
    mpsc = [r for r in rows if MPSC in r.programme]
    assert len(mpsc) >= 73 and all(r.staffel in (1, 2, 3) and r.size_class for r in mpsc)
    rhein_neckar = next(r for r in rows if r.id == "verband-region-rhein-neckar")
    assert rhein_neckar.states == ("Baden-Württemberg", "Rheinland-Pfalz", "Hessen")


def test_new_columns_are_optional_and_checked() -> None:
    head = HEAD.replace("source_of_fact", "programme,staffel,size_class,members,source_of_fact")
    row = ROW.replace(",seed", f",{MPSC}; Smarte.Land.Regionen,2,Mittelstadt,Guben; Gubin,seed")
    (r,) = parse_registry((head + row).splitlines(keepends=True))
    assert r.programme == (MPSC, "Smarte.Land.Regionen") and r.members == ("Guben", "Gubin")
    bad_class = row.replace("Mittelstadt", "Dorf")
    with pytest.raises(RegistryError, match=r"Zeile 2 .*Größenklasse 'Dorf'"):
        parse_registry((head + bad_class).splitlines(keepends=True))
    no_programme = row.replace(f"{MPSC}; Smarte.Land.Regionen", "")
    with pytest.raises(RegistryError, match="staffel gibt es nur"):
        parse_registry((head + no_programme).splitlines(keepends=True))


def test_several_lander_and_unknown_land() -> None:
    (r,) = parse_registry((HEAD + ROW.replace("Brandenburg", "Hessen/Bayern")).splitlines(True))
    assert r.states == ("Hessen", "Bayern") and r.state == "Hessen/Bayern"
    (r,) = parse_registry((HEAD + ROW.replace("Brandenburg", "")).splitlines(True))
    assert r.state is None and registry_text(r).startswith("Guben (Stadt), 2023:")
    with pytest.raises(RegistryError, match="Bundesland doppelt"):
        parse_registry((HEAD + ROW.replace("Brandenburg", "Hessen/Hessen")).splitlines(True))
    with pytest.raises(RegistryError, match="unbekanntes Bundesland 'Hesen'"):
        parse_registry((HEAD + ROW.replace("Brandenburg", "Hessen/Hesen")).splitlines(True))


def test_joint_row_record_names_programme_and_members() -> None:
    rows = {r.id: r for r in load_registry(ROOT / "corpus/sources.csv")}
    text = registry_text(rows["dortmund-und-schwerte"])
    assert "Förderprogramm: Modellprojekte Smart Cities (2. Staffel, Kategorie " in text
    assert "Gemeinsame Strategie mehrerer Kommunen: Dortmund, Schwerte." in text
    meta = registry_doc(rows["dortmund-und-schwerte"]).meta
    assert meta.members == ("Dortmund", "Schwerte") and meta.population_class == KOOPERATION


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD.replace("title", "titel"), "unbekannte Spalte"),
        (HEAD + ROW + ROW, "Zeile 3: doppelte id 'guben'"),
        (HEAD + ROW.replace("2023", "20x3"), "Zeile 2 .*year"),
        (HEAD + ROW.replace("2023", "1850"), "Zeile 2 .*year"),
        (HEAD + ROW.replace("Stadt,", "Dorf,"), "Kommunentyp"),
        (HEAD + ROW.replace("Brandenburg", "Brandenbrug"), "Bundesland"),
        (HEAD + ROW.replace("https://smart.guben.de/", "ftp://x"), "url"),
    ],
)
def test_invalid_rows_name_the_row(text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_registry(text.splitlines(keepends=True))


def test_registry_record_text_and_citation_url() -> None:
    (row,) = parse_registry((HEAD + ROW).splitlines(keepends=True))
    assert registry_text(row) == (
        "Guben (Stadt, Brandenburg), 2023: Smart-City-Strategie Guben. "
        "Leitbild/Motto: „Grenzenlos smart“. Einwohnerzahl: 16.783."
    )
    doc = registry_doc(row)
    assert doc.meta.doc_id == "registry-guben" and doc.meta.url == "https://smart.guben.de/"


def test_heading_matcher_handles_abbreviations_and_joint_names() -> None:
    rows = load_registry(ROOT / "corpus/sources.csv")
    match = municipality_matcher(rows)
    assert match(("Praxisbeispiel LK Dahme-Spreewald (12/2022)",)) == "Landkreis Dahme-Spreewald"
    assert match(("Praxisbeispiel Bad & Belzig & Wiesenburg",)) == "Bad Belzig und Wiesenburg/Mark"
    assert match(("Praxisbeispiel Potsdam (2023)",)) == "Potsdam"
    assert match(("Mobilität", "Ziele")) is None


def test_registry_wins_over_page_facts_and_logs_the_conflict(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from ingest.catalogue import merge_registry
    from rag.core.records import DocMeta

    (row,) = parse_registry((HEAD + ROW).splitlines(keepends=True))
    page = DocMeta("web-1", "Guben", municipality="Guben", population=17000, state=None)
    merged = merge_registry(page, row)
    assert (merged.population, merged.state, merged.kind) == (16783, "Brandenburg", "Stadt")
    assert "population=17000 widerspricht dem Register" in caplog.text
