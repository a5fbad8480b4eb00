"""Answer-level metrics on literal answers (evals.answer_metrics, evals.answers.summarise)."""

from __future__ import annotations

import pytest

from evals.answer_metrics import (
    answer_sentences,
    has_required,
    plain,
    registry_prose,
    relevant_share,
    row_statement,
    states_question,
)
from evals.answers import summarise

pytestmark = pytest.mark.unit

TEXT = "Am Anfang steht die\nDigitalisierungsvision [1].\n- Guben: Grenzenlos smart [2]."


def test_required_statement_is_found_across_markers_and_line_breaks() -> None:
    assert plain("Satz eins [1]. Satz zwei [2][3].") == "Satz eins. Satz zwei."
    assert has_required(TEXT, ["am Anfang steht die Digitalisierungsvision"])
    assert not has_required(TEXT, ["Am Ende steht die Digitalisierungsvision"])
    assert not has_required(TEXT, [])
    assert has_required("Guben nennt vier Zielbilder [1].", ["", "vier Zielbilder"])


def test_a_question_is_detected_with_or_without_marker() -> None:
    assert states_question("Wo fangen wir an [1]?")
    assert states_question("Gut [1].\nWer ist zuständig?")
    assert not states_question("Die Frage „wer“ klärt die Verwaltung [1].")
    assert not states_question(TEXT)


def test_relevant_share_counts_marked_sentences_only() -> None:
    assert answer_sentences("A ist gut [1]. B ist schlecht [2].") == [
        "A ist gut [1].",
        "B ist schlecht [2].",
    ]
    assert relevant_share("A ist gut [1]. B ist schlecht [2]. Ohne Marke.", lambda n: n == 1) == 0.5
    assert relevant_share("Ohne Marke.", lambda n: True) == 0.0


def test_registry_prose_by_role_or_anywhere_without_parts() -> None:
    is_reg = {1: False, 2: True}.__getitem__
    assert not registry_prose([("lead", (1,)), ("row", (2,))], "x", is_reg)
    assert registry_prose([("lead", (1,)), ("context", (2,))], "x", is_reg)
    assert registry_prose([], "Hamburg hat eine Strategie [2].", is_reg)
    assert not registry_prose([], "Die Vision [1].", is_reg)


def test_summarise_per_mode_and_kind() -> None:
    row = {
        "mode": "shaped",
        "kind": "fact",
        "required": True,
        "relevant": 1.0,
        "question_stated": False,
        "registry_prose": False,
    }
    rows = [
        row,
        {**row, "required": False, "relevant": 0.0, "question_stated": True},
        {**row, "kind": "registry", "required": None, "registry_prose": True},
        {**row, "mode": "baseline", "registry_prose": True},
    ]
    s = summarise(rows)
    shaped = s["shaped"]
    assert shaped["overall"]["required"] == 0.5 and shaped["overall"]["n_judged"] == 2
    assert shaped["overall"]["question_stated"] == 1
    assert shaped["overall"]["registry_prose"] == 0  # registry questions may use rows
    assert s["baseline"]["overall"]["registry_prose"] == 1
    assert set(shaped["by_kind"]) == {"fact", "registry"}


def test_a_table_row_states_its_entry_in_the_registrys_prose_form() -> None:
    cells = {"Kommune": "Potsdam", "Land": "Brandenburg", "Art": "Stadt", "Jahr": "2023",
             "Titel": "Smart-City-Strategie", "Quelle": "https://x [3]"}  # fmt: skip
    stated = row_statement(cells)
    assert has_required(stated, ["Potsdam (Stadt, Brandenburg)"])
    assert has_required(stated, ["Potsdam (Stadt, Brandenburg), 2023: Smart-City-Strategie"])
    assert not has_required(stated, ["Guben (Stadt, Brandenburg)"])
    assert not has_required(stated, ["Potsdam (Landkreis, Brandenburg)"])
    no_year = row_statement({**cells, "Jahr": "–"})
    assert has_required(no_year, ["Potsdam (Stadt, Brandenburg): Smart-City-Strategie"])
