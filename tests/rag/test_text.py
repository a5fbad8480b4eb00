import pytest

from rag.text import sentence_spans, split_sentences

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
