"""Extractive German answers: the most relevant sentences of the top passages, grouped so
that several municipalities' examples appear, each sentence followed by its [n].

Nothing is generated: every sentence of the answer is exact text of a cited passage, and the
citation's quote is that exact span. If nothing relevant was retrieved, the answer says so.

Example:
    >>> answerer = ExtractiveAnswerer(KeywordEncoder())          # doctest: +SKIP
    >>> answerer.answer("Wo fangen wir an?", hits).text           # doctest: +SKIP
    'Digitalagentur Brandenburg (DABB): Am Anfang der Strategieentwicklung steht ... [1]'
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.core.records import Answer, Citation, Hit
from rag.core.text import sentence_spans

NO_SOURCE = "Keine passende Quelle gefunden."
Terms = Callable[[str], frozenset[int]]


class Answerer(Protocol):
    """Turns a question and its retrieved passages into an Answer (`stream`: the same, with
    the text in chunks as it is written)."""

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer: ...

    def stream(self, question: str, hits: Sequence[Hit]) -> AnswerStream: ...


class AnswerStream:
    """Text chunks as they are checked, then `.answer` (the chunks joined are its text).

    Example:
        stream = answerer.stream(question, hits)
        for chunk in stream:
            print(chunk, end="")
        answer = stream.answer
    """

    def __init__(self, chunks: Generator[str, None, Answer]) -> None:
        self._chunks = chunks
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        while self._answer is None:
            try:
                yield next(self._chunks)
            except StopIteration as done:
                self._answer = done.value

    @property
    def answer(self) -> Answer:
        """The final Answer; reads any chunks not yet consumed."""
        for _ in self:
            pass
        assert self._answer is not None
        return self._answer

    def close(self) -> None:
        self._chunks.close()

    @classmethod
    def of(cls, answer: Answer) -> AnswerStream:
        """A ready answer as a stream of one chunk (its whole text)."""

        def chunks() -> Generator[str, None, Answer]:
            yield from [answer.text] if answer.text else []
            return answer

        return cls(chunks())


@dataclass(frozen=True)
class Pick:
    """The chosen span of one passage."""

    hit: Hit
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    score: float

    @property
    def quote(self) -> str:
        return self.hit.passage.text[self.start : self.end]


def source_label(hit: Hit) -> str:
    p = hit.passage
    return p.shown_municipality or p.doc.publisher or p.doc.title


def is_relevant(
    q_terms: frozenset[int], hits: Sequence[Hit], terms: Terms, min_dense: float
) -> bool:
    """Something relevant was found: a close dense match, or the question's words appear."""
    if not hits:
        return False
    top = hits[0]
    if top.dense_score is not None and top.dense_score >= min_dense:
        return True
    if not q_terms:
        return False
    shared = q_terms & frozenset().union(*(terms(h.passage.embed_text) for h in hits[:3]))
    return len(shared) >= max(1, round(0.5 * len(q_terms)))


def sentence_score(sentence: str, q_terms: frozenset[int], terms: Terms) -> float:
    """Shared question terms; questions and fragments (headers, list stubs) rank lower."""
    score = float(len(q_terms & terms(sentence)))
    end = sentence.rstrip()[-1:]
    if end == "?":
        score -= 0.6
    elif end not in (".", "!", "“", "”", '"', "…", ")"):
        score -= 0.4
    return score


def pick_span(hit: Hit, q_terms: frozenset[int], terms: Terms, max_chars: int = 420) -> Pick | None:
    """Best sentence of a passage by shared terms (first sentences win ties), extended by the
    next sentence when the best one is short."""
    text = hit.passage.text
    spans = [s for s in sentence_spans(text) if len(text[s[0] : s[1]].split()) >= 4]
    if not spans:
        return None
    scored = [
        (sentence_score(text[a:b], q_terms, terms) - 0.01 * i, i) for i, (a, b) in enumerate(spans)
    ]
    score, best = max(scored)
    chosen = [spans[best]]
    nxt = best + 1
    short = spans[best][1] - spans[best][0] < 90
    if short and nxt < len(spans) and spans[nxt][1] - spans[best][0] <= max_chars:
        chosen.append(spans[nxt])
    start, end = chosen[0][0], chosen[-1][1]
    if end - start > max_chars:  # one very long sentence: cut at a word boundary
        cut = text.rfind(" ", start, start + max_chars)
        end = cut if cut > start else start + max_chars
        chosen = [(start, end)]
    return Pick(hit, start, end, tuple(chosen), score)


