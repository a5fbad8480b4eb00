"""Pure helpers of the pages: escaping, highlighting, facets, exports, corpus statistics."""

from __future__ import annotations

import csv
import io
import re

import pytest

from rag.core.records import DocMeta, DocumentRow, Hit, Passage, SearchFilters
from ui.web import components as ui

pytestmark = pytest.mark.unit

HOSTILE = (
    "# Überschrift\n"
    "    eingerückt\n"
    "- Liste mit [Link](javascript:alert(1)) und ![Bild](https://evil.example/x.png)\n"
    "<script>alert('x')</script> <b>fett</b> &amp; $x^2$ :red[rot] :material/home: "
    "Akteur*innen _kursiv_ `code` ~~durch~~ | Tabelle |"
)


def unescaped_specials(md: str) -> list[str]:
    """Markdown-active ASCII characters not preceded by a backslash (bold markers removed)."""
    body = md.replace("**", "")
    return re.findall(r"(?<!\\)[\[\]()<>#*_`~$|&!:-]", body.replace("\\\\", ""))


def test_escape_md_neutralises_every_markdown_and_html_construct() -> None:
    md = ui.escape_md(HOSTILE)
    assert unescaped_specials(md.replace("\n", " ")) == []
    # Unescaping gives back the exact text: nothing is dropped or rewritten.
    assert re.sub(r"\\(.)", r"\1", md) == HOSTILE


def test_marked_markdown_keeps_lines_and_drops_indentation() -> None:
    md = ui.marked_markdown("Erster Absatz\nzweite Zeile\n\n    Zweiter Absatz")
    assert md == "Erster Absatz  \nzweite Zeile\n\nZweiter Absatz"
    assert unescaped_specials(ui.marked_markdown(HOSTILE, [(0, 5)])) == []


def test_highlight_terms_bolds_query_words_inside_escaped_text() -> None:
    md = ui.highlight_terms("Die Vision (2030) der Stadt: Mobilitätsvision*", "Vision der Stadt")
    assert md == (
        "Die **Vision** \\(2030\\) der **Stadt**\\: Mobilitäts**vision**\\*"
    )  # "der" is a stopword


def test_highlight_quote_marks_the_exact_span_per_line() -> None:
    text = "Einleitung. Die Vision ist das Leitbild.\nSie gilt bis 2030. Schluss."
    quote = "Die Vision ist das Leitbild.\nSie gilt bis 2030."
    md = ui.highlight_quote(text, quote)
    assert (
        md
        == "Einleitung\\. **Die Vision ist das Leitbild\\.**  \n**Sie gilt bis 2030\\.** Schluss\\."
    )
    # Whitespace differences between quote and passage are tolerated.
    assert ui.quote_span("a  b\nc d", "a b c") == (0, 6)
    assert ui.highlight_quote("nichts davon", "anderes Zitat") == "nichts davon"


def test_query_terms_skip_stopwords_and_short_words() -> None:
    assert ui.query_terms("Wie formulieren wir eine Vision? Vision, IT") == [
        "formulieren",
        "vision",
    ]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("unter 10.000 EW", (None, 9_999)),
        ("10.000–50.000 EW", (10_000, 49_999)),
        ("50.000–200.000 EW", (50_000, 199_999)),
        ("über 200.000 EW", (200_000, None)),
        (ui.ALL_SIZES, (None, None)),
    ],
)
def test_size_classes(label: str, expected: tuple[int | None, int | None]) -> None:
    f = ui.make_filters(size=label)
    assert (f.population_min, f.population_max) == expected


def test_full_year_range_does_not_filter() -> None:
    assert ui.make_filters(years=(2017, 2024), year_bounds=(2017, 2024)) == SearchFilters()
    f = ui.make_filters(["Bayern"], ["Stadt"], years=(2019, 2022), year_bounds=(2017, 2024))
    assert f == SearchFilters(states=("Bayern",), kinds=("Stadt",), year_min=2019, year_max=2022)
    assert ui.describe_filters(f) == "Bayern; Stadt; Jahr 2019–2022"


def _hit(text: str, title: str = "Strategie") -> Hit:
    doc = DocMeta(doc_id="d1", title=title, municipality="Ulm", url="https://ulm.de/s")
    return Hit(rank=1, score=0.5, passage=Passage("c1", doc, text, "", section="Ziele"))


