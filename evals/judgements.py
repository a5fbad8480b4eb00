"""Gold questions and phrase-based relevance judgements.

A question lists relevant entries: a `doc_id` plus exact phrases from that document. A
retrieved passage is relevant to an entry when it comes from that document and its text
contains one of the entry's phrases after whitespace is collapsed. Judging by phrase instead
of by chunk id keeps the gold set valid when chunk sizes or Markdown stripping change.

A question may also list `answer_phrases`: exact phrases of the corpus that a good *answer*
states (alternatives; one suffices). `states_answer` checks an answer text against them,
case-insensitively and with whitespace collapsed (see evals/ANSWERS-GOLD.md).

Example:
    >>> q = Question(
    ...     id="q001",
    ...     question="Wie lautet die Vision von Potsdam?",
    ...     kind="vision",
    ...     paraphrased=False,
    ...     relevant=(RelevantEntry("registry-potsdam", ("nachhaltige Stadt für morgen",)),),
    ... )
    >>> is_relevant("registry-potsdam", "eine nachhaltige  Stadt\\nfür morgen!", q)
    True
    >>> is_relevant("registry-guben", "eine nachhaltige Stadt für morgen!", q)
    False
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS: frozenset[str] = frozenset({"process", "fact", "vision", "registry", "comparison"})

_FIELDS = frozenset({"id", "question", "kind", "paraphrased", "relevant"})
_OPTIONAL_FIELDS = frozenset({"answer_phrases"})
_ENTRY_FIELDS = frozenset({"doc_id", "phrases"})
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")

# Function words that carry no topic; a shared run of three *other* words between a question
# and its answer phrase means the question was not really paraphrased.
_STOPWORD_TEXT = """
    der die das den dem des ein eine einer eines einem einen kein keine
    und oder aber sondern denn doch als wie so auch nicht nur noch schon sehr ganz
    in im ins an am auf aus bei beim mit von vom zu zum zur für über unter vor nach um
    durch gegen ohne bis seit ab zwischen rund etwa laut
    ich du er sie es wir ihr man sich mich mir uns euch ihm ihn ihnen
    mein meine unser unsere unserer unseren unserem sein seine seiner seinen seinem
    ihre ihrer ihren ihrem dies diese dieser dieses diesen diesem jede jeder jedes jeden
    was wer wen wem wo wann warum wieso weshalb wozu womit woran worauf wohin woher
    welche welcher welches welchen welchem wie viel viele
    ist sind war waren wird werden wurde wurden worden sein hat haben hatte hatten
    kann können könnte könnten soll sollen sollte sollten will wollen muss müssen
    darf dürfen mag gibt gab es da dass ob wenn weil damit dabei dort hier
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class RelevantEntry:
    """One document that answers a question, recognised by any of its phrases."""

    doc_id: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A gold question with its relevant entries (one per answering document)."""

    id: str
    question: str
    kind: str
    paraphrased: bool
    relevant: tuple[RelevantEntry, ...]
    answer_phrases: tuple[str, ...] = ()


def collapse_ws(text: str) -> str:
    """NFC-normalise and collapse every whitespace run to one space, trimmed.

    >>> collapse_ws("  a\\n\\t b\\u00a0c ")
    'a b c'
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def load_questions(path: str | Path) -> list[Question]:
    """Read a JSONL gold set; raise ValueError naming the file and line on bad input.

    Blank lines are skipped. Ids must be unique across the file.
    """
    path = Path(path)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: invalid JSON ({exc.msg})") from exc
            q = _parse_question(raw, where)
            if q.id in seen:
                raise ValueError(f"{where}: duplicate id {q.id!r} (first on line {seen[q.id]})")
            seen[q.id] = lineno
            questions.append(q)
    return questions


