"""A synthetic corpus for the store benchmark: German text of ~700 characters from a small
vocabulary (about 1,000 content words, Zipf-distributed, plus topic words and stopwords), BM25
vectors from `rag.embedding.sparse.KeywordEncoder`, and 384-d dense vectors that share a common
direction (like e5's anisotropy), belong to one of 64 topic clusters and vary in a 48-d
subspace plus small isotropic noise. Everything is derived from `seed` and the chunk number,
so any chunk can be regenerated on its own."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rag.core.records import DocMeta, Passage, SearchFilters
from rag.core.vocabulary import STATES
from rag.embedding.sparse import KeywordEncoder
from rag.index.schema import Manifest
from rag.index.store import StoredPoint

# Vector size: 384 (multilingual-e5-small); BENCH_DIM=768/256 for EmbeddingGemma (and MRL).
DIM = int(os.environ.get("BENCH_DIM", "384"))
TOPICS = 64
CHUNK = 10_000  # points generated at a time (bounds memory)
MANIFEST = Manifest(embed_model=f"synthetic-clustered-{DIM}", dim=DIM, chunking="synthetic-700")


def _split(words: str) -> list[str]:
    return words.split()


KINDS = ("Gemeinde", "Stadt", "Landkreis", "Amt")
_ROOTS = _split(
    "Linden Eichen Buchen Birken Tannen Rosen Wiesen Mühl Kirch Stein Sonnen Hain Fels Brunn Erlen"
)
_ENDS = _split("dorf hausen stadt burg feld heim bach berg ingen rode wald au brück see furt")
_PREFIXES = ("", "Alt", "Neu", "Ober", "Unter", "Bad ", "Groß", "Klein")
_STOP = _split(
    "und die der das für mit von zu im den ist wird werden auf eine ein als auch bei sich nicht durch"
)
_BASE = _split(
    "Digitalisierung Strategie Verwaltung Bürgerinnen Bürger Kommune Stadt Gemeinde Landkreis "
    "Breitband Glasfaser Schule Bildung Daten Plattform Mobilität Verkehr Klimaschutz Energie "
    "Beteiligung Dienste Portal Service Prozesse Personal Kompetenz Infrastruktur Netz WLAN "
    "Sicherheit Datenschutz Wirtschaft Förderung Innovation Leitbild Vision Ziele Maßnahmen "
    "Handlungsfelder Umsetzung Gesundheit Pflege Tourismus Kultur Landwirtschaft Ehrenamt Rathaus "
    "Zusammenarbeit Akteure Steuerung Koordination Fachbereiche Digitallotsen Workshop Bedarf "
    "Analyse Bestandsaufnahme Roadmap Priorisierung Haushalt Finanzierung Fördermittel Bund Land "
    "Region Quartier Innenstadt Einzelhandel Unternehmen Gründer Fachkräfte Ausbildung "
    "Medienkompetenz Senioren Jugendliche Familien Teilhabe Barrierefreiheit Transparenz "
    "Offenheit Nachhaltigkeit Resilienz Sensorik Parkraum Straßenbeleuchtung Abfall Wasser "
    "Wärme Stromnetz Ladesäulen Radverkehr Nahverkehr Sharing Rufbus Telemedizin Bibliothek "
    "Museum Vereine Feuerwehr Katastrophenschutz Bauamt Bauantrag Genehmigung Formular Termin "
    "Bezahlung Akte Archiv Rechenzentrum Cloud Software Schnittstellen Standards Lizenzen "
    "Beschaffung Vergabe Dienstleister Betrieb Support Schulung Weiterbildung Kulturwandel "
    "Führung Team Projekt Pilot Evaluation Monitoring Kennzahlen Bericht Beschluss Stadtrat "
    "Gemeinderat Kreistag Bürgermeister Verwaltungsspitze Arbeitsgruppe Lenkungskreis "
    "Umfrage Dialog Veranstaltung Öffentlichkeit Kommunikation Website App Newsletter"
)
_HEADS = _split(
    "strategie plattform portal netz dienst konzept projekt ausbau management beteiligung "
    "kompetenz verwaltung angebot lösung infrastruktur ziel leitbild prozess raum zentrum"
)
_MODIFIERS = _split(
    "Digital Daten Bürger Verwaltungs Glasfaser Online Breitband Schul Stadt Smart-City "
    "Mobilitäts Energie Klima Gesundheits Bildungs Kultur Tourismus Wirtschafts Service Open-Data "
    "Sicherheits Beteiligungs Cloud Netz Dorf Regional Innovations Förder Medien Quartiers"
)
_SECTIONS = (
    "Ausgangslage", "Vision und Leitbild", "Handlungsfeld Bildung", "Handlungsfeld Mobilität",
    "Handlungsfeld Verwaltung", "Handlungsfeld Wirtschaft", "Maßnahmen", "Umsetzung", "Anhang",
)  # fmt: skip


def _vocabulary() -> list[str]:
    words = list(dict.fromkeys(_BASE + [m + h for m in _MODIFIERS for h in _HEADS]))
    return words


def _municipalities() -> list[str]:
    return [
        f"{p}{r.lower() if p and not p.endswith(' ') else r}{e}"
        for p in _PREFIXES
        for r in _ROOTS
        for e in _ENDS
    ]


@dataclass(frozen=True)
class QuerySpec:
    """One synthetic query: its text, vectors and a state/year filter."""

    text: str
    dense: np.ndarray
    sparse: tuple[list[int], list[float]]
    filters: SearchFilters


class SyntheticCorpus:
    """Deterministic synthetic passages and queries (see module docstring)."""

    def __init__(self, points: int, seed: int = 0, keywords: KeywordEncoder | None = None) -> None:
        self.points = points
        self.seed = seed
        self.keywords = keywords or KeywordEncoder()
        rng = np.random.default_rng([seed, 7919])
        self.vocab = np.array(_vocabulary(), dtype=object)
        self.stop = np.array(_STOP, dtype=object)
        ranks = rng.permutation(len(self.vocab)) + 1
        self.zipf = (1.0 / ranks) / (1.0 / ranks).sum()
        self.topic_words = np.stack(
            [rng.choice(len(self.vocab), 40, replace=False) for _ in range(TOPICS)]
        )
        common = rng.standard_normal(DIM)
        self.common = common / np.linalg.norm(common)
        cent = rng.standard_normal((TOPICS, DIM))
        self.centroids = cent / np.linalg.norm(cent, axis=1, keepdims=True)
        basis = rng.standard_normal((48, DIM))
        self.basis = basis / np.linalg.norm(basis, axis=1, keepdims=True)
        self.towns = _municipalities()

    def _vectors(self, rng: np.random.Generator, topics: np.ndarray) -> np.ndarray:
        n = len(topics)
        low = rng.standard_normal((n, 48)) @ self.basis * (0.55 / np.sqrt(48))
        iso = rng.standard_normal((n, DIM)) * (0.25 / np.sqrt(DIM))
        v = 1.5 * self.common + 0.6 * self.centroids[topics] + low + iso
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    def _words(self, rng: np.random.Generator, topics: np.ndarray, width: int) -> np.ndarray:
        n = len(topics)
        kind = rng.random((n, width))
        topical = self.topic_words[topics[:, None], rng.integers(0, 40, (n, width))]
        glob = rng.choice(len(self.vocab), size=(n, width), p=self.zipf)
        words = np.where(kind < 0.35, self.vocab[topical], self.vocab[glob])
        stop = self.stop[rng.integers(0, len(self.stop), (n, width))]
        return np.where(kind > 0.8, stop, words)

    def _doc(self, doc_no: int) -> DocMeta:
        h = int.from_bytes(hashlib.sha256(f"{self.seed}:{doc_no}".encode()).digest()[:8], "little")
        town = self.towns[h % len(self.towns)]
        population = int(np.exp(6.7 + (h >> 12) % 1000 / 1000 * 6.7))
        kind = KINDS[(h >> 24) % len(KINDS)]
        year = 2012 + (h >> 32) % 14
        return DocMeta(
            doc_id=f"syn-{doc_no:07d}",
            title=f"Digitalstrategie {town} {year}",
            municipality=town,
            kind=kind,
            state=STATES[(h >> 40) % len(STATES)],
            year=year,
            population=population,
            url=f"https://www.{town.lower().replace(' ', '-')}.de/digitalstrategie-{year}.pdf",
            licence="CC BY 4.0",
            source_type="pdf",
        )

    def chunk(self, start: int, stop: int) -> list[StoredPoint]:
        """Points [start, stop) with vectors (regenerable on their own: seeded by chunk)."""
        rng = np.random.default_rng([self.seed, start])
        n = stop - start
        topics = rng.integers(0, TOPICS, n)
        dense = self._vectors(rng, topics)
        words = self._words(rng, topics, 80)
        lengths = rng.integers(45, 68, n)
        out: list[StoredPoint] = []
        doc: DocMeta | None = None
        for i in range(n):
            no = start + i
            if doc is None or doc.doc_id != f"syn-{no // 30:07d}":
                doc = self._doc(no // 30)
            row = words[i, : lengths[i]].tolist()
            text = ". ".join(" ".join(row[j : j + 12]) for j in range(0, len(row), 12)) + "."
            section = _SECTIONS[no % len(_SECTIONS)]
            passage = Passage(
                chunk_id=hashlib.sha256(f"syn:{self.seed}:{no}".encode()).hexdigest(),
                doc=doc,
                text=text,
                header=f"{doc.municipality} | {doc.title} | {section}",
                section=section,
                page=1 + (no % 30) // 3,
                ord=no % 30,
            )
            out.append(StoredPoint(passage, dense[i], self.keywords.document(passage.embed_text)))
        return out

    def chunks(self, size: int = CHUNK) -> Iterator[list[StoredPoint]]:
        for start in range(0, self.points, size):
            yield self.chunk(start, min(start + size, self.points))

    def queries(self, n: int) -> list[QuerySpec]:
        rng = np.random.default_rng([self.seed, 104729])
        topics = rng.integers(0, TOPICS, n)
        dense = self._vectors(rng, topics)
        words = self._words(rng, topics, 6)
        out = []
        for i in range(n):
            text = "Wie plant die Kommune " + " ".join(words[i].tolist()) + "?"
            flt = SearchFilters(
                states=(STATES[int(rng.integers(0, len(STATES)))],),
                year_min=int(rng.integers(2016, 2023)),
            )
            out.append(QuerySpec(text, dense[i], self.keywords.query(text), flt))
        return out