def test_csv_export_defuses_formulas_and_keeps_text() -> None:
    out = ui.hits_csv([_hit('=HYPERLINK("x")', title="+Titel"), _hit("Text; mit\nZeile")])
    rows = list(csv.DictReader(io.StringIO(out), delimiter=";"))
    assert rows[0]["text"] == '\'=HYPERLINK("x")'
    assert rows[0]["title"] == "'+Titel"
    assert rows[1]["text"] == "Text; mit\nZeile"
    assert list(rows[0])[:3] == ["rank", "score", "municipality"]


def test_csv_export_carries_programme_size_class_and_members() -> None:
    doc = DocMeta(
        doc_id="registry-x", title="T", municipality="Lemgo und Kalletal",
        programme=("Modellprojekte Smart Cities",), staffel=2,
        size_class="interkommunale Kooperation", members=("Lemgo", "Kalletal"),
    )  # fmt: skip
    (row,) = csv.DictReader(
        io.StringIO(ui.hits_csv([Hit(1, 0.5, Passage("c", doc, "x", ""))])), delimiter=";"
    )
    assert (row["programme"], row["staffel"]) == ("Modellprojekte Smart Cities", "2")
    assert row["size_class"] == "interkommunale Kooperation"
    assert row["members"] == "Lemgo; Kalletal"


def test_safe_url_allows_only_web_links() -> None:
    assert ui.safe_url("https://ulm.de/a") == "https://ulm.de/a"
    assert ui.safe_url("javascript:alert(1)") is None
    assert ui.safe_url("file:///etc/passwd") is None
    assert ui.safe_url(None) is None


def test_location_label() -> None:
    doc = DocMeta(doc_id="d", title="T")
    assert ui.location_label(Passage("c", doc, "x", "", page=4)) == "Seite 4"
    assert ui.location_label(Passage("c", doc, "x", "", section="Ziele")) == "Abschnitt: Ziele"
    assert ui.location_label(Passage("c", doc, "x", "", section="T")) == ""


def test_registry_and_handlungsfeld_counts() -> None:
    def row(source_type: str, state: str, year: int | None, kind: str) -> DocumentRow:
        return DocumentRow("d", "t", None, kind, state, year, None, None, None, source_type, 1)

    docs = [
        row("registry", "Bayern", 2023, "Stadt"),
        row("registry", "Bayern", None, "Landkreis"),
        row("markdown", "Hessen", 2020, "Stadt"),
    ]
    docs.append(
        DocumentRow(
            "j", "t", None, "Region", "Hessen/Bayern", 2021, None, None, None, "registry", 1,
            programmes=("Modellprojekte Smart Cities", "Smarte.Land.Regionen"), staffel=3,
            size_class="interkommunale Kooperation",
        )
    )  # fmt: skip
    # no programme class: the one its kind and population imply (Mittelstadt from 20,000)
    docs.append(DocumentRow("m", "t", None, "Stadt", None, None, 45_000, None, None, "registry", 1))
    counts = ui.registry_counts(docs)
    assert counts["state"] == {"Bayern": 3, "Hessen": 1, "unbekannt": 1}  # a joint row per Land
    assert counts["year"] == {"2023": 1, "2021": 1, "unbekannt": 2}
    assert counts["size_class"] == {
        "interkommunale Kooperation": 1, "Mittelstadt": 1, "Landkreis": 1, "unbekannt": 1
    }  # fmt: skip
    assert counts["programme"] == {
        "kein Programm": 3, "Modellprojekte Smart Cities": 1, "Smarte.Land.Regionen": 1
    }  # fmt: skip
    assert counts["staffel"] == {"3. Staffel": 1}
    fields = ui.handlungsfeld_counts(
        ["Mobilität > Ziele", "Smart City (zehn Handlungsfelder: Verkehr, Bildung)", "Vorwort"]
    )
    assert fields["Mobilität"] == 2
    assert fields["Bildung"] == 1
    assert "Kultur" not in fields


def test_describe_boosts_names_what_the_question_named() -> None:
    from rag.facets import MunicipalityNames, detect

    names = MunicipalityNames(["Potsdam", "Guben"])
    boosts = detect("Welche Landkreise in Brandenburg, etwa Potsdam und Guben?", names).boosts()
    assert ui.describe_boosts(boosts) == "Brandenburg; Landkreis, Guben, Potsdam"
    big = detect("Welche Städte haben mehr als 100.000 Einwohner?").boosts()
    assert ui.describe_boosts(big) == "Stadt, kreisfreie Stadt; ab 100.000 EW"
    assert ui.describe_boosts(()) == ""
