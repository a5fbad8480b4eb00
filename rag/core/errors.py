"""The few named errors of Strategiekompass.

Each carries a German hint for the user; the CLI prints `str(error)` in one line and
exits 1, the app shows it with st.error.
"""


class KompassError(Exception):
    """Base class: a user-facing problem with a clear message."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.hint})" if self.hint else base


class UserInputError(KompassError):
    """Bad input from the user: a missing file, an invalid option value."""


class FetchError(KompassError):
    """A URL could not be fetched (network, status, size, content type)."""


class ParseError(KompassError):
    """A document could not be read or holds no text."""


class RefusedURLError(KompassError):
    """A URL was refused before fetching (scheme, private address, robots.txt)."""


class RegistryError(KompassError):
    """The strategy registry (corpus/sources.csv) is invalid; the message names the row."""


class IndexMismatchError(KompassError):
    """The index was built with another embedding model or chunking than configured."""

    hint = "Index neu aufbauen mit: kompass ingest --rebuild"


class IndexMissingError(KompassError):
    """No index exists yet in the data directory."""

    hint = "Zuerst den Index aufbauen: kompass ingest"
