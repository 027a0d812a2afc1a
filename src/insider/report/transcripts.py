"""A few transcripts per cell, read back from the log on demand (the table holds none).

The text is model output: untrusted. It leaves here as plain strings; the HTML template
escapes it (autoescape) and the Markdown writer fences it. A message's native reasoning
(`ContentReasoning` parts, which `message.text` leaves out) is kept apart from its text, so
the report can show it collapsed beside the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from inspect_ai.log import read_eval_log_sample

from insider.judge.reasoning import reasoning_of

MAX_CHARS = 20_000  # per message: a runaway generation should not bloat the report
# Harmful samples are the ones a reader wants to see first, then failures, then the rest.
_ORDER = {"harmful": 0, "error": 1, "invalid": 2, "benign": 3}


@dataclass
class Message:
    role: str
    text: str
    reasoning: str = ""  # native reasoning returned apart from the text; "" when there is none


@dataclass
class Transcript:
    sample_id: str
    verdict: str
    messages: list[Message] = field(default_factory=list)
    error: str = ""


@dataclass
class CellTranscripts:
    model: str
    condition: str
    transcripts: list[Transcript]


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS] + f"\n[... {len(text) - MAX_CHARS} more characters]"


def _text(message) -> str:
    parts = [message.text or ""]
    for call in getattr(message, "tool_calls", None) or []:
        parts.append(f"[tool call] {call.function}({call.arguments})")
    return _cut("\n".join(p for p in parts if p))


def _message(m) -> Message:
    return Message(m.role, _text(m), _cut(reasoning_of(m)))


def read_transcript(log_file: str, sample_id: str, epoch: int) -> list[Message]:
    kwargs = dict(epoch=int(epoch), resolve_attachments=True, exclude_fields={"events", "store", "timelines", "events_data"})
    try:
        sample = read_eval_log_sample(log_file, id=sample_id, **kwargs)
    except IndexError:
        if not sample_id.isdigit():
            raise
        sample = read_eval_log_sample(log_file, id=int(sample_id), **kwargs)  # the table keeps ids as text
    return [_message(m) for m in sample.messages]


def pick(df: pd.DataFrame, per_cell: int = 3) -> list[CellTranscripts]:
    out = []
    if df.empty:
        return out
    for (model, condition), g in df.groupby(["model", "condition"], sort=True):
        g = g.assign(_o=g["verdict"].map(_ORDER).fillna(9)).sort_values(["_o", "sample_index"], kind="stable")
        items = []
        for _, r in g.head(per_cell).iterrows():
            t = Transcript(str(r["sample_id"]), str(r["verdict"]), error=str(r["error"] or "") if pd.notna(r["error"]) else "")
            try:
                t.messages = read_transcript(r["log_file"], r["sample_id"], r["epoch"])
            except Exception as e:  # a damaged sample should not sink the whole report
                t.error = f"transcript unavailable: {e}"
            items.append(t)
        out.append(CellTranscripts(str(model), str(condition), items))
    return out
