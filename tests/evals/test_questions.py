"""The German gold sets: well-formed, grounded in the shipped corpus, honestly paraphrased.

`questions.jsonl` is the development gold set; `questions-heldout.jsonl` is the held-out set
used only for final reporting (evals/ANSWERS-GOLD.md). Both pass the same checks.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from evals.judgements import (
    KINDS,
    Question,
    RelevantEntry,
    answer_key,
    collapse_ws,
    is_relevant,
    load_questions,
    matched_entries,
    relevant_docs,
    shared_word_run,
    states_answer,
)
from ingest.registry import load_registry, registry_text

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "evals" / "questions.jsonl"
HELDOUT = ROOT / "evals" / "questions-heldout.jsonl"
SETS = {"gold": QUESTIONS, "heldout": HELDOUT}
over_sets = pytest.mark.parametrize("name", sorted(SETS))
DOCUMENTS = ROOT / "corpus" / "documents.csv"
REGISTRY = ROOT / "corpus" / "sources.csv"
REGISTRY_FIELDS = ("title", "municipality", "vision_slogan")
FORBIDDEN = set("#*[]()`|\n\r")
# Answer phrases are prose an answer states; parentheses are prose there, Markdown is not.
ANSWER_FORBIDDEN = set("#*[]`|\n\r")
# A phrase found in more documents than this is too generic to show that an answer answers.
MAX_ANSWER_DOCS = 3


@cache
def questions(name: str = "gold") -> tuple[Question, ...]:
    return tuple(load_questions(SETS[name]))


@cache
def document_units() -> dict[str, tuple[str, ...]]:
    """doc_id -> the units a phrase must fit in: raw lines (Markdown/text) or PDF pages."""
    units: dict[str, tuple[str, ...]] = {}
    with DOCUMENTS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            path = ROOT / row["path"]
            if path.suffix.lower() == ".pdf":
                pages = [page.extract_text() or "" for page in PdfReader(path).pages]
                units[row["doc_id"]] = tuple(collapse_ws(p) for p in pages)
            else:
                lines = path.read_text(encoding="utf-8").splitlines()
                units[row["doc_id"]] = tuple(collapse_ws(line) for line in lines)
    return units


@cache
def document_texts() -> dict[str, str]:
    """doc_id -> whole text, whitespace collapsed (PDF pages joined)."""
    return {doc_id: collapse_ws("\n".join(parts)) for doc_id, parts in document_units().items()}


@cache
def registry_fields() -> dict[str, tuple[str, ...]]:
    with REGISTRY.open(encoding="utf-8") as fh:
        return {
            "registry-" + row["id"]: tuple(collapse_ws(row[f]) for f in REGISTRY_FIELDS)
            for row in csv.DictReader(fh)
        }


def test_gold_set_size_ids_and_kinds() -> None:
    qs = questions()
    assert len(qs) >= 80
    ids = [q.id for q in qs]
    assert len(set(ids)) == len(ids)
    kinds = Counter(q.kind for q in qs)
    assert set(kinds) == KINDS, kinds
    assert kinds["comparison"] >= 8
    assert kinds["registry"] >= 12


def test_heldout_set_is_new_sized_and_covers_every_kind() -> None:
    held, gold = questions("heldout"), questions()
    assert 40 <= len(held) <= 50
    kinds = Counter(q.kind for q in held)
    assert set(kinds) == KINDS, kinds
    assert min(kinds.values()) >= 4, kinds
    assert not {q.id for q in held} & {q.id for q in gold}
    assert not {answer_key(q.question) for q in held} & {answer_key(q.question) for q in gold}


@over_sets
def test_at_least_half_paraphrased(name: str) -> None:
    qs = questions(name)
    assert sum(q.paraphrased for q in qs) * 2 >= len(qs)


@over_sets
def test_comparison_questions_span_several_sources(name: str) -> None:
    narrow = [q.id for q in questions(name) if q.kind == "comparison" and len(q.relevant) < 2]
    assert narrow == []


@over_sets
def test_every_doc_id_exists(name: str) -> None:
    known = set(document_texts()) | set(registry_fields())
    unknown = [
        (q.id, e.doc_id) for q in questions(name) for e in q.relevant if e.doc_id not in known
    ]
    assert unknown == []


@over_sets
def test_every_phrase_occurs_in_its_document(name: str) -> None:
    docs, registry = document_texts(), registry_fields()
    missing = []
    for q in questions(name):
        for entry in q.relevant:
            for phrase in entry.phrases:
                needle = collapse_ws(phrase)
                if entry.doc_id in registry:
                    found = any(needle in field for field in registry[entry.doc_id])
                else:
                    found = needle in docs.get(entry.doc_id, "")
                if not found:
                    missing.append((q.id, entry.doc_id, phrase))
    assert missing == []


@over_sets
def test_document_phrases_fit_in_one_line_or_page(name: str) -> None:
    # A phrase spanning a Markdown line break or a PDF page boundary may be cut by chunking.
    units = document_units()
    split = [
        (q.id, e.doc_id, p)
        for q in questions(name)
        for e in q.relevant
        if e.doc_id in units
        for p in e.phrases
        if not any(collapse_ws(p) in unit for unit in units[e.doc_id])
    ]
    assert split == []


@over_sets
def test_phrases_are_plain_prose_of_sensible_length(name: str) -> None:
    bad = []
    for q in questions(name):
        for entry in q.relevant:
            # Registry titles are terse ("Digitalisierungsstrategie Potsdam-Mittelmark").
            low = 2 if entry.doc_id.startswith("registry-") else 3
            for phrase in entry.phrases:
                n_words = len(phrase.split())
                if FORBIDDEN & set(phrase) or not low <= n_words <= 12 or phrase != phrase.strip():
                    bad.append((q.id, phrase))
    assert bad == []


@over_sets
def test_paraphrased_questions_do_not_copy_their_answers(name: str) -> None:
    copied = []
    for q in questions(name):
        if q.paraphrased:
            run = shared_word_run(q.question, [p for e in q.relevant for p in e.phrases])
            if run is not None:
                copied.append((q.id, run))
    assert copied == []


def test_gold_phrases_judge_their_own_documents_relevant() -> None:
    q = next(q for q in questions() if q.question == "Wie lautet die Vision von Potsdam?")
    text = document_texts()["dabb-digitalisierungsvision-leitbild"]
    assert is_relevant("dabb-digitalisierungsvision-leitbild", text, q)
    assert not is_relevant("digitales-oekosystem", document_texts()["digitales-oekosystem"], q)
    assert relevant_docs(q) == {"dabb-digitalisierungsvision-leitbild", "registry-potsdam"}


# --- answer phrases: what a good answer states ---------------------------------------------


@cache
def indexed_units() -> tuple[tuple[str, str], ...]:
    """(doc_id, unit) for every line/page of the documents and every registry record as
    indexed (ingest.registry.registry_text), in answer_key form."""
    units = [(d, answer_key(u)) for d, parts in document_units().items() for u in parts]
    units += [(f"registry-{r.id}", answer_key(registry_text(r))) for r in load_registry(REGISTRY)]
    return tuple(units)


def answer_phrase_docs(phrase: str) -> set[str]:
    needle = answer_key(phrase)
    return {doc_id for doc_id, unit in indexed_units() if needle in unit}


@over_sets
def test_every_question_has_answer_phrases(name: str) -> None:
    assert [q.id for q in questions(name) if not q.answer_phrases] == []


@over_sets
def test_answer_phrases_occur_in_one_line_page_or_registry_record(name: str) -> None:
    missing = [
        (q.id, p) for q in questions(name) for p in q.answer_phrases if not answer_phrase_docs(p)
    ]
    assert missing == []


@over_sets
def test_answer_phrases_are_specific(name: str) -> None:
    wide = [
        (q.id, p)
        for q in questions(name)
        for p in q.answer_phrases
        if len(answer_phrase_docs(p)) > MAX_ANSWER_DOCS
    ]
    assert wide == []


@over_sets
def test_answer_phrases_are_plain_prose_of_sensible_length(name: str) -> None:
    # One word only for a number ("16.783" inhabitants); otherwise 2 to 16 words.
    bad = []
    for q in questions(name):
        for p in q.answer_phrases:
            n_words = len(p.split())
            low = 1 if any(ch.isdigit() for ch in p) else 2
            if ANSWER_FORBIDDEN & set(p) or not low <= n_words <= 16 or p != p.strip():
                bad.append((q.id, p))
        if len(set(map(answer_key, q.answer_phrases))) != len(q.answer_phrases):
            bad.append((q.id, "duplicate"))
    assert bad == []


@over_sets
def test_paraphrased_questions_do_not_copy_their_answer_phrases(name: str) -> None:
    copied = [
        (q.id, run)
        for q in questions(name)
        if q.paraphrased and (run := shared_word_run(q.question, q.answer_phrases)) is not None
    ]
    assert copied == []


def test_the_starter_answer_phrase_is_found_in_an_answer() -> None:
    q = next(q for q in questions() if q.question.startswith("Womit beginnt man"))
    good = "Kurz gesagt: Am Anfang der Strategieentwicklung steht die  Digitalisierungsvision [1]."
    assert states_answer(good, q) is True
    bad = "Wo fangen wir an und wer ist dafür zuständig? Lediglich 5 % der Kommunen [1]."
    assert states_answer(bad, q) is False


# --- the helpers themselves, on literal inputs ---------------------------------------------

POTSDAM = Question(
    id="q1",
    question="Wie lautet die Vision von Potsdam?",
    kind="vision",
    paraphrased=False,
    relevant=(
        RelevantEntry("seed", ("Innovativ. Grün. Gerecht.", "Stadt für morgen")),
        RelevantEntry("registry-potsdam", ("Stadt für morgen",)),
    ),
)


def test_is_relevant_collapses_whitespace_and_needs_the_right_doc() -> None:
    assert is_relevant("seed", "Ihre Vision: Innovativ.\n  Grün.\tGerecht.", POTSDAM)
    assert not is_relevant("other", "Innovativ. Grün. Gerecht.", POTSDAM)
    assert not is_relevant("seed", "Innovativ. Grün. Sozial.", POTSDAM)
    assert not is_relevant("seed", "innovativ. grün. gerecht.", POTSDAM)  # case matters


def test_matched_entries_reports_entry_indices() -> None:
    assert matched_entries("seed", "eine Stadt für morgen", POTSDAM) == {0}
    assert matched_entries("registry-potsdam", "eine Stadt für morgen", POTSDAM) == {1}
    assert matched_entries("registry-potsdam", "Innovativ. Grün. Gerecht.", POTSDAM) == set()
    assert relevant_docs(POTSDAM) == {"seed", "registry-potsdam"}


def test_shared_word_run_ignores_function_words() -> None:
    phrase = ["Die Vision ist das Leitbild der Stadt"]
    assert shared_word_run("Ist die Vision das Leitbild der Stadt?", phrase) == (
        "vision",
        "leitbild",
        "stadt",
    )
    assert shared_word_run("Was ist ein Leitbild für die Stadt?", phrase) is None
    assert shared_word_run("Vision und Leitbild", phrase, n=2) == ("vision", "leitbild")


def _write(tmp_path: Path, *objs: object) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in objs) + "\n")
    return path


GOOD = {
    "id": "q1",
    "question": "Wo fangen wir an?",
    "kind": "process",
    "paraphrased": False,
    "relevant": [{"doc_id": "d", "phrases": ["am Anfang steht"]}],
}


def test_load_questions_reads_a_valid_file(tmp_path: Path) -> None:
    (q,) = load_questions(_write(tmp_path, GOOD))
    assert q == Question(
        "q1", "Wo fangen wir an?", "process", False, (RelevantEntry("d", ("am Anfang steht",)),)
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "trivia"}, "kind 'trivia'"),
        ({"paraphrased": "yes"}, "paraphrased"),
        ({"relevant": []}, "relevant must be a non-empty list"),
        ({"relevant": [{"doc_id": "d", "phrases": []}]}, "phrases of 'd'"),
        ({"relevant": [{"doc_id": "d"}]}, "exactly 'doc_id' and 'phrases'"),
        ({"question": "  "}, "question must be a non-empty string"),
        ({"extra": 1}, "unknown field"),
        ({"answer_phrases": []}, "answer_phrases must be a non-empty list"),
        ({"answer_phrases": "am Anfang"}, "answer_phrases must be a non-empty list"),
        ({"answer_phrases": ["ok", " "]}, "answer phrase must be a non-empty string"),
    ],
)
def test_load_questions_names_the_bad_line(tmp_path: Path, change: dict, message: str) -> None:
    path = _write(tmp_path, GOOD | {"id": "q0"}, GOOD | change)
    with pytest.raises(ValueError, match=message) as info:
        load_questions(path)
    assert f"{path}:2:" in str(info.value)


def test_load_questions_reads_answer_phrases(tmp_path: Path) -> None:
    (q,) = load_questions(_write(tmp_path, GOOD | {"answer_phrases": ["am Anfang steht"]}))
    assert q.answer_phrases == ("am Anfang steht",)
    (plain,) = load_questions(_write(tmp_path, GOOD))
    assert plain.answer_phrases == ()
    assert states_answer("irgendwas", plain) is None


def test_states_answer_ignores_case_and_whitespace_but_not_words() -> None:
    q = Question(
        "q", "?", "fact", False, (RelevantEntry("d", ("x",)),), ("flog 2019 1.447 Einsätze",)
    )
    assert states_answer("Christoph 22 FLOG 2019\n1.447 Einsätze.", q)
    assert states_answer("flog 2019 1.447\u00a0Einsätze", q)
    assert not states_answer("flog 2018 1.447 Einsätze", q)
    assert not states_answer("flog 2019 1447 Einsätze", q)


def test_load_questions_rejects_duplicate_ids_and_broken_json(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r":2: duplicate id 'q1' \(first on line 1\)"):
        load_questions(_write(tmp_path, GOOD, GOOD))
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n{not json\n")
    with pytest.raises(ValueError, match=r"broken.jsonl:3: invalid JSON"):
        load_questions(path)
