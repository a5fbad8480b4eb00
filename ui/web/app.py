"""The Streamlit app: `kompass ui` (or `make run`) serves it on http://127.0.0.1:8501.

Four pages: Fragen (cited answers), Recherche (search, documents, export, overview),
Vision-Werkstatt and Redaktion (editors only). Models and index load once per process.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="Strategiekompass",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="expanded",
)
st.set_option("client.toolbarMode", "viewer")  # no developer menu or "Deploy" for officials

PAGES = [
    st.Page("pages/fragen.py", title="Fragen", icon=":material/forum:", default=True),
    st.Page("pages/recherche.py", title="Recherche", icon=":material/search:"),
    st.Page(
        "pages/vision.py",
        title="Vision-Werkstatt",
        icon=":material/lightbulb:",
        url_path="vision-werkstatt",
    ),
    st.Page("pages/redaktion.py", title="Redaktion", icon=":material/edit_note:"),
]

page = st.navigation(PAGES)
with st.sidebar:
    st.caption(
        "Strategiekompass – Antworten aus veröffentlichten kommunalen Digitalstrategien, "
        "jede Aussage mit Quelle."
    )
page.run()
