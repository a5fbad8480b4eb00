"""Fragen: a conversation with cited answers from the strategies.

Every answer sentence carries [n]; each source opens to its whole passage with the quote in
bold, the municipality, document, section or page and a link. Corpus text is escaped.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rag.answer import NO_SOURCE, source_label
from rag.core.errors import KompassError
from rag.core.records import Answer, Citation, SearchFilters
from rag.service import Kompass
from ui.web import components as ui
from ui.web import state
from ui.web.answer_view import answer_blocks

# Example questions: specific enough to find their sources. "Wo fangen wir an?" alone matches
# nothing well (EmbeddingGemma cosine 0.21) and gets a loose answer with a hint (rag.compose.LOOSE).
STARTERS = (
    "Wo fangen wir an, wenn wir eine Digitalstrategie entwickeln wollen?",
    "Wie formulieren wir eine Vision?",
    "Welche Handlungsfelder wählen Kommunen wie wir?",
)
HISTORY = "fragen_verlauf"
PENDING = "fragen_offen"


def render_citation(c: Citation) -> None:
    p = c.hit.passage
    where = ui.location_label(p)
    who = source_label(c.hit)
    parts = [f"[{c.n}] {who}", p.doc.title if p.doc.title != who else "", where]
    label = " – ".join(x for x in parts if x)
    with st.expander(ui.escape_md(label)):
        st.markdown(ui.highlight_quote(p.text, c.quote))
        origin = (
            f"**Kommune:** {ui.escape_md(p.shown_municipality)}"
            if p.shown_municipality
            else f"**Herausgeber:** {ui.escape_md(p.doc.publisher or '–')}"
        )
        facts = [origin, f"**Dokument:** {ui.escape_md(p.doc.title)}"]
        if where:
            facts.append(ui.escape_md(where))
        st.caption(" · ".join(facts))
        url = ui.safe_url(p.doc.url)
        if url:
            st.link_button("Quelle öffnen", url, icon=":material/open_in_new:")
            st.caption(ui.escape_md(url))
        else:
            st.caption("Dokument aus dem mitgelieferten Korpus (keine Web-Adresse).")


def render_answer(answer: Answer, filters: SearchFilters | None = None) -> None:
    if not answer.citations:
        st.info(
            f"{NO_SOURCE} Die Strategien im Index beantworten diese Frage nicht. "
            "Versuchen Sie andere Begriffe oder lockern Sie die Filter."
        )
        return
    for block in answer_blocks(answer):
        st.markdown(block)
    if answer.note and answer.note not in (answer.text, NO_SOURCE):
        st.info(answer.note)
    info = f"{len(answer.citations)} Quellen · {answer.took_ms:.0f} ms"
    if answer.mode == "llm":
        info += " · formuliert vom Sprachmodell, belegt durch die Quellen"
    if filters is not None and (described := ui.describe_filters(filters)):
        info += f" · Filter: {described}"
    if named := ui.describe_boosts(answer.boosts):
        info += f" · bevorzugt: {named}"
    st.caption(ui.escape_md(info))
    for c in answer.citations:
        render_citation(c)


def compute_answer(kompass: Kompass, question: str, filters: SearchFilters) -> Answer:
    """The answer; its text appears while it is written (an LLM streams)."""
    stream = kompass.ask_stream(question, k=6, filters=filters)
    box = st.empty()
    shown = ""
    for chunk in stream:
        shown += chunk
        box.markdown(ui.escape_md(shown) + " ▌")
    box.empty()
    return stream.answer


def ask_and_show(kompass: Kompass, question: str, filters: SearchFilters) -> None:
    with st.chat_message("user"):
        st.markdown(ui.escape_md(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Suche in den Strategien …"):
                answer = compute_answer(kompass, question, filters)
        except KompassError as exc:
            st.error(str(exc))
            return
        render_answer(answer, filters)
    turn: dict[str, Any] = {"question": question, "answer": answer, "filters": filters}
    st.session_state[HISTORY].append(turn)


def _queue(question: str) -> None:
    st.session_state[PENDING] = question


kompass = state.require_kompass()
filters = ui.sidebar_filters(state.documents(kompass), "fragen")
st.session_state.setdefault(HISTORY, [])

st.title("Fragen")
st.caption(
    "Antworten bestehen aus Aussagen veröffentlichter Strategien; jede trägt ihre Quelle [n]. "
    "Die Filter links grenzen die Quellen ein."
)
with st.sidebar:
    if st.button("Gespräch leeren", icon=":material/delete_sweep:", key="fragen_leeren"):
        st.session_state[HISTORY] = []

if not st.session_state[HISTORY]:
    st.markdown("**Zum Einstieg:**")
cols = st.columns(len(STARTERS))
for i, (col, text) in enumerate(zip(cols, STARTERS, strict=True)):
    col.button(
        text, key=f"fragen_start_{i}", on_click=_queue, args=(text,), width="stretch", wrap=True
    )

for turn in st.session_state[HISTORY]:
    with st.chat_message("user"):
        st.markdown(ui.escape_md(turn["question"]))
    with st.chat_message("assistant"):
        render_answer(turn["answer"], turn.get("filters"))

typed = st.chat_input("Ihre Frage zur kommunalen Digitalstrategie …", key="fragen_eingabe")
pending = st.session_state.pop(PENDING, None)
question = (typed or pending or "").strip()
if question:
    ask_and_show(kompass, question, filters)
