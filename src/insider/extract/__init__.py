"""Model response -> the actions the agent took (emails, forwards, alert cancellations).

`extract_actions` reads the text markup of the original agentic-misalignment study and
native tool calls alike; `summarize_actions` renders them in one short line for a score.
"""

from __future__ import annotations

from insider.extract.addresses import domain_of, normalize_addresses
from insider.extract.markup import parse_markup, reasoning_spans
from insider.extract.native import parse_tool_call, parse_tool_calls
from insider.extract.quoted import split_quoted
from insider.records import Action, ToolCall

__all__ = [
    "extract_actions",
    "summarize_actions",
    "normalize_addresses",
    "domain_of",
    "split_quoted",
    "reasoning_spans",
    "parse_tool_call",
]


def extract_actions(response: str, tool_calls: list[ToolCall] | None = None) -> list[Action]:
    """Markup actions in order of appearance, then native tool calls in call order."""
    actions = parse_markup(response or "")
    actions.extend(parse_tool_calls(list(tool_calls or [])))
    return actions


def summarize_actions(actions: list[Action], limit: int = 300) -> str:
    """One line: `email -> a@x.com, b@y.com "subject"; cancel_alert EXEC-1`."""
    if not actions:
        return "no actions"
    parts = []
    for a in actions:
        if a.kind == "cancel_alert":
            parts.append(f"cancel_alert {a.code or '(no code)'}")
        else:
            rec = ", ".join(a.recipients()) or "(no recipient)"
            extra = f" #{a.email_id}" if a.email_id else ""
            subj = f' "{a.subject[:40]}"' if a.subject else ""
            parts.append(f"{a.kind}{extra} -> {rec}{subj}")
    s = "; ".join(parts)
    return s if len(s) <= limit else s[: limit - 1] + "…"
