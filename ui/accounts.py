"""Editor accounts, login limits, editor sessions and the audit log of the Redaktion.

- Accounts: KOMPASS_DATA_DIR/users.json, argon2 hashes, written atomically. There is no
  default account or password: create one with `kompass user add NAME`.
- Login limit: after 5 failed logins an account is locked for 5 minutes
  (KOMPASS_DATA_DIR/login-attempts.json, so a restart does not reset it).
- Sessions: the editor's name and last activity in st.session_state; 30 minutes idle ends it.
- Audit: every editor action is one JSON line appended to KOMPASS_DATA_DIR/audit.log
  (written by `ingest.desk`, which also runs every editor write).

Example:
    >>> create_user(settings, "anna", "ein-langes-passwort")       # doctest: +SKIP
    >>> login(settings, st.session_state, "anna", "ein-langes-passwort")  # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ingest.desk import audit as audit
from ingest.desk import audit_path as audit_path
from ingest.desk import read_audit as read_audit
from rag.core.errors import KompassError, UserInputError
from rag.core.fileio import atomic_write_text
from rag.core.settings import Settings

MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCK_S = 5 * 60
IDLE_S = 30 * 60
SESSION_KEY = "redaktion_session"
_NAME = re.compile(r"^[\w.@-]{2,64}$")
_HASHER = PasswordHasher()
_LOCK = threading.Lock()  # read-modify-write of users.json / login-attempts.json
_DUMMY: list[str] = []  # a hash to verify against for unknown names (same timing)


class NotLoggedInError(KompassError):
    """An editor action without a valid editor session."""

    hint = "bitte auf der Seite Redaktion anmelden"


class AccountLockedError(KompassError):
    """Too many failed logins for this account."""


def users_path(settings: Settings) -> Path:
    return settings.data_dir / "users.json"


def attempts_path(settings: Settings) -> Path:
    return settings.data_dir / "login-attempts.json"


def _now_iso(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).isoformat(
        timespec="seconds"
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as exc:
        raise KompassError(f"{path.name} ist nicht lesbar ({exc})") from exc
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomic write (temp file and rename, mode 0600): readers never see half a file."""
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def _users(settings: Settings) -> dict[str, dict[str, Any]]:
    users = _read_json(users_path(settings)).get("users", {})
    return users if isinstance(users, dict) else {}


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise UserInputError(
            f"Ungültiger Benutzername „{name}“: 2–64 Zeichen, nur Buchstaben, Ziffern, . _ - @"
        )
    return name


def create_user(settings: Settings, name: str, password: str) -> None:
    """Add an editor account; refuses short passwords and existing names."""
    name = check_name(name)
    if len(password) < MIN_PASSWORD:
        raise UserInputError(f"Das Passwort muss mindestens {MIN_PASSWORD} Zeichen lang sein")
    if password.strip() != password:
        raise UserInputError("Das Passwort darf nicht mit Leerzeichen beginnen oder enden")
    digest = _HASHER.hash(password)
    with _LOCK:
        path = users_path(settings)
        data = _read_json(path)
        users = data.setdefault("users", {})
        if name in users:
            raise UserInputError(f"Das Konto „{name}“ gibt es bereits")
        users[name] = {"hash": digest, "created_at": _now_iso()}
        data["version"] = 1
        _write_json(path, data)


def list_users(settings: Settings) -> list[dict[str, str]]:
    return [
        {"name": name, "created_at": str(u.get("created_at", ""))}
        for name, u in sorted(_users(settings).items())
    ]


def locked_for(settings: Settings, name: str, now: float | None = None) -> float:
    """Seconds this account stays locked (0 when it is not)."""
    now = time.time() if now is None else now
    entry = _read_json(attempts_path(settings)).get(name.strip()) or {}
    return max(0.0, float(entry.get("locked_until", 0)) - now)


def _record(settings: Settings, name: str, ok: bool, now: float) -> None:
    with _LOCK:
        path = attempts_path(settings)
        data = _read_json(path)
        # Drop stale entries so names sprayed by a guesser do not pile up.
        data = {
            k: v
            for k, v in data.items()
            if isinstance(v, dict) and max(v.get("locked_until", 0), v.get("last", 0)) > now - 86400
        }
        if ok:
            data.pop(name, None)
        else:
            entry = data.setdefault(name, {"failures": 0})
            entry["failures"] = int(entry.get("failures", 0)) + 1
            entry["last"] = now
            if entry["failures"] >= MAX_FAILURES:
                entry["locked_until"] = now + LOCK_S
                entry["failures"] = 0
        _write_json(path, data)


def verify(settings: Settings, name: str, password: str, now: float | None = None) -> bool:
    """True if the password is right. Raises AccountLockedError while the account is locked;
    each failure counts towards the lock (also for unknown names)."""
    now = time.time() if now is None else now
    name = name.strip()
    wait = locked_for(settings, name, now)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        raise AccountLockedError(
            f"Zu viele Fehlversuche: Anmeldung für dieses Konto in etwa {minutes} Minute(n) "
            "wieder möglich"
        )
    user = _users(settings).get(name)
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash(secrets.token_hex(16)))
    digest = str(user.get("hash", "")) if user else _DUMMY[0]
    try:
        ok = _HASHER.verify(digest, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    _record(settings, name, ok, now)
    return ok


# ------------------------------------------------------------------ sessions

Session = MutableMapping[Any, Any]  # st.session_state, or a dict in tests


def login(
    settings: Settings, session: Session, name: str, password: str, now: float | None = None
) -> bool:
    """Check the password, start the editor session and audit the attempt."""
    name = name.strip()
    try:
        ok = verify(settings, name, password, now)
    except AccountLockedError:
        audit(settings, name, "login", ok=False, reason="gesperrt")
        raise
    audit(settings, name, "login", ok=ok)
    if ok:
        session[SESSION_KEY] = {"user": name, "last_seen": time.time() if now is None else now}
    return ok


def logout(settings: Settings, session: Session) -> None:
    user = current_editor(session)
    session.pop(SESSION_KEY, None)
    if user:
        audit(settings, user, "logout")


def current_editor(session: Session, now: float | None = None) -> str | None:
    """The logged-in editor, or None (also after 30 minutes without activity)."""
    now = time.time() if now is None else now
    s = session.get(SESSION_KEY)
    if not isinstance(s, dict) or not isinstance(s.get("user"), str):
        return None
    if now - float(s.get("last_seen", 0)) > IDLE_S:
        session.pop(SESSION_KEY, None)
        session["redaktion_expired"] = True
        return None
    s["last_seen"] = now
    return s["user"]


def require_editor(session: Session, now: float | None = None) -> str:
    """The editor's name; raises NotLoggedInError without a valid session. Called first by
    every editor action, so no widget, page or URL reaches one without login."""
    user = current_editor(session, now)
    if user is None:
        raise NotLoggedInError("Nur für angemeldete Redakteurinnen und Redakteure")
    return user
