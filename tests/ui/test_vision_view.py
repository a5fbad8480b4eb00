"""The Vision-Werkstatt page body (ui/web/vision_view.render) under streamlit's AppTest, on a
private copy of the hashing index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.settings import Settings
from rag.service import Kompass
from tests.conftest import make_settings
from ui.web.vision_view import md_escape, md_link

pytestmark = pytest.mark.unit

KOMPASS: dict[str, Kompass] = {}


def _page() -> None:  # runs inside AppTest (same process): the source of this function only
    from tests.ui.test_vision_view import KOMPASS
    from ui.web.vision_view import render

    render(KOMPASS["k"])


@pytest.fixture(scope="module")
def kompass(hashing_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kompass]:
    data = tmp_path_factory.mktemp("vision-view") / "data"
    shutil.copytree(hashing_index.data_dir, data)
    KOMPASS["k"] = Kompass(make_settings(data))
    yield KOMPASS["k"]
    KOMPASS.pop("k").close()


@pytest.fixture
def page(kompass: Kompass) -> AppTest:
    return AppTest.from_function(_page, default_timeout=60).run()


def submit(at: AppTest, name: str, focus: list[str]) -> AppTest:
    at.text_input[0].set_value(name)
    at.multiselect[0].set_value(focus)
    at.number_input[0].set_value(20_000)
    return at.button[0].click().run()


def test_form_first_then_result(page: AppTest) -> None:
    assert not page.exception
    assert [s.label for s in page.selectbox] == ["Typ", "Bundesland"]
    assert page.selectbox[1].value == "Brandenburg"
    assert any("Profil ausfüllen" in i.value for i in page.info)
    at = submit(page, "Musterstadt", ["Beteiligung", "Verwaltung"])
    assert not at.exception and not at.error
    headers = [h.value for h in at.subheader]
    assert headers == [
        "Vergleichbare Kommunen",
        "Entwürfe für Ihre Vision",
        "Handlungsfelder der Vergleichskommunen",
    ]
    markdown = " ".join(m.value for m in at.markdown)
    assert "**1. Guben**" in markdown
    assert "https://smart.guben.de/vision-strategie/" in markdown
    drafts = [c.value for c in at.code]
    assert len(drafts) >= 3 and all("Musterstadt" in d for d in drafts)
    assert any("Warum: gleicher Typ" in c.value for c in at.caption)
    assert "Nach dem Vorbild von:" in markdown


def test_invalid_profile_shows_a_german_error(page: AppTest) -> None:
    at = submit(page, " ", ["Bildung"])
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Bitte einen Namen der Kommune angeben (2 bis 120 Zeichen)"
    ]


def test_corpus_text_is_escaped_and_links_are_http_only() -> None:
    assert md_escape("Ulmer*innen [mehr](x) <b>") == r"Ulmer\*innen \[mehr\]\(x\) \<b\>"
    assert md_link("Guben", "https://smart.guben.de/a_(b)") == (
        r"[Guben](https://smart.guben.de/a_%28b%29)"
    )
    assert md_link("Böse", "javascript:alert(1)") == "Böse"
    assert md_link("Leer", None) == "Leer"
