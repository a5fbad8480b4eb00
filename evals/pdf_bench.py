"""PDF extractor benchmark: raw extractors vs. the reading step, on generated PDFs with known
text (evals.pdf_synth) and on the Ulm PDF of the corpus.

    python -m evals.pdf_bench                 # dev seeds + Ulm
    python -m evals.pdf_bench --holdout       # the unseen layouts (run at the end only)
    python -m evals.pdf_bench --json

Metrics per extractor: share of ground-truth sentences found whole inside one output unit
(a line for raw extractors, a paragraph for the reading step), the same ignoring line breaks,
running header/footer pieces left, table-of-contents entries left, column-order errors
(consecutive ground-truth sentences found in the wrong order), table rows intact (all four
cells, field first, in one unit), hyphen breaks resolved wrongly, pages per second.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.pdf_synth import DEV_SEEDS, FINAL_SEEDS, HOLDOUT_SEEDS, Truth, make_pdf

ULM_PDF = (
    Path(__file__).resolve().parent.parent
    / "corpus/ulm/10_Hintergrundmaterialien/Überblick_Ulm4CleverCity.pdf"
)
ULM_SENTENCE = "Sicherung der Lebensqualität in Ulm bei zunehmendem Bevölkerungswachstum."
ULM_FOOTER = "DIGITALE AGENDA | STADT ULM"
Units = list[tuple[int, str]]  # (page, text) in output order
_SUP = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    return _WS.sub(" ", text.translate(_SUP)).strip()


# -- extractors ---------------------------------------------------------------------------


def _lines(pages: list[str]) -> Units:
    return [(n, ln) for n, t in enumerate(pages, start=1) for ln in t.splitlines() if ln.strip()]


def pypdf_plain(content: bytes) -> Units:
    from pypdf import PdfReader

    return _lines([p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages])


def pypdf_layout(content: bytes) -> Units:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return _lines([p.extract_text(extraction_mode="layout") or "" for p in reader.pages])


def pdfium_text(content: bytes) -> Units:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(content)
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    pdf.close()
    return _lines([p.replace("\r\n", "\n") for p in pages])


def pdfminer_boxes(content: bytes, joined: bool) -> Units:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    out: Units = []
    for n, layout in enumerate(extract_pages(io.BytesIO(content)), start=1):
        for box in layout:
            if isinstance(box, LTTextContainer):
                text = box.get_text()
                if joined:
                    out.append((n, " ".join(text.split())))
                else:
                    out += [(n, ln) for ln in text.splitlines() if ln.strip()]
    return out


def plumber_text(content: bytes) -> Units:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return _lines([p.extract_text() or "" for p in pdf.pages])


def reading(backend: str, corpus_words: bool = False) -> Callable[[bytes], Units]:
    """The reading step; `corpus_words`: with the shipped corpus's words as in production
    (not on generated PDFs: their sentences come from that corpus, which would flatter it)."""

    def run(content: bytes) -> Units:
        from ingest.hyphenation import corpus_vocabulary
        from ingest.pdf_reading import read_pdf
        from rag.core.settings import ROOT

        known = corpus_vocabulary(str(ROOT / "corpus")) if corpus_words else None
        return [(b.page, b.text) for b in read_pdf(content, backend, known).blocks]

    return run


EXTRACTORS: dict[str, Callable[[bytes], Units]] = {
    "pypdf plain": pypdf_plain,
    "pypdf layout": pypdf_layout,
    "pypdfium2 text": pdfium_text,
    "pdfminer.six lines": lambda c: pdfminer_boxes(c, False),
    "pdfminer.six boxes joined": lambda c: pdfminer_boxes(c, True),
    "pdfplumber text": plumber_text,
    "reading step (pdfplumber words)": reading("pdfplumber"),
    "reading step (pypdfium2 words)": reading("pypdfium2"),
}
ULM_ONLY = {"reading step (pypdfium2 words) + corpus words": reading("pypdfium2", True)}


# -- metrics ------------------------------------------------------------------------------


@dataclass
class Score:
    sentences: int = 0
    whole: int = 0
    any_breaks: int = 0
    running: int = 0
    running_left: int = 0
    toc: int = 0
    toc_left: int = 0
    order_pairs: int = 0
    order_errors: int = 0
    rows: int = 0
    rows_intact: int = 0
    breaks: int = 0
    break_errors: int = 0
    pages: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k, v in vars(other).items():
            if k == "misses":
                self.misses += v
            else:
                setattr(self, k, getattr(self, k) + v)


def _left(piece: str, units: list[str], body: list[str]) -> bool:
    """Is a running header/footer piece still in the output? `body`: headings and title
    lines of the page and the page before (a chapter heading may equal the running header)."""
    p = norm(piece)
    if len(p) >= 8:
        return sum(p in u for u in units) > sum(p in h for h in body)
    return any(
        u == p or u.endswith(" " + p) or u.startswith(p + " ") for u in units if u not in body
    )


def score(units: Units, truth: Truth) -> Score:
    s = Score(pages=truth.pages)
    texts = [norm(t) for _, t in units]
    flat = " ".join(texts)
    for sent in truth.sentences:
        n = norm(sent)
        s.sentences += 1
        s.whole += any(n in t for t in texts)
        s.any_breaks += n in flat
        if not any(n in t for t in texts) and len(s.misses) < 12:
            s.misses.append(n)
    for page, pieces in truth.running.items():
        near = [norm(t) for p, t in units if p in (page, page - 1)]
        body = [norm(h) for q in (page, page - 1) for h in truth.headings.get(q, [])]
        for piece in pieces:
            s.running += 1
            s.running_left += _left(piece, near, body)
    toc_units = [norm(t) for p, t in units if p in truth.toc_pages]
    for title, _ in truth.toc_entries:
        s.toc += 1
        s.toc_left += any(norm(title) in t for t in toc_units)
    positions = [flat.find(norm(x)[:40]) for x in truth.order]
    for a, b in itertools.pairwise(positions):
        if a >= 0 and b >= 0:
            s.order_pairs += 1
            s.order_errors += b < a
    for row in truth.table_rows:
        s.rows += 1
        s.rows_intact += any(_in_order([norm(c) for c in row], t) for t in texts)
    for expected, kind in truth.hyphen_breaks:
        s.breaks += 1
        s.break_errors += not _break_ok(expected, kind, flat)
    return s


def _in_order(cells: list[str], text: str) -> bool:
    pos = 0
    for c in cells:
        pos = text.find(c, pos)
        if pos < 0:
            return False
        pos += len(c)
    return True


def _break_ok(expected: str, kind: str, flat: str) -> bool:
    if kind == "soft":
        return expected in flat
    left, _, right = expected.partition("- " if kind == "suspended" else "-")
    wrong = [left + right, f"{left}-{right}" if kind == "suspended" else f"{left} {right}"]
    return expected in flat and not any(w in flat for w in wrong if len(w) > 6)


def run_set(seeds: tuple[int, ...], names: list[str]) -> dict[str, Score]:
    docs = [make_pdf(seed) for seed in seeds]
    out: dict[str, Score] = {}
    for name in names:
        total = Score()
        for pdf, truth in docs:
            t0 = time.perf_counter()
            units = EXTRACTORS[name](pdf)
            took = time.perf_counter() - t0
            sc = score(units, truth)
            sc.seconds = took
            total.add(sc)
        out[name] = total
    return out


def ulm(names: list[str]) -> dict[str, dict[str, Any]]:
    content = ULM_PDF.read_bytes()
    out = {}
    extractors = {**EXTRACTORS, **ULM_ONLY}
    for name in [*names, *ULM_ONLY]:
        t0 = time.perf_counter()
        units = extractors[name](content)
        took = time.perf_counter() - t0
        pages = max((p for p, _ in units), default=0)
        out[name] = {
            "sentence_one_unit": any(ULM_SENTENCE in norm(t) for _, t in units),
            "footer_units_left": sum(ULM_FOOTER in t.upper() for _, t in units),
            "seconds": round(took, 3),
            "pages": pages,
        }
    return out


def table(results: dict[str, Score]) -> str:
    head = (
        "| extractor | sentences whole | ignoring line breaks | header/footer left | TOC entries "
        "left | column-order errors | table rows intact | hyphen errors | pages/s |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    rows = [head]
    for name, s in results.items():
        rows.append(
            f"| {name} | {s.whole / s.sentences:.1%} | {s.any_breaks / s.sentences:.1%} | "
            f"{s.running_left}/{s.running} | {s.toc_left}/{s.toc} | "
            f"{s.order_errors}/{s.order_pairs} | {s.rows_intact}/{s.rows} | "
            f"{s.break_errors}/{s.breaks} | {s.pages / max(s.seconds, 1e-9):.1f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m evals.pdf_bench")
    ap.add_argument("--holdout", action="store_true", help="first unseen layouts")
    ap.add_argument("--final", action="store_true", help="second unseen layouts (final check)")
    ap.add_argument("--only", action="append", help="extractor name (repeatable)")
    ap.add_argument("--misses", action="store_true", help="print sentences not found whole")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    names = args.only or list(EXTRACTORS)
    seeds = FINAL_SEEDS if args.final else HOLDOUT_SEEDS if args.holdout else DEV_SEEDS
    label = "final" if args.final else "holdout" if args.holdout else "dev"
    results = run_set(seeds, names)
    ulm_results = ulm(names)
    if args.json:
        data = {
            k: {kk: vv for kk, vv in vars(v).items() if kk != "misses"} for k, v in results.items()
        }
        print(json.dumps({"seeds": seeds, "synthetic": data, "ulm": ulm_results}, indent=1))
        return
    print(f"Generated PDFs, seeds {seeds[0]}–{seeds[-1]} ({label}):\n")
    print(table(results))
    print(
        "\nUlm PDF:\n\n| extractor | sentence in one unit | footer lines left | pages/s |\n|---|---|---|---|"
    )
    for name, r in ulm_results.items():
        print(
            f"| {name} | {'yes' if r['sentence_one_unit'] else 'no'} | {r['footer_units_left']} | "
            f"{r['pages'] / max(r['seconds'], 1e-9):.1f} |"
        )
    print(f"\nRunning lines and TOC pages (reading step): {detection_counts(seeds)}")
    print("\nHyphen decisions on the corpus's own words (leave-one-out, document words only):\n")
    print(hyphenation_table(hyphenation_eval()))
    if args.misses:
        for name, s in results.items():
            print(f"\n## misses: {name}")
            for m in s.misses:
                print(" -", m[:160])


# -- hyphenation on the corpus's own words ------------------------------------------------

_HARD = re.compile(r"\b[A-Za-zÄÖÜäöüß]{1,30}-[A-Za-zÄÖÜäöüß]{2,30}\b")
_SUSPENDED = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]{2,30})- (und|oder|bzw\.|sowie) ")
_PLAIN = re.compile(r"(?<![-\w])[A-Za-zÄÖÜäöüß]{8,40}(?![-\w])")


def hyphenation_cases(text: str) -> list[tuple[str, str, str, str]]:
    """(left, right, expected kind, vocabulary key) for every hyphen a line break could meet
    in `text`: hard hyphens, suspended compounds, and syllable breaks of long words (pyphen)."""
    import pyphen

    dic = pyphen.Pyphen(lang="de_DE")
    cases = []
    for m in _HARD.finditer(text):
        around = text[max(0, m.start() - 80) : m.end() + 80]
        if "/" in around or "www" in around or "_" in around:
            continue  # URL slugs and file names are not running text
        left, right = m.group(0).split("-", 1)
        cases.append((left + "-", right, "hard", m.group(0).lower()))
    for m in _SUSPENDED.finditer(text):
        cases.append((m.group(1) + "-", m.group(2), "suspended", ""))
    for m in _PLAIN.finditer(text):
        word = m.group(0)
        points = list(dic.iterate(word))
        if points:
            left, right = points[len(points) // 2]
            cases.append((left.rstrip("-") + "-", right, "join", word.lower()))
    return cases


def hyphenation_eval(with_corpus: bool = False) -> dict[str, dict[str, int]]:
    """Decisions of ingest.hyphenation on the corpus's own words, each document its own
    dictionary with the case itself left out (leave-one-out)."""
    from ingest.hyphenation import Vocabulary, corpus_vocabulary, hyphen_kind

    root = Path(__file__).resolve().parent.parent / "corpus"
    files = sorted(p for p in root.rglob("*") if p.suffix in (".md", ".txt"))
    extra = corpus_vocabulary(str(root)).counts if with_corpus else None
    out: dict[str, dict[str, int]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        vocab = Vocabulary.of([text])
        if extra is not None:
            vocab = Vocabulary(vocab.counts + extra)
        for left, right, expected, key in hyphenation_cases(text):
            n = 2 if extra is not None else 1  # the case's own occurrence(s) left out
            if key:
                vocab.counts[key] -= n
            got = hyphen_kind(left, right, vocab)
            if key:
                vocab.counts[key] += n
            row = out.setdefault(expected, {})
            row[got] = row.get(got, 0) + 1
    return out


def hyphenation_table(results: dict[str, dict[str, int]]) -> str:
    rows = [
        "| expected | cases | join | hard | suspended | error rate |",
        "|---|---|---|---|---|---|",
    ]
    for kind, got in sorted(results.items()):
        total = sum(got.values())
        wrong = total - got.get(kind, 0)
        rows.append(
            f"| {kind} | {total} | {got.get('join', 0)} | {got.get('hard', 0)} | "
            f"{got.get('suspended', 0)} | {wrong / total:.1%} |"
        )
    return "\n".join(rows)


def detection_counts(seeds: tuple[int, ...]) -> dict[str, int]:
    """Running-line removal and TOC-page detection of the reading step against the truth."""
    from ingest.pdf_reading import TOC, read_pdf

    c = dict.fromkeys(
        ("removed_ok", "removed_wrong", "left", "toc_ok", "toc_wrong", "toc_missed"), 0
    )
    for seed in seeds:
        pdf, truth = make_pdf(seed)
        r = read_pdf(pdf)
        removed = {(x.page, x.text) for x in r.removed if x.reason != TOC}
        gone = removed | {(x.page, x.text) for x in r.removed}
        want = {(p, x) for p, xs in truth.running.items() for x in xs if x}
        c["removed_ok"] += len(removed & want)
        c["removed_wrong"] += len(removed - want)
        c["left"] += len(want - gone)
        got, toc = set(r.toc_pages), set(truth.toc_pages)
        c["toc_ok"] += len(got & toc)
        c["toc_wrong"] += len(got - toc)
        c["toc_missed"] += len(toc - got)
    return c


if __name__ == "__main__":
    main()
