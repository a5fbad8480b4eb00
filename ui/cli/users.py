"""`kompass user`: editor accounts for the Redaktion page (add, list).

Registered in ui/cli/main.py with `app.add_typer(user_app, name="user")`; also runnable on its own
as `python -m ui.cli.users`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ui import accounts
from ui.cli.output import emit, fail, run, settings

app = typer.Typer(
    name="user",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Redaktionskonten verwalten (Anmeldung auf der Seite Redaktion der App).",
)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("kein Passwort auf der Standardeingabe")
        return password
    password = typer.prompt("Passwort (mind. 12 Zeichen)", hide_input=True)
    again = typer.prompt("Passwort wiederholen", hide_input=True)
    if password != again:
        fail("die beiden Passwörter stimmen nicht überein")
    return str(password)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Benutzername (Buchstaben, Ziffern, . _ - @).")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Passwort aus der ersten Zeile der Eingabe lesen."),
    ] = False,
) -> None:
    """Redaktionskonto anlegen; das Passwort wird zweimal abgefragt.

    Beispiel: kompass user add anna  |  printf '%s\\n' "$PW" | kompass user add anna --password-stdin
    """
    s = settings()
    run(lambda: accounts.check_name(name))
    password = _read_password(password_stdin)
    run(lambda: accounts.create_user(s, name, password))
    typer.echo(f"Konto „{name.strip()}“ angelegt ({accounts.users_path(s)}).")


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="JSON statt Text ausgeben.")] = False,
) -> None:
    """Redaktionskonten auflisten (ohne Passwörter).

    Beispiel: kompass user list --json
    """
    users = run(lambda: accounts.list_users(settings()))
    if as_json:
        emit(users)
        return
    for u in users:
        typer.echo(f"{u['name']:<32} angelegt {u['created_at']}")
    typer.echo(f"({len(users)} Konten)")


if __name__ == "__main__":
    app()
