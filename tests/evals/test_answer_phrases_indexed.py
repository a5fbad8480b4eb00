"""Answer phrases survive ingest: each one lies inside a single passage of the shipped corpus as
the ingest parses (Markdown stripped, PDF dehyphenated) and chunks it, so an extractive answer
can quote it. Checked at the default passage size and at a much smaller one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from evals.judgements import answer_key, load_questions
from ingest.catalogue import load_catalogue
from ingest.chunking import split_passages
from ingest.parsing import parse
from ingest.pipeline import local_type
from ingest.records import Fetched, ParsedDoc
from ingest.registry import load_registry, municipality_matcher, registry_doc

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SETS = ("questions.jsonl", "questions-heldout.jsonl")
DEFAULT_MAX_CHARS = 2000  # rag.core.settings.ChunkSettings.max_chars


@cache
def parsed_corpus() -> tuple[ParsedDoc, ...]:
    registry = load_registry(ROOT / "corpus" / "sources.csv")
    docs = []
    for src in load_catalogue(ROOT / "corpus" / "documents.csv", registry, root=ROOT):
        content = Path(src.location).read_bytes()
        docs.append(parse(Fetched(src, content, local_type(src.location, content))))
    return tuple(docs + [registry_doc(row) for row in registry])


@cache
def passage_keys(max_chars: int) -> tuple[str, ...]:
    matcher = municipality_matcher(load_registry(ROOT / "corpus" / "sources.csv"))
    return tuple(
        answer_key(p.text)
        for doc in parsed_corpus()
        for p in split_passages(doc, max_chars, 200, 0, True, matcher)
    )


@pytest.mark.parametrize("max_chars", [DEFAULT_MAX_CHARS, 600])
@pytest.mark.parametrize("name", SETS)
def test_every_answer_phrase_lies_inside_one_indexed_passage(name: str, max_chars: int) -> None:
    keys = passage_keys(max_chars)
    lost = [
        (q.id, phrase)
        for q in load_questions(ROOT / "evals" / name)
        for phrase in q.answer_phrases
        if not any(answer_key(phrase) in key for key in keys)
    ]
    assert lost == []
