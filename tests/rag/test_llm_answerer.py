"""LLMAnswerer with fake LLMs and small local HTTP servers: cited answers, fallbacks, time-outs."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, ChatResponseGen

from rag.answer import NO_SOURCE
from rag.core.records import Answer, Citation, DocMeta, Hit, Passage
from rag.core.settings import LLMSettings, Settings
from rag.llm import (
    NOTE_EMPTY,
    NOTE_HTTP_ERROR,
    NOTE_PARTIAL,
    NOTE_TIMEOUT,
    NOTE_UNCITED,
    NOTE_UNREACHABLE,
    ExtractiveOnly,
    LLMAnswerer,
    make_answerer,
    openai_like,
)

pytestmark = pytest.mark.unit

QUESTION = "Was planen die Kommunen für Schulen?"
POTSDAM = "Potsdam startet 2024. Alle Schulen erhalten bis 2026 Glasfaser. Mehr folgt später."
GUBEN = "Guben baut ein Bürgerportal. Die Stadt schult ihre Lehrkräfte digital."


def make_hit(n: int, text: str, municipality: str) -> Hit:
    doc = DocMeta(doc_id=f"d{n}", title=f"Strategie {municipality}", municipality=municipality)
    return Hit(n, 1.0 / n, Passage(chunk_id=f"c{n}", doc=doc, text=text, header=""))


HITS = [make_hit(1, POTSDAM, "Potsdam"), make_hit(2, GUBEN, "Guben")]


def extractive(question: str, hits: list[Hit]) -> Answer:
    """Stands in for rag.answer: quotes the first sentence of the top hit, or finds nothing."""
    if not hits or "Wetter" in question:
        return Answer(question, NO_SOURCE, note=NO_SOURCE, hits=tuple(hits))
    quote = hits[0].passage.text.split(". ")[0] + "."
    return Answer(question, f"{quote} [1]", (Citation(1, hits[0], quote),), hits=tuple(hits))


class FakeLLM:
    """chat / stream_chat with canned text; optional delay, error or a stall mid-stream."""

    def __init__(
        self,
        text: str = "",
        delay: float = 0.0,
        error: Exception | None = None,
        stall_after: int | None = None,
    ) -> None:
        self.text, self.delay, self.error, self.stall_after = text, delay, error, stall_after
        self.calls: list[list[ChatMessage]] = []

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        self.calls.append(list(messages))
        time.sleep(self.delay)
        if self.error:
            raise self.error
        return ChatResponse(message=ChatMessage(role="assistant", content=self.text))

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        self.calls.append(list(messages))

        def gen() -> ChatResponseGen:
            time.sleep(self.delay)
            if self.error:
                raise self.error
            for i in range(0, len(self.text), 3):
                if self.stall_after is not None and i >= self.stall_after:
                    time.sleep(30)
                piece = self.text[i : i + 3]
                yield ChatResponse(
                    message=ChatMessage(role="assistant", content=piece), delta=piece
                )

        return gen()


def answerer(llm: FakeLLM, timeout_s: float = 5.0, **kw: Any) -> LLMAnswerer:
    return LLMAnswerer(LLMSettings(timeout_s=timeout_s), extractive, llm=llm, **kw)


CITED = (
    "Guben schult seine Lehrkräfte digital [2]. Potsdam bringt Glasfaser an alle Schulen [1, 2]."
)


def test_cited_answer_renumbered_with_exact_quotes() -> None:
    llm = FakeLLM("Einleitung ohne Beleg. " + CITED + " Erfunden [7].")
    answer = answerer(llm).answer(QUESTION, HITS)
    assert answer.mode == "llm" and answer.note is None
    assert answer.text == (
        "Guben schult seine Lehrkräfte digital [1]. Potsdam bringt Glasfaser an alle Schulen [2][1]."
    )
    assert [(c.n, c.hit.passage.chunk_id) for c in answer.citations] == [(1, "c2"), (2, "c1")]
    assert answer.citations[0].quote == "Die Stadt schult ihre Lehrkräfte digital."
    assert answer.citations[1].quote == "Alle Schulen erhalten bis 2026 Glasfaser."
    assert all(c.quote in c.hit.passage.text for c in answer.citations)
    assert answer.hits == tuple(HITS) and answer.took_ms > 0
    assert answer.to_json()["citations"][0]["municipality"] == "Guben"


def test_stream_sends_checked_sentences_that_join_to_the_answer() -> None:
    stream = answerer(FakeLLM(CITED + " Ohne Beleg.")).stream(QUESTION, HITS)
    chunks = list(stream)
    answer = stream.answer
    assert len(chunks) == 2 and "".join(chunks) == answer.text
    assert answer.mode == "llm" and "Ohne Beleg" not in answer.text
    assert [c.n for c in answer.citations] == [1, 2]


@pytest.mark.parametrize(
    ("llm", "note"),
    [
        (FakeLLM("Die Kommunen planen viel. Mehr weiß ich nicht [5]."), NOTE_UNCITED),
        (FakeLLM(NO_SOURCE), NOTE_UNCITED),
        (FakeLLM("   "), NOTE_EMPTY),
        (FakeLLM(error=RuntimeError("kaputt")), NOTE_EMPTY),
        (FakeLLM(error=ConnectionRefusedError()), NOTE_UNREACHABLE),
    ],
)
@pytest.mark.parametrize("streaming", [False, True])
def test_failures_fall_back_to_extractive(llm: FakeLLM, note: str, streaming: bool) -> None:
    expected = extractive(QUESTION, HITS)
    if streaming:
        stream = answerer(llm).stream(QUESTION, HITS)
        chunks = list(stream)
        answer = stream.answer
        assert chunks == [expected.text]
    else:
        answer = answerer(llm).answer(QUESTION, HITS)
    assert answer.mode == "extractive" and answer.note == note
    assert answer.text == expected.text and answer.citations == expected.citations


@pytest.mark.parametrize("streaming", [False, True])
def test_slow_llm_is_cut_off_at_the_deadline(streaming: bool) -> None:
    slow = answerer(FakeLLM(CITED, delay=3.0), timeout_s=0.5)
    t0 = time.monotonic()
    answer = slow.stream(QUESTION, HITS).answer if streaming else slow.answer(QUESTION, HITS)
    assert time.monotonic() - t0 < 1.2
    assert answer.mode == "extractive" and answer.note == NOTE_TIMEOUT


def test_stream_that_stalls_keeps_the_sentences_already_sent() -> None:
    stream = answerer(FakeLLM(CITED, stall_after=60), timeout_s=0.5).stream(QUESTION, HITS)
    t0 = time.monotonic()
    chunks = list(stream)
    answer = stream.answer
    assert time.monotonic() - t0 < 1.2
    assert chunks == ["Guben schult seine Lehrkräfte digital [1]."]
    assert answer.mode == "llm" and answer.note == NOTE_PARTIAL and answer.text == chunks[0]
    assert [c.hit.passage.chunk_id for c in answer.citations] == ["c2"]


def test_nothing_relevant_skips_the_llm() -> None:
    llm = FakeLLM(CITED)
    answer = answerer(llm).answer("Wie wird das Wetter?", HITS)
    assert llm.calls == [] and answer.mode == "extractive" and answer.note == NO_SOURCE
    assert answerer(llm).answer(QUESTION, []).text == NO_SOURCE and llm.calls == []


def test_extractive_note_is_kept_after_the_fallback_note() -> None:
    def noted(question: str, hits: list[Hit]) -> Answer:
        a = extractive(question, hits)
        return Answer(a.question, a.text, a.citations, note="Nur ein Auszug.", hits=a.hits)

    llm = FakeLLM("Ohne Beleg.")
    answer = LLMAnswerer(LLMSettings(), noted, llm=llm).answer(QUESTION, HITS)
    assert answer.note == f"{NOTE_UNCITED} Nur ein Auszug."


def test_only_the_first_sources_reach_the_llm() -> None:
    hits = [make_hit(i, f"Kommune {i} plant Glasfaser.", f"K{i}") for i in range(1, 9)]
    llm = FakeLLM("K8 plant Glasfaser [8]. K2 plant Glasfaser [2].")
    answer = answerer(llm, max_sources=6).answer(QUESTION, hits)
    prompt = llm.calls[0][1].content or ""
    assert '<quelle nr="6">' in prompt and '<quelle nr="7">' not in prompt
    assert answer.text == "K2 plant Glasfaser [1]."


def test_make_answerer_picks_by_base_url() -> None:
    assert isinstance(make_answerer(Settings(), extractive), ExtractiveOnly)
    llm_settings = LLMSettings(base_url="http://127.0.0.1:9/v1")
    assert isinstance(make_answerer(Settings(llm=llm_settings), extractive), LLMAnswerer)
    plain = make_answerer(Settings(), extractive)
    stream = plain.stream(QUESTION, HITS)
    assert list(stream) == [stream.answer.text] and stream.answer.mode == "extractive"


def test_openai_like_client_configured_from_settings() -> None:
    s = LLMSettings(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=7, retries=2)
    llm = openai_like(s)
    assert type(llm).__name__ == "OpenAILike"
    assert llm.metadata.is_chat_model and llm.api_key == "not-needed"  # type: ignore[attr-defined]
    client = llm._get_client()  # type: ignore[attr-defined]
    assert client.max_retries == 2 and client.timeout.read == 7
    assert str(client.base_url).startswith("http://127.0.0.1:9/v1")


# ---------------------------------------------------------------- real sockets


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def hanging_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    listener.close()
    for conn in held:
        conn.close()


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


def chunk(content: str) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }


@pytest.fixture
def http_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """An OpenAI-style chat endpoint answering CITED, or the status given as param."""
    status: int = getattr(request, "param", 200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            if status != 200:
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": {"message": "kaputt"}}')
            elif body.get("stream"):
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(CITED), 7):
                    self.wfile.write(f"data: {json.dumps(chunk(CITED[i : i + 7]))}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
            else:
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(completion(CITED)).encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def real(base_url: str, timeout_s: float = 2.0, retries: int = 1) -> LLMAnswerer:
    settings = LLMSettings(base_url=base_url, timeout_s=timeout_s, retries=retries)
    return LLMAnswerer(settings, extractive)


@pytest.mark.parametrize("streaming", [False, True])
def test_server_down_falls_back_within_the_timeout(streaming: bool) -> None:
    a = real(f"http://127.0.0.1:{closed_port()}/v1", timeout_s=2.0)
    t0 = time.monotonic()
    answer = a.stream(QUESTION, HITS).answer if streaming else a.answer(QUESTION, HITS)
    assert time.monotonic() - t0 < 2.0 + 1.0
    assert answer.mode == "extractive" and answer.note == NOTE_UNREACHABLE
    assert answer.text == extractive(QUESTION, HITS).text


@pytest.mark.parametrize("streaming", [False, True])
def test_hanging_server_falls_back_at_the_timeout(hanging_server: str, streaming: bool) -> None:
    a = real(hanging_server, timeout_s=2.0)
    t0 = time.monotonic()
    answer = a.stream(QUESTION, HITS).answer if streaming else a.answer(QUESTION, HITS)
    elapsed = time.monotonic() - t0
    assert 1.9 < elapsed < 3.0
    assert answer.mode == "extractive" and answer.note == NOTE_TIMEOUT


@pytest.mark.parametrize("http_server", [500], indirect=True)
def test_http_error_falls_back(http_server: str) -> None:
    answer = real(http_server, retries=0).answer(QUESTION, HITS)
    assert answer.mode == "extractive" and answer.note == NOTE_HTTP_ERROR


def test_openai_compatible_server_roundtrip(http_server: str) -> None:
    a = real(http_server)
    answer = a.answer(QUESTION, HITS)
    stream = a.stream(QUESTION, HITS)
    chunks = list(stream)
    assert answer.mode == "llm" and answer.text.endswith("Schulen [2][1].")
    assert stream.answer.text == "".join(chunks) == answer.text
    assert stream.answer.citations == answer.citations
