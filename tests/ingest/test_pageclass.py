"""The page classifier: a fitted softmax regression over content features."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.pageclass import CLASSES, fit, load_model, predict
from ingest.pagefeatures import FEATURE_NAMES
from tests.ingest.fixture_site import STRATEGY_TEXT

CHROME = "<nav><ul>" + "".join(f'<li><a href="/{i}">Menü {i}</a></li>' for i in range(20))
CHROME += "</ul></nav>"


@pytest.mark.unit
def test_fit_separates_a_toy_problem() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((60, len(FEATURE_NAMES)))
    y = np.array([0 if row[0] > 0.6 else (1 if row[1] > 0.5 else 2) for row in x])
    model = fit(x, y, steps=4000)
    labels = [v.label for v in predict(model, x)]
    accuracy = np.mean([CLASSES.index(lab) == t for lab, t in zip(labels, y, strict=True)])
    assert accuracy > 0.85 and model.weights[0][0] > 0


@pytest.mark.unit
def test_shipped_model_matches_the_features_and_judges_pages() -> None:
    from ingest.pageclass import classify_html

    model = load_model()
    assert model.weights.shape == (3, len(FEATURE_NAMES)) and 0 < model.threshold < 1
    strategy = f"<html><title>Digitalstrategie</title><body>{CHROME}<main><h1>Digitalstrategie"
    strategy += f" der Stadt X</h1>{STRATEGY_TEXT * 2}</main></body></html>"
    job = f"<html><title>Stellenangebot</title><body>{CHROME}<main><h1>Sachbearbeitung IT"
    job += " (m/w/d)</h1><p>Sie unterstützen die Digitalisierung. Bewerbung bis 1.3.2025,"
    job += " Telefon 0123-45, E-Mail personal@x.de.</p></main></body></html>"
    listing = f"<html><body>{CHROME}<main><h1>Aktuelles</h1><ul>"
    listing += "".join(f'<li><a href="/n/{i}">Meldung {i}</a></li>' for i in range(15))
    listing += '</ul><a href="?page=2">Weiter »</a></main></body></html>'
    assert classify_html(strategy).label == "strategy"
    assert classify_html(job).label != "strategy"
    assert classify_html(listing).label == "navigation"


@pytest.mark.slow
def test_cross_validated_precision_and_recall_stay_high() -> None:
    from evals.pageclass import cross_validate, matrix
    from evals.pageclass_data import labelled_pages

    pages = labelled_pages()
    x, y = matrix(pages)
    scores, _ = cross_validate(x, y, [p.group for p in pages])
    assert scores.precision >= 0.85 and scores.recall >= 0.9
