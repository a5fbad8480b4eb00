"""Vision-Werkstatt frame: draws ui.web.vision_view.render(kompass), or says it is being built."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from rag.service import Kompass
from tests.ui.conftest import open_page

pytestmark = pytest.mark.unit


def test_frame_says_so_while_the_view_is_missing(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ui.web.vision_view", None)  # import raises ImportError
    at = open_page(app, "vision")
    assert not at.exception
    assert [t.value for t in at.title] == ["Vision-Werkstatt"]
    assert any("wird gerade aufgebaut" in i.value for i in at.info)


def test_frame_renders_the_view_with_the_shared_kompass(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def render(kompass: Kompass) -> None:
        import streamlit as st

        seen.append(kompass)
        st.write("Vergleichbare Kommunen")

    fake = types.ModuleType("ui.web.vision_view")
    fake.render = render  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.web.vision_view", fake)
    at = open_page(app, "vision")
    assert not at.exception
    assert isinstance(seen[0], Kompass)
    assert [t.value for t in at.title] == []  # the view draws its own heading
    assert any(m.value == "Vergleichbare Kommunen" for m in at.markdown)
