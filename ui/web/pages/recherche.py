"""Recherche: search with facets, highlighted results, a document view, CSV/JSON export and an
overview of the corpus. Corpus text is escaped before any highlighting.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pandas as pd
import streamlit as st

from rag.core.errors import KompassError
from rag.core.records import DocumentRow, Hit, Passage
from rag.service import Kompass
from ui.web import components as ui
from ui.web import state

TABS = ("Treffer", "Dokument", "Korpus-Überblick")
TAB_KEY = "recherche_reiter"
DOC_KEY = "recherche_dokument"
CHUNK_KEY = "recherche_abschnitt"


def _show_in_document(doc_id: str, chunk_id: str) -> None:
    st.session_state[DOC_KEY] = doc_id
    st.session_state[CHUNK_KEY] = chunk_id
    st.session_state[TAB_KEY] = "Dokument"


def doc_label(d: DocumentRow) -> str:
    who = d.municipality or "–"
    return f"{who} – {d.title or d.doc_id} ({d.doc_id})"


def render_hit(hit: Hit, query: str) -> None:
    p = hit.passage
    where = ui.location_label(p)
    programme = f"{p.doc.programme[0]}" if p.doc.programme else ""
    if programme and p.doc.staffel:
        programme += f", {p.doc.staffel}. Staffel"
    facts = [x for x in (p.doc.state, p.doc.kind, str(p.doc.year or ""), programme) if x]
    with st.container(border=True):
        st.markdown(
            f"**{hit.rank}\\. {ui.escape_md(p.shown_municipality or '–')} – "
            f"{ui.escape_md(p.doc.title)}**"
        )
        st.caption(ui.escape_md(" · ".join(x for x in (*facts, where) if x)))
        st.markdown(ui.highlight_terms(p.text, query))
        row = st.container(horizontal=True)
        row.button(
            "Im Dokument zeigen",
            key=f"zeigen_{hit.rank}_{p.chunk_id[:16]}",
            on_click=_show_in_document,
            args=(p.doc.doc_id, p.chunk_id),
            icon=":material/article:",
        )
        url = ui.safe_url(p.doc.url)
        if url:
            row.link_button("Quelle öffnen", url, icon=":material/open_in_new:")


def results_tab(kompass: Kompass, query: str, k: int, filters: Any) -> None:
    if not query:
        st.info("Suchbegriffe eingeben, z. B. „Mobilität Parken“ oder „Vision Leitbild“.")
        return
    try:
        result = kompass.search(query, k=k, filters=filters)
    except KompassError as exc:
        st.error(str(exc))
        return
    described = ui.describe_filters(filters)
    st.caption(
        ui.escape_md(
            f"{len(result.hits)} Treffer in {result.took_ms:.0f} ms"
            + (f" · Filter: {described}" if described else "")
        )
    )
    if not result.hits:
        st.info("Keine Treffer. Andere Begriffe versuchen oder Filter lockern.")
        return
    row = st.container(horizontal=True)
    row.download_button(
        "Als CSV exportieren",
        ui.hits_csv(result.hits).encode("utf-8-sig"),
        file_name="strategiekompass-treffer.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "Als JSON exportieren",
        ui.results_json(result.to_json()).encode("utf-8"),
        file_name="strategiekompass-treffer.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
    )
    for hit in result.hits:
        render_hit(hit, query)


def document_tab(kompass: Kompass, docs: list[DocumentRow], query: str) -> None:
    by_id = {d.doc_id: d for d in docs}
    if not by_id:
        st.info("Der Index enthält keine Dokumente.")
        return
    if st.session_state.get(DOC_KEY) not in by_id:
        st.session_state[DOC_KEY] = next(iter(by_id))
    doc_id = st.selectbox(
        "Dokument", list(by_id), key=DOC_KEY, format_func=lambda i: doc_label(by_id[i])
    )
    d = by_id[doc_id]
    facts = [d.municipality, d.state, d.kind, d.year, d.licence]
    st.caption(ui.escape_md(" · ".join(str(x) for x in facts if x)))
    url = ui.safe_url(d.url)
    if url:
        st.link_button("Quelle öffnen", url, icon=":material/open_in_new:")
    selected = st.session_state.get(CHUNK_KEY)
    passages = state.document_passages(kompass, doc_id)
    if any(p.chunk_id == selected for p in passages):
        st.info("Der Treffer ist im Volltext umrandet; Suchbegriffe sind fett.")

    def heading(p: Passage) -> str:
        return p.section or (f"Seite {p.page}" if p.page else "Text")

    for title, group in groupby(passages, key=heading):
        st.markdown("##### " + ui.escape_md(title))
        for p in group:
            if p.chunk_id == selected:
                with st.container(border=True):
                    st.caption("Treffer")
                    st.markdown(ui.highlight_terms(p.text, query))
            else:
                st.markdown(ui.marked_markdown(p.text))


def _bar(counts: dict[str, int], label: str, by_name: bool = False) -> None:
    """Counts as bars: by name along the x axis (years), else largest first, horizontally."""
    frame = pd.DataFrame(list(counts.items()), columns=[label, "Anzahl"])
    if by_name:
        st.bar_chart(frame.sort_values(label), x=label, y="Anzahl", y_label="Anzahl", sort=False)
    else:
        frame = frame.sort_values("Anzahl", ascending=False)
        st.bar_chart(
            frame, x=label, y="Anzahl", x_label=label, y_label="Anzahl", horizontal=True, sort=False
        )


def overview_tab(kompass: Kompass, docs: list[DocumentRow]) -> None:
    registry = [d for d in docs if d.source_type == "registry"]
    texts = [d for d in docs if d.source_type != "registry"]
    counts = ui.registry_counts(docs)
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Strategien im Register", len(registry))
    m2.metric("Dokumente mit Volltext", len(texts))
    m3.metric("Abschnitte im Index", sum(d.chunks for d in docs))
    m4.metric("Bundesländer", len(set(counts["state"]) - {ui.UNKNOWN}))
    m5.metric("In Förderprogrammen", sum(1 for d in registry if d.programmes))
    left, right = st.columns(2)
    with left:
        st.markdown("**Strategien nach Bundesland**")
        _bar(counts["state"], "Bundesland")
        st.caption("Gemeinsame Strategien mehrerer Länder zählen für jedes Land.")
    with right:
        st.markdown("**Strategien nach Jahr**")
        _bar(counts["year"], "Jahr", by_name=True)
    left, right = st.columns(2)
    with left:
        st.markdown("**Strategien nach Kommunentyp**")
        _bar(counts["kind"], "Kommunentyp")
    with right:
        st.markdown("**Strategien nach Stadtgröße**")
        _bar(counts["size_class"], "Stadtgröße")
        st.caption("Kategorie des Förderprogramms, sonst aus Typ und Einwohnerzahl.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Strategien nach Förderprogramm**")
        _bar(counts["programme"], "Förderprogramm")
        if counts["staffel"]:
            staffeln = ", ".join(f"{k}: {v}" for k, v in sorted(counts["staffel"].items()))
            st.caption(ui.escape_md(f"Modellprojekte Smart Cities nach Staffel – {staffeln}"))
    with right:
        st.markdown("**Häufigste Handlungsfelder**")
        fields = ui.handlungsfeld_counts(
            [d.title or "" for d in registry] + state.section_titles(kompass)
        )
        _bar(dict(fields.most_common(12)), "Handlungsfeld")
        st.caption("Nennungen in Titeln der Registereinträge und in Abschnittsüberschriften.")
    st.markdown("**Alle Dokumente**")
    table = pd.DataFrame(
        [
            {
                "Kommune": d.municipality,
                "Titel": d.title,
                "Typ": d.kind,
                "Bundesland": d.state,
                "Jahr": d.year,
                "Einwohner": d.population,
                "Stadtgröße": d.size_class or d.population_class,
                "Förderprogramm": "; ".join(d.programmes),
                "Staffel": d.staffel,
                "Beteiligte": "; ".join(d.members),
                "Art": "Registereintrag" if d.source_type == "registry" else "Volltext",
                "Abschnitte": d.chunks,
                "Quelle": ui.safe_url(d.url),
            }
            for d in docs
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={"Quelle": st.column_config.LinkColumn("Quelle", display_text="öffnen")},
    )


kompass = state.require_kompass()
docs = state.documents(kompass)
filters = ui.sidebar_filters(docs, "recherche")

st.title("Recherche")
q_col, k_col = st.columns([4, 1])
query = q_col.text_input(
    "Suchbegriffe", key="recherche_suche", placeholder="z. B. Vision Leitbild Bürgerbeteiligung"
).strip()
k = k_col.selectbox("Anzahl Treffer", (10, 20, 50), key="recherche_k")

tabs = st.tabs(TABS, key=TAB_KEY, on_change="rerun")
for tab, name in zip(tabs, TABS, strict=True):
    if tab.open is False:
        continue
    with tab:
        if name == "Treffer":
            results_tab(kompass, query, int(k), filters)
        elif name == "Dokument":
            document_tab(kompass, docs, query)
        else:
            overview_tab(kompass, docs)
