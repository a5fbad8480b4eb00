"""Vision-Werkstatt: the page frame; ui.web.vision_view draws the body (comparable municipalities
and vision suggestions modelled on their strategies)."""

from __future__ import annotations

import importlib

import streamlit as st

from ui.web import state

kompass = state.require_kompass()
try:
    vision_view = importlib.import_module("ui.web.vision_view")
except ImportError:
    st.title("Vision-Werkstatt")
    st.info("Die Vision-Werkstatt wird gerade aufgebaut.")
else:
    vision_view.render(kompass)  # draws its own heading
