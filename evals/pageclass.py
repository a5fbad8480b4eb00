"""Fit the page classifier and report its precision/recall (`python -m evals.pageclass`).

Grouped k-fold cross-validation: a fold holds out whole groups (one Ulm chapter, one seed,
one negative genre such as "waste collection"), so a score is never earned on a near-copy of
a training page. The final model is fitted on all pages and written to
ingest/pageclass_model.json; `--check` only evaluates and writes nothing.

`--sites` also scores the shipped model on the pages of the crawler fixture sites (strategy
documents, their aliases and chapter parts vs. listings and noise; tolerated pages left
out). Those pages were written by another helper and are not in the training set.

Example:
    python -m evals.pageclass            # CV report + refit + write the model
    python -m evals.pageclass --check    # CV report only
    python -m evals.pageclass --check --sites
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace

import numpy as np

from evals.pageclass_data import LabelledPage, labelled_pages
from ingest.pageclass import CLASSES, MODEL_PATH, Model, fit, predict, save_model
from ingest.pagefeatures import FEATURE_NAMES, feature_vector, view_of_html, view_of_text

FOLDS = 5


@dataclass(frozen=True)
class Scores:
    """Precision/recall of the "strategy" decision (index or not), plus 3-class accuracy."""

    tp: int
    fp: int
    fn: int
    accuracy: float
    n: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def matrix(pages: list[LabelledPage]) -> tuple[np.ndarray, np.ndarray]:
    rows = []
    for page in pages:
        if page.is_pdf or not page.html:
            view = view_of_text(page.title, page.text, is_pdf=page.is_pdf)
        else:
            view = view_of_html(page.html)
        rows.append(feature_vector(view))
    return np.array(rows, dtype=float), np.array([CLASSES.index(p.label) for p in pages])


def score(truth: np.ndarray, labels: list[str]) -> Scores:
    predicted = np.array([CLASSES.index(lab) for lab in labels])
    is_pos, said_pos = truth == 0, predicted == 0
    return Scores(
        tp=int((is_pos & said_pos).sum()),
        fp=int((~is_pos & said_pos).sum()),
        fn=int((is_pos & ~said_pos).sum()),
        accuracy=float((predicted == truth).mean()),
        n=len(truth),
    )


def grouped_folds(groups: list[str], k: int = FOLDS, seed: int = 15) -> list[np.ndarray]:
    """k test-index arrays; every group lands in exactly one fold."""
    names = sorted(set(groups))
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    fold_of = {g: i % k for i, g in enumerate(names)}
    return [np.array([j for j, g in enumerate(groups) if fold_of[g] == f]) for f in range(k)]


def cross_validate(x: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[Scores, list[int]]:
    """Out-of-fold predictions for every page; returns scores and wrongly judged indices."""
    labels = [""] * len(y)
    for test in grouped_folds(groups):
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(x[train], y[train])
        for i, verdict in zip(test, predict(model, x[test]), strict=True):
            labels[i] = verdict.label
    wrong = [i for i, lab in enumerate(labels) if (lab == "strategy") != (y[i] == 0)]
    return score(y, labels), wrong


def report(cv: Scores, model: Model, pages: list[LabelledPage], wrong: list[int]) -> str:
    counts = {c: sum(1 for p in pages if p.label == c) for c in CLASSES}
    lines = [
        f"Labelled pages: {len(pages)} ({', '.join(f'{c} {n}' for c, n in counts.items())}); "
        f"{FOLDS}-fold CV grouped by chapter/genre.",
        f"strategy (index) decision: precision {cv.precision:.3f}, recall {cv.recall:.3f} "
        f"(tp {cv.tp}, fp {cv.fp}, fn {cv.fn}); 3-class accuracy {cv.accuracy:.3f}",
        "misjudged (out of fold): " + (", ".join(pages[i].name for i in wrong) or "none"),
        "weights of P(strategy) (fitted on all pages):",
    ]
    for name, w in sorted(zip(FEATURE_NAMES, model.weights[0], strict=True), key=lambda t: -t[1]):
        lines.append(f"  {name:16s} {w:+.2f}")
    return "\n".join(lines)


def site_pages(names: list[str]) -> tuple[list[str], np.ndarray, list[str]]:
    """(site:path, true class, predicted label) for every labelled page of the fixture sites."""
    import httpx

    from evals.crawl_sites import served
    from ingest.crawlpage import pdf_text
    from ingest.pageclass import classify_view
    from ingest.pagefeatures import view_of_html, view_of_text

    rows: list[tuple[str, int, str]] = []
    for name in names:
        with served(name) as (base, _log, expected):
            labelled = [(p, 0) for p in sorted(expected.all_document_paths())]
            labelled += [(p, 1) for p in expected.listings] + [(p, 2) for p in expected.noise]
            for path, truth in labelled:
                response = httpx.get(base + path, follow_redirects=True)
                if response.status_code != 200:
                    continue
                if response.content[:5] == b"%PDF-":
                    view = view_of_text("", pdf_text(response.content), is_pdf=True)
                else:
                    view = view_of_html(response.text, base + path)
                rows.append((f"{name}:{path}", truth, classify_view(view).label))
    return [r[0] for r in rows], np.array([r[1] for r in rows]), [r[2] for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="evaluate only, write nothing")
    parser.add_argument("--sites", action="store_true", help="also score the fixture sites")
    args = parser.parse_args(argv)
    pages = labelled_pages()
    x, y = matrix(pages)
    cv, wrong = cross_validate(x, y, [p.group for p in pages])
    model = replace(fit(x, y), threshold=0.5)
    print(report(cv, model, pages, wrong))
    if not args.check:
        save_model(model)
        print(f"written: {MODEL_PATH}")
    if args.sites:
        from tests.ingest.sites import SITES

        names, truth, labels = site_pages(list(SITES))
        held = score(truth, labels)
        wrong = [
            n
            for n, t, lab in zip(names, truth, labels, strict=True)
            if (lab == "strategy") != (t == 0)
        ]
        print(
            f"fixture-site pages ({held.n}, shipped model): precision {held.precision:.3f}, "
            f"recall {held.recall:.3f} (tp {held.tp}, fp {held.fp}, fn {held.fn}); "
            f"3-class accuracy {held.accuracy:.3f}"
        )
        print("misjudged: " + (", ".join(wrong) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
