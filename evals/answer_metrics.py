"""Answer-level metrics: does the answer an official reads answer the question?

Retrieval metrics say whether a good passage was found; these say whether the answer text
holds the statement that answers (`answer_phrases` of the gold set), where its sentences come
from, and whether it says things an answer must never say. All pure functions over plain
values; `evals.answers` feeds them with real answers.

- `has_required`: the answer text contains one of the question's required statements,
  compared as `evals.judgements.states_answer` does (whitespace collapsed, case folded, [n]
  markers left in place: the text as a user or a check reads it).
- `relevant_share`: share of the answer's sentences whose citations point to a passage judged
  relevant for the question.
- `states_question`: a sentence of the answer is a question.
- `registry_prose`: a registry row is cited by a prose part (lead, context, step) or, for an
  answer without parts, anywhere in the text.

Example:
    >>> has_required("Am Anfang steht die Vision [1].", ("Am Anfang steht die Vision",))
    True
    >>> states_question("Wo fangen wir an [1]?\\nDie Vision [2].")
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from evals.judgements import answer_key, collapse_ws
from ingest.registry import registry_head
from rag.core.text import sentence_spans

MARKER = re.compile(r"\s*\[(\d{1,3})\]")
PROSE_ROLES = frozenset({"lead", "context", "step"})


def plain(text: str) -> str:
    """Answer text without [n] markers or table bars, whitespace collapsed."""
    return collapse_ws(MARKER.sub("", text))


def has_required(answer_text: str, phrases: Sequence[str]) -> bool:
    """The answer contains one of the required statements (whitespace and case insensitive)."""
    text = answer_key(answer_text)
    return any(answer_key(p) in text for p in phrases if p.strip())


def row_statement(cells: Mapping[str, str]) -> str:
    """What a table row of a registry entry states, in the registry's own prose form
    ("Potsdam (Stadt, Brandenburg), 2023: Smart-City-Strategie ..."): the row shows the same
    entry as cells, so a required statement naming the entry is found in either form."""

    def cell(name: str) -> str:
        value = cells.get(name, "–")
        return "" if value == "–" else value

    return registry_head(cell("Kommune"), cell("Art"), cell("Land"), cell("Jahr"), cell("Titel"))


def answer_sentences(answer_text: str) -> list[str]:
    """Sentences of an answer, each with its trailing [n] markers (lines end sentences)."""
    return [answer_text[a:b] for a, b in sentence_spans(answer_text, trailing=MARKER)]


def states_question(answer_text: str) -> bool:
    """Some sentence of the answer, markers removed, ends with a question mark."""
    for sentence in answer_sentences(answer_text):
        body = MARKER.sub("", sentence).strip().rstrip("“”\"'»«)")
        if body.endswith("?"):
            return True
    return False


def relevant_share(answer_text: str, cited_relevant: Callable[[int], bool]) -> float:
    """Share of the sentences carrying a marker whose cited passage is relevant (any of its
    markers); 0.0 when no sentence carries a marker."""
    flags = []
    for sentence in answer_sentences(answer_text):
        numbers = [int(n) for n in MARKER.findall(sentence)]
        if numbers:
            flags.append(any(cited_relevant(n) for n in numbers))
    return sum(flags) / len(flags) if flags else 0.0


def registry_prose(
    parts: Sequence[tuple[str, tuple[int, ...]]],
    answer_text: str,
    is_registry: Callable[[int], bool],
) -> bool:
    """A registry row is used as prose. `parts` are (role, cited numbers); an answer without
    parts is all prose, so any registry citation in its text counts."""
    if parts:
        return any(role in PROSE_ROLES and any(map(is_registry, cites)) for role, cites in parts)
    return any(is_registry(int(n)) for n in MARKER.findall(answer_text))
