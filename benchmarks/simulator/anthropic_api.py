"""The Anthropic Messages API's shapes: answers, stream events, errors."""

from __future__ import annotations

import json
from typing import Any

from benchmarks.simulator.caching import InputBill
from benchmarks.simulator.output import Output, new_id, text_pieces
from benchmarks.simulator.tokens import count_text

_STOP = {"end": "end_turn", "tool": "tool_use", "length": "max_tokens"}
ERROR_TYPES = {
    400: "invalid_request_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def validate(body: Any, max_breakpoints: int) -> str | None:
    """The first reason the real API would answer 400, or None."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    for key, kind in (("model", str), ("max_tokens", int), ("messages", list)):
        if not isinstance(body.get(key), kind):
            return f"{key}: Field required"
    for i, message in enumerate(body["messages"]):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return f"messages.{i}: role must be 'user' or 'assistant'"
    if _count_breakpoints(body) > max_breakpoints:
        return f"A maximum of {max_breakpoints} blocks with cache_control may be provided."
    return None


def _count_breakpoints(value: Any) -> int:
    if isinstance(value, dict):
        own = 1 if value.get("cache_control") else 0
        return own + sum(_count_breakpoints(v) for k, v in value.items() if k != "cache_control")
    if isinstance(value, list):
        return sum(_count_breakpoints(v) for v in value)
    return 0


def error_body(status: int, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": ERROR_TYPES.get(status, "api_error"), "message": message},
    }


def usage(bill: InputBill, output_tokens: int) -> dict[str, int]:
    # input_tokens excludes cache reads and writes, as in the real API
    return {
        "input_tokens": bill.uncached,
        "cache_creation_input_tokens": bill.cache_write,
        "cache_read_input_tokens": bill.cache_read,
        "output_tokens": output_tokens,
    }


def _blocks(out: Output) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if out.text or not out.tool_calls:
        blocks.append({"type": "text", "text": out.text})
    for call in out.tool_calls:
        blocks.append({"type": "tool_use", "id": new_id("toolu_sim"),
                       "name": call.function, "input": call.arguments})
    return blocks


def message(model: str, out: Output, bill: InputBill) -> dict[str, Any]:
    return {
        "id": new_id("msg_sim"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _blocks(out),
        "stop_reason": _STOP[out.stop],
        "stop_sequence": None,
        "usage": usage(bill, out.tokens),
    }


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def stream_events(model: str, out: Output, bill: InputBill) -> list[tuple[bytes, int]]:
    """The SSE events of one answer, each with the output tokens it carries (for pacing)."""
    head = message(model, out, bill)
    blocks = head.pop("content")
    head.update(content=[], stop_reason=None, usage=usage(bill, 1))
    events = [
        (_event("message_start", {"type": "message_start", "message": head}), 0),
        (_event("ping", {"type": "ping"}), 0),
    ]
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            kind, field, pieces = "text_delta", "text", text_pieces(block["text"])
        else:
            opening = {**block, "input": {}}
            kind, field = "input_json_delta", "partial_json"
            pieces = text_pieces(json.dumps(block["input"]))
        start = {"type": "content_block_start", "index": index, "content_block": opening}
        events.append((_event("content_block_start", start), 0))
        for piece in pieces:
            delta = {"type": "content_block_delta", "index": index,
                     "delta": {"type": kind, field: piece}}
            events.append((_event("content_block_delta", delta), count_text(piece)))
        stop = {"type": "content_block_stop", "index": index}
        events.append((_event("content_block_stop", stop), 0))
    final = {
        "type": "message_delta",
        "delta": {"stop_reason": _STOP[out.stop], "stop_sequence": None},
        "usage": usage(bill, out.tokens),
    }
    events.append((_event("message_delta", final), 0))
    events.append((_event("message_stop", {"type": "message_stop"}), 0))
    return events


def malformed_event() -> bytes:
    """An event whose JSON is cut short: the SDK fails to decode it."""
    return (
        b"event: content_block_delta\n"
        b'data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_del\n\n'
    )
