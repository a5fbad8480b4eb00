"""Redaktion page under AppTest: the login gate, login, rate limit, and the editor actions
(preview, publish, remove, re-crawl) against a fake ingest.intake."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.errors import ParseError, UserInputError
from rag.core.records import DocMeta
from rag.core.settings import Settings
from tests.ui.conftest import open_page
from ui import accounts as auth
from ui.web import state

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("fast_hashes")]
PASSWORD = "redaktion-geheim-2024"
EDITOR_WIDGETS = ("Veröffentlichen", "Entfernen", "Neu abrufen", "Vorschau erstellen")


@dataclass(frozen=True)
class FakePreview:
    doc_id: str
    title: str
    content_type: str
    sections: list[str]
    chunks: int
    duplicate_of: str | None
    meta: DocMeta
    location: str
    paragraphs: tuple[dict[str, Any], ...] = (
        {"page": 3, "section": "Vision", "text": "Die Bürgerbeteiligung wächst."},
    )
    removed: tuple[dict[str, Any], ...] = (
        {"page": 3, "reason": "Kopf-/Fußzeile", "text": "Seite 3 von 9"},
    )


@dataclass
class FakeIntake:
    """Records every call; stands in for ingest.intake."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    duplicate_of: str | None = None

    def last(self, kind: str) -> Any:
        return next(arg for k, arg in reversed(self.calls) if k == kind)

    def preview(self, settings: Settings, **kw: Any) -> FakePreview:
        self.calls.append(("preview", kw))
        if kw.get("content") == b"kaputt":
            raise ParseError("Die Datei enthält keinen lesbaren Text")
        meta = DocMeta(doc_id="datei-test", title="Testdokument", **_doc_fields(kw["meta"]))
        return FakePreview(
            "datei-test",
            "Testdokument",
            "markdown",
            ["Vision", "Handlungsfelder"],
            2,
            self.duplicate_of,
            meta,
            kw.get("file_name") or kw.get("url") or "",
        )

    def publish(
        self,
        settings: Settings,
        preview: Any,
        indexer: Any,
        progress: Any = None,
        allow_duplicate: bool = False,
    ) -> dict:
        self.calls.append(("publish", (preview.doc_id, indexer)))
        if preview.duplicate_of and not allow_duplicate:
            raise UserInputError(f"Dieses Dokument ist bereits vorhanden: {preview.duplicate_of}")
        if progress:
            progress(1, 2, "Vision")
            progress(2, 2, "Handlungsfelder")
        return {"documents": 1, "chunks": 2, "embedded": 2, "failed": []}

    def remove_document(self, settings: Settings, doc_id: str, indexer: Any) -> int:
        self.calls.append(("remove", doc_id))
        return 2

    def recrawl(self, settings: Settings, doc_id: str, indexer: Any, **kw: Any) -> dict:
        self.calls.append(("recrawl", doc_id))
        return {"documents": 1, "chunks": 2, "embedded": 0, "failed": []}

    def editable_documents(self, settings: Settings) -> list[dict[str, Any]]:
        self.calls.append(("editable", None))
        return [{"doc_id": "datei-test", "title": "Testdokument", "origin": "added"}]


def _doc_fields(meta: dict[str, Any]) -> dict[str, Any]:
    keys = ("municipality", "kind", "state", "year", "population")
    return {k: meta[k] for k in keys if k in meta}


@pytest.fixture
def intake(monkeypatch: pytest.MonkeyPatch) -> FakeIntake:
    fake = FakeIntake()
    monkeypatch.setattr(state, "intake", lambda: fake)
    return fake


@pytest.fixture
def editor(app_settings: Settings) -> str:
    auth.create_user(app_settings, "anna", PASSWORD)
    return "anna"


def login(at: AppTest, name: str, password: str) -> AppTest:
    next(t for t in at.text_input if t.label == "Benutzername").input(name)
    next(t for t in at.text_input if t.label == "Passwort").input(password)
    return next(b for b in at.button if b.label == "Anmelden").click().run()


def editor_widgets(at: AppTest) -> list[str]:
    labels = [b.label for b in at.button] + [f.label for f in at.file_uploader]
    return [label for label in labels if label in EDITOR_WIDGETS or "Datei" in label]


