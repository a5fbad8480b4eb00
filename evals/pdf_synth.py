"""Synthetic strategy PDFs with known text: the test set of the PDF reading benchmark.

Each seed draws a layout style (font, size, margins, one or two columns, column gap, running
header and footer style, paragraph style, ruled or open tables, row-spanning fields) and a
document (title page, table of contents, numbered chapters, German paragraphs drawn from the
shipped corpus, footnotes, a table of measures). The generator lays out every line itself, so
it knows the ground truth exactly: the sentences, the running header/footer lines of every
page, the table of contents, the table rows and the reading order. Words are hyphenated at
line ends with pyphen (German patterns); hard hyphens ("E-Government") and suspended ones
("Bürger- und ...") break lines as they are.

Example:
    >>> pdf, truth = make_pdf(3)                          # doctest: +SKIP
    >>> truth.sentences[0], truth.running[1]              # doctest: +SKIP
"""

from __future__ import annotations

import functools
import io
import random
import re
from pathlib import Path

from evals.pdf_layout_draw import Canvas, Style, Truth
from evals.pdf_pages import draw_document
from ingest.parsing import markdown_sections
from rag.core.text import split_sentences

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DEV_SEEDS = tuple(range(1, 9))
HOLDOUT_SEEDS = tuple(range(101, 109))  # first unseen set (looked at after its first run)
FINAL_SEEDS = tuple(range(201, 209))  # second unseen set: evaluated once, at the very end

FIELDS = (
    "Mobilität",
    "Bildung",
    "Verwaltung",
    "Energie und Umwelt",
    "Gesundheit und Pflege",
    "Wirtschaft und Handel",
    "Kultur",
    "Sicherheit",
)
PERIODS = ("2024–2026", "ab 2025", "laufend", "2025", "bis Ende 2027", "2026–2028", "kurzfristig")
OWNERS = (
    "Stabsstelle Digitalisierung",
    "Amt für Bürgerdienste",
    "Hauptamt, IT-Abteilung",
    "Stadtwerke",
    "Schulverwaltungsamt",
    "Wirtschaftsförderung",
    "Fachbereich Umwelt",
)
TOWNS = ("Musterstadt", "Neudorf", "Bergheim am See", "Kreis Talheim", "Lindenau", "Amt Oderland")
_ENCODABLE = re.compile(r"^[\x20-\x7e\u00a0-\u00ff–„“”’]+$")


@functools.cache
def sentence_pool() -> tuple[str, ...]:
    """German sentences from the shipped Ulm strategy (markdown), usable with any font."""
    out: list[str] = []
    for path in sorted((CORPUS / "ulm").rglob("*.md")):
        for sec in markdown_sections(path.read_text(encoding="utf-8")):
            for block in sec.text.split("\n\n"):
                if block.startswith("- ") or " | " in block:
                    continue
                for s in split_sentences(block):
                    if (
                        40 <= len(s) <= 260
                        and s[0].isupper()
                        and s.endswith(".")
                        and (_ENCODABLE.match(s) and "http" not in s and "[" not in s)
                    ):
                        out.append(s)
    return tuple(dict.fromkeys(out))


def random_style(rng: random.Random) -> Style:
    columns = rng.choice((1, 2, 2))
    return Style(
        font=rng.choice(("Helvetica", "Times-Roman", "Vera")),
        size=rng.choice((9.0, 9.5, 10.0, 10.5, 11.0)) - (0.5 if columns == 2 else 0.0),
        leading=rng.uniform(1.18, 1.4),
        margin=rng.uniform(45, 80),
        top=rng.uniform(55, 85),
        bottom=rng.uniform(55, 85),
        columns=columns,
        gap=rng.uniform(14, 34),
        header=rng.choice(("title-rule", "alternating", "none", "logo-line")),
        footer=rng.choice(("page", "seite-von", "date-title-page", "dash")),
        indent_paragraphs=rng.random() < 0.35,
        ruled_table=rng.random() < 0.5,
        rowspan_fields=rng.random() < 0.5,
        landscape=rng.random() < 0.15,
        shuffled_stream=rng.random() < 0.4,
    )


def random_content(rng: random.Random) -> dict[str, object]:
    pool = list(sentence_pool())
    rng.shuffle(pool)
    town = rng.choice(TOWNS)
    chapters = []
    titles = ["Einleitung", "Ausgangslage", "Leitbild und Ziele", "Handlungsfelder", "Umsetzung"]
    for number, title in enumerate(titles[: rng.randint(3, 5)], start=1):
        sections = []
        for sub in range(1, rng.randint(1, 3) + 1):
            paras = []
            for _ in range(rng.randint(2, 4)):
                paras.append([pool.pop() for _ in range(rng.randint(2, 5))])
            sections.append((f"{number}.{sub} {rng.choice(FIELDS)}", paras))
        chapters.append((f"{number} {title}", sections))
    rows = []
    for fld in rng.sample(FIELDS, rng.randint(3, 4)):
        for _ in range(rng.randint(1, 3)):
            measure = pool.pop().rstrip(".")
            rows.append((fld, measure, rng.choice(PERIODS), rng.choice(OWNERS)))
    notes = [pool.pop() for _ in range(rng.randint(2, 5))]
    return {
        "title": f"Digitalstrategie {town}",
        "subtitle": rng.choice(("Smart City 2030", "Unser Weg in die digitale Zukunft")),
        "town": town,
        "date": f"{rng.randint(1, 28)}. {rng.choice(('März', 'Juni', 'Oktober'))} 202{rng.randint(1, 5)}",
        "chapters": chapters,
        "table": (("Handlungsfeld", "Maßnahme", "Zeitraum", "Zuständigkeit"), rows),
        "table_chapter": rng.randint(1, len(chapters) - 1),
        "notes": notes,
    }


def make_pdf(seed: int) -> tuple[bytes, Truth]:
    """One synthetic strategy PDF and its ground truth (deterministic per seed)."""
    rng = random.Random(seed)
    style = random_style(rng)
    content = random_content(rng)
    truth = Truth(seed=seed, style=style)
    buf = io.BytesIO()
    draw_document(Canvas(buf, style), style, content, truth, rng)
    return buf.getvalue(), truth


def write_set(folder: Path, seeds: tuple[int, ...]) -> list[Path]:
    """Write the PDFs of `seeds` into `folder` (for looking at them)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in seeds:
        pdf, _ = make_pdf(seed)
        path = folder / f"synth-{seed:03d}.pdf"
        path.write_bytes(pdf)
        paths.append(path)
    return paths
