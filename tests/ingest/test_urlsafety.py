"""URL refusals (SSRF) and upload file names."""

from __future__ import annotations

import contextlib
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.urlsafety import check_url, check_url_static, sanitize_filename
from rag.core.errors import RefusedURLError

pytestmark = pytest.mark.unit

PUBLIC = "93.184.216.34"


def fake_resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    return resolve


PUBLIC_RESOLVER = fake_resolver({"www.guben.de": [PUBLIC], "guben.de": [PUBLIC, "2606:4700::1"]})


@pytest.mark.parametrize(
    "url",
    [
        "ftp://www.guben.de/plan.pdf",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hallo",
        "gopher://www.guben.de/",
        "www.guben.de/strategie",
        "",
    ],
)
def test_refuses_schemes_other_than_http(url: str) -> None:
    with pytest.raises(RefusedURLError, match="nur http und https"):
        check_url(url, allow_private=False, resolver=PUBLIC_RESOLVER)


@pytest.mark.parametrize(
    "url", ["http://user:pass@www.guben.de/", "https://user@www.guben.de/", "http://:@guben.de/"]
)
def test_refuses_credentials_in_url(url: str) -> None:
    with pytest.raises(RefusedURLError, match="Zugangsdaten"):
        check_url(url, allow_private=True, resolver=PUBLIC_RESOLVER)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.178.1",
        "169.254.10.10",
        "100.64.0.1",
        "100.127.255.254",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "64:ff9b::a00:1",
        "2002:7f00:1::1",
    ],
)
def test_refuses_hosts_that_resolve_to_non_public_addresses(address: str) -> None:
    resolver = fake_resolver({"intranet.example": [address]})
    with pytest.raises(RefusedURLError, match="nicht-öffentliche Adresse"):
        check_url("https://intranet.example/strategie", allow_private=False, resolver=resolver)
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(RefusedURLError):
        check_url(f"http://{literal}/", allow_private=False, resolver=PUBLIC_RESOLVER)


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    resolver = fake_resolver({"rebind.example": [PUBLIC, "10.0.0.7"]})
    with pytest.raises(RefusedURLError):
        check_url("http://rebind.example/", allow_private=False, resolver=resolver)


def test_public_hosts_pass() -> None:
    check_url(
        "https://www.guben.de/vision-strategie/", allow_private=False, resolver=PUBLIC_RESOLVER
    )
    check_url("http://guben.de:8080/a?b=c#d", allow_private=False, resolver=PUBLIC_RESOLVER)
    check_url(f"https://{PUBLIC}/", allow_private=False, resolver=PUBLIC_RESOLVER)


def test_real_resolver_refuses_localhost() -> None:
    with pytest.raises(RefusedURLError, match="nicht-öffentliche"):
        check_url("http://127.0.0.1:8501/", allow_private=False)
    with pytest.raises(RefusedURLError):
        check_url("http://localhost/", allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./",
    ],
)
def test_cloud_metadata_is_refused_even_for_intranets(url: str) -> None:
    with pytest.raises(RefusedURLError, match="Metadaten"):
        check_url(url, allow_private=True, resolver=PUBLIC_RESOLVER)
    resolver = fake_resolver({"sneaky.example": ["169.254.169.254"]})
    with pytest.raises(RefusedURLError, match="Metadaten"):
        check_url("http://sneaky.example/", allow_private=True, resolver=resolver)


def test_allow_private_admits_intranet_addresses() -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise AssertionError("an IP literal needs no DNS")

    check_url("http://127.0.0.1:8000/strategie", allow_private=True, resolver=no_dns)
    resolver = fake_resolver({"intranet.local": ["10.1.2.3", "fd12::1"]})
    check_url("http://intranet.local/", allow_private=True, resolver=resolver)


def test_unresolvable_host_is_refused_in_german() -> None:
    with pytest.raises(RefusedURLError, match="lässt sich nicht auflösen"):
        check_url("https://gibt-es-nicht.invalid/", allow_private=False, resolver=PUBLIC_RESOLVER)


def test_static_check_never_touches_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("DNS in a dry run")

    monkeypatch.setattr(socket, "getaddrinfo", boom)
    check_url_static("https://www.guben.de/", allow_private=False)
    for url in ("http://127.0.0.1/", "http://localhost:8501/", "ftp://x.de/", "http://[::1]/"):
        with pytest.raises(RefusedURLError):
            check_url_static(url, allow_private=False)
    check_url_static("http://127.0.0.1/", allow_private=True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_check_url_raises_only_refused_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(RefusedURLError):
        check_url(text, allow_private=False, resolver=PUBLIC_RESOLVER)


_HOSTS = st.sampled_from(["www.guben.de", "guben.de", "127.0.0.1", "[::1]", "x", "ä.de", ""])


@settings(max_examples=300, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
    userinfo=st.sampled_from(["", "a@", "a:b@"]),
    host=_HOSTS | st.text(max_size=30),
    port=st.sampled_from(["", ":80", ":0", ":99999", ":x"]),
    path=st.text(max_size=40),
    allow_private=st.booleans(),
)
def test_check_url_raises_only_refused_on_url_like_text(
    scheme: str, userinfo: str, host: str, port: str, path: str, allow_private: bool
) -> None:
    url = f"{scheme}://{userinfo}{host}{port}/{path}"
    try:
        check_url(url, allow_private=allow_private, resolver=PUBLIC_RESOLVER)
        check_url_static(url, allow_private=allow_private)
    except RefusedURLError as exc:
        assert str(exc).startswith("URL abgelehnt")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Digitalstrategie Großräschen.pdf", "Digitalstrategie Großräschen.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\amt\\Leitbild Übersicht.docx", "Leitbild Übersicht.docx"),
        (".htaccess", "htaccess"),
        ("...", "datei"),
        ("", "datei"),
        ("a\x00b\x1fc\u202e.pdf", "abc.pdf"),
        ("Plan: Teil 1?.pdf", "Plan_ Teil 1_.pdf"),
        ("CON.txt", "_CON.txt"),
        ("  Strategie   2030 .pdf  ", "Strategie 2030 .pdf"),
    ],
)
def test_sanitize_filename_examples(name: str, expected: str) -> None:
    assert sanitize_filename(name) == expected


def test_sanitize_filename_keeps_extension_when_shortening() -> None:
    name = sanitize_filename("Ä" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name) <= 120 and name.startswith("ÄÄ")


@settings(deadline=None)
@given(st.text(max_size=400))
def test_sanitize_filename_is_always_safe(name: str) -> None:
    safe = sanitize_filename(name)
    assert safe
    assert len(safe) <= 120 and len(safe.encode("utf-8")) <= 240
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")
    assert all(ord(ch) >= 32 for ch in safe)
    assert safe not in (".", "..")
    assert sanitize_filename(safe) == safe
