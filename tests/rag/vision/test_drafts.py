"""Vision drafts: the shared-run measure, the no-copy rule, templates and their models."""

from __future__ import annotations

from typing import Any

import pytest

from rag.vision.catalogue import PATTERNS, VisionEntry
from rag.vision.drafts import (
    MAX_SHARED_RUN,
    CopyGuard,
    Draft,
    draft_variants,
    llm_drafts,
    longest_shared_run,
    name_forms,
    template_drafts,
)
from rag.vision.similarity import FIELD_NAMES, Profile

pytestmark = pytest.mark.unit

PROFILE = Profile(
    "Musterstadt", "Stadt", "Brandenburg", 20_000, focus=("Beteiligung", "Verwaltung")
)


def entry(quote: str, pattern: str = "mission", municipality: str = "Vorbild") -> VisionEntry:
    return VisionEntry(
        municipality=municipality,
        kind="Stadt",
        state="Brandenburg",
        population=10_000,
        url=f"https://{municipality.lower()}.example/vision",
        doc_id=f"registry-{municipality.lower()}",
        chunk_id="c",
        section=None,
        quote=quote,
        pattern=pattern,
        source="registry",
    )


def test_longest_shared_run_counts_consecutive_words() -> None:
    assert longest_shared_run("Wir sind eine smarte Stadt.", "Guben ist eine smarte Stadt!") == 3
    assert longest_shared_run("a b c d", "x y z") == 0
    assert longest_shared_run("", "irgendwas") == 0
    assert longest_shared_run("eins zwei drei vier", "eins zwei drei vier") == 4


def test_longest_shared_run_ignores_case_and_punctuation() -> None:
    draft = "SMART CITY POTSDAM: innovativ, grün, gerecht!"
    source = "Smart City Potsdam – Innovativ. Grün. Gerecht. Zusammen schaffen wir"
    assert longest_shared_run(draft, source) == 6
    assert longest_shared_run("Grenzenlos smart", "Grenzenlos.smart.") == 2


def test_longest_shared_run_finds_the_longest_of_several_runs() -> None:
    draft = "eins zwei drei X vier fünf sechs sieben acht Y"
    source = "eins zwei drei | vier fünf sechs sieben acht | neun"
    assert longest_shared_run(draft, source) == 5


def test_copy_guard_blocks_eight_shared_words_and_allows_seven() -> None:
    vision = "eins zwei drei vier fünf sechs sieben acht neun zehn"
    guard = CopyGuard([vision])
    seven = "Vorwort: eins zwei drei vier fünf sechs sieben – Ende"
    eight = "Vorwort: Eins, zwei, drei, vier, fünf, sechs, sieben, acht!"
    assert longest_shared_run(seven, vision) == MAX_SHARED_RUN
    assert guard.allows(seven)
    assert longest_shared_run(eight, vision) == MAX_SHARED_RUN + 1
    assert not guard.allows(eight)


def test_each_pattern_has_several_distinct_wordings() -> None:
    for pattern in PATTERNS:
        variants = draft_variants(PROFILE, pattern)
        assert len(variants) >= 2, pattern
        assert all("Musterstadt" in v for v in variants)


def test_template_drafts_one_per_pattern_with_models() -> None:
    models = {p: [entry(f"Vorbild für {p}", p, f"Kommune{i}")] for i, p in enumerate(PATTERNS)}
    drafts = template_drafts(PROFILE, models, CopyGuard([]))
    assert [d.pattern for d in drafts] == list(PATTERNS)
    assert len({d.text for d in drafts}) == len(drafts)
    assert all(d.modelled_on for d in drafts)
    slogan, mission, zielbilder, _ = (d.text for d in drafts)
    assert slogan.count(".") >= 3
    assert "damit" in mission or "dass" in mission
    assert zielbilder.count("\n") == 3  # heading + three Zielbilder (two foci + a complement)
    j = drafts[0].to_json()
    assert set(j) == {"text", "modelled_on"}
    assert j["modelled_on"] == [
        {
            "municipality": "Kommune0",
            "url": "https://kommune0.example/vision",
            "quote": "Vorbild für three_values",
        }
    ]


