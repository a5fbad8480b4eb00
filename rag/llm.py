"""Generative answers from an OpenAI-compatible server, held to the sources they cite.

The prompt and the citation post-check are in `rag.citations`; this module talks to the
server (llama-index's OpenAILike), keeps the deadline and streams checked sentences. Any
failure (server down, time-out, HTTP error, nothing cited) gives the extractive answer with a
German note instead, within the configured time-out.

Example:
    >>> answerer = make_answerer(settings, ExtractiveAnswerer(terms).answer)  # doctest: +SKIP
    >>> answerer.answer("Was plant Potsdam?", hits).mode                       # doctest: +SKIP
    'llm'
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    MessageRole,
)

from rag.answer import AnswerStream
from rag.citations import (
    ClaimChecker,
    ClaimRenderer,
    build_citations,
    build_messages,
    check_citations,
    renumber,
)
from rag.core.records import Answer, Citation, Hit
from rag.shapes import GUIDANCE

if TYPE_CHECKING:
    from rag.core.settings import LLMSettings, Settings

log = logging.getLogger(__name__)

Extractive = Callable[[str, list[Hit]], Answer]

_FALLBACK = "es wird eine auszugsweise Antwort gezeigt."
NOTE_UNREACHABLE = f"Das Sprachmodell war nicht erreichbar; {_FALLBACK}"
NOTE_TIMEOUT = f"Das Sprachmodell hat nicht rechtzeitig geantwortet; {_FALLBACK}"
NOTE_HTTP_ERROR = f"Das Sprachmodell hat einen Fehler gemeldet; {_FALLBACK}"
NOTE_EMPTY = f"Das Sprachmodell hat keine verwertbare Antwort geliefert; {_FALLBACK}"
NOTE_UNCITED = f"Die Antwort des Sprachmodells war nicht durch Quellen belegt; {_FALLBACK}"
NOTE_PARTIAL = "Die Antwort des Sprachmodells wurde abgebrochen und ist womöglich unvollständig."


class ChatLLM(Protocol):
    """The two llama-index LLM methods the answerer needs (OpenAILike, or a test fake)."""

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse: ...

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen: ...


class _LLMFailure(Exception):
    def __init__(self, note: str, cause: BaseException | None = None) -> None:
        super().__init__(f"{note} ({cause!r})" if cause else note)
        self.note = note


def _note_for(exc: BaseException) -> str:
    import httpx
    import openai

    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return NOTE_TIMEOUT
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | OSError):
        return NOTE_UNREACHABLE
    if isinstance(exc, openai.APIStatusError | httpx.HTTPStatusError):
        return NOTE_HTTP_ERROR
    return NOTE_EMPTY


_Put = Callable[[str], None]


class _Worker:
    """Runs an LLM call on a daemon thread; the caller waits no longer than the deadline.

    A call that overruns keeps its thread until the client's own time-out ends it; the
    caller has long moved on with the fallback.
    """

    def __init__(self, produce: Callable[[_Put, threading.Event], None], deadline: float):
        self.deadline = deadline
        self.cancelled = threading.Event()
        self._q: queue.Queue[tuple[str, Any]] = queue.Queue()

        def run() -> None:
            try:
                produce(lambda item: self._q.put(("item", item)), self.cancelled)
                self._q.put(("end", None))
            except BaseException as exc:  # reported to the caller, never raised on this thread
                self._q.put(("error", exc))

        threading.Thread(target=run, name="kompass-llm", daemon=True).start()

    def __iter__(self) -> Iterator[str]:
        while True:
            remaining = self.deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise queue.Empty
                kind, value = self._q.get(timeout=remaining)
            except queue.Empty:
                self.cancelled.set()
                raise _LLMFailure(NOTE_TIMEOUT) from None
            if kind == "end":
                return
            if kind == "error":
                raise _LLMFailure(_note_for(value), value)
            yield value


def openai_like(settings: LLMSettings) -> ChatLLM:
    """llama-index's OpenAI-compatible client for the configured server.

    Retries are left to the openai SDK client (settings.retries, with its short back-off);
    llama-index's own retry loop (1-20 s waits) is switched off so time-outs stay predictable.
    A loopback server is reached directly, never through a proxy from the environment.
    """
    import httpx
    from llama_index.llms.openai_like import OpenAILike
    from openai import OpenAI

    if not settings.base_url:
        raise ValueError("LLMSettings.base_url is not set")
    timeout = httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 5.0))
    host = (urlsplit(settings.base_url).hostname or "").lower()
    local = host in {"localhost", "::1"} or host.startswith("127.")
    api_key = settings.api_key or "not-needed"
    client = OpenAI(
        api_key=api_key,
        base_url=settings.base_url,
        timeout=timeout,
        max_retries=settings.retries,
        http_client=httpx.Client(timeout=timeout, trust_env=not local),
    )
    return OpenAILike(
        model=settings.model or "default",
        api_base=settings.base_url,
        api_key=api_key,
        is_chat_model=True,
        is_function_calling_model=False,
        timeout=settings.timeout_s,
        max_retries=0,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        openai_client=client,
    )


def configured_chat(settings: LLMSettings) -> ChatLLM | None:
    """The configured chat model for optional helpers (the Vision-Werkstatt's drafts), or
    None: no endpoint set, or no usable client (the helper then works without it)."""
    if not settings.base_url:
        return None
    try:
        return openai_like(settings)
    except Exception:  # optional: without a usable client the caller works without it
        return None


def _chat_messages(
    question: str, hits: Sequence[Hit], shape: str | None = None
) -> list[ChatMessage]:
    guidance = GUIDANCE.get(shape or "")
    return [
        ChatMessage(role=MessageRole(m["role"]), content=m["content"])
        for m in build_messages(question, hits, guidance)
    ]


def _sources(base: Answer, hits: Sequence[Hit], n: int) -> list[Hit]:
    """The passages the extractive answer selected (in its citation order), then the other
    top hits, at most n: the LLM works from the same material as the extractive answer."""
    chosen: dict[str, Hit] = {}
    for hit in [c.hit for c in base.citations] + list(hits):
        chosen.setdefault(hit.passage.chunk_id, hit)
    return list(chosen.values())[:n]


class LLMAnswerer:
    """Answers with an LLM when it delivers cited text, else with the extractive answerer.

    The extractive answer is computed first (milliseconds): when it finds nothing relevant
    (no citations), that answer is returned and the LLM is not asked. The LLM sees the first
    `max_sources` hits. LLM failures never raise; the answer comes within `settings.timeout_s`.

    Example:
        answerer = LLMAnswerer(LLMSettings(base_url="http://127.0.0.1:8080/v1"), extractive)
        answer = answerer.answer("Was plant Potsdam?", hits)   # mode "llm" or "extractive"
    """

    def __init__(
        self,
        settings: LLMSettings,
        extractive: Extractive,
        llm: ChatLLM | None = None,
        max_sources: int = 6,
    ) -> None:
        self.settings = settings
        self.extractive = extractive
        self.llm = llm if llm is not None else openai_like(settings)
        self.max_sources = max_sources

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        start = time.monotonic()
        hits = list(hits)
        base = self.extractive(question, hits)
        sources = _sources(base, hits, self.max_sources)
        if not base.citations or not sources:
            return _took(base, start)
        messages = _chat_messages(question, sources, base.shape)

        def produce(put: _Put, cancelled: threading.Event) -> None:
            put(self.llm.chat(messages).message.content or "")

        try:
            text = "".join(_Worker(produce, start + self.settings.timeout_s))
        except _LLMFailure as exc:
            log.warning("LLM answer failed, falling back: %s", exc)
            return _fallback(base, start, exc.note)
        checked = check_citations(text, len(sources))
        if checked.fallback:
            log.warning("LLM answer without valid citation: %r", text[:200])
            return _fallback(base, start, NOTE_UNCITED if text.strip() else NOTE_EMPTY)
        body, mapping = renumber(checked)
        citations = build_citations(sources, checked.claims, mapping)
        return _llm_answer(base, start, body, citations, None)

    def stream(self, question: str, hits: Sequence[Hit]) -> AnswerStream:
        """Checked sentences as they complete; the final Answer's text is their concatenation.

        If the LLM fails after some sentences were sent, the answer keeps them (mode "llm")
        with NOTE_PARTIAL; if it fails before, the extractive text is sent instead.
        """
        return AnswerStream(self._stream(question, list(hits)))

    def _stream(self, question: str, hits: list[Hit]) -> Generator[str, None, Answer]:
        start = time.monotonic()
        base = self.extractive(question, hits)
        sources = _sources(base, hits, self.max_sources)
        if not base.citations or not sources:
            yield from [base.text] if base.text else []
            return _took(base, start)
        messages = _chat_messages(question, sources, base.shape)
        checker, renderer, parts = ClaimChecker(len(sources)), ClaimRenderer(), []
        failure: str | None = None

        def produce(put: _Put, cancelled: threading.Event) -> None:
            responses = self.llm.stream_chat(messages)
            try:
                for response in responses:
                    if cancelled.is_set():
                        return
                    put(response.delta or "")
            finally:
                responses.close()  # closes the HTTP response: the server stops generating

        worker = _Worker(produce, start + self.settings.timeout_s)
        try:
            for delta in worker:
                for claim in checker.feed(delta):
                    parts.append(renderer.render(claim))
                    yield parts[-1]
                if checker.stopped:
                    break
            for claim in checker.finish():
                parts.append(renderer.render(claim))
                yield parts[-1]
        except _LLMFailure as exc:
            log.warning("LLM stream failed: %s", exc)
            failure = exc.note
        finally:
            worker.cancelled.set()
        if parts:
            citations = build_citations(sources, checker.claims, renderer.mapping)
            return _llm_answer(
                base, start, "".join(parts), citations, NOTE_PARTIAL if failure else None
            )
        answer = _fallback(
            base, start, failure or (NOTE_UNCITED if checker.raw.strip() else NOTE_EMPTY)
        )
        yield from [answer.text] if answer.text else []
        return answer


def _took(answer: Answer, start: float) -> Answer:
    return dataclasses.replace(answer, took_ms=(time.monotonic() - start) * 1000)


def _fallback(base: Answer, start: float, note: str) -> Answer:
    notes = " ".join(n for n in (note, base.note) if n)
    return _took(dataclasses.replace(base, mode="extractive", note=notes), start)


def _llm_answer(
    base: Answer, start: float, text: str, citations: tuple[Citation, ...], note: str | None
) -> Answer:
    answer = Answer(
        base.question, text, citations, mode="llm", note=note, hits=base.hits, shape=base.shape
    )
    return _took(answer, start)


class ExtractiveOnly:
    """The extractive callable behind LLMAnswerer's interface (answer and stream)."""

    def __init__(self, extractive: Extractive) -> None:
        self.extractive = extractive

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        return self.extractive(question, list(hits))

    def stream(self, question: str, hits: Sequence[Hit]) -> AnswerStream:
        return AnswerStream.of(self.answer(question, hits))


def make_answerer(settings: Settings, extractive: Extractive) -> LLMAnswerer | ExtractiveOnly:
    """LLMAnswerer when KOMPASS_LLM_BASE_URL is set, else the extractive answerer."""
    if settings.llm.base_url:
        return LLMAnswerer(settings.llm, extractive)
    return ExtractiveOnly(extractive)