def rank_picks(picks: Sequence[Pick]) -> list[Pick]:
    """Order candidates by how well their sentence answers (shared terms) plus a retrieval
    rank prior; sentences sharing no term are dropped when two better ones exist."""
    useful = [p for p in picks if p.score > 0]
    pool = useful if len(useful) >= 2 else list(picks)
    return sorted(pool, key=lambda p: (-(p.score + 2.0 / (p.hit.rank + 1)), p.hit.rank))


def choose_sources(picks: Sequence[Pick], max_sources: int) -> list[Pick]:
    """Diversity first: the best pick per municipality (or publisher), then per document,
    then by rank; always at least two documents when the candidates have them."""
    chosen: list[Pick] = []
    labels: set[str] = set()
    docs: set[str] = set()

    def take(p: Pick) -> None:
        chosen.append(p)
        labels.add(source_label(p.hit))
        docs.add(p.hit.passage.doc.doc_id)

    for p in picks:
        if len(chosen) < max_sources and source_label(p.hit) not in labels:
            take(p)
    for p in picks:
        if len(chosen) < max_sources and p.hit.passage.doc.doc_id not in docs:
            take(p)
    for p in picks:
        if len(chosen) < min(2, max_sources) and p not in chosen:
            take(p)
    return sorted(chosen, key=lambda p: p.hit.rank)


def with_marker(sentence: str, n: int) -> str:
    """Put [n] before the sentence's final mark ("... Kommune [1]."), so that any sentence
    splitter keeps the marker with its sentence."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in ".!?…":
        body, end = body[:-1], body[-1] + end
    return f"{body} [{n}]{end or '.'}"


def render_line(n: int, pick: Pick) -> str:
    """'Label: sentence [n]. sentence [n].' — every sentence carries its marker."""
    text = pick.hit.passage.text
    parts = [
        with_marker(" ".join(text[a : min(b, pick.end)].split()), n) for a, b in pick.sentences
    ]
    return f"{source_label(pick.hit)}: {' '.join(parts)}"


class ExtractiveAnswerer:
    """The default answerer: cited extracts, never generated text."""

    def __init__(
        self,
        terms: Terms,
        min_dense: float = 0.80,
        max_sources: int = 4,
        candidates: int = 12,
        spread: float = 0.04,
    ) -> None:
        self.terms = terms
        self.min_dense = min_dense
        self.max_sources = max_sources
        self.candidates = candidates
        self.spread = spread

    def candidate_hits(self, hits: Sequence[Hit]) -> list[Hit]:
        """The top hits, without those far below the best dense match (off-topic filler)."""
        top = hits[0].dense_score
        return [
            h
            for h in hits[: self.candidates]
            if top is None or h.dense_score is None or h.dense_score >= top - self.spread
        ]

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        q_terms = self.terms(question)
        if not is_relevant(q_terms, hits, self.terms, self.min_dense):
            return Answer(question, NO_SOURCE, (), note=NO_SOURCE, hits=tuple(hits))
        picks = [p for h in self.candidate_hits(hits) if (p := pick_span(h, q_terms, self.terms))]
        if not picks:
            return Answer(question, NO_SOURCE, (), note=NO_SOURCE, hits=tuple(hits))
        chosen = choose_sources(rank_picks(picks), self.max_sources)
        lines, citations = [], []
        for n, pick in enumerate(chosen, start=1):
            lines.append(render_line(n, pick))
            citations.append(Citation(n=n, hit=pick.hit, quote=pick.quote))
        return Answer(question, "\n".join(lines), tuple(citations), hits=tuple(hits))

    def stream(self, question: str, hits: Sequence[Hit]) -> AnswerStream:
        """The answer as one chunk: nothing is generated, so it is ready at once."""
        return AnswerStream.of(self.answer(question, hits))
