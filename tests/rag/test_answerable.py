"""The answerability model (rag.answerable) on literal cosines and hand-written hits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rag.answerable import Answerability, ScopeModel, own_cosine
from rag.core.records import DocMeta, Hit, Passage
from rag.embedding.sparse import KeywordEncoder

pytestmark = pytest.mark.unit
TERMS = KeywordEncoder().terms
MODEL = ScopeModel(
    "embeddinggemma-300m", "Digitalstrategie einer Kommune: ", (8.0, 20.0), -12.0, (0.30, 0.40)
)


def hit(rank: int, text: str, dense: float | None) -> Hit:
    doc = DocMeta(f"d{rank}", "Strategie", url=f"https://x/{rank}")
    return Hit(rank, 1.0 / rank, Passage(f"c{rank}", doc, text, ""), dense_score=dense)


def test_the_decision_is_the_sign_of_the_logit() -> None:
    assert MODEL.answerable(0.21, 0.58)  # 1.68 + 11.6 - 12 > 0
    assert not MODEL.answerable(0.13, 0.44)  # 1.04 + 8.8 - 12 < 0
    assert MODEL.probability(0.21, 0.58) > 0.5 > MODEL.probability(0.13, 0.44)


def test_the_shortcut_never_changes_a_decision() -> None:
    """clear_without_scope(own) implies answerable(own, s) for every s on or above the
    envelope line; below the bound the scoped cosine decides."""
    a, b = MODEL.envelope
    for own in [i / 50 for i in range(51)]:
        if MODEL.clear_without_scope(own):
            assert all(MODEL.answerable(own, a + b * own + j / 20) for j in range(13))
    assert MODEL.clear_without_scope(0.6) and not MODEL.clear_without_scope(0.21)
    assert not MODEL.answerable(0.21, a + b * 0.21)  # on the line at 0.21: the scope decides


def test_the_scoped_cosine_is_asked_only_when_the_question_alone_leaves_it_open() -> None:
    asked: list[str] = []

    def scoped(text: str) -> float:
        asked.append(text)
        return 0.58

    decide = Answerability(MODEL, scoped, TERMS, min_dense=0.35)
    assert decide("Wie lief der Strategieprozess in Ulm ab?", [hit(1, "Ulm", 0.7)])
    assert asked == []
    assert decide("Wo fangen wir an?", [hit(1, "Registerzeile", 0.1), hit(2, "Text", 0.21)])
    assert asked == ["Digitalstrategie einer Kommune: Wo fangen wir an?"]


def test_off_topic_is_refused_and_no_hits_means_no_answer() -> None:
    decide = Answerability(MODEL, lambda _: 0.44, TERMS, min_dense=0.35)
    assert not decide("Wie backe ich einen Apfelkuchen?", [hit(1, "Kuchen", 0.13)])
    assert not decide("Wo fangen wir an?", [])


def test_without_a_model_the_keyword_rule_decides() -> None:
    decide = Answerability(None, lambda _: 1.0, TERMS, min_dense=0.35)
    assert not decide("Wie backe ich eine Pizza?", [hit(1, "Digitale Verwaltung", 0.2)])
    assert decide("Wie backe ich eine Pizza?", [hit(1, "Pizza backen wir im Ofen", 0.2)])
    assert decide("Irgendwas?", [hit(1, "Text", 0.5)])


def test_an_answer_that_rested_on_the_scoped_reading_is_loose() -> None:
    decide = Answerability(MODEL, lambda _: 0.58, TERMS, min_dense=0.35)
    vague = [hit(1, "Text", 0.21)]
    assert decide("Wo fangen wir an?", vague) and decide.loose(vague)
    clear = [hit(1, "Ulm", 0.7)]
    assert decide("Wie lief der Strategieprozess in Ulm ab?", clear) and not decide.loose(clear)
    assert not decide.loose([])
    assert not Answerability(None, None, TERMS, 0.35).loose(vague)  # the keyword rule: never


def test_a_loose_answer_says_so_and_a_clear_one_does_not() -> None:
    from rag.compose import LOOSE, ShapedAnswerer

    decide = Answerability(MODEL, lambda _: 0.58, TERMS, min_dense=0.35)
    shaped = ShapedAnswerer(TERMS, answerable=decide)
    text = "Am Anfang der Strategieentwicklung steht die Vision der Kommune."
    assert shaped.answer("Wo fangen wir an?", [hit(1, text, 0.21)]).note == LOOSE
    assert shaped.answer("Wo fangen wir an?", [hit(1, text, 0.7)]).note != LOOSE


def test_own_cosine_is_the_best_dense_match_not_the_first_hit() -> None:
    assert own_cosine([hit(1, "a", 0.3), hit(2, "b", 0.5), hit(3, "c", None)]) == 0.5
    assert own_cosine([hit(1, "a", None)]) == 0.0


def test_the_model_round_trips_and_loads_only_for_its_embedder(tmp_path: Path) -> None:
    path = tmp_path / "answer_model.json"
    path.write_text(json.dumps({"scope": [MODEL.to_json()]}), encoding="utf-8")
    assert ScopeModel.load("embeddinggemma-300m", path=path) == MODEL
    assert ScopeModel.load("embeddinggemma-300m-bf16", path=path) == MODEL
    assert ScopeModel.load("multilingual-e5-small-q4", path=path) is None
    assert ScopeModel.load("x", path=tmp_path / "missing.json") is None


def test_a_model_fits_only_the_query_prompt_its_cosines_were_measured_with(
    tmp_path: Path,
) -> None:
    fact = replace(MODEL, coef=(9.0, 21.0), query_task="fact checking")
    path = tmp_path / "answer_model.json"
    path.write_text(json.dumps({"scope": [MODEL.to_json(), fact.to_json()]}), encoding="utf-8")
    assert ScopeModel.load("embeddinggemma-300m", "fact checking", path) == fact
    assert ScopeModel.load("embeddinggemma-300m", "search result", path) == MODEL
    assert ScopeModel.load("embeddinggemma-300m", "question answering", path) is None
    # entries written before the query task was recorded were fitted on "search result"
    old = {k: v for k, v in MODEL.to_json().items() if k != "query_task"}
    assert ScopeModel.from_json(old) == MODEL


def test_the_shipped_model_answers_the_flagship_question_on_measured_cosines() -> None:
    """The fitted EmbeddingGemma model: "Wo fangen wir an?" (own 0.21, scoped 0.58, measured)
    is answered, "Wie backe ich einen Apfelkuchen mit Sahne?" (0.10 / 0.45) is not."""
    model = ScopeModel.load("embeddinggemma-300m")
    assert model is not None
    assert model.answerable(0.21, 0.58)
    assert not model.answerable(0.10, 0.45)


def test_the_shipped_fact_checking_model_decides_the_same_on_its_measured_cosines() -> None:
    """The product's query prompt ("task: fact checking"): "Wo fangen wir an?" measured own
    0.234, scoped 0.591 (answered); the apple cake 0.119 / 0.452 (refused)."""
    model = ScopeModel.load("embeddinggemma-300m", "fact checking")
    assert model is not None and model.query_task == "fact checking"
    assert model.answerable(0.234, 0.591)
    assert not model.answerable(0.119, 0.452)
