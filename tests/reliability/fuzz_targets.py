"""Fuzz targets for everything that reads untrusted input, and a mutation-fuzzing runner.

Each target takes raw bytes and calls one parser or guard. The property is the same for all:
an input either succeeds or raises one of the project's own errors (a `KompassError`
subclass, which the CLI and the app show as one German line); any other exception, a broken
invariant or a slow input is a failure. The runner mutates valid seeds deterministically (bit
flips, truncation, splices, repeated dictionary tokens such as `%PDF-`, `<html>`, ```` ```{ ````,
`[^1]`) and prints per-target counts, failures and time:

    python -m tests.reliability.fuzz_targets --inputs 10000            # all targets
    python -m tests.reliability.fuzz_targets --inputs 500 --target pdf --seed 3
    python -m tests.reliability.fuzz_targets --atheris html -- -runs=100000   # if installed

Failing inputs are written to test-artifacts/fuzz/ for reproduction.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import io
import ipaddress
import json
import logging
import random
import signal
import sys
import time
import traceback
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.discovery import extract_links, extract_page_metadata, read_sitemap_bytes
from ingest.parsing import markdown_sections, parse, text_sections
from ingest.records import Fetched, Source
from ingest.registry import COLUMNS, parse_registry
from ingest.sniffing import decode_text, sniff_type
from ingest.urlsafety import check_url, check_url_static, is_blocked_address, sanitize_filename
from rag.core.errors import KompassError, RefusedURLError
from rag.core.records import DocMeta
from tests.ingest.fixture_site import (
    GUBEN,
    MALFORMED,
    MUSTERSTADT,
    PDF_ONE_PAGES,
    PDF_TWO_PAGES,
    make_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "fuzz"
MAX_LEN = 64 * 1024
SLOW_S = 2.0  # CPU seconds: a slower input is a failure (super-linear parsing is a DoS)
KINDS = {"pdf", "html", "markdown", "text"}


class PropertyViolation(AssertionError):
    """A target returned, but its result breaks an invariant."""


class Hang(BaseException):
    """Raised by the runner's alarm when one input takes far too long (a BaseException, so
    a library's `except Exception` cannot swallow it)."""


# --- targets -------------------------------------------------------------------------------

_SOURCE = Source("fuzz", "https://fuzz.example/dokument", DocMeta(doc_id="fuzz", title=""))


def _fetched(data: bytes, kind: str) -> Fetched:
    return Fetched(_SOURCE, data, kind, final_url="https://fuzz.example/dokument")


def fuzz_markdown(data: bytes) -> None:
    for sec in markdown_sections(decode_text(data)):
        if not sec.text or not all(isinstance(h, str) and h for h in sec.heading_path):
            raise PropertyViolation(f"empty section or heading: {sec!r}")


def fuzz_text(data: bytes) -> None:
    for sec in text_sections(decode_text(data)):
        if not sec.text.strip():
            raise PropertyViolation(f"empty section: {sec!r}")


def _check_doc(data: bytes, kind: str) -> None:
    doc = parse(_fetched(data, kind))
    if not doc.sections or not doc.text.strip():
        raise PropertyViolation("parse returned a document without text")


def fuzz_html(data: bytes) -> None:
    _check_doc(data, "html")


def fuzz_pdf(data: bytes) -> None:
    _check_doc(data, "pdf")


def fuzz_registry(data: bytes) -> None:
    rows = parse_registry(io.StringIO(decode_text(data), newline=""), "fuzz.csv")
    if len({r.id for r in rows}) != len(rows):
        raise PropertyViolation("duplicate ids accepted")


_DECLARED = (None, "text/html", "application/pdf", "text/markdown", "text/plain; charset=utf-8")
_NAMES = ("https://x.example/plan", "plan.pdf", "plan.md", "x.txt", "https://x.example/a.pdf?x")


def fuzz_sniff(data: bytes) -> None:
    if not data:
        data = b"\x00"
    declared, name = _DECLARED[data[0] % len(_DECLARED)], _NAMES[(data[0] >> 4) % len(_NAMES)]
    kind = sniff_type(data[1:], declared, name)
    if kind not in KINDS:
        raise PropertyViolation(f"unknown type {kind!r}")


