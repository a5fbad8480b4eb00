import re

import pytest

from rag.answer import NO_SOURCE, ExtractiveAnswerer, choose_sources, pick_span
from rag.core.records import DocMeta, Hit, Passage
from rag.core.text import split_sentences
from rag.embedding.sparse import KeywordEncoder

pytestmark = pytest.mark.unit
TERMS = KeywordEncoder().terms


def hit(rank: int, text: str, mun: str | None, doc_id: str, dense: float | None = 0.9) -> Hit:
    doc = DocMeta(doc_id, f"Strategie {doc_id}", municipality=mun, url=f"https://x/{doc_id}")
    return Hit(rank, 1.0 / rank, Passage(f"c{rank}", doc, text, ""), dense_score=dense)


HITS = [
    hit(1, "Einleitung ohne Bezug. Am Anfang steht die Vision der Kommune.", "Potsdam", "a"),
    hit(2, "Die Vision von Guben nennt vier Zielbilder. Weiteres folgt.", "Guben", "b"),
    hit(3, "Potsdam beschreibt noch eine Vision für morgen.", "Potsdam", "a2"),
]


def test_every_sentence_carries_a_valid_marker_and_quotes_are_exact() -> None:
    ans = ExtractiveAnswerer(TERMS).answer("Wie formulieren wir eine Vision?", HITS)
    assert ans.citations
    for line in ans.text.splitlines():
        for sentence in split_sentences(line):
            assert re.search(r"\[\d+\][.!?]?$", sentence.rstrip()), sentence
    for c in ans.citations:
        assert c.quote in c.hit.passage.text
        assert f"[{c.n}]" in ans.text


def test_several_municipalities_appear() -> None:
    ans = ExtractiveAnswerer(TERMS, max_sources=2).answer("Vision?", HITS)
    assert {c.hit.passage.doc.municipality for c in ans.citations} == {"Potsdam", "Guben"}


def test_best_sentence_is_picked_not_the_first() -> None:
    pick = pick_span(HITS[0], TERMS("Vision Kommune"), TERMS)
    assert pick is not None and pick.quote == "Am Anfang steht die Vision der Kommune."


def test_nothing_relevant_says_so() -> None:
    far = [hit(1, "Die Abfallwirtschaft sammelt Wertstoffe getrennt.", "Ulm", "u", dense=0.5)]
    ans = ExtractiveAnswerer(TERMS, min_dense=0.8).answer("Wie backe ich eine Pizza?", far)
    assert ans.text == NO_SOURCE and not ans.citations and ans.note == NO_SOURCE
    assert ExtractiveAnswerer(TERMS).answer("Vision?", []).citations == ()


def test_choose_sources_fills_up_to_two_documents() -> None:
    picks = [
        p
        for h in [*HITS[:1], hit(2, "Noch ein Satz zur Vision hier.", "Potsdam", "z")]
        if (p := pick_span(h, TERMS("Vision"), TERMS))
    ]
    chosen = choose_sources(picks, max_sources=4)
    assert {p.hit.passage.doc.doc_id for p in chosen} == {"a", "z"}


def test_marker_goes_before_the_final_mark() -> None:
    from rag.answer import with_marker

    assert with_marker("Am Anfang steht die Vision.", 2) == "Am Anfang steht die Vision [2]."
    assert with_marker("Wer ist zuständig?", 1) == "Wer ist zuständig [1]?"
    assert with_marker("„Grenzenlos smart.“", 3) == "„Grenzenlos smart.“ [3]."
