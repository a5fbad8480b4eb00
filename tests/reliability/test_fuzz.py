"""Fuzzing in CI: property tests (hypothesis) and a short deterministic mutation run per target.

The property everywhere: an input either succeeds or raises a project error (KompassError);
no other exception, no broken invariant, no super-linear running time. The long run is
`python -m tests.reliability.fuzz_targets --inputs 10000` (see evals/RELIABILITY.md).
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.parsing import markdown_sections, parse, pdf_sections, text_sections
from ingest.registry import COLUMNS, KINDS, STATES
from rag.core.errors import ParseError
from tests.ingest.fixture_site import PDF_TWO_PAGES, make_pdf
from tests.reliability import fuzz_targets as ft

pytestmark = [
    pytest.mark.unit,
    pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning"),  # URL-like input
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
CPU_LIMIT_S = 1.0  # per input; linear parsers need milliseconds


def check(target: str, data: bytes) -> None:
    """Assert the fuzz property for one input (the same check the long run makes)."""
    t0 = time.process_time()
    outcome, exc = ft.run_input(target, data)
    took = time.process_time() - t0
    if outcome == "failure":
        raise AssertionError(f"{target}: {ft.signature(exc)}: {exc}") from exc  # type: ignore[arg-type]
    assert took < CPU_LIMIT_S * (5 if target in ("html", "pdf", "discovery") else 1), (
        f"{target}: {took:.2f} s CPU for {len(data)} bytes"
    )


def tokens_text(name: str) -> st.SearchStrategy[str]:
    """Text built from the target's dictionary tokens and random snippets."""
    pieces = [t.decode("utf-8", "replace") for t in ft.TOKENS[name]]
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=12)), max_size=80).map(
        "".join
    )


def mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """A seed with a few hypothesis-chosen edits (replace a slice by random bytes)."""
    edit = st.tuples(st.integers(0, len(seed)), st.integers(0, 64), st.binary(max_size=16))

    def apply(edits: list[tuple[int, int, bytes]]) -> bytes:
        data = bytearray(seed)
        for pos, span, new in edits:
            data[pos : pos + span] = new
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=4).map(apply)


# --- property tests ----------------------------------------------------------------------------


@FAST
@given(tokens_text("markdown"))
def test_markdown_sections(text: str) -> None:
    check("markdown", text.encode())


@FAST
@given(tokens_text("text"))
def test_text_sections(text: str) -> None:
    check("text", text.encode())


@SLOW
@given(st.one_of(tokens_text("html").map(str.encode), mutated(ft.SEEDS["html"]()[0])))
def test_html_parse(data: bytes) -> None:
    check("html", data)


@SLOW
@given(st.one_of(mutated(make_pdf(PDF_TWO_PAGES)), mutated(ft.flate_pdf(PDF_TWO_PAGES))))
def test_pdf_parse(data: bytes) -> None:
    check("pdf", data)


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["", "Stadt", "Brandenburg", "2023", "-1", "x" * 90, "https://a.de"]),
        st.sampled_from(KINDS + STATES),
        st.text(max_size=10),
    )


@FAST
@given(
    st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=12),
    st.lists(st.lists(_cell(), max_size=12), max_size=4),
)
def test_parse_registry(header: list[str], rows: list[list[str]]) -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows([header or list(COLUMNS), *rows])
    check("registry", buf.getvalue().encode())


@FAST
@given(st.integers(0, 255), st.one_of(tokens_text("url"), st.text(max_size=40)))
def test_check_url(flags: int, url: str) -> None:
    check("url", bytes([flags]) + url.encode())


@FAST
@given(st.one_of(tokens_text("filename"), st.text()))
def test_sanitize_filename(name: str) -> None:
    check("filename", name.encode("utf-8", "surrogatepass"))


@FAST
@given(
    st.integers(0, 255), st.one_of(st.binary(max_size=300), tokens_text("sniff").map(str.encode))
)
def test_sniff_type(selector: int, body: bytes) -> None:
    check("sniff", bytes([selector]) + body)


