"""Answer floor: the default extractive answers on the gold set, on the real e5 index.

evals/answer_floor.json holds the shaped answerer's share of answers containing a required
statement from the last answer evaluation (`python -m evals.answers`). The test fails when
the share drops more than 0.03 below it, when any answer states a question, or when a
registry row is used as prose for a question that is not about municipalities.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.answers import QUESTIONS, run, summarise
from evals.judgements import load_questions
from rag.core.settings import Settings
from rag.service import Kompass

pytestmark = pytest.mark.integration

FLOOR = Path(__file__).resolve().parents[2] / "evals" / "answer_floor.json"
TOLERANCE = 0.03


def test_answers_stay_above_the_floor(e5_index: Settings) -> None:
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    questions = load_questions(QUESTIONS)
    assert sum(bool(q.answer_phrases) for q in questions) == floor["judged"], "gold changed"
    with Kompass(e5_index) as kompass:
        rows = run(questions, kompass, modes=["shaped"])
    overall = summarise(rows)["shaped"]["overall"]
    missed = [r["id"] for r in rows if r["required"] is False]
    assert overall["required"] >= floor["required"] - TOLERANCE, (
        f"required {overall['required']:.3f} < floor {floor['required']:.3f} - {TOLERANCE}; "
        f"answers without a required statement: {missed}"
    )
    assert overall["question_stated"] == 0, [r["id"] for r in rows if r["question_stated"]]
    assert overall["registry_prose"] == 0, [r["id"] for r in rows if r["registry_prose"]]
