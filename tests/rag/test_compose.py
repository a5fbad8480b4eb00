"""The shaped extractive composer on hand-written passages (hashing vectors, no model)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rag.candidates import Weights
from rag.compose import ShapedAnswerer, compose
from rag.core.records import DocMeta, Hit, Passage
from rag.core.sentences import units
from rag.core.text import split_sentences
from rag.embedding import HashingEmbedder
from rag.embedding.sparse import KeywordEncoder
from rag.render import with_marker

pytestmark = pytest.mark.unit
TERMS = KeywordEncoder().terms
EMB = HashingEmbedder(256)


def vectors(texts: list[str]) -> np.ndarray:
    return EMB.embed_batch(texts, kind="passage")


def query(q: str) -> np.ndarray:
    return EMB.embed_batch([q], kind="query")[0]


def hit(rank: int, text: str, doc_id: str, mun: str | None = None, **kw: object) -> Hit:
    doc = DocMeta(
        doc_id,
        kw.pop("title", f"Strategie {doc_id}"),
        municipality=mun,  # type: ignore[arg-type]
        url=f"https://x/{doc_id}",
        **kw,
    )  # type: ignore[arg-type]
    return Hit(rank, 1.0 / rank, Passage(f"c{rank}", doc, text, ""), dense_score=0.9)


SEED = (
    "Viele Kommunen fragen sich: Wo fangen wir an und wer ist dafür zuständig?\n"
    "Am Anfang der Strategieentwicklung steht die Digitalisierungsvision der Kommune.\n"
    "Im Fokus der Schreibwerkstatt stehen:\n"
    "• Identifizieren und Definieren von Handlungsfeldern\n"
    "• Entwickeln einer Roadmap für die Kommune\n"
    "• Planung von Projektschritten (Checkliste)"
)
HITS = [
    hit(1, SEED, "dabb", publisher="DABB"),
    hit(
        2,
        "Guben hat vier Zielbilder für die Stadt formuliert. Die Vision lautet: Grenzenlos smart.",
        "guben",
        "Guben",
        year=2023,
    ),
    hit(
        3,
        "Hamburg (Stadt, Hamburg), 2020: Digitalstrategie für Hamburg.",
        "registry-hamburg",
        "Hamburg",
        source_type="registry",
        state="Hamburg",
        kind="Stadt",
        year=2020,
    ),
]


class FixedShape:
    def __init__(self, shape: str) -> None:
        self.shape = shape

    def detect(self, question: str, vector: np.ndarray):
        return type("G", (), {"shape": self.shape})()


def answerer(shape: str) -> ShapedAnswerer:
    return ShapedAnswerer(TERMS, vectors, query, FixedShape(shape), Weights.default())  # type: ignore[arg-type]


def test_units_label_questions_stubs_items_and_statements() -> None:
    forms = [(u.form, u.text[:20]) for u in units(SEED)]
    assert forms[0] == ("question", "Viele Kommunen frage")
    assert ("statement", "Am Anfang der Strate") in forms
    assert ("stub", "Im Fokus der Schreib") in forms
    assert [f for f, t in forms if t.startswith(("Identifi", "Entwick", "Planung"))] == ["item"] * 3


def test_units_are_exact_spans_without_bullets() -> None:
    for u in units(SEED):
        assert SEED[u.start : u.end] == u.text and not u.text.startswith("•")


def test_heading_line_is_not_prose() -> None:
    text = "Einstiegsfragen zur Entwicklung einer Digitalstrategie (FAQ)\nDie Stadt plant ein Portal für alle."
    assert [u.form for u in units(text)] == ["heading", "statement"]


@pytest.mark.parametrize("shape", ["steps", "visions", "fields", "fact", "table"])
def test_no_answer_states_a_question_and_every_line_is_cited(shape: str) -> None:
    ans = answerer(shape).answer("Wo fangen wir an und wer ist zuständig?", HITS)
    assert ans.shape == shape and ans.citations
    assert "?" not in re.sub(r"\[\d+\]", "", ans.text)
    for line in ans.text.splitlines():
        if line and not line.endswith(":") and not line.startswith(("|---", "| Kommune")):
            assert re.search(r"\[\d+\]", line), line
    for c in ans.citations:
        assert c.quote in c.hit.passage.text and f"[{c.n}]" in ans.text


def test_steps_list_the_items_in_order_with_who_recommends() -> None:
    ans = answerer("steps").answer("Welche Schritte führen zur Digitalstrategie und Roadmap?", HITS)
    steps = [p for p in ans.parts if p.role == "step"]
    assert steps and steps[0].label == "DABB"
    text = ans.text
    assert (
        text.index("Identifizieren")
        < text.index("Entwickeln einer Roadmap")
        < text.index("Planung")
    )
    assert ans.parts[0].role == "lead"


def test_registry_rows_only_as_table_rows_when_asked_about_municipalities() -> None:
    fact = answerer("fact").answer("Wo fangen wir bei der Digitalstrategie an?", HITS)
    assert all(c.hit.passage.doc.source_type != "registry" for c in fact.citations)
    table = answerer("table").answer("Welche Städte haben eine Digitalstrategie?", HITS)
    rows = [p for p in table.parts if p.role == "row"]
    assert [dict(p.cells)["Kommune"] for p in rows] == ["Hamburg"]
    assert "| Hamburg | Hamburg | Stadt | 2020 | Strategie registry-hamburg |" in table.text
    prose = [p for p in table.parts if p.role in ("lead", "context", "step")]
    cited = {c.n: c for c in table.citations}
    assert all(cited[n].hit.passage.doc.source_type != "registry" for p in prose for n in p.cites)


def test_visions_quote_verbatim_with_municipality_and_year() -> None:
    ans = answerer("visions").answer("Wie formulieren andere Kommunen ihre Vision?", HITS)
    visions = [p for p in ans.parts if p.role == "vision"]
    assert visions and visions[0].label == "Guben (2023)"
    assert "Guben (2023):" in ans.text


KASSEL = hit(
    20,
    "Kassel (Stadt, Hessen), 2021: Digitalstrategie Kassel. "
    "Leitbild/Motto: „Eine menschengerechte, gemeinwohlorientierte Stadt“.",
    "registry-kassel",
    "Kassel",
    source_type="registry",
    state="Hessen",
    kind="Stadt",
    year=2021,
)


@pytest.mark.parametrize(("shape", "asked"), [("visions", True), ("fact", False)])
def test_registry_rows_of_their_own_enrich_vision_answers_only(shape: str, asked: bool) -> None:
    """Rows crowded out of the top hits come in by a registry-only search, for the shapes whose
    examples are registry entries; other shapes do not search for them."""
    calls: list[str] = []

    def rows(question: str) -> list[Hit]:
        calls.append(question)
        return [HITS[2], KASSEL]  # Hamburg is among the hits already: not added twice

    shaped = answerer(shape)
    shaped.registry_rows = rows
    ans = shaped.answer("Wie formulieren andere Kommunen ihre Vision?", HITS)
    assert bool(calls) is asked
    kassel = [p for p in ans.parts if p.label.startswith("Kassel")]
    if asked:
        assert kassel and "gemeinwohlorientierte Stadt" in ans.text, ans.text
        assert sum(h.passage.doc.doc_id == "registry-hamburg" for h in ans.hits) == 1
        assert [h.rank for h in ans.hits] == [1, 2, 3, 4]
    else:
        assert not kassel


def test_lead_is_the_best_statement_verbatim() -> None:
    draft = compose(
        "Womit beginnt die Strategieentwicklung?",
        "fact",
        answerer("fact").ranked(
            "Womit beginnt die Strategieentwicklung?", HITS, query("Strategieentwicklung")
        ),
        answerer("fact").limits,
    )
    lead = draft.items[0]
    assert lead.role == "lead"
    assert (
        lead.cands[0].unit.text
        == "Am Anfang der Strategieentwicklung steht die Digitalisierungsvision der Kommune."
    )


def test_with_marker_keeps_the_marker_inside_the_sentence() -> None:
    assert with_marker("Bis 2030 kommt Glasfaser!", 3) == "Bis 2030 kommt Glasfaser [3]!"
    assert split_sentences(with_marker("Eins.", 1) + " " + with_marker("Zwei.", 2)) == [
        "Eins [1].",
        "Zwei [2].",
    ]


def by_words(shape: str) -> ShapedAnswerer:
    """Sentences scored by the question's words alone (10 x the share of its terms)."""
    words = Weights((0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0), 0.0)
    return ShapedAnswerer(TERMS, vectors, query, FixedShape(shape), words)  # type: ignore[arg-type]