def audit_actions(settings: Settings) -> list[tuple[str, Any]]:
    lines = auth.audit_path(settings).read_text(encoding="utf-8").splitlines()
    return [(e["action"], e.get("ok")) for e in map(json.loads, lines)]


def test_only_the_login_form_without_login(app: AppTest, intake: FakeIntake) -> None:
    at = open_page(app, "redaktion")
    assert not at.exception
    assert [b.label for b in at.button if b.label == "Anmelden"] == ["Anmelden"]
    assert editor_widgets(at) == []
    assert any("kompass user add" in i.value for i in at.info)  # no default account
    assert intake.calls == []


@pytest.mark.parametrize(
    "params",
    [
        {"user": "anna", "logged_in": "1"},
        {"redaktion_session": "anna", "action": "remove", "doc_id": "datei-test"},
        {"action": "publish", "editor": "true", "page": "redaktion"},
    ],
)
def test_query_parameters_do_not_open_the_editor(
    app: AppTest, intake: FakeIntake, editor: str, params: dict[str, str]
) -> None:
    at = open_page(app, "redaktion")
    at.query_params.update(params)
    at = at.run()
    assert editor_widgets(at) == []
    assert auth.SESSION_KEY not in at.session_state
    assert intake.calls == []


def test_editor_actions_refuse_without_session(app_settings: Settings, intake: FakeIntake) -> None:
    kompass = state.get_kompass()
    for action in (
        lambda s: state.preview_document(s, kompass, file_name="a.md", content=b"# A"),
        lambda s: state.publish_document(s, kompass, object()),
        lambda s: state.remove_document(s, kompass, "datei-test"),
        lambda s: state.recrawl_document(s, kompass, "datei-test"),
        lambda s: state.editable_documents(s, kompass),
    ):
        for session in ({}, {"redaktion_session": {"user": "anna", "last_seen": 0.0}}):
            with pytest.raises(auth.NotLoggedInError):
                action(session)
    assert intake.calls == []
    assert not auth.audit_path(app_settings).exists()


def test_login_with_a_created_user(
    app: AppTest, app_settings: Settings, intake: FakeIntake, editor: str
) -> None:
    at = login(open_page(app, "redaktion"), editor, PASSWORD)
    assert not at.exception
    assert any("Angemeldet als **anna**" in c.value for c in at.caption)
    assert [f.label for f in at.file_uploader] == ["Datei (PDF, HTML oder Markdown)"]
    assert ("login", True) in audit_actions(app_settings)
    at = next(b for b in at.button if b.label == "Abmelden").click().run()
    assert editor_widgets(at) == []
    assert audit_actions(app_settings)[-1] == ("logout", None)


def test_wrong_password_then_lock(
    app: AppTest, app_settings: Settings, intake: FakeIntake, editor: str
) -> None:
    at = open_page(app, "redaktion")
    for i in range(auth.MAX_FAILURES):
        at = login(at, editor, f"falsch-{i}")
        assert any("Anmeldung fehlgeschlagen" in e.value for e in at.error)
    at = login(at, editor, PASSWORD)  # right password, but locked now
    assert any("Zu viele Fehlversuche" in e.value for e in at.error)
    assert editor_widgets(at) == []
    assert audit_actions(app_settings).count(("login", False)) == auth.MAX_FAILURES + 1


def test_expired_session_shows_login_again(app: AppTest, intake: FakeIntake, editor: str) -> None:
    app.session_state[auth.SESSION_KEY] = {"user": editor, "last_seen": time.time() - 3600}
    at = open_page(app, "redaktion")
    assert any("abgelaufen" in i.value for i in at.info)
    assert editor_widgets(at) == []