_ADDRESSES: tuple[list[str] | type[Exception], ...] = (
    ["93.184.216.34"],
    ["10.0.0.7"],
    ["93.184.216.34", "127.0.0.1"],
    OSError,
    ["kein-ip"],
    [],
    ["2001:4860:4860::8888"],
    UnicodeError,
)


def fuzz_url(data: bytes) -> None:
    """Byte 0: bit 0 = allow_private, bits 1-3 = what the (fake, offline) resolver answers."""
    flags = data[0] if data else 0
    allow_private, answer = bool(flags & 1), _ADDRESSES[(flags >> 1) % len(_ADDRESSES)]
    url = decode_text(data[1:])

    def resolver(host: str, port: int) -> list[str]:
        if isinstance(answer, type):
            raise answer(f"resolver says no: {host}")
        return list(answer)

    with contextlib.suppress(RefusedURLError):
        check_url_static(url, allow_private)
    check_url(url, allow_private, resolver=resolver)
    # Accepted: http(s), no credentials, and every address it would connect to is allowed.
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        raise PropertyViolation(f"accepted {url!r}")
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        addresses = [ipaddress.ip_address(host.split("%", 1)[0])]
    except ValueError:
        if not isinstance(answer, list) or not answer or "kein-ip" in answer:
            raise PropertyViolation(f"accepted {url!r} without a valid address") from None
        addresses = [ipaddress.ip_address(a) for a in answer]
    if not allow_private and any(is_blocked_address(a) for a in addresses):
        raise PropertyViolation(f"accepted {url!r} pointing at {addresses}")


def fuzz_filename(data: bytes) -> None:
    name = sanitize_filename(decode_text(data))
    if (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or name.startswith((".", " "))
        or len(name) > 120
        or len(name.encode("utf-8")) > 240
        or Path(name).name != name
    ):
        raise PropertyViolation(f"unsafe file name {name!r}")


def fuzz_discovery(data: bytes) -> None:
    html = decode_text(data)
    for link in extract_links(html, "https://fuzz.example/strategien/"):
        if not link.url.startswith(("http://", "https://")):
            raise PropertyViolation(f"link with another scheme: {link.url!r}")
    extract_page_metadata(html)


def fuzz_sitemap(data: bytes) -> None:
    read_sitemap_bytes(data, 1_000_000)


# --- seeds and dictionaries ------------------------------------------------------------------


def _corpus_head(pattern: str, limit: int = 4096, count: int = 3) -> list[bytes]:
    return [p.read_bytes()[:limit] for p in sorted((ROOT / "corpus").glob(pattern))[:count]]


MD_SEED = """# Vision der Stadt

Ulm ist **smart** und _offen_[^1]. Siehe [Strategie](https://ulm.de/(x)) und ![Bild](a.png).

```{figure} bild.png
:name: fig
```

## Ziele

- Offene Daten
- 2. Bürgerbeteiligung

| Feld | Ziel |
|---|---|
| Mobilität | weniger Autos |

[^1]: Fußnote mit <b>HTML</b>.
"""


def flate_pdf(pages: list[str]) -> bytes:
    """Like fixture_site.make_pdf, but with compressed (FlateDecode) content streams."""
    raw = make_pdf(pages)
    out = bytearray()
    for part in raw.split(b"stream\n"):
        if part.startswith(b"BT ") and b"\nendstream" in part:
            body, rest = part.split(b"\nendstream", 1)
            out += zlib.compress(body) + b"\nendstream" + rest
        else:
            out += part + (b"stream\n" if not part.endswith(b"endobj\n") else b"")
    fixed = bytes(out).replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
    return fixed  # lengths and xref offsets are now wrong: pypdf's repair paths get exercised


def _registry_seed() -> bytes:
    lines = (ROOT / "corpus" / "sources.csv").read_text(encoding="utf-8").splitlines()
    return ("\n".join(lines[:6]) + "\n").encode()