def test_a_corpus_question_echoing_the_users_does_not_hide_the_steps() -> None:
    """The sentence floor is set by what may be shown: a question sentence of the corpus that
    repeats every word of the user's question (top score) must not lift the floor above all
    statements and leave the steps empty."""
    text = (
        "Wo fangen wir mit der Digitalstrategie an?\n"
        "Am Anfang der Digitalstrategie steht die Vision.\n"
        "Danach folgen die Handlungsfelder der Strategie.\n"
        "Die Stadt liegt an einem Fluss.\n"
        "Der Bahnhof wurde renoviert."
    )
    hits = [
        hit(1, text, "dabb", publisher="DABB"),
        hit(2, "Die Roadmap der Digitalstrategie folgt danach.", "kgst", publisher="KGSt"),
    ]
    answer = by_words("steps").answer("Wo fangen wir mit der Digitalstrategie an?", hits)
    steps = [p for p in answer.parts if p.role == "step"]
    assert steps, answer.text
    assert "Wo fangen wir" not in answer.text


def test_a_second_document_joins_when_everything_above_the_floor_is_one_document() -> None:
    """The best other document's sentence (above the second source's bar) is shown on top of
    the budget when the floor leaves only the lead's document; a document below it is not."""
    first = (
        "Die Beteiligung der Bürger an der Digitalstrategie beginnt früh.\n"
        "Die Bürger werden an der Digitalstrategie über Werkstätten beteiligt.\n"
        "Das Rathaus wurde 1900 gebaut.\nDer Marktplatz ist groß.\n"
        "Die Stadt hat zwei Bahnhöfe.\nDer Fluss fließt nach Norden."
    )
    hits = [
        hit(1, first, "ulm", "Ulm"),
        hit(2, "Guben fragt die Bürger in einer Umfrage.", "guben", "Guben"),
        hit(3, "Potsdam hat einen Park mit Schlössern.", "potsdam", "Potsdam"),
    ]
    answer = by_words("fact").answer("Wie beteiligen wir die Bürger an der Digitalstrategie?", hits)
    docs = {c.hit.passage.doc.doc_id for c in answer.citations}
    assert docs == {"ulm", "guben"}, answer.text
