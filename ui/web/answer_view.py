"""Markdown for a shaped answer (lead, steps, visions, fields, examples, table) on the Fragen page.

Pure functions from an Answer to escaped Markdown: every corpus text is escaped, [n] markers
are shown in bold, a table row's source is a link when it is http(s). Answers without parts
(the LLM's, or older ones) are shown as their text, one paragraph per line.

Example:
    >>> answer_blocks(Answer("F", "Satz [1].", parts=(AnswerPart("lead", "Satz [1].", (1,)),)))
    ['Satz **[1]**\\\\.']
"""

from __future__ import annotations

import re

from rag.core.records import Answer, AnswerPart
from rag.render import HEADINGS
from ui.web import components as ui

_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")


def marked(text: str) -> str:
    """Escaped text with its [n] markers in bold."""
    return _MARKER.sub(r"**[\1]**", ui.escape_md(" ".join(text.split())))


def text_markdown(text: str) -> str:
    """An answer without parts: escaped, one paragraph per line."""
    return "\n\n".join(marked(line) for line in text.splitlines() if line.strip())


def _item(part: AnswerPart, n: int) -> str:
    label = f"**{ui.escape_md(part.label)}:** " if part.label else ""
    if part.role == "step":
        who = f" — *{ui.escape_md(part.label)}*" if part.label else ""
        return f"{n}. {marked(part.text)}{who}"
    return f"- {label}{marked(part.text)}"


def _table(rows: list[AnswerPart]) -> str:
    cols: list[str] = []
    for r in rows:
        cols += [k for k, _ in r.cells if k not in cols]
    lines = ["| " + " | ".join(ui.escape_md(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = dict(r.cells)
        out = []
        for c in cols:
            value = cells.get(c, "–")
            if c == "Quelle":
                url = ui.safe_url(value.rsplit(" [", 1)[0])
                n = ", ".join(str(x) for x in r.cites)
                value_md = f"[Link]({url}) **[{n}]**" if url else marked(value)
            else:
                value_md = ui.escape_md(value)
            out.append(value_md.replace("|", "\\|"))
        lines.append("| " + " | ".join(out) + " |")
    return "\n".join(lines)


def answer_blocks(answer: Answer) -> list[str]:
    """Markdown blocks in order: lead, then each part group under its heading, then the table."""
    if not answer.parts:
        return [text_markdown(answer.text)]
    blocks: list[str] = []
    group: list[str] = []
    role = None
    rows = [p for p in answer.parts if p.role == "row"]
    for part in answer.parts:
        if part.role == "row":
            continue
        if part.role == "lead":
            blocks.append(marked(part.text))
            continue
        if part.role != role:
            if group:
                blocks.append("\n".join(group))
            group = [f"**{ui.escape_md(HEADINGS.get(part.role, ''))}**", ""]
            role = part.role
        group.append(_item(part, len(group) - 1))
    if group:
        blocks.append("\n".join(group))
    if rows:
        blocks.append(f"**{ui.escape_md(HEADINGS['row'])}**\n\n" + _table(rows))
    return blocks
