"""The Vision-Werkstatt page body of the Streamlit app: a profile form, comparable
municipalities with their reasons, vision drafts with their models (quote + link, copy button)
and the Handlungsfelder the comparables chose.

Corpus text is shown escaped (never as HTML, never as live Markdown).

Example (inside the app):
    >>> render(kompass)                                               # doctest: +SKIP
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as url_quote

import streamlit as st

from rag.core.errors import KompassError
from rag.core.vocabulary import FIELD_NAMES, STATES, format_population
from rag.vision.catalogue import PATTERN_LABELS
from rag.vision.similarity import PROFILE_KINDS
from rag.vision.workshop import (
    Comparable,
    Draft,
    FieldChoice,
    Profile,
    VisionResult,
    suggest_vision,
)
from ui.web.components import escape_md

if TYPE_CHECKING:
    from rag.service import Kompass

_RESULT_KEY = "vision_result"
_NO_SETTING = "keine Angabe"


def md_escape(text: str) -> str:
    """Corpus text as literal Markdown (no emphasis, links, headings or HTML).

    >>> md_escape("Ulmer*innen [mehr](x)")
    'Ulmer\\\\*innen \\\\[mehr\\\\]\\\\(x\\\\)'
    """
    return escape_md(" ".join(text.split()))


def md_link(label: str, url: str | None) -> str:
    """A Markdown link for http(s) URLs only; anything else is shown as plain label."""
    if not url or not re.match(r"^https?://[^\s]+$", url):
        return md_escape(label)
    safe = url_quote(url, safe=":/?#[]@!$&'*+,;=%~.-_")
    safe = safe.replace("(", "%28").replace(")", "%29")
    return f"[{md_escape(label)}]({safe})"


def _form() -> Profile | None:
    """The profile form; returns a validated Profile on submit (errors shown here)."""
    with st.form("vision_profile"):
        name = st.text_input("Name der Kommune", placeholder="z. B. Musterstadt")
        left, right = st.columns(2)
        kind = left.selectbox("Typ", PROFILE_KINDS, index=PROFILE_KINDS.index("Stadt"))
        state = right.selectbox("Bundesland", STATES, index=STATES.index("Brandenburg"))
        population = left.number_input(
            "Einwohner", min_value=1, max_value=20_000_000, value=20_000, step=500
        )
        setting = right.radio("Prägung", (_NO_SETTING, "ländlich", "städtisch"), horizontal=True)
        focus = st.multiselect(
            "Handlungsfelder (Schwerpunkte)", FIELD_NAMES, placeholder="Handlungsfelder auswählen"
        )
        challenges = st.text_area(
            "Herausforderungen",
            placeholder="z. B. Überalterung, lange Wege zum Amt, schwache Busanbindung",
            max_chars=2000,
        )
        submitted = st.form_submit_button("Vergleichen und Entwürfe erstellen", type="primary")
    if not submitted:
        return None
    try:
        return Profile(
            name=name,
            kind=kind,
            state=state,
            population=int(population),
            setting=None if setting == _NO_SETTING else setting,
            focus=tuple(focus),
            challenges=challenges,
        )
    except KompassError as exc:
        st.error(str(exc))
        return None


def _comparable(i: int, c: Comparable) -> None:
    m = c.municipality
    facts = [x for x in (m.kind, m.state) if x]
    facts.append(f"{format_population(m.population)} EW" if m.population else "EW unbekannt")
    if m.programme:
        facts.append(m.programme[0] + (f", {m.staffel}. Staffel" if m.staffel else ""))
    with st.container(border=True):
        st.markdown(f"**{i}. {md_escape(m.name)}** · {md_escape(' · '.join(facts))}")
        st.progress(min(1.0, max(0.0, c.similarity)), text=f"Ähnlichkeit {c.similarity:.2f}")
        st.caption(f"Warum: {md_escape(c.why)}")
        if c.vision:
            label = PATTERN_LABELS[c.vision.pattern]
            st.markdown(f"> „{md_escape(c.vision.quote)}“  \n{md_escape(label)}")
        url = c.vision.url if c.vision else m.url
        if url:
            st.markdown(f"Quelle: {md_link(url, url)}")


def _draft(i: int, d: Draft) -> None:
    label = PATTERN_LABELS.get(d.pattern, "Entwurf des Sprachmodells")
    st.markdown(f"**Entwurf {i}** · {md_escape(label)}")
    st.code(d.text, language=None)  # built-in copy button
    if d.modelled_on:
        lines = [
            f"- {md_link(e.municipality, e.url)}: „{md_escape(_short(e.quote))}“"
            for e in d.modelled_on
        ]
        st.markdown("Nach dem Vorbild von:\n" + "\n".join(lines))


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"


def _fields(choices: tuple[FieldChoice, ...]) -> None:
    if not choices:
        st.info("Für die Vergleichskommunen sind keine Handlungsfelder erkennbar.")
        return
    for rank, f in enumerate(choices, start=1):
        who = ", ".join(md_link(n, u) for n, u in f.municipalities)
        mark = " (Ihr Schwerpunkt)" if f.in_focus else ""
        n = len(f.municipalities)
        plural = "Vergleichskommune" if n == 1 else "Vergleichskommunen"
        st.markdown(f"{rank}\\. **{md_escape(f.field)}**{md_escape(mark)} – {n} {plural}: {who}")


def show_result(result: VisionResult) -> None:
    """Render a VisionResult (comparables, drafts, Handlungsfelder)."""
    st.subheader("Vergleichbare Kommunen")
    if not result.comparables:
        st.info("Keine Kommunen im Index. Zuerst den Index aufbauen: kompass ingest")
    for i, c in enumerate(result.comparables, start=1):
        _comparable(i, c)
    st.subheader("Entwürfe für Ihre Vision")
    st.caption(
        "Eigene Formulierungen nach dem Muster der Vorbilder: kein Entwurf übernimmt acht oder "
        "mehr aufeinanderfolgende Wörter aus einer Vision im Index."
    )
    for i, d in enumerate(result.suggestions, start=1):
        _draft(i, d)
    st.subheader("Handlungsfelder der Vergleichskommunen")
    _fields(result.handlungsfelder)


def _configured_chat(kompass: Kompass) -> Any:
    if not kompass.settings.llm.base_url:
        return None
    from rag.llm import configured_chat  # llama-index loads only when an LLM is configured

    return configured_chat(kompass.settings.llm)


def render(kompass: Kompass, **kwargs: Any) -> None:
    """The page body: form, then the last result of this session (kept across reruns)."""
    st.header("Vision-Werkstatt")
    st.caption(
        "Vergleichbare Kommunen finden und eine Vision nach ihrem Vorbild entwerfen – mit Quellen."
    )
    profile = _form()
    if profile is not None:
        try:
            with st.spinner("Suche vergleichbare Kommunen …"):
                kwargs.setdefault("llm", _configured_chat(kompass))
                st.session_state[_RESULT_KEY] = suggest_vision(kompass, profile, **kwargs)
        except KompassError as exc:
            st.error(str(exc))
            return
    result = st.session_state.get(_RESULT_KEY)
    if result is None:
        st.info("Profil ausfüllen und auf „Vergleichen und Entwürfe erstellen“ klicken.")
        return
    show_result(result)
