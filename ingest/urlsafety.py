"""Refuse URLs that must never be fetched, and tame uploaded file names.

`check_url` guards every request the crawler and `kompass add URL` make (SSRF defence): only
http(s), no credentials in the URL, and no host that resolves to an address inside the
machine's own networks (loopback, private, link-local, CGNAT, multicast, reserved, cloud
metadata), unless the user explicitly allows private addresses for an intranet.

Example:
    >>> check_url("ftp://example.org/plan.pdf", allow_private=False)
    Traceback (most recent call last):
    ...
    rag.core.errors.RefusedURLError: URL abgelehnt: nur http und https sind erlaubt, nicht 'ftp'.
    >>> sanitize_filename("../../Digitalstrategie Großräschen.pdf")
    'Digitalstrategie Großräschen.pdf'
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from rag.core.errors import RefusedURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""Maps (host, port) to the IP addresses a connection would use; injectable for tests."""

ALLOWED_SCHEMES = ("http", "https")
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
METADATA_IPS = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
MAX_FILENAME_CHARS = 120
MAX_FILENAME_BYTES = 240  # keeps umlaut-rich names below the usual 255-byte limit
_FORBIDDEN_CHARS = re.compile(r'[/\\:*?"<>|]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve `host` like a connection would (all address families)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def check_url(url: str, allow_private: bool, *, resolver: Resolver | None = None) -> None:
    """Raise RefusedURLError unless `url` is safe to request.

    Resolves the host (via `resolver`, default `socket.getaddrinfo`) and refuses it if any
    address is non-public; `allow_private` admits private addresses (an intranet). Cloud
    metadata endpoints are refused even then: no strategy lives there, and they hand out
    credentials. Unresolvable hosts are refused too (nothing can be verified about them).
    """
    host, port = _split_checked(url)
    _refuse_metadata_host(url, host)
    literal = _ip_literal(host)
    if literal is not None:
        _check_address(url, literal, allow_private)
        return
    for address in _resolve(url, host, port, resolver or system_resolver):
        _check_address(url, address, allow_private)


def check_url_static(url: str, allow_private: bool) -> None:
    """Like `check_url` but without DNS: scheme, credentials, IP literals, known names.

    Used for dry runs, which must not touch the network.
    """
    host, _port = _split_checked(url)
    _refuse_metadata_host(url, host)
    literal = _ip_literal(host)
    if literal is not None:
        _check_address(url, literal, allow_private)
    elif not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise RefusedURLError(f"URL abgelehnt: '{host}' ist eine lokale Adresse ({url}).")


def is_blocked_address(ip: IPAddress) -> bool:
    """True for every address a public web crawler has no business connecting to."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None
        )
        if embedded is not None:
            return is_blocked_address(embedded)
        if ip.sixtofour is not None and is_blocked_address(ip.sixtofour):
            return True
    if ip in METADATA_IPS or (isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT):
        return True
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _split_checked(url: str) -> tuple[str, int]:
    """Parse `url`; refuse bad schemes, credentials and missing hosts."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError as exc:
        raise RefusedURLError(f"URL abgelehnt: ungültige URL ({url!r}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise RefusedURLError(
            f"URL abgelehnt: nur http und https sind erlaubt, nicht '{scheme or '(kein Schema)'}'."
        )
    if "@" in parts.netloc or parts.username or parts.password:
        raise RefusedURLError("URL abgelehnt: Zugangsdaten in der URL sind nicht erlaubt.")
    if not host:
        raise RefusedURLError(f"URL abgelehnt: kein Hostname ({url!r}).")
    return host, port or (443 if scheme == "https" else 80)


def _refuse_metadata_host(url: str, host: str) -> None:
    if host in METADATA_HOSTS:
        raise RefusedURLError(f"URL abgelehnt: Cloud-Metadaten-Dienst ({url}).")


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _resolve(url: str, host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    try:
        raw = resolver(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise RefusedURLError(
            f"URL abgelehnt: Host '{host}' lässt sich nicht auflösen.",
            hint="Adresse prüfen oder Netzwerkverbindung herstellen",
        ) from exc
    addresses = [a for a in (_ip_literal(r) for r in raw) if a is not None]
    if not addresses:
        raise RefusedURLError(f"URL abgelehnt: Host '{host}' hat keine gültige Adresse.")
    return addresses


def _check_address(url: str, ip: IPAddress, allow_private: bool) -> None:
    if ip in METADATA_IPS:
        raise RefusedURLError(f"URL abgelehnt: Cloud-Metadaten-Dienst ({url}).")
    if not allow_private and is_blocked_address(ip):
        raise RefusedURLError(
            f"URL abgelehnt: {url} zeigt auf die nicht-öffentliche Adresse {ip}.",
            hint="für ein Intranet ausdrücklich --allow-private angeben",
        )


def sanitize_filename(name: str) -> str:
    """A safe file name for an upload: no directories, no hidden files, no control characters.

    Keeps umlauts and the extension; at most 120 characters (and 240 UTF-8 bytes); never empty.
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    cleaned = "".join(
        "_" if _FORBIDDEN_CHARS.match(ch) else ch
        for ch in base
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    if _WINDOWS_RESERVED.match(cleaned):
        cleaned = f"_{cleaned}"
    cleaned = _truncate(cleaned).strip(" .")
    return cleaned or "datei"


def _truncate(name: str) -> str:
    """Shorten `name` to the limits, keeping a short extension."""

    def fits(s: str) -> bool:
        return len(s) <= MAX_FILENAME_CHARS and len(s.encode("utf-8")) <= MAX_FILENAME_BYTES

    if fits(name):
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext}" if dot and stem and 0 < len(ext) <= 10 and fits(ext) else ""
    head = (stem if suffix else name)[:MAX_FILENAME_CHARS]
    while head and not fits(head.rstrip(" .") + suffix):
        head = head[:-1]
    return head.rstrip(" .") + suffix