@SLOW
@given(tokens_text("discovery"))
def test_discovery(html: str) -> None:
    check("discovery", html.encode())


# --- the mutation runner, short -----------------------------------------------------------------


@pytest.mark.parametrize("target", sorted(ft.TARGETS))
def test_mutation_fuzz_finds_nothing(target: str) -> None:
    n = 150
    stats = ft.fuzz_target(target, n, seed=1, slow_s=5.0, artifacts=None)
    assert stats.inputs == n
    assert stats.failures == 0, stats.unique


# --- regressions: what the long run found (all fixed) -------------------------------------------


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        ((b"<< /Length", b"<< /Filter /Zauber /Length"), "NotImplementedError (filter)"),
        ((b"startxref\n", b"startxref\n99999999999999999999"), "OverflowError (offset)"),
    ],
)
def test_damaged_pdf_is_read_or_a_parse_error(edit: tuple[bytes, bytes], why: str) -> None:
    """pypdf raised these (now ParseError); PDFium (the PDF reading step) recovers the text."""
    pdf = make_pdf(PDF_TWO_PAGES)
    if edit[0] == b"startxref\n":
        pdf = re.sub(rb"startxref\n\d+", edit[1], pdf)
    else:
        pdf = pdf.replace(*edit)
    try:
        sections = pdf_sections(pdf)
    except ParseError as exc:
        assert "PDF nicht lesbar" in str(exc)
    else:
        assert [s.page for s in sections] == [1, 2]
        assert "Termine per App." in sections[1].text


def test_broken_marked_section_in_html_is_parsed() -> None:
    """html.parser raised ParserRejectedMarkup on `<![CDADC[`; lxml reads the page."""
    page = b"<html><body><h1>Leitbild</h1><p>Digital und nah.<![CDADC[ x</p></body></html>"
    check("html", page)
    check("discovery", page)


@pytest.mark.parametrize(
    ("target", "data"),
    [
        ("html", b"<html><body><p>Text</p>" + b'<meta name="' * 3000 + b"</body></html>"),
        ("discovery", b'<meta name="' * 3000),
        ("markdown", b"[" + b"![" * 8000),  # unclosed link and image brackets
        ("markdown", b"[^" * 8000),  # unclosed footnote references
        ("markdown", b"*a " * 5000),  # unclosed emphasis
        ("markdown", b"_a " * 5000),
        ("markdown", b"<a" * 8000),  # unclosed inline tags
        ("markdown", b"# x" + b" " * 16000 + b"y"),  # was cubic: hours for one heading line
        ("markdown", b"```{note}\n" * 4000),  # unclosed directives
        ("markdown", b"```python\n" * 4000),  # unclosed code fences
        ("markdown", b"[^x\n" * 4000),  # unclosed footnote definitions
    ],
)
def test_no_super_linear_inputs(target: str, data: bytes) -> None:
    check(target, data)


def test_markdown_blocks_and_headings_still_parse_as_before() -> None:
    text = (
        "# Vision ##\n\nText **fett** und [Link](https://a.de/(x)).[^1]\n\n"
        "```{figure} bild.png\n:name: f\n```\n\n```python\ncode\n```\n\n"
        "## Ziele\n\n- eins\n\n```{note}\nnie geschlossen\n\n[^1]: Fußnote\n"
    )
    secs = markdown_sections(text)
    assert secs[0].heading_path == ("Vision",)
    assert secs[0].text == "Text fett und Link."
    assert secs[1].heading_path == ("Vision", "Ziele")
    assert "code" not in " ".join(s.text for s in secs)
    assert "nie geschlossen" in secs[1].text  # an unclosed directive stays text
    assert text_sections("Titel\n\nText.")[0].heading_path == ("Titel",)


def test_parse_errors_name_the_problem_in_german() -> None:
    fetched = ft._fetched(b"%PDF-1.4 nichts", "pdf")
    with pytest.raises(ParseError, match="PDF nicht lesbar"):
        parse(fetched)
