"""Redaktion: editors add documents (upload or URL) with a preview before publishing, and remove
or re-crawl them. Only the login form shows until an editor is logged in; every action checks
the session again (ui.web.state), so no URL or query parameter reaches one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from rag.core.errors import KompassError
from rag.core.settings import Settings
from rag.service import Kompass
from ui import accounts
from ui.web import components as ui
from ui.web import state

PREVIEW = "redaktion_vorschau"
MESSAGE = "redaktion_meldung"
FORM_ROUND = "redaktion_formular"


def login_form(settings: Settings) -> None:
    if st.session_state.pop("redaktion_expired", False):
        st.info("Die Sitzung ist nach 30 Minuten ohne Aktivität abgelaufen. Bitte neu anmelden.")
    st.markdown("Dieser Bereich ist der Redaktion vorbehalten. Bitte melden Sie sich an.")
    if not accounts.list_users(settings):
        st.info(
            "Es gibt noch kein Redaktionskonto. Anlegen auf dem Server: `kompass user add NAME`"
        )
    with st.form("redaktion_anmeldung", clear_on_submit=True):
        name = st.text_input("Benutzername", autocomplete="username")
        password = st.text_input("Passwort", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Anmelden", type="primary")
    if not submitted:
        return
    try:
        ok = accounts.login(settings, st.session_state, name, password)
    except KompassError as exc:
        st.error(str(exc))
        return
    if ok:
        st.rerun()
    st.error("Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.")


def _meta(values: dict[str, Any]) -> dict[str, object]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def add_form(kompass: Kompass) -> None:
    source = st.radio(
        "Quelle", ("Datei hochladen", "Web-Adresse"), horizontal=True, key="redaktion_quelle"
    )
    # A new form key after each publication empties the form.
    with st.form(f"redaktion_neu_{st.session_state.get(FORM_ROUND, 0)}"):
        upload = url = None
        if source == "Datei hochladen":
            upload = st.file_uploader(
                "Datei (PDF, HTML oder Markdown)", type=["pdf", "html", "htm", "md", "markdown"]
            )
        else:
            url = st.text_input("Web-Adresse", placeholder="https://www.beispiel.de/strategie.pdf")
        c1, c2, c3 = st.columns(3)
        municipality = c1.text_input("Kommune")
        kind = c2.selectbox("Typ", ui.KOMMUNENTYPEN, index=None, placeholder="optional")
        land = c3.selectbox("Bundesland", ui.BUNDESLAENDER, index=None, placeholder="optional")
        c1, c2, c3 = st.columns(3)
        year = c1.number_input("Jahr", min_value=1990, max_value=2100, value=None, step=1)
        population = c2.number_input("Einwohner", min_value=0, value=None, step=1000)
        title = c3.text_input("Titel", placeholder="leer: aus dem Dokument")
        go = st.form_submit_button("Vorschau erstellen")
    if not go:
        return
    if upload is None and not (url or "").strip():
        st.error("Bitte eine Datei wählen oder eine Web-Adresse angeben.")
        return
    meta = _meta(
        {
            "municipality": municipality.strip(),
            "kind": kind,
            "state": land,
            "year": int(year) if year is not None else None,
            "population": int(population) if population is not None else None,
            "title": title.strip(),
        }
    )
    try:
        with st.spinner("Dokument wird gelesen …"):
            preview = state.preview_document(
                st.session_state,
                kompass,
                file_name=upload.name if upload else None,
                content=upload.getvalue() if upload else None,
                url=(url or "").strip() or None,
                meta=meta,
            )
    except KompassError as exc:
        st.error(str(exc))
        return
    st.session_state[PREVIEW] = preview


def show_preview(kompass: Kompass, preview: Any) -> None:
    with st.container(border=True):
        st.subheader("Vorschau")
        m = preview.meta
        rows = {
            "Titel": preview.title,
            "Kennung": preview.doc_id,
            "Format": preview.content_type,
            "Herkunft": preview.location,
            "Kommune": getattr(m, "municipality", None),
            "Typ": getattr(m, "kind", None),
            "Bundesland": getattr(m, "state", None),
            "Jahr": getattr(m, "year", None),
            "Einwohner": getattr(m, "population", None),
        }
        st.markdown(
            "  \n".join(
                f"**{k}:** {ui.escape_md(str(v))}" for k, v in rows.items() if v not in (None, "")
            )
        )
        st.markdown(
            f"**{preview.chunks}** Abschnitte für den Index, **{len(preview.sections)}** "
            "Überschriften gefunden."
        )
        allow_duplicate = False
        if preview.duplicate_of:
            st.warning(
                "Duplikat: Derselbe Text ist bereits im Index "
                f"({ui.escape_md(str(preview.duplicate_of))})."
            )
            allow_duplicate = st.checkbox(
                "Trotzdem als eigenes Dokument veröffentlichen", key="redaktion_duplikat"
            )
        if preview.sections:
            with st.expander("Gefundene Gliederung"):
                st.markdown("  \n".join(ui.escape_md(s) for s in preview.sections[:80]))
        show_reading(preview)
        row = st.container(horizontal=True)
        publish = row.button("Veröffentlichen", type="primary", key="redaktion_veroeffentlichen")
        if row.button("Verwerfen", key="redaktion_verwerfen"):
            st.session_state.pop(PREVIEW, None)
            st.rerun()
        if publish:
            do_publish(kompass, preview, allow_duplicate)


def show_reading(preview: Any) -> None:
    """The paragraphs as they will be indexed and what the PDF reading removed, so an editor
    can see that the document was read correctly."""
    paras = list(getattr(preview, "paragraphs", []) or [])
    removed = list(getattr(preview, "removed", []) or [])
    with st.expander(f"Gelesene Absätze ({len(paras)})"):
        if paras:
            st.dataframe(
                pd.DataFrame(
                    [
                        {"Seite": p["page"], "Abschnitt": p["section"], "Text": p["text"]}
                        for p in paras[:500]
                    ]
                ),
                hide_index=True,
            )
    if removed:
        with st.expander(f"Entfernt als Kopf-/Fußzeile oder Inhaltsverzeichnis ({len(removed)})"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {"Seite": r["page"], "Grund": r["reason"], "Text": r["text"]}
                        for r in removed[:500]
                    ]
                ),
                hide_index=True,
            )


def do_publish(kompass: Kompass, preview: Any, allow_duplicate: bool) -> None:
    bar = st.progress(0.0, text="Wird in den Index geschrieben …")

    def progress(done: int, total: int, item: str) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=ui.escape_md(f"{done}/{total} {item}"))

    try:
        summary = state.publish_document(
            st.session_state, kompass, preview, progress, allow_duplicate
        )
    except KompassError as exc:
        st.error(f"Veröffentlichen fehlgeschlagen: {exc}")
        return
    bar.progress(1.0, text="Fertig")
    st.session_state.pop(PREVIEW, None)
    st.session_state[FORM_ROUND] = st.session_state.get(FORM_ROUND, 0) + 1
    failed = summary.get("failed") or []
    if failed:
        st.error("Fehler: " + ui.escape_md("; ".join(str(f.get("reason")) for f in failed)))
        return
    st.session_state[MESSAGE] = (
        f"Veröffentlicht: „{preview.title}“ – {summary.get('embedded', 0)} Abschnitte neu "
        f"eingebettet, {summary.get('chunks', 0)} Abschnitte im Index."
    )
    st.rerun()


def manage(kompass: Kompass) -> None:
    try:
        rows = state.editable_documents(st.session_state, kompass)
    except KompassError as exc:
        st.error(str(exc))
        return
    if not rows:
        st.info("Die Redaktion hat noch keine Dokumente hinzugefügt.")
        return
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    by_id = {str(r["doc_id"]): r for r in rows}
    doc_id = st.selectbox(
        "Dokument",
        list(by_id),
        key="redaktion_auswahl",
        format_func=lambda i: f"{by_id[i].get('title') or i} ({i})",
    )
    c1, c2, c3 = st.columns([1, 1, 2])
    if c1.button("Neu abrufen", key="redaktion_neu_abrufen", icon=":material/refresh:"):
        try:
            with st.spinner("Quelle wird neu abgerufen …"):
                s = state.recrawl_document(st.session_state, kompass, doc_id)
        except KompassError as exc:
            st.error(str(exc))
        else:
            if s.get("changed") is False:
                st.success("Neu abgerufen: Der Text ist unverändert.")
            else:
                st.success(f"Neu abgerufen: {s.get('embedded', 0)} Abschnitte neu eingebettet.")
    sure = c3.checkbox("Entfernen bestätigen", key="redaktion_bestaetigen")
    if c2.button(
        "Entfernen", key="redaktion_entfernen", disabled=not sure, icon=":material/delete:"
    ):
        try:
            n = state.remove_document(st.session_state, kompass, doc_id)
        except KompassError as exc:
            st.error(str(exc))
        else:
            st.session_state[MESSAGE] = f"Entfernt: {doc_id} ({n} Abschnitte)."
            st.rerun()


def audit_log(settings: Settings) -> None:
    entries = accounts.read_audit(settings, limit=100)
    if entries:
        st.dataframe(pd.DataFrame(entries), hide_index=True)
    else:
        st.info("Noch keine Einträge.")


st.title("Redaktion")
try:
    settings = state.load_settings()
except KompassError as exc:
    st.error(str(exc))
    st.stop()
editor = accounts.current_editor(st.session_state)
if editor is None:
    login_form(settings)
    st.stop()

top, out = st.columns([5, 1], vertical_alignment="center")
top.caption(f"Angemeldet als **{ui.escape_md(str(editor))}** · Sitzung endet nach 30 Minuten Pause")
if out.button("Abmelden", key="redaktion_abmelden", icon=":material/logout:"):
    accounts.logout(settings, st.session_state)
    st.rerun()
if message := st.session_state.pop(MESSAGE, None):
    st.success(ui.escape_md(message))

kompass = state.require_kompass()
tab_add, tab_manage, tab_log = st.tabs(("Dokument hinzufügen", "Dokumente verwalten", "Protokoll"))
with tab_add:
    add_form(kompass)
    if (preview := st.session_state.get(PREVIEW)) is not None:
        show_preview(kompass, preview)
with tab_manage:
    manage(kompass)
with tab_log:
    audit_log(settings)
