import pytest

from ingest.chunking import chunking_signature, split_passages
from ingest.records import ParsedDoc, Section
from rag.core.records import DocMeta

pytestmark = pytest.mark.unit

META = DocMeta("d1", "Strategie", municipality="Ulm", publisher="Stadt Ulm")


def doc(*sections: Section) -> ParsedDoc:
    return ParsedDoc(META, sections, "d1")


def test_chunks_respect_max_chars_and_keep_exact_text() -> None:
    para = "Dies ist ein Satz über die digitale Verwaltung. " * 10
    d = doc(Section(("Verwaltung",), "\n\n".join([para.strip()] * 5)))
    passages = split_passages(d, max_chars=600, min_chars=100)
    assert len(passages) > 3
    assert all(len(p.text) <= 600 for p in passages)
    for p in passages:
        for sentence in p.text.split("\n\n"):
            assert sentence in d.text


def test_header_is_embedded_not_stored() -> None:
    (p,) = split_passages(doc(Section(("Kapitel", "Ziele"), "Ulm will offene Daten.")))
    assert p.text == "Ulm will offene Daten."
    assert p.header == "Ulm | Strategie | Kapitel > Ziele"
    assert p.embed_text.startswith(p.header) and p.section == "Kapitel > Ziele"
    (bare,) = split_passages(doc(Section(("K",), "Ulm will offene Daten.")), header=False)
    assert bare.header == "" and bare.chunk_id != p.chunk_id


def test_ids_are_stable_and_change_with_text() -> None:
    a = split_passages(doc(Section(("A",), "Text eins.")))
    b = split_passages(doc(Section(("A",), "Text eins.")))
    c = split_passages(doc(Section(("A",), "Text zwei.")))
    assert a[0].chunk_id == b[0].chunk_id != c[0].chunk_id


def test_no_chunk_crosses_a_page_or_top_level_heading() -> None:
    d = doc(
        Section((), "Seite eins Text.", page=1),
        Section((), "Seite zwei Text.", page=2),
        Section(("Mobilität",), "Bus."),
        Section(("Bildung",), "Schule."),
    )
    texts = [(p.page, p.section, p.text) for p in split_passages(d)]
    assert texts == [
        (1, None, "Seite eins Text."),
        (2, None, "Seite zwei Text."),
        (None, "Mobilität", "Bus."),
        (None, "Bildung", "Schule."),
    ]


def test_short_subsections_merge_under_their_chapter() -> None:
    d = doc(Section(("Kap", "A"), "Kurz a."), Section(("Kap", "A", "B"), "Kurz b."))
    (p,) = split_passages(d)
    assert p.text == "Kurz a.\n\nKurz b." and p.section == "Kap > A"


def test_municipality_from_heading_overrides_label() -> None:
    dabb = ParsedDoc(
        DocMeta("x", "Leitbild", publisher="DABB"),
        (Section(("Praxisbeispiel Guben",), "Vier Zielbilder."),),
        "x",
    )
    (p,) = split_passages(
        dabb, municipality_of=lambda path: "Guben" if "Guben" in path[-1] else None
    )
    assert p.shown_municipality == "Guben" and p.header.startswith("Guben | Leitbild")


def test_signature_names_all_parameters() -> None:
    assert chunking_signature(900, 200, 0, True) == "v1-max900-min200-ov0-hdr1"
