"""Fixtures for the app tests: a private copy of the hashing index per test (so users, audit
log and index writes never leak between tests), and the app under streamlit's AppTest."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.settings import Settings
from tests.conftest import make_settings

APP = Path(__file__).resolve().parents[2] / "ui" / "web" / "app.py"


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters keep the tests fast; the algorithm is the same."""
    from argon2 import PasswordHasher

    from ui import accounts as auth

    monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(auth, "_DUMMY", [])


@pytest.fixture
def app_settings(
    hashing_index: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Settings of a private copy of the shipped corpus's hashing index, set in the env."""
    from ui.web import state

    data = tmp_path / "app-data"
    shutil.copytree(hashing_index.data_dir, data)
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(data))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    yield make_settings(data)
    state.release()  # close the cached Kompass: frees the index lock for other tests


@pytest.fixture
def app(app_settings: Settings) -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def open_page(at: AppTest, page: str) -> AppTest:
    """Run the app once, then switch to ui/web/pages/<page>.py."""
    at.run()
    return at.switch_page(f"pages/{page}.py").run()
