"""Fragen page under AppTest on a hashing index of the shipped corpus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.records import Answer, SearchFilters
from rag.core.settings import LLMSettings, Settings
from rag.service import Kompass
from tests.ui.conftest import APP

pytestmark = pytest.mark.unit


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input(key="fragen_eingabe").set_value(question).run()


def test_answer_has_numbered_citations_with_quote_in_context(app: AppTest) -> None:
    at = ask(app.run(), "Wie formulieren wir eine Vision?")
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    turn = at.session_state["fragen_verlauf"][0]
    answer: Answer = turn["answer"]
    assert answer.citations
    answer_md = at.chat_message[1].markdown[0].value
    assert "**[1]**" in answer_md
    labels = [e.label for e in at.expander]
    assert labels[0].startswith("\\[1\\] ")
    assert len(labels) == len(answer.citations)
    # The expander shows the whole stored passage with the quote (escaped) in bold.
    first = at.expander[0]
    body = first.markdown[0].value
    quote_start = answer.citations[0].quote.split()[0]
    assert "**" in body
    assert quote_start.replace(".", "\\.") in body
    captions = " ".join(c.value for c in first.caption)
    assert ("Kommune:" in captions or "Herausgeber:" in captions) and "Dokument:" in captions


def test_the_caption_names_what_the_question_boosted(app: AppTest) -> None:
    at = ask(app.run(), "Welche Landkreise in Brandenburg haben eine Digitalstrategie?")
    assert not at.exception
    answer: Answer = at.session_state["fragen_verlauf"][0]["answer"]
    assert answer.boosts and answer.boosts[0].states == ("Brandenburg",)
    captions = " ".join(c.value for c in at.chat_message[1].caption).replace("\\", "")
    assert "bevorzugt: Brandenburg; Landkreis" in captions  # (markdown escapes removed)


def test_conversation_stays_in_session(app: AppTest) -> None:
    at = ask(app.run(), "Wie formulieren wir eine Vision?")
    at = ask(at, "Welche Rolle spielt Mobilität in Ulm?")
    assert len(at.session_state["fragen_verlauf"]) == 2
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    at = at.button(key="fragen_leeren").click().run()
    assert at.session_state["fragen_verlauf"] == []


def test_no_source_is_said_honestly(app: AppTest) -> None:
    at = ask(app.run(), "xyzzy quatsch blubb")
    assert not at.exception
    assert any("Keine passende Quelle gefunden." in i.value for i in at.info)
    assert len(at.expander) == 0


def test_starter_question_button_asks(app: AppTest) -> None:
    at = app.run()
    labels = [b.label for b in at.button]
    assert "Wie formulieren wir eine Vision?" in labels
    at = at.button(key="fragen_start_1").click().run()
    turn = at.session_state["fragen_verlauf"][0]
    assert turn["question"] == "Wie formulieren wir eine Vision?"
    assert turn["answer"].citations


@pytest.fixture
def spy_ask(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[SearchFilters | None]]:
    seen: list[SearchFilters | None] = []
    original = Kompass.ask_stream  # what the page calls

    def spy(self: Kompass, question: str, k: int = 6, filters: SearchFilters | None = None):
        seen.append(filters)
        return original(self, question, k=k, filters=filters)

    monkeypatch.setattr(Kompass, "ask_stream", spy)
    yield seen


def test_sidebar_filters_reach_retrieval(app: AppTest, spy_ask: list[Any]) -> None:
    at = app.run()
    at.multiselect(key="fragen_states").set_value(["Baden-Württemberg"])
    at.multiselect(key="fragen_kinds").set_value(["Stadt"])
    at.selectbox(key="fragen_size").set_value("50.000–200.000 EW")
    at = at.run()
    lo, hi = at.slider(key="fragen_years").value
    at = at.slider(key="fragen_years").set_value((lo, hi - 1)).run()
    at = ask(at, "Welche Ziele hat die Smart City Strategie?")
    assert spy_ask[-1] == SearchFilters(
        states=("Baden-Württemberg",),
        kinds=("Stadt",),
        year_min=lo,
        year_max=hi - 1,
        population_min=50_000,
        population_max=199_999,
    )
    for hit in at.session_state["fragen_verlauf"][0]["answer"].hits:
        assert hit.passage.doc.state == "Baden-Württemberg"
        assert 50_000 <= (hit.passage.doc.population or 0) <= 199_999


def test_state_filter_narrows_citations(app: AppTest) -> None:
    at = app.run()
    at = at.multiselect(key="fragen_states").set_value(["Brandenburg"]).run()
    at = ask(at, "Wie formulieren wir eine Vision?")
    answer = at.session_state["fragen_verlauf"][0]["answer"]
    assert answer.citations
    assert {c.hit.passage.doc.state for c in answer.citations} == {"Brandenburg"}


class FakeStream:
    def __init__(self, chunks: list[str], answer: Answer) -> None:
        self.chunks, self._answer = chunks, answer

    def __iter__(self) -> Iterator[str]:
        yield from self.chunks

    @property
    def answer(self) -> Answer:
        return self._answer


def test_llm_answer_streams_and_shows_its_note(app: AppTest) -> None:
    from ui.web import state

    at = app.run()
    kompass = state.get_kompass()
    extractive = kompass.extractive

    class StreamingAnswerer:
        def answer(self, question: str, hits: Any) -> Answer:  # pragma: no cover - unused
            raise AssertionError("the page streams when it can")

        def stream(self, question: str, hits: Any) -> FakeStream:
            base = extractive.answer(question, list(hits))
            final = replace(base, mode="llm", note="Die Antwort wurde gekürzt.")
            return FakeStream(["Eine Vision ", "braucht Ziele [1]."], final)

    llm_settings: Settings = kompass.settings.model_copy(
        update={"llm": LLMSettings(base_url="http://127.0.0.1:9/v1")}
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kompass, "answerer", StreamingAnswerer())
        mp.setattr(kompass, "settings", llm_settings)
        at = ask(at, "Wie formulieren wir eine Vision?")
    assert not at.exception
    assert any("gekürzt" in i.value for i in at.info)
    assert any("Sprachmodell" in c.value for c in at.caption)
    assert at.session_state["fragen_verlauf"][0]["answer"].mode == "llm"


def test_missing_index_says_how_to_build_it(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.web import state

    monkeypatch.setenv("KOMPASS_DATA_DIR", str(tmp_path / "leer"))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        state.release()
    assert not at.exception
    assert any("kompass ingest" in e.value for e in at.error)


def test_ten_threads_share_one_kompass(app_settings: Settings) -> None:
    """What concurrent sessions do: the one cached Kompass serves many threads at once with
    the same results as one after another (compared by score: the engine orders equal
    scores arbitrarily, also without threads)."""
    from concurrent.futures import ThreadPoolExecutor

    from ui.web import state

    kompass = state.get_kompass()
    assert state.get_kompass() is kompass  # opened once per process
    questions = [
        "Wo fangen wir an?",
        "Wie formulieren wir eine Vision?",
        "Welche Rolle spielt Mobilität?",
        "Wie beteiligen wir die Bürgerschaft?",
        "Was plant Ulm für die Bildung?",
    ] * 2
    filters = [SearchFilters(), SearchFilters(states=("Baden-Württemberg",))] * 5

    def session(_: int) -> list[tuple[list[float], bool]]:
        k = state.get_kompass()
        out = []
        for q, f in zip(questions, filters, strict=True):
            scores = [round(h.score, 6) for h in k.search(q, k=12, filters=f).hits]
            answer = k.ask(q, filters=f)
            assert all(
                not f.states or c.hit.passage.doc.state in f.states for c in answer.citations
            )
            out.append((scores, bool(answer.citations)))
        return out

    expected = session(0)
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(session, range(10)))
    assert results == [expected] * 10
