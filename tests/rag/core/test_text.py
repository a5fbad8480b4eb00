import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.core.text import sentence_spans, split_sentences

pytestmark = pytest.mark.unit


def test_spans_are_exact_substrings() -> None:
    text = "Erster Satz. Zweiter Satz z. B. hier!  Dritter?"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Erster Satz.", "Zweiter Satz z. B. hier!", "Dritter?"]


def test_german_quotes_keep_slogans_whole() -> None:
    text = "Ihre Vision lautet: „Innovativ. Grün. Gerecht. Zusammen für morgen!“ Danach mehr."
    assert split_sentences(text) == [
        "Ihre Vision lautet: „Innovativ. Grün. Gerecht. Zusammen für morgen!“",
        "Danach mehr.",
    ]


def test_line_breaks_end_sentences_and_abbreviations_do_not() -> None:
    assert split_sentences("Titelzeile\nDas ist bzw. war gut (vgl. Kap. 6).") == [
        "Titelzeile",
        "Das ist bzw. war gut (vgl. Kap. 6).",
    ]


def test_unclosed_quote_does_not_swallow_the_document() -> None:
    text = "„Offen. " + "Satz. " * 100
    assert len(split_sentences(text)) > 20


def test_ordinals_initials_and_straight_closing_quotes() -> None:
    text = 'Am 1. Mai stellt Dr. A. Müller das „Lernen im Vorbeigehen" vor. Danach folgt mehr.'
    assert split_sentences(text) == [
        'Am 1. Mai stellt Dr. A. Müller das „Lernen im Vorbeigehen" vor.',
        "Danach folgt mehr.",
    ]


MARK = re.compile(r"\[\d+\]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Satz eins [1]. Satz zwei.", ["Satz eins [1].", "Satz zwei."]),
        ("Satz eins. [1] [2] Satz zwei.", ["Satz eins. [1] [2]", "Satz zwei."]),
        ("Satz eins. [1]", ["Satz eins. [1]"]),
    ],
)
def test_trailing_marks_stay_with_their_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text, trailing=MARK) == expected


def test_line_breaks_may_stay_inside_a_sentence() -> None:
    text = "Die Stadt plant\nGlasfaser. Danach mehr."
    assert split_sentences(text) == ["Die Stadt plant", "Glasfaser.", "Danach mehr."]
    assert split_sentences(text, line_breaks=False) == [
        "Die Stadt plant\nGlasfaser.",
        "Danach mehr.",
    ]


WORDS = ["Satz", "ab", "Ende.", "Ende!?", "z.", "B.", "1.", "Nr.", "[1]", "[2].", "\nNeu"]
WORDS += ["„Zitat.", "Zitat.“", 'Zitat."', "(Klammer.)", "-"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=20))
def test_appending_text_never_moves_earlier_boundaries(words: list[str]) -> None:
    """What the LLM post-check relies on to split a streamed answer as it grows."""
    text = " ".join(words)
    full = sentence_spans(text, trailing=MARK)
    for cut in range(len(text) + 1):
        done = sentence_spans(text[:cut], trailing=MARK)[:-1]
        assert done == full[: len(done)]
