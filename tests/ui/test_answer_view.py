"""Markdown of shaped answers (ui.web.answer_view): escaped text, bold markers, table links."""

from __future__ import annotations

import pytest

from rag.core.records import Answer, AnswerPart
from ui.web.answer_view import answer_blocks

pytestmark = pytest.mark.unit


def test_parts_render_as_lead_numbered_steps_and_table() -> None:
    parts = (
        AnswerPart("lead", "Am Anfang steht die *Vision* [1].", (1,), "DABB"),
        AnswerPart("step", "Handlungsfelder identifizieren [2].", (2,), "DABB"),
        AnswerPart("step", "Roadmap entwickeln [2].", (2,), "DABB"),
        AnswerPart("row", "x", (3,), "Ulm", (("Kommune", "Ulm"), ("Quelle", "https://ulm.de [3]"))),
    )
    blocks = answer_blocks(Answer("F", "egal", parts=parts))
    assert blocks[0] == "Am Anfang steht die \\*Vision\\* **[1]**\\."
    assert "1. Handlungsfelder identifizieren **[2]**\\. — *DABB*" in blocks[1]
    assert "2. Roadmap entwickeln" in blocks[1]
    assert "| Ulm | [Link](https://ulm.de) **[3]** |" in blocks[2]


def test_answer_without_parts_shows_its_lines() -> None:
    assert answer_blocks(Answer("F", "Eins [1].\nZwei [2].")) == [
        "Eins **[1]**\\.\n\nZwei **[2]**\\."
    ]


def test_unsafe_link_is_not_a_link() -> None:
    row = AnswerPart(
        "row", "x", (1,), "X", (("Kommune", "X"), ("Quelle", "javascript:alert(1) [1]"))
    )
    block = answer_blocks(Answer("F", "t", parts=(row,)))[0]
    assert "](javascript" not in block
