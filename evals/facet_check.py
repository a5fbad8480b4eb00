"""Precision and recall of the registry facets detected in the gold questions.

Hand labels (which questions name a funding programme, a joint strategy, a size class or a
Staffel) against `rag.facets.detect` over all of `evals/questions.jsonl`; every question not
listed is labelled "does not name it". A Landkreis size class is not counted (the kind
already carries it). Run: `python -m evals.facet_check`.
"""

from __future__ import annotations

import json
from pathlib import Path

from rag.core.vocabulary import KOOPERATION, LANDKREIS, MPSC
from rag.facets import detect

QUESTIONS = Path(__file__).with_name("questions.jsonl")
PROGRAMMES = (MPSC, "Smarte.Land.Regionen", "Digitale Modellkommunen Schleswig-Holstein")
PROGRAMME = {"q108", "q201", "q202", "q203", "q204", "q209", "q210", "q211", "q213"}
JOINT = {"q073", "q098", "q106", "q205", "q206", "q208", "q212"}
SIZE = {
    "q101": "Großstadt",
    "q203": "Mittelstadt",
    "q204": "Mittelstadt",
    "q210": "Großstadt",
    "q211": "Kleinstadt/Landgemeinde",
}
STAFFEL = {"q203": 3, "q211": 1, "q204": 2}


def labels(qid: str) -> dict[str, object]:
    return {
        "programme": qid in PROGRAMME,
        "joint": qid in JOINT,
        "size": SIZE.get(qid),
        "staffel": STAFFEL.get(qid),
    }


def detected(question: str) -> dict[str, object]:
    f = detect(question, None, PROGRAMMES).filters
    named = [c for c in f.size_classes if c not in (KOOPERATION, LANDKREIS)]
    return {
        "programme": bool(f.programmes),
        "joint": KOOPERATION in f.size_classes,
        "size": named[0] if named else None,
        "staffel": f.staffel,
    }


def measure(path: Path = QUESTIONS) -> dict[str, dict[str, object]]:
    """Per facet: tp, fp, fn (question ids of the errors), precision, recall."""
    out: dict[str, dict[str, object]] = {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for facet in ("programme", "joint", "size", "staffel"):
        tp, fp, fn = 0, [], []
        for q in rows:
            want, got = labels(q["id"])[facet], detected(q["question"])[facet]
            if got and got == want:
                tp += 1
            elif got:
                fp.append(q["id"])
            if want and got != want:
                fn.append(q["id"])
        out[facet] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": round(tp / (tp + len(fp)), 3) if tp + len(fp) else None,
            "recall": round(tp / (tp + len(fn)), 3) if tp + len(fn) else None,
        }
    return out


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
