"""Editor accounts, login limits, sessions, audit log and the `kompass user` commands."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.core.errors import UserInputError
from rag.core.settings import Settings
from tests.conftest import make_settings
from ui import accounts as auth
from ui.cli.users import app as user_app

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("fast_hashes")]
PASSWORD = "korrekt-pferd-batterie"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


def test_created_user_is_stored_as_argon2_hash_only(settings: Settings) -> None:
    auth.create_user(settings, "anna", PASSWORD)
    raw = auth.users_path(settings).read_text(encoding="utf-8")
    assert PASSWORD not in raw
    stored = json.loads(raw)["users"]["anna"]
    assert stored["hash"].startswith("$argon2id$")
    assert stat.S_IMODE(auth.users_path(settings).stat().st_mode) == 0o600
    assert [u["name"] for u in auth.list_users(settings)] == ["anna"]
    assert auth.verify(settings, "anna", PASSWORD)
    assert not auth.verify(settings, "anna", PASSWORD + "x")


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("anna", "zu-kurz", "mindestens 12 Zeichen"),
        ("a", PASSWORD, "Ungültiger Benutzername"),
        ("anna; rm", PASSWORD, "Ungültiger Benutzername"),
        ("anna", " " + PASSWORD, "Leerzeichen"),
    ],
)
def test_bad_accounts_are_refused(
    settings: Settings, name: str, password: str, message: str
) -> None:
    with pytest.raises(UserInputError, match=message):
        auth.create_user(settings, name, password)
    assert not auth.users_path(settings).exists()


def test_duplicate_name_is_refused_and_file_kept(settings: Settings) -> None:
    auth.create_user(settings, "anna", PASSWORD)
    before = auth.users_path(settings).read_text(encoding="utf-8")
    with pytest.raises(UserInputError, match="gibt es bereits"):
        auth.create_user(settings, "anna", "noch-ein-passwort")
    assert auth.users_path(settings).read_text(encoding="utf-8") == before


def test_no_account_exists_by_default(settings: Settings) -> None:
    assert auth.list_users(settings) == []
    for name, password in [("admin", "admin"), ("redaktion", ""), ("admin", "password1234")]:
        assert not auth.verify(settings, name, password)


def test_five_failures_lock_the_account_for_five_minutes(settings: Settings) -> None:
    auth.create_user(settings, "anna", PASSWORD)
    t0 = 1_000_000.0
    for i in range(auth.MAX_FAILURES):
        assert not auth.verify(settings, "anna", f"falsch-{i}", now=t0 + i)
    with pytest.raises(auth.AccountLockedError, match="Zu viele Fehlversuche"):
        auth.verify(settings, "anna", PASSWORD, now=t0 + 10)
    assert auth.locked_for(settings, "anna", now=t0 + 10) > 280
    # Other accounts are not affected.
    auth.create_user(settings, "bernd", PASSWORD)
    assert auth.verify(settings, "bernd", PASSWORD, now=t0 + 10)
    # After the lock the right password works again and resets the count.
    assert auth.verify(settings, "anna", PASSWORD, now=t0 + 4 + auth.LOCK_S + 1)
    assert auth.locked_for(settings, "anna", now=t0 + 4 + auth.LOCK_S + 2) == 0


def test_unknown_names_are_rate_limited_too(settings: Settings) -> None:
    for i in range(auth.MAX_FAILURES):
        assert not auth.verify(settings, "niemand", f"x{i}", now=100.0 + i)
    with pytest.raises(auth.AccountLockedError):
        auth.verify(settings, "niemand", "x", now=110.0)


def test_audit_log_is_appended_never_rewritten(settings: Settings) -> None:
    auth.audit(settings, "anna", "login", ok=True)
    first = auth.audit_path(settings).read_text(encoding="utf-8")
    auth.audit(settings, "anna", "remove", doc_id="datei-1", chunks=3)
    text = auth.audit_path(settings).read_text(encoding="utf-8")
    assert text.startswith(first)
    entries = [json.loads(line) for line in text.splitlines()]
    assert [e["action"] for e in entries] == ["login", "remove"]
    assert entries[1] | {"ts": "-"} == {
        "ts": "-",
        "user": "anna",
        "action": "remove",
        "doc_id": "datei-1",
        "chunks": 3,
    }
    assert [e["action"] for e in auth.read_audit(settings)] == ["remove", "login"]


def test_login_starts_a_session_and_is_audited(settings: Settings) -> None:
    auth.create_user(settings, "anna", PASSWORD)
    session: dict[str, object] = {}
    assert not auth.login(settings, session, "anna", "falsch-falsch-falsch")
    assert auth.current_editor(session) is None
    assert auth.login(settings, session, "anna", PASSWORD)
    assert auth.require_editor(session) == "anna"
    actions = [(e["action"], e["ok"]) for e in reversed(auth.read_audit(settings))]
    assert actions == [("login", False), ("login", True)]
    auth.logout(settings, session)
    assert auth.current_editor(session) is None
    assert auth.read_audit(settings)[0]["action"] == "logout"


def test_session_expires_after_idle_time(settings: Settings) -> None:
    auth.create_user(settings, "anna", PASSWORD)
    session: dict[str, object] = {}
    assert auth.login(settings, session, "anna", PASSWORD, now=0.0)
    assert auth.current_editor(session, now=auth.IDLE_S - 1) == "anna"  # refreshes
    assert auth.current_editor(session, now=2 * auth.IDLE_S - 2) == "anna"
    assert auth.current_editor(session, now=3 * auth.IDLE_S) is None
    assert session.get("redaktion_expired") is True
    with pytest.raises(auth.NotLoggedInError):
        auth.require_editor(session, now=3 * auth.IDLE_S)


@pytest.mark.parametrize(
    "session",
    [{}, {"redaktion_session": "anna"}, {"redaktion_session": {"last_seen": 1e12}}],
)
def test_require_editor_refuses_without_a_valid_session(session: dict[str, object]) -> None:
    with pytest.raises(auth.NotLoggedInError, match="Nur für angemeldete"):
        auth.require_editor(session)


# ------------------------------------------------------------------ kompass user


def test_cli_add_with_password_stdin_and_list(settings: Settings) -> None:
    runner = CliRunner()
    result = runner.invoke(user_app, ["add", "anna", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "angelegt" in result.output
    assert auth.verify(settings, "anna", PASSWORD)
    listed = runner.invoke(user_app, ["list", "--json"])
    assert listed.exit_code == 0
    assert [u["name"] for u in json.loads(listed.output)] == ["anna"]


def test_cli_add_with_prompt_and_confirmation(settings: Settings) -> None:
    runner = CliRunner()
    ok = runner.invoke(user_app, ["add", "bernd"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert ok.exit_code == 0, ok.output
    assert auth.verify(settings, "bernd", PASSWORD)
    bad = runner.invoke(user_app, ["add", "carla"], input=f"{PASSWORD}\nanders-anders\n")
    assert bad.exit_code == 1
    assert "stimmen nicht überein" in bad.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "anna", "--password-stdin"], "kurz\n", "mindestens 12 Zeichen"),
        (["add", "anna", "--password-stdin"], "", "kein Passwort"),
        (["add", "x", "--password-stdin"], PASSWORD + "\n", "Ungültiger Benutzername"),
    ],
)
def test_cli_errors_are_one_german_line_and_exit_1(
    settings: Settings, args: list[str], stdin: str, message: str
) -> None:
    result = CliRunner().invoke(user_app, args, input=stdin)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("Fehler: ") and message in lines[0]


def test_cli_duplicate_exits_1(settings: Settings) -> None:
    auth.create_user(settings, "anna", PASSWORD)
    result = CliRunner().invoke(user_app, ["add", "anna", "--password-stdin"], input=PASSWORD)
    assert result.exit_code == 1
    assert "gibt es bereits" in result.output
