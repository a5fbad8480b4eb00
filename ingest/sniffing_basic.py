"""Text decoding shared by the parsers (content sniffing proper lives in `sniffing`)."""

from __future__ import annotations


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to cp1252, the usual German web legacy."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")
