"""The PDF reading step: hyphens, running lines, TOC pages, tables, columns (pure functions on
hand-written inputs), then whole generated PDFs with known text and the real Ulm PDF."""

from __future__ import annotations

import pytest

from ingest.hyphenation import Vocabulary, hyphen_kind, join_inline_hyphens, join_lines
from ingest.pdf_layout import is_toc_page, make_segment, running_lines
from ingest.pdf_order import columns
from ingest.pdf_tables import find_tables, row_text
from ingest.pdf_words import Word
from tests.conftest import ROOT

ULM = ROOT / "corpus/ulm/10_Hintergrundmaterialien/Überblick_Ulm4CleverCity.pdf"
EMPTY = Vocabulary.of([])


def seg(text: str, x0: float, top: float, page: int = 1, size: float = 10.0, gap: float = 5.0):  # type: ignore[no-untyped-def]
    """A segment of words laid out from x0 (each word 6 pt per character, `gap` apart)."""
    words, x = [], x0
    for w in text.split():
        words.append(Word(w, x, x + 6 * len(w), top, top + size, size))
        x += 6 * len(w) + gap
    return make_segment(page, words)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        ("mehr Bürger-", "beteiligung wagen", "mehr Bürgerbeteiligung wagen"),
        ("das E-", "Government der Stadt", "das E-Government der Stadt"),
        ("der Bürger-", "und Unternehmensservice", "der Bürger- und Unternehmensservice"),
        ("die IT-", "Sicherheit", "die IT-Sicherheit"),
        ("alle 5-", "jährigen Kinder", "alle 5-jährigen Kinder"),
        ("Aus-", "oder Weiterbildung", "Aus- oder Weiterbildung"),
        ("eine Verwal-", "tung", "eine Verwaltung"),
        ("ein Satz", "geht weiter", "ein Satz geht weiter"),
    ],
)
def test_line_joining_resolves_hyphens(a: str, b: str, want: str) -> None:
    assert join_lines(a, b, EMPTY) == want


@pytest.mark.unit
def test_the_document_decides_lowercase_hard_hyphens() -> None:
    known = Vocabulary.of(["Das Know-how der Verwaltung wächst."])
    assert hyphen_kind("Know-", "how", known) == "hard"
    assert hyphen_kind("Know-", "how", EMPTY) == "join"  # measured miss without evidence
    assert (
        join_inline_hyphens(
            "zunehmendem Bevölkerungs-wachstum.", Vocabulary.of(["Bevölkerungswachstum"])
        )
        == "zunehmendem Bevölkerungswachstum."
    )
    assert (
        join_inline_hyphens("Stadtentwicklung Bottom-up.", EMPTY) == "Stadtentwicklung Bottom-up."
    )


@pytest.mark.unit
def test_running_lines_repeat_with_changing_page_numbers() -> None:
    body = [
        "Glasfaser erreicht bis 2026 jede Schule.",
        "Die Verwaltung bietet Termine online an.",
        "Sensoren messen die Luftqualität am Markt.",
        "Ein Beirat begleitet die Datenstrategie.",
    ]
    pages = [
        [
            seg("Digitalstrategie Musterstadt", 50, 30, n),
            seg(body[n - 1], 50, 100, n),
            seg(body[-n], 50, 400, n),
            seg(f"Seite {n} von 4", 450, 800, n),
        ]
        for n in range(1, 5)
    ]
    found = running_lines(pages, [842.0] * 4)
    assert {s.text for s in found} == {f"Seite {n} von 4" for n in range(1, 5)} | {
        "Digitalstrategie Musterstadt"
    }
    assert len(found) == 8  # and no body line


@pytest.mark.unit
def test_toc_page_is_recognised_and_a_text_page_is_not() -> None:
    toc = [seg("Inhalt", 50, 60)] + [
        seg(f"{i} Kapitel Nummer {i} .......... {2 + 2 * i}", 50, 100 + 20 * i) for i in range(1, 7)
    ]
    text = [
        seg(f"Im Jahr {2020 + i} wurden {i} Projekte umgesetzt.", 50, 100 + 20 * i)
        for i in range(6)
    ]
    assert is_toc_page(toc, 20)
    assert not is_toc_page(text, 20)