def _parse_question(raw: Any, where: str) -> Question:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a JSON object")
    unknown = set(raw) - _FIELDS - _OPTIONAL_FIELDS
    missing = _FIELDS - set(raw)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    if missing:
        raise ValueError(f"{where}: missing field(s) {sorted(missing)}")
    qid = _text(raw["id"], "id", where)
    question = _text(raw["question"], "question", where)
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    if not isinstance(raw["paraphrased"], bool):
        raise ValueError(f"{where}: paraphrased must be true or false")
    entries = raw["relevant"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{where}: relevant must be a non-empty list")
    relevant = tuple(_parse_entry(entry, where) for entry in entries)
    answers = _parse_answer_phrases(raw.get("answer_phrases"), where)
    return Question(qid, question, kind, raw["paraphrased"], relevant, answers)


def _parse_answer_phrases(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: answer_phrases must be a non-empty list when given")
    return tuple(_text(p, "answer phrase", where) for p in raw)


def _parse_entry(raw: Any, where: str) -> RelevantEntry:
    if not isinstance(raw, dict) or set(raw) != _ENTRY_FIELDS:
        raise ValueError(f"{where}: each relevant entry needs exactly 'doc_id' and 'phrases'")
    doc_id = _text(raw["doc_id"], "doc_id", where)
    phrases = raw["phrases"]
    if not isinstance(phrases, list) or not phrases:
        raise ValueError(f"{where}: phrases of {doc_id!r} must be a non-empty list")
    return RelevantEntry(doc_id, tuple(_text(p, "phrase", where) for p in phrases))


def _text(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {name} must be a non-empty string")
    return value


def matched_entries(doc_id: str, text: str, q: Question) -> frozenset[int]:
    """Indices of `q.relevant` entries that a passage (doc_id, text) matches.

    This is the input `evals.metrics.recall_at_k` needs, one set per ranked passage.
    """
    haystack = collapse_ws(text)
    return frozenset(
        i
        for i, entry in enumerate(q.relevant)
        if entry.doc_id == doc_id and any(collapse_ws(p) in haystack for p in entry.phrases)
    )


def is_relevant(doc_id: str, text: str, q: Question) -> bool:
    """True when the passage comes from a listed document and contains one of its phrases."""
    return bool(matched_entries(doc_id, text, q))


def answer_key(text: str) -> str:
    """The form answer phrases are compared in: whitespace collapsed, case folded.

    >>> answer_key("Am  Anfang\\n steht die VISION")
    'am anfang steht die vision'
    """
    return collapse_ws(text).casefold()


def states_answer(answer_text: str, q: Question) -> bool | None:
    """True when the answer contains one of `q.answer_phrases`; None when it has none.

    >>> q = Question("q", "Wo fangen wir an?", "process", False, (RelevantEntry("d", ("x",)),),
    ...              ("Am Anfang steht die Vision",))
    >>> states_answer("Kurz: am Anfang  steht die Vision [1].", q)
    True
    >>> states_answer("Die Vision ist das Leitbild.", q)
    False
    """
    if not q.answer_phrases:
        return None
    haystack = answer_key(answer_text)
    return any(answer_key(p) in haystack for p in q.answer_phrases)


def relevant_docs(q: Question) -> frozenset[str]:
    """The doc_ids that answer `q`."""
    return frozenset(entry.doc_id for entry in q.relevant)


def content_words(text: str) -> list[str]:
    """Lower-cased word tokens of `text` without German function words.

    >>> content_words("Wie lautet die Vision von Potsdam?")
    ['lautet', 'vision', 'potsdam']
    """
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def shared_word_run(question: str, phrases: Iterable[str], n: int = 3) -> tuple[str, ...] | None:
    """The first run of `n` consecutive content words of `question` found in one of `phrases`.

    Used to check that a question marked as paraphrased does not copy its answer.

    >>> shared_word_run("Was ist die Ulmer Vision einer cleveren Stadt?",
    ...                 ["Die Ulmer Vision einer cleveren digitalen Stadt"])
    ('ulmer', 'vision', 'cleveren')
    >>> shared_word_run("Welches Leitbild hat Ulm?", ["Die Ulmer Vision"]) is None
    True
    """
    words = content_words(question)
    runs = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    for phrase in phrases:
        pwords = content_words(phrase)
        for i in range(len(pwords) - n + 1):
            run = tuple(pwords[i : i + n])
            if run in runs:
                return run
    return None
