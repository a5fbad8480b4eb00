"""Process-wide resources of the app and the guarded editor actions.

One `Kompass` (models and index) is opened per process and shared by all sessions
(`st.cache_resource`); it is thread-safe for reads. Writes (publish, remove, re-crawl) take one
process-wide lock, and each editor action checks the editor's session first, whatever page or
URL led to the call.

Example:
    kompass = require_kompass()            # st.error + st.stop when there is no index
    kompass.ask("Wo fangen wir an?")
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, MutableMapping
from types import ModuleType
from typing import Any

import streamlit as st

from rag.core.errors import IndexMissingError, KompassError
from rag.core.records import DocumentRow, Passage, SearchFilters
from rag.core.settings import Settings, load_settings
from rag.service import Kompass
from ui import accounts

Session = MutableMapping[Any, Any]  # st.session_state, or a dict in tests
Progress = Callable[[int, int, str], None]


def _close(kompass: Kompass) -> None:
    kompass.close()


@st.cache_resource(
    show_spinner="Index und Sprachmodell werden geladen …", max_entries=4, on_release=_close
)
def _open_kompass(key: str, _settings: Settings) -> Kompass:
    # `key` (the settings as JSON) decides the cache entry; `_settings` is not hashed.
    return Kompass(_settings)


def get_kompass() -> Kompass:
    """The process's Kompass for the current settings (opened on first use)."""
    settings = load_settings()
    return _open_kompass(settings.model_dump_json(), settings)


def release() -> None:
    """Close every cached Kompass (tests; frees the index lock)."""
    _open_kompass.clear()
    _documents.clear()
    _sections.clear()


def require_kompass() -> Kompass:
    """The Kompass, or a clear German error on the page and the end of this run."""
    try:
        kompass = get_kompass()
        if kompass.embed_note:
            st.warning(kompass.embed_note)
        return kompass
    except IndexMissingError:
        st.error(
            "Es gibt noch keinen Suchindex. Bitte zuerst `kompass ingest` ausführen "
            "(`make run` baut ihn automatisch auf) und die App neu laden."
        )
    except KompassError as exc:
        st.error(f"Der Strategiekompass kann nicht starten: {exc}")
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


@st.cache_resource
def _version() -> dict[str, int]:
    return {"n": 0}


def index_version() -> int:
    return _version()["n"]


def _bump_version() -> None:
    _version()["n"] += 1
    _documents.clear()
    _sections.clear()


@st.cache_data(show_spinner=False, max_entries=8)
def _documents(key: str, version: int, with_text: bool, _kompass: Kompass) -> list[DocumentRow]:
    return _kompass.store.documents(with_text=with_text)


def documents(kompass: Kompass, with_text: bool = False) -> list[DocumentRow]:
    """The index's documents, cached until the next editor write."""
    key = str(kompass.settings.data_dir.resolve())
    return _documents(key, index_version(), with_text, kompass)


@st.cache_data(show_spinner=False, max_entries=4)
def _sections(key: str, version: int, _kompass: Kompass) -> list[str]:
    seen = {
        (p.doc.doc_id, p.section)
        for p in _kompass.store.passages()
        if p.section and p.doc.source_type != "registry"
    }
    return sorted(section for _, section in seen)


def section_titles(kompass: Kompass) -> list[str]:
    """Every distinct section heading of every document (registry records excluded)."""
    return _sections(str(kompass.settings.data_dir.resolve()), index_version(), kompass)


def document_passages(kompass: Kompass, doc_id: str) -> list[Passage]:
    """A document's stored passages in reading order."""
    return sorted(kompass.store.passages(SearchFilters(doc_ids=(doc_id,))), key=lambda p: p.ord)


# ------------------------------------------------------------------ editor actions


def intake() -> ModuleType:
    """ingest.intake, imported on first use (tests replace this function)."""
    try:
        return importlib.import_module("ingest.intake")
    except ImportError as exc:
        raise KompassError(
            "Die Redaktionsfunktionen sind in dieser Installation nicht verfügbar"
        ) from exc


def _indexer(kompass: Kompass) -> Any:
    from ingest.pipeline import Indexer

    # The open store and embedder: one open index per process.
    return Indexer(
        kompass.settings, store=kompass.store, embedder=kompass.embedder, keywords=kompass.keywords
    )


def preview_document(
    session: Session,
    kompass: Kompass,
    *,
    file_name: str | None = None,
    content: bytes | None = None,
    url: str | None = None,
    meta: dict[str, object] | None = None,
) -> Any:
    """What publishing would add (sections, chunks, duplicate). Editors only."""
    accounts.require_editor(session)
    return intake().preview(
        kompass.settings, file_name=file_name, content=content, url=url, meta=meta
    )


def _desk() -> ModuleType:
    """ingest.desk: every editor write, under one lock, with one audit line."""
    intake()  # the same clear error when the editor functions are not installed
    return importlib.import_module("ingest.desk")


def publish_document(
    session: Session,
    kompass: Kompass,
    preview: Any,
    progress: Progress | None = None,
    allow_duplicate: bool = False,
) -> dict[str, Any]:
    """Ingest a previewed document into the index (a duplicate only when allowed).
    Editors only; audited."""
    editor = accounts.require_editor(session)
    try:
        return _desk().publish(  # type: ignore[no-any-return]
            kompass.settings,
            editor,
            preview,
            _indexer(kompass),
            progress=progress,
            allow_duplicate=allow_duplicate,
            intake=intake(),
        )
    finally:
        _bump_version()


def remove_document(session: Session, kompass: Kompass, doc_id: str) -> int:
    """Remove a document from the index. Editors only; audited."""
    editor = accounts.require_editor(session)
    try:
        return int(
            _desk().remove(kompass.settings, editor, doc_id, _indexer(kompass), intake=intake())
        )
    finally:
        _bump_version()


def recrawl_document(session: Session, kompass: Kompass, doc_id: str) -> dict[str, Any]:
    """Fetch a document's source again and re-index it if it changed. Editors only; audited."""
    editor = accounts.require_editor(session)
    try:
        return _desk().recrawl(  # type: ignore[no-any-return]
            kompass.settings, editor, doc_id, _indexer(kompass), intake=intake()
        )
    finally:
        _bump_version()


def editable_documents(session: Session, kompass: Kompass) -> list[dict[str, Any]]:
    """Documents editors may remove or re-crawl. Editors only."""
    accounts.require_editor(session)
    return list(intake().editable_documents(kompass.settings))