@pytest.mark.unit
def test_table_rows_keep_their_field_and_row_spans_fill_down() -> None:
    rows = [
        ("Handlungsfeld", "Maßnahme", "Zeitraum"),
        ("Mobilität", "Radwege ausbauen", "2025"),
        ("", "Ampeln vernetzen", "2026"),
        ("Bildung", "Tablets für", "laufend"),
        ("", "alle Schulen", ""),  # a wrapped cell: same row, smaller gap
    ]
    tops = [100, 118, 136, 154, 166]
    segs = [
        seg(cell, x, top)
        for (cells, top) in zip(rows, tops, strict=True)
        for cell, x in zip(cells, (50, 200, 400), strict=True)
        if cell
    ]
    tables = find_tables(segs, [], lambda a, b: f"{a} {b}")
    assert len(tables) == 1
    t = tables[0]
    assert [row_text(t.header, r) for r in t.rows] == [
        "Handlungsfeld: Mobilität; Maßnahme: Radwege ausbauen; Zeitraum: 2025",
        "Handlungsfeld: Mobilität; Maßnahme: Ampeln vernetzen; Zeitraum: 2026",
        "Handlungsfeld: Bildung; Maßnahme: Tablets für alle Schulen; Zeitraum: laufend",
    ]


@pytest.mark.unit
def test_two_columns_read_left_then_right_below_a_full_width_heading() -> None:
    items = [seg("Überschrift über beide Spalten der Seite hinweg", 50, 60, gap=40)]
    items += [seg(f"links {i}", 50, 100 + 14 * i) for i in range(5)]
    items += [seg(f"rechts {i}", 320, 100 + 14 * i) for i in range(5)]
    order = [s.text for group in columns(items, 10.0) for s in group]  # type: ignore[attr-defined]
    assert order[0].startswith("Überschrift")
    assert order[1:] == [f"links {i}" for i in range(5)] + [f"rechts {i}" for i in range(5)]


@pytest.mark.integration
@pytest.mark.parametrize("seed", [2, 5])
def test_generated_pdfs_read_like_the_text(seed: int) -> None:
    from evals.pdf_bench import reading, score
    from evals.pdf_synth import make_pdf

    pdf, truth = make_pdf(seed)
    s = score(reading("pypdfium2")(pdf), truth)
    assert s.whole >= 0.98 * s.sentences
    assert s.running_left == 0 and s.toc_left == 0 and s.order_errors == 0
    assert s.rows_intact == s.rows > 0


@pytest.mark.integration
def test_ulm_pdf_has_no_running_footer_and_whole_sentences() -> None:
    from ingest.parsing import pdf_reading_sections

    sections, removed = pdf_reading_sections(ULM.read_bytes())
    paragraphs = [p for s in sections for p in s.text.split("\n\n")]
    assert not any("DIGITALE AGENDA | STADT ULM" in p or "13. August 2020" in p for p in paragraphs)
    assert "Sicherung der Lebensqualität in Ulm bei zunehmendem Bevölkerungswachstum." in paragraphs
    assert sum(r.text == "DIGITALE AGENDA | STADT ULM" for r in removed) >= 20
    assert [s.page for s in sections] == sorted(s.page for s in sections if s.page)


@pytest.mark.unit
def test_password_protected_pdf_is_a_clear_parse_error() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    from ingest.parsing import pdf_sections
    from rag.core.errors import ParseError
    from tests.ingest.fixture_site import PDF_TWO_PAGES, make_pdf

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(PDF_TWO_PAGES))))
    writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ParseError, match="verschlüsselt"):
        pdf_sections(out.getvalue())
    assert pdf_sections(make_pdf(PDF_TWO_PAGES))[1].page == 2


@pytest.mark.unit
def test_hyphen_before_a_bracket_stays() -> None:
    assert join_lines("der (Weiter-", ")Entwicklung", EMPTY) == "der (Weiter-)Entwicklung"


@pytest.mark.unit
def test_a_bullet_stays_with_its_item() -> None:
    from ingest.pdf_layout import segments
    from ingest.pdf_words import PageWords

    words = (
        Word("•", 50, 54, 100, 110, 10),
        Word("Offene", 70, 106, 100, 110, 10),
        Word("Daten", 110, 140, 100, 110, 10),
    )
    assert [s.text for s in segments(PageWords(1, 595, 842, words))] == ["• Offene Daten"]


@pytest.mark.unit
def test_ruled_table_rows_split_at_rules_not_gaps() -> None:
    from ingest.pdf_words import Rule

    lines = [  # one line pitch everywhere: only the rules tell the rows apart
        (("Feld", "Maßnahme", "Zeit"), 100),
        (("Mobilität", "Radwege", "2025"), 112),
        (("", "ausbauen", ""), 124),
        (("Bildung", "Tablets", "2026"), 136),
    ]
    segs = [
        seg(c, x, top)
        for cells, top in lines
        for c, x in zip(cells, (50, 200, 400), strict=True)
        if c
    ]
    rules = [Rule(45, y, 500, y + 0.5) for y in (99, 111, 135, 148)]
    (table,) = find_tables(segs, rules, lambda a, b: f"{a} {b}")
    assert table.rows == (("Mobilität", "Radwege ausbauen", "2025"), ("Bildung", "Tablets", "2026"))