SEEDS: dict[str, Callable[[], list[bytes]]] = {
    "markdown": lambda: [MD_SEED.encode(), *_corpus_head("ulm/0[1-4]*/index.md")],
    "text": lambda: [*_corpus_head("seeds/*.txt"), b"Titel\n\nText.\r\n\r\n> Nach oben\n"],
    "html": lambda: [GUBEN, MUSTERSTADT, MALFORMED, b"<html><body><p>x</p></body></html>"],
    "pdf": lambda: [make_pdf(PDF_ONE_PAGES), make_pdf(PDF_TWO_PAGES), flate_pdf(PDF_TWO_PAGES)],
    "registry": lambda: [_registry_seed(), (",".join(COLUMNS) + "\n").encode()],
    "url": lambda: [
        b"\x00https://www.potsdam.de/digitalstrategie",
        b"\x01http://127.0.0.1:8080/strategien/?seite=2",
        b"\x06http://[fd00:ec2::254]/latest",
        b"\x00ftp://user:pw@example.org:99999/plan.pdf",
        b"\x0ahttps://xn--grorschen-65a.de/plan.pdf#x",
        b"\x00http://169.254.169.254/latest/meta-data",
    ],
    "filename": lambda: [
        "../../Digitalstrategie Großräschen.pdf".encode(),
        b"con.txt",
        b".hidden",
        ("ä" * 200 + ".pdf").encode(),
        b"C:\\Users\\x\\plan.docx",
        b"name\x00\xe2\x80\xae.pdf",
    ],
    "sniff": lambda: [
        b"\x00" + make_pdf(PDF_TWO_PAGES)[:600],
        b"\x11" + GUBEN,
        b"\x23# Titel\n\n- Punkt\n",
        b"\x42PK\x03\x04rest",
        b"\x00\xff\xfeH\x00a\x00l\x00l\x00o\x00",
        b"\x31Nur Text.",
    ],
    "discovery": lambda: [GUBEN, MUSTERSTADT, MALFORMED],
    "sitemap": lambda: [
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.example/strategie</loc></url></urlset>",
        b"<sitemapindex><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>",
    ],
}