def test_upload_preview_and_publish(
    app: AppTest, app_settings: Settings, intake: FakeIntake, editor: str
) -> None:
    intake.duplicate_of = "registry-ulm"
    at = login(open_page(app, "redaktion"), editor, PASSWORD)
    at.file_uploader[0].set_value(("strategie.md", b"# Vision\n\nText.", "text/markdown"))
    next(t for t in at.text_input if t.label == "Kommune").input("Testhausen")
    next(s for s in at.selectbox if s.label == "Bundesland").set_value("Hessen")
    next(n for n in at.number_input if n.label == "Jahr").set_value(2024)
    at = next(b for b in at.button if b.label == "Vorschau erstellen").click().run()
    assert not at.exception
    kw = intake.last("preview")
    assert kw["file_name"] == "strategie.md" and kw["content"] == b"# Vision\n\nText."
    assert kw["meta"] == {"municipality": "Testhausen", "state": "Hessen", "year": 2024}
    assert any("Duplikat" in w.value for w in at.warning)
    assert any("**2** Abschnitte" in m.value for m in at.markdown)
    labels = [e.label for e in at.expander]
    assert "Gelesene Absätze (1)" in labels  # the editor sees the reading ...
    assert "Entfernt als Kopf-/Fußzeile oder Inhaltsverzeichnis (1)" in labels  # ... and cuts
    at = next(b for b in at.button if b.label == "Veröffentlichen").click().run()
    assert any("bereits vorhanden" in e.value for e in at.error)  # duplicate refused ...
    at = at.checkbox(key="redaktion_duplikat").check().run()  # ... unless confirmed
    at = next(b for b in at.button if b.label == "Veröffentlichen").click().run()
    assert not at.exception
    doc_id, indexer = intake.last("publish")
    assert doc_id == "datei-test"
    assert indexer.store is state.get_kompass().store  # one open index per process
    assert any("Veröffentlicht" in s.value for s in at.success)
    assert audit_actions(app_settings)[-2:] == [("add", False), ("add", True)]


def test_bad_upload_shows_the_error(app: AppTest, intake: FakeIntake, editor: str) -> None:
    at = login(open_page(app, "redaktion"), editor, PASSWORD)
    at.file_uploader[0].set_value(("kaputt.md", b"kaputt", "text/markdown"))
    at = next(b for b in at.button if b.label == "Vorschau erstellen").click().run()
    assert any("keinen lesbaren Text" in e.value for e in at.error)
    assert [b.label for b in at.button if b.label == "Veröffentlichen"] == []


def test_remove_and_recrawl_are_audited(
    app: AppTest, app_settings: Settings, intake: FakeIntake, editor: str
) -> None:
    at = login(open_page(app, "redaktion"), editor, PASSWORD)
    remove = next(b for b in at.button if b.label == "Entfernen")
    assert remove.disabled  # needs the confirmation first
    at = next(b for b in at.button if b.label == "Neu abrufen").click().run()
    assert ("recrawl", "datei-test") in intake.calls
    at = at.checkbox(key="redaktion_bestaetigen").check().run()
    at = next(b for b in at.button if b.label == "Entfernen").click().run()
    assert ("remove", "datei-test") in intake.calls
    assert any("Entfernt" in s.value for s in at.success)
    actions = audit_actions(app_settings)
    assert ("recrawl", True) in actions and ("remove", True) in actions


def test_publish_and_remove_with_the_real_intake(
    app: AppTest, app_settings: Settings, editor: str
) -> None:
    """No fakes: the document lands in the open index, is found, and goes again."""
    text = b"# Digitalstrategie Wombatdorf\n\n## Vision\n\nWombatdorf wird bis 2030 digital.\n"
    at = login(open_page(app, "redaktion"), editor, PASSWORD)
    at.file_uploader[0].set_value(("wombatdorf.md", text, "text/markdown"))
    next(t for t in at.text_input if t.label == "Kommune").input("Wombatdorf")
    at = next(b for b in at.button if b.label == "Vorschau erstellen").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    at = next(b for b in at.button if b.label == "Veröffentlichen").click().run()
    assert any("Veröffentlicht" in s.value for s in at.success)
    kompass = state.get_kompass()
    hits = kompass.search("Wombatdorf Vision", k=3).hits
    assert hits[0].passage.doc.municipality == "Wombatdorf"
    doc_id = hits[0].passage.doc.doc_id
    assert at.selectbox(key="redaktion_auswahl").value == doc_id
    at = at.checkbox(key="redaktion_bestaetigen").check().run()
    at = next(b for b in at.button if b.label == "Entfernen").click().run()
    assert any("Entfernt" in s.value for s in at.success)
    assert all(h.passage.doc.doc_id != doc_id for h in kompass.search("Wombatdorf", k=5).hits)
    assert [a for a in audit_actions(app_settings) if a[0] in ("add", "remove")] == [
        ("add", True),
        ("remove", True),
    ]
