"""Editor intake: previews, publishing, duplicates and refusals (`kompass add`)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.intake import editable_documents, preview, publish, remove_document
from ingest.pipeline import Indexer
from rag.core.errors import KompassError, ParseError, UserInputError
from rag.core.settings import Settings
from ui.cli.main import app

pytestmark = pytest.mark.unit
RUN = CliRunner()
MD = "# Digitalstrategie Seeland\n\n## Vision\n\nDas Amt Seeland wird digital und nah.\n\n## Ziele\n\nOffene Daten für alle.\n"


def test_preview_then_publish_then_remove(hashing_settings: Settings) -> None:
    pre = preview(
        hashing_settings,
        file_name="../../etc/Seeland Strategie.md",
        content=MD.encode(),
        meta={"municipality": "Guben", "year": "2024"},
    )
    assert pre.content_type == "markdown" and pre.chunks >= 1
    assert pre.sections == ["Digitalstrategie Seeland > Vision", "Digitalstrategie Seeland > Ziele"]
    assert "/" not in pre.location and not pre.location.startswith(".")
    assert pre.meta.state == "Brandenburg" and pre.meta.year == 2024  # registry facts merged
    idx = Indexer(hashing_settings)
    idx.prepare()
    out = publish(hashing_settings, pre, idx)
    assert out["embedded"] == pre.chunks
    assert [d["doc_id"] for d in editable_documents(hashing_settings)] == [pre.doc_id]
    again = preview(hashing_settings, file_name="kopie.md", content=MD.encode())
    assert again.duplicate_of is None or again.duplicate_of == pre.doc_id
    renamed = preview(hashing_settings, file_name="kopie.md", content=MD.encode() + b"\n")
    assert renamed.duplicate_of == pre.doc_id
    with pytest.raises(UserInputError, match="bereits vorhanden"):
        publish(hashing_settings, renamed, idx)
    assert remove_document(hashing_settings, pre.doc_id, idx) == pre.chunks
    assert editable_documents(hashing_settings) == []
    idx.close()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("leer.md", b"   \n", ParseError),
        ("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, ParseError),
        ("fehler.pdf", b"<!DOCTYPE html><html><body>404</body></html>", ParseError),
        ("kaputt.pdf", b"%PDF-1.4 nichts", ParseError),
    ],
)
def test_bad_files_are_refused_clearly(
    hashing_settings: Settings, name: str, content: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        preview(hashing_settings, file_name=name, content=content)
    assert str(info.value)


def test_bad_metadata_and_size_are_refused(hashing_settings: Settings) -> None:
    with pytest.raises(UserInputError, match="Kommunentyp"):
        preview(hashing_settings, file_name="a.md", content=MD.encode(), meta={"kind": "Dorf"})
    with pytest.raises(UserInputError, match="Jahr"):
        preview(hashing_settings, file_name="a.md", content=MD.encode(), meta={"year": "neu"})
    small = hashing_settings.model_copy(
        update={"crawl": hashing_settings.crawl.model_copy(update={"max_bytes": 10})}
    )
    with pytest.raises(UserInputError, match="zu groß"):
        preview(small, file_name="a.md", content=MD.encode())
    with pytest.raises(UserInputError):
        preview(hashing_settings)


def test_private_url_is_refused(hashing_settings: Settings) -> None:
    with pytest.raises(KompassError, match=r"127\.0\.0\.1|privat|lokal"):
        preview(hashing_settings, url="http://127.0.0.1:9/strategie.html")


def test_cli_add_dry_run_and_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    doc = tmp_path / "seeland.md"
    doc.write_text(MD)
    res = RUN.invoke(
        app, ["add", str(doc), "--kind", "Amt", "--state", "Mecklenburg-Vorpommern", "--dry-run"]
    )
    assert res.exit_code == 0 and "Probelauf" in res.stdout and "Abschnitte" in res.stdout
    res = RUN.invoke(app, ["add", str(doc), "--kind", "Amt", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["embedded"] >= 1
    res = RUN.invoke(app, ["search", "Amt Seeland digital und nah", "--json", "--k", "1"])
    assert json.loads(res.stdout)["hits"][0]["kind"] == "Amt"
    res = RUN.invoke(app, ["add", str(tmp_path / "fehlt.pdf")])
    assert res.exit_code == 1 and "nicht gefunden" in res.stderr