def test_a_template_found_in_the_catalogue_is_reworded() -> None:
    """A catalogue that already contains the first wording: the draft must change."""
    first = draft_variants(PROFILE, "mission")[0]
    catalogue = [entry(first)]
    drafts = template_drafts(PROFILE, {"mission": catalogue}, CopyGuard(e.quote for e in catalogue))
    mission = next(d for d in drafts if d.pattern == "mission")
    assert mission.text != first
    assert longest_shared_run(mission.text, first) <= MAX_SHARED_RUN


def test_a_pattern_whose_wordings_all_exist_is_dropped() -> None:
    catalogue = [entry(text) for text in draft_variants(PROFILE, "zielbilder")]
    guard = CopyGuard(e.quote for e in catalogue)
    drafts = template_drafts(PROFILE, {}, guard)
    assert "zielbilder" not in [d.pattern for d in drafts]
    assert len(drafts) == len(PATTERNS) - 1
    for d in drafts:
        assert all(longest_shared_run(d.text, e.quote) <= MAX_SHARED_RUN for e in catalogue)


def test_drafts_differ_between_municipalities() -> None:
    other = Profile(
        "Beispielstadt", "Stadt", "Brandenburg", 20_000, focus=("Beteiligung", "Verwaltung")
    )
    a = [d.text.replace("Musterstadt", "X") for d in template_drafts(PROFILE, {}, CopyGuard([]))]
    b = [d.text.replace("Beispielstadt", "X") for d in template_drafts(other, {}, CopyGuard([]))]
    assert a != b


@pytest.mark.parametrize("field", FIELD_NAMES)
def test_every_field_has_vocabulary_for_every_pattern(field: str) -> None:
    p = Profile("Ort", "Gemeinde", "Sachsen", 900, "ländlich", (field,))
    texts = [draft_variants(p, pattern)[0] for pattern in PATTERNS]
    assert all("{" not in t and "}" not in t for t in texts)


def test_name_forms_for_districts_and_towns() -> None:
    assert name_forms("Landkreis Musterland")[1] == "den Landkreis Musterland"
    assert name_forms("Amt Süderbrarup")[2] == "dem Amt Süderbrarup"
    assert name_forms("Stadt Guben")[2] == "der Stadt Guben"
    assert name_forms("Guben") == ("Guben", "Guben", "Guben")
    lk = Profile("Landkreis Musterland", "Landkreis", "Sachsen", 200_000, focus=("Verwaltung",))
    assert any("für den Landkreis Musterland" in t for t in draft_variants(lk, "zielbilder"))


class FakeReply:
    def __init__(self, content: str) -> None:
        self.message = type("M", (), {"content": content})()


class FakeLLM:
    def __init__(self, content: str) -> None:
        self.content = content
        self.prompts: list[Any] = []

    def chat(self, messages: Any, **kw: Any) -> FakeReply:
        self.prompts.append(messages)
        return FakeReply(self.content)


def test_llm_drafts_are_checked_like_templates() -> None:
    model = entry("eins zwei drei vier fünf sechs sieben acht neun zehn", "mission", "Vorbild")
    reply = (
        '["Musterstadt – offen und nah für alle Menschen hier.", '
        '"Kopie: eins zwei drei vier fünf sechs sieben acht neun", 42]'
    )
    llm = FakeLLM(reply)
    drafts = llm_drafts(llm, PROFILE, [model], CopyGuard([model.quote]))
    assert drafts == [Draft("Musterstadt – offen und nah für alle Menschen hier.", "llm", (model,))]
    assert "Vorbild" in llm.prompts[0][0].content


def test_llm_failure_yields_no_drafts() -> None:
    assert llm_drafts(FakeLLM("kein json"), PROFILE, [], CopyGuard([])) == []
