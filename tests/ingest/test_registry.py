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

pytestmark = pytest.mark.unit
ROOT = Path(__file__).parents[2]
HEAD = "id,municipality,kind,state,population,year,title,url,vision_slogan,source_of_fact\n"
ROW = "guben,Guben,Stadt,Brandenburg,16783,2023,Smart-City-Strategie Guben,https://smart.guben.de/,Grenzenlos smart,seed\n"


def test_shipped_registry_is_valid() -> None:
    rows = load_registry(ROOT / "corpus/sources.csv")
    assert len(rows) == 48
    assert len({r.id for r in rows}) == 48
    guben = next(r for r in rows if r.id == "guben")
    assert guben.population == 16783 and guben.year == 2023


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