COMMON_TOKENS = (b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r\n", b"\n\n", b"\\", "ß".encode())
# fmt: off
TOKENS: dict[str, tuple[bytes, ...]] = {
    "markdown": (b"```{", b"```", b"~~~", b":::", b"[^1]", b"[^1]:", b"# ", b"###### ", b"**",
                 b"__", b"*", b"_", b"![", b"](", b"[", b")", b"(", b"|", b"|---|", b"- ",
                 b"1. ", b"<b>", b"`", b"{note}", b"}"),
    "text": (b"\n\n", b"Direkt zum Inhalt", b"> ", b"- ", b"1) ", b"\t", b"\xa0", b"?", b"."),
    "html": (b"<html>", b"</html>", b"<!DOCTYPE html>", b"<![CDATA[", b"<!", b"<?xml",
             b"<meta charset=", b"<script>", b"</script>", b"<table>", b"<td>", b"<p>", b"&amp",
             b"&#x", b"&#99999999;", b"<title>", b"<!--", b"-->", b"<base href=", b"<a href='",
             b"<svg>", b"<math>", b"<h1>", b'<div class="vision">', b"<noscript>"),
    "pdf": (b"%PDF-", b"%PDF-1.7\n", b"obj", b"endobj", b"stream\n", b"\nendstream", b"xref",
            b"trailer", b"startxref", b"%%EOF", b"<<", b">>", b"/Type /Page", b"/Kids [",
            b"/Count 99999999", b"/Length 0", b"/Filter /FlateDecode", b"/Encrypt",
            b"/Root 1 0 R", b"/Parent 2 0 R", b"R", b"(", b")", b"Tj", b"TJ", b"BT", b"ET",
            b"/Font", b"1 0 R", b"/ObjStm", b"/Prev 0", b"/W [1 2 1]", b"/Index [0 1]"),
    "registry": (b",", b'"', b'""', b"\n", b"\r", b"Stadt", b"Brandenburg", b"https://",
                 b"2023", b"-1", b"99999999999", b"id,", b"\x00", b"Landkreis", b"\xe4"),
    "url": (b"http://", b"https://", b"//", b"@", b":", b"[", b"]", b"[::1]", b"%25", b"%",
            b"127.0.0.1", b"0x7f.1", b"localhost", b".", b"#", b"?", b"metadata.google.internal",
            b"::ffff:10.0.0.1", b"xn--", b"\t", b" ", b":99999", b":-1"),
    "filename": (b"../", b"..\\", b"/", b".", b" ", b"con", b"nul.", "\u202e".encode(),
                 b"\x7f", b"\xe2\x80\x8b", b"\xf0\x9f\x98\x80", b".pdf", b":", b"*"),
    "sniff": (b"%PDF-", b"<html", b"<!doctype html", b"<?xml", b"# ", b"- ", b"PK\x03\x04",
              b"\x1f\x8b", b"\x00", b"\xff\xfe", b"\xfe\xff", b"**", b"[a](b)"),
    "discovery": (b'<a href="', b'">', b"</a>", b'rel="next"', b"javascript:", b"mailto:",
                  b'<script type="application/ld+json">', b'{"@type":', b"}", b"Einwohner: ",
                  b'<meta name="', b'content="', b"Digitalstrategie", b"Seite 2", b"http://[",
                  b'<base href="', b"%"),
    "sitemap": (b"<urlset>", b"<url>", b"<loc>", b"</loc>", b"<sitemapindex>", b"<!DOCTYPE",
                b'<!ENTITY x "', b"&x;", b"<?xml", b"\x1f\x8b", b"]]>"),
}
# fmt: on

TARGETS: dict[str, Callable[[bytes], None]] = {
    "markdown": fuzz_markdown,
    "text": fuzz_text,
    "html": fuzz_html,
    "pdf": fuzz_pdf,
    "registry": fuzz_registry,
    "url": fuzz_url,
    "filename": fuzz_filename,
    "sniff": fuzz_sniff,
    "discovery": fuzz_discovery,
    "sitemap": fuzz_sitemap,
}


# --- one input -------------------------------------------------------------------------------


def run_input(name: str, data: bytes) -> tuple[str, BaseException | None]:
    """("ok" | "rejected" | "failure", exception). "rejected" = a KompassError (allowed)."""
    try:
        TARGETS[name](data)
    except KompassError as exc:
        return "rejected", exc
    except Exception as exc:  # everything else is what we are looking for
        return "failure", exc
    return "ok", None


def signature(exc: BaseException) -> str:
    """Type and innermost frame: one line per distinct bug."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


# --- mutation --------------------------------------------------------------------------------

_NUMBERS = (b"0", b"-1", b"1", b"255", b"65536", b"2147483648", b"99999999999999999999", b"1e308")


class Mutator:
    """Deterministic byte mutations of seeds and of earlier accepted inputs."""

    def __init__(self, seeds: list[bytes], tokens: tuple[bytes, ...], rng: random.Random) -> None:
        self.seeds = seeds
        self.tokens = tokens + COMMON_TOKENS
        self.rng = rng
        self.pool: list[bytes] = list(seeds)

    def keep(self, data: bytes) -> None:
        """Remember an input that parsed: later mutations start from it (deeper states)."""
        if len(self.pool) < 256:
            self.pool.append(data)
        else:
            self.pool[self.rng.randrange(len(self.seeds), 256)] = data

    def next(self) -> bytes:
        rng = self.rng
        data = bytearray(rng.choice(self.pool if rng.random() < 0.5 else self.seeds))
        for _ in range(1 + int(rng.expovariate(0.7))):
            getattr(self, rng.choice(self.OPS))(data)
        return bytes(data[:MAX_LEN])

    # fmt: off
    OPS = ("flip", "byte", "delete", "insert", "duplicate", "truncate", "token", "repeat",
           "splice", "number", "swap")
    # fmt: on

    def _pos(self, data: bytearray) -> int:
        return self.rng.randrange(len(data) + 1)

    def flip(self, d: bytearray) -> None:
        if d:
            i = self.rng.randrange(len(d))
            d[i] ^= 1 << self.rng.randrange(8)

    def byte(self, d: bytearray) -> None:
        if d:
            d[self.rng.randrange(len(d))] = self.rng.choice(b"\x00\xff\x7f\x80<>()[]{}\\\n\r\t %#")

    def delete(self, d: bytearray) -> None:
        if d:
            i = self.rng.randrange(len(d))
            del d[i : i + self.rng.randint(1, 64)]

    def insert(self, d: bytearray) -> None:
        i = self._pos(d)
        d[i:i] = self.rng.randbytes(self.rng.randint(1, 32))

    def duplicate(self, d: bytearray) -> None:
        if d:
            i = self.rng.randrange(len(d))
            chunk = d[i : i + self.rng.randint(1, 256)]
            j = self._pos(d)
            d[j:j] = chunk * self.rng.choice((1, 2, 8, 64))

    def truncate(self, d: bytearray) -> None:
        del d[self._pos(d) :]

    def token(self, d: bytearray) -> None:
        i = self._pos(d)
        d[i:i] = self.rng.choice(self.tokens)

    def repeat(self, d: bytearray) -> None:
        """A token repeated many times: the shape that makes regexes backtrack."""
        i = self._pos(d)
        d[i:i] = self.rng.choice(self.tokens) * self.rng.choice((16, 256, 2048))

    def splice(self, d: bytearray) -> None:
        other = self.rng.choice(self.pool)
        i, j = self._pos(d), self.rng.randrange(len(other) + 1)
        d[i:] = other[j:]

    def number(self, d: bytearray) -> None:
        digits = [i for i, b in enumerate(d) if 48 <= b <= 57]
        if digits:
            i = self.rng.choice(digits)
            j = i
            while j < len(d) and 48 <= d[j] <= 57:
                j += 1
            d[i:j] = self.rng.choice(_NUMBERS)

    def swap(self, d: bytearray) -> None:
        if len(d) > 2:
            i, j = sorted(self.rng.sample(range(len(d)), 2))
            d[i:j] = d[i:j][::-1]


# --- the runner ------------------------------------------------------------------------------


@dataclass
class Stats:
    target: str
    inputs: int = 0
    ok: int = 0
    rejected: int = 0
    failures: int = 0
    slowest_s: float = 0.0
    took_s: float = 0.0
    unique: dict[str, str] = field(default_factory=dict)  # signature -> artifact path

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "inputs": self.inputs,
            "ok": self.ok,
            "rejected": self.rejected,
            "failures": self.failures,
            "unique_failures": self.unique,
            "slowest_s": round(self.slowest_s, 3),
            "took_s": round(self.took_s, 1),
        }


def inputs_for(name: str, n: int, seed: int) -> Iterator[bytes]:
    """The first inputs are the seeds themselves, then `n - len(seeds)` mutations."""
    rng = random.Random(f"{seed}:{name}")
    mutator = Mutator(SEEDS[name](), TOKENS[name], rng)
    for i in range(n):
        data = mutator.seeds[i] if i < len(mutator.seeds) else mutator.next()
        yield data
        if rng.random() < 0.2:
            mutator.keep(data)


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang("input took longer than the hard limit")


def fuzz_target(
    name: str,
    n: int,
    seed: int = 0,
    slow_s: float = SLOW_S,
    artifacts: Path | None = ARTIFACTS,
    hard_limit_s: float | None = None,
) -> Stats:
    """Run `n` inputs through target `name`; count outcomes and keep one input per bug.

    `hard_limit_s` arms SIGALRM per input (main thread only; not under pytest-timeout).
    """
    stats = Stats(name)
    t_start = time.perf_counter()
    if hard_limit_s:
        signal.signal(signal.SIGALRM, _on_alarm)
    for data in inputs_for(name, n, seed):
        if hard_limit_s:
            # A hang inside C code cannot be interrupted: dump the stacks and exit instead.
            faulthandler.dump_traceback_later(hard_limit_s * 4, exit=True)
            signal.setitimer(signal.ITIMER_REAL, hard_limit_s)
        t0 = time.process_time()  # CPU time: a busy machine must not make inputs "slow"
        try:
            outcome, exc = run_input(name, data)
        except Hang as hang:
            outcome, exc = "failure", hang
        finally:
            if hard_limit_s:
                signal.setitimer(signal.ITIMER_REAL, 0)
                faulthandler.cancel_dump_traceback_later()
        took = time.process_time() - t0
        stats.inputs += 1
        stats.slowest_s = max(stats.slowest_s, took)
        if outcome == "ok" and took > slow_s:
            outcome, exc = "failure", TimeoutError(f"slow input: {took:.1f} s CPU, {len(data)} B")
        if outcome == "failure":
            stats.failures += 1
            assert exc is not None
            sig = signature(exc)
            if sig not in stats.unique:
                stats.unique[sig] = _save(artifacts, name, data, exc)
        elif outcome == "rejected":
            stats.rejected += 1
        else:
            stats.ok += 1
    stats.took_s = time.perf_counter() - t_start
    return stats


def _save(artifacts: Path | None, name: str, data: bytes, exc: BaseException) -> str:
    message = f"{type(exc).__name__}: {str(exc)[:200]}"
    if artifacts is None:
        return message
    artifacts.mkdir(parents=True, exist_ok=True)
    path = artifacts / f"{name}-{len(list(artifacts.glob(name + '-*.bin')))}.bin"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(
        message + "\n\n" + "".join(traceback.format_exception(exc)), encoding="utf-8"
    )
    return f"{message} -> {path.relative_to(ROOT)}"


def atheris_main(name: str, argv: list[str]) -> None:
    """Coverage-guided fuzzing of one target with atheris (optional dependency)."""
    import atheris  # type: ignore[import-not-found]

    def one_input(data: bytes) -> None:
        outcome, exc = run_input(name, data)
        if outcome == "failure":
            assert exc is not None
            raise exc

    if not [a for a in argv if not a.startswith("-")]:  # no corpus dir given: start from seeds
        corpus = ARTIFACTS / f"corpus-{name}"
        corpus.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(SEEDS[name]()):
            (corpus / f"seed-{i}").write_bytes(seed)
        argv = [*argv, str(corpus)]
    atheris.instrument_all()
    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--inputs", type=int, default=10_000, help="inputs per target")
    ap.add_argument("--target", action="append", choices=sorted(TARGETS), help="(repeatable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--slow-s", type=float, default=SLOW_S, help="per-input time limit")
    ap.add_argument("--json", action="store_true", help="one JSON object per target")
    ap.add_argument("--atheris", choices=sorted(TARGETS), help="coverage-guided, one target")
    args, rest = ap.parse_known_args(argv)
    logging.disable(logging.CRITICAL)  # pypdf and trafilatura log every damaged input
    warnings.simplefilter("ignore")
    if args.atheris:
        atheris_main(args.atheris, [a for a in rest if a != "--"])
        return 0
    total_failures = 0
    for name in args.target or list(TARGETS):
        stats = fuzz_target(name, args.inputs, args.seed, args.slow_s, hard_limit_s=60.0)
        total_failures += stats.failures
        if args.json:
            print(json.dumps(stats.to_json(), ensure_ascii=False), flush=True)
            continue
        print(
            f"{name:<10} {stats.inputs:>7} inputs  ok {stats.ok:>6}  rejected {stats.rejected:>6}"
            f"  failures {stats.failures:>4} ({len(stats.unique)} distinct)"
            f"  slowest {stats.slowest_s:6.3f} s CPU  {stats.took_s:7.1f} s",
            flush=True,
        )
        for sig, where in stats.unique.items():
            print(f"    FAILURE {sig}: {where}", flush=True)
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
