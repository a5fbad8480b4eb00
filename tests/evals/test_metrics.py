"""Retrieval metrics on literal rankings; expected values worked out by hand."""

from __future__ import annotations

import pytest

from evals.metrics import (
    citation_support,
    hit_rate_at_k,
    mean,
    mrr_at_k,
    ndcg_at_k,
    recall_at_k,
)

pytestmark = pytest.mark.unit

T, F = True, False


@pytest.mark.parametrize(
    ("relevance", "k", "expected"),
    [
        ([F, F, T], 2, 0.0),
        ([F, F, T], 3, 1.0),
        ([F, T], 10, 1.0),  # fewer passages than k
        ([], 5, 0.0),
        ([T], 1, 1.0),
    ],
)
def test_hit_rate_at_k(relevance: list[bool], k: int, expected: float) -> None:
    assert hit_rate_at_k(relevance, k) == expected


@pytest.mark.parametrize(
    ("matches", "n_entries", "k", "expected"),
    [
        ([{0}, set(), {0, 2}], 4, 1, 0.25),
        ([{0}, set(), {0, 2}], 4, 3, 0.5),  # entry 0 matched twice counts once
        ([{1}, {0}, {2}], 3, 3, 1.0),
        ([set(), set()], 2, 2, 0.0),
        ([frozenset({1})], 2, 5, 0.5),
    ],
)
def test_recall_at_k(matches: list[set[int]], n_entries: int, k: int, expected: float) -> None:
    assert recall_at_k(matches, n_entries, k) == expected


@pytest.mark.parametrize(
    ("matches", "n_entries", "k", "cap", "expected"),
    [
        ([{0}, {1}, {2}], 20, 3, 3, 1.0),  # a list longer than the depth: top 3 all correct
        ([{0}, set(), {2}], 20, 3, 3, 2 / 3),
        ([{0}, set(), {2}], 20, 3, None, 0.1),  # uncapped: at most k / n
        ([{0}, set()], 4, 2, 10, 0.25),  # fewer entries than the cap: plain recall
    ],
)
def test_capped_recall_divides_by_at_most_the_cap(
    matches: list[set[int]], n_entries: int, k: int, cap: int | None, expected: float
) -> None:
    assert recall_at_k(matches, n_entries, k, cap=cap) == pytest.approx(expected)


def test_recall_at_k_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError, match="at least one relevant entry"):
        recall_at_k([set()], 0, 1)
    with pytest.raises(ValueError, match="out of range"):
        recall_at_k([{3}], 3, 1)
    with pytest.raises(ValueError, match="cap must be at least 1"):
        recall_at_k([{0}], 3, 1, cap=0)


@pytest.mark.parametrize(
    ("relevance", "k", "expected"),
    [
        ([F, T, T], 3, 0.5),
        ([F, F, F, T], 3, 0.0),
        ([F, F, F, T], 4, 0.25),
        ([T, F], 2, 1.0),
        ([], 3, 0.0),
    ],
)
def test_mrr_at_k(relevance: list[bool], k: int, expected: float) -> None:
    assert mrr_at_k(relevance, k) == expected


@pytest.mark.parametrize(
    ("relevance", "n_relevant", "k", "expected"),
    [
        # DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.63093
        ([T, F, T], 2, 3, 0.91972),
        # DCG = 1/log2(5); IDCG = 1
        ([F, F, F, T], 1, 4, 0.43068),
        # IDCG uses min(k, n_relevant) = 2 ones: 1 + 1/log2(3)
        ([F, T], 3, 2, 0.38685),
        ([T, T], 2, 2, 1.0),
        ([F, F], 2, 2, 0.0),
        ([T, T], 1, 2, 1.0),  # two passages of the one entry: 1.63 / 1, capped at 1
    ],
)
def test_ndcg_at_k(relevance: list[bool], n_relevant: int, k: int, expected: float) -> None:
    assert ndcg_at_k(relevance, n_relevant, k) == pytest.approx(expected, abs=1e-5)


def test_ndcg_ignores_ranks_below_k() -> None:
    assert ndcg_at_k([F, F, T], n_relevant=1, k=2) == 0.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: hit_rate_at_k([T], 0),
        lambda: mrr_at_k([T], 0),
        lambda: recall_at_k([{0}], 1, 0),
        lambda: ndcg_at_k([T], 1, 0),
        lambda: ndcg_at_k([T], 0, 1),
    ],
)
def test_bad_k_or_empty_gold_is_an_error(call) -> None:
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("quotes", "expected"),
    [([T, F, F, T], 0.5), ([T, T, T], 1.0), ([F], 0.0), ([], 0.0)],
)
def test_citation_support(quotes: list[bool], expected: float) -> None:
    assert citation_support(quotes) == expected


def test_mean() -> None:
    assert mean([0.25, 0.5, 1.0]) == pytest.approx(0.583333, abs=1e-6)
    assert mean([0.1] * 10) == 0.1  # fsum: no drift from repeated addition
    assert mean([]) == 0.0
