"""Regression floor: the default pipeline's Recall@10 on the gold set, on a real index built
with the default embedding model (EmbeddingGemma; its passage vectors come from the test
embedding cache, see tests/conftest.py).

evals/floor.json holds the default configuration's numbers from the last full evaluation
(`python -m evals`). The test fails when Recall@10 drops more than 0.03 below the floor, or
when the default settings no longer match the configuration the floor was measured for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.configs import default_config
from evals.indexes import evaluate_index
from evals.judgements import load_questions
from evals.runner import QUESTIONS
from rag.core.settings import EmbeddingSettings, Settings

pytestmark = pytest.mark.integration

FLOOR = Path(__file__).resolve().parents[2] / "evals" / "floor.json"
TOLERANCE = 0.03


@pytest.fixture
def default_index(request: pytest.FixtureRequest) -> Settings:
    """The shipped corpus indexed with the default embedding model."""
    gemma = EmbeddingSettings().backend == "embeddinggemma"
    return request.getfixturevalue("gemma_index" if gemma else "e5_index")  # type: ignore[no-any-return]


def test_recall_at_10_stays_above_the_floor(default_index: Settings) -> None:
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    assert floor["hash"] == default_config().hash, (
        f"the default settings changed since the floor was measured ({floor['config']}); "
        "run `python -m evals` and update evals/floor.json"
    )
    questions = load_questions(QUESTIONS)
    assert len(questions) == floor["questions"]
    result = evaluate_index(default_index, questions)
    overall = result["overall"]
    missed = [r["id"] for r in result["questions"] if None in r["entry_ranks"]]
    assert overall["recall@10"] >= floor["recall@10"] - TOLERANCE, (
        f"Recall@10 {overall['recall@10']:.3f} < floor {floor['recall@10']:.3f} - {TOLERANCE}; "
        f"questions with a missed entry: {missed}"
    )
    # nDCG is reported, not enforced: it moves more with harmless ties
    print(f"Recall@10 {overall['recall@10']:.3f}, nDCG@10 {overall['ndcg@10']:.3f}")
