"""The kompass CLI: exit codes, JSON shapes, batch mode (hashing embedder, seconds)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.core.settings import Settings
from ui.cli.main import app

pytestmark = pytest.mark.unit
RUN = CliRunner()


@pytest.fixture
def env(hashing_index: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(hashing_index.data_dir))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    return hashing_index


def test_search_json_shape(env: Settings) -> None:
    res = RUN.invoke(
        app, ["search", "Vision Potsdam", "--k", "3", "--json", "--state", "Brandenburg"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["query"] == "Vision Potsdam" and isinstance(data["took_ms"], float)
    assert len(data["hits"]) == 3
    hit = data["hits"][0]
    assert set(hit) == {
        "rank",
        "score",
        "doc_id",
        "chunk_id",
        "municipality",
        "kind",
        "state",
        "year",
        "title",
        "url",
        "section",
        "page",
        "text",
        # the registry's facts (issue 16), added to the CONTRACT's keys
        "programme",
        "staffel",
        "size_class",
        "members",
    }
    assert all(h["state"] == "Brandenburg" for h in data["hits"])


def test_ask_json_quotes_are_exact(env: Settings) -> None:
    res = RUN.invoke(app, ["ask", "Welche Zielbilder hat Guben entwickelt?", "--json"])
    data = json.loads(res.stdout)
    assert data["mode"] == "extractive" and data["citations"]
    docs = {
        d["doc_id"]: d["text"]
        for d in json.loads(RUN.invoke(app, ["docs", "--with-text", "--json"]).stdout)
    }
    for c in data["citations"]:
        assert c["quote"] in docs[c["doc_id"]]
        assert f"[{c['n']}]" in data["answer"]


def test_batch_queries_keep_input_order(env: Settings, tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"question": "Mobilität in Ulm"}\nVision Guben\n\n{"question": "Bildung"}\n')
    res = RUN.invoke(app, ["search", "--queries", str(f), "--k", "2"])
    assert res.exit_code == 0
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["Mobilität in Ulm", "Vision Guben", "Bildung"]
    res = RUN.invoke(app, ["ask", "--questions", str(f)])
    assert [json.loads(x)["question"] for x in res.stdout.splitlines()] == [
        "Mobilität in Ulm",
        "Vision Guben",
        "Bildung",
    ]


def test_user_errors_exit_1_with_one_line(env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"frage": "x"}\n')
    res = RUN.invoke(app, ["search", "--queries", str(bad)])
    assert (
        res.exit_code == 1 and "Zeile 1" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    )
    res = RUN.invoke(app, ["search", "--queries", str(tmp_path / "missing.txt")])
    assert res.exit_code == 1 and "nicht lesbar" in res.stderr


def test_usage_errors_exit_2(env: Settings) -> None:
    assert RUN.invoke(app, ["search"]).exit_code == 2
    assert RUN.invoke(app, ["search", "x", "--k", "0"]).exit_code == 2


def test_missing_index_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(tmp_path / "leer"))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    res = RUN.invoke(app, ["ask", "Wo fangen wir an?"])
    assert res.exit_code == 1 and "kompass ingest" in res.stderr


def test_index_built_with_another_model_is_refused(
    env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "sentence-transformers")
    res = RUN.invoke(app, ["search", "Vision"])
    assert res.exit_code == 1 and "hashing-256" in res.stderr


def test_ingest_json_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    doc = tmp_path / "x.md"
    doc.write_text("# Leitbild\n\nGemeinsam digital.\n")
    res = RUN.invoke(app, ["ingest", str(doc), "--json"])
    data = json.loads(res.stdout)
    assert set(data) == {
        "documents",
        "chunks",
        "embedded",
        "unchanged",
        "removed",
        "failed",
        "took_s",
    }
    assert data["embedded"] == 1
    res = RUN.invoke(app, ["ingest", str(tmp_path / "nope.md")])
    assert res.exit_code == 1 and "nicht gefunden" in res.stderr
