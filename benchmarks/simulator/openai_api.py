"""The OpenAI Chat Completions API's shapes: answers, stream chunks, errors."""

from __future__ import annotations

import json
import time
from typing import Any

from benchmarks.simulator.caching import InputBill
from benchmarks.simulator.output import Output, new_id, text_pieces
from benchmarks.simulator.tokens import count_text

_FINISH = {"end": "stop", "tool": "tool_calls", "length": "length"}
ERROR_TYPES = {400: "invalid_request_error", 404: "invalid_request_error", 429: "requests",
               500: "server_error", 503: "server_error"}


def validate(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    if not isinstance(body.get("model"), str):
        return "you must provide a model parameter"
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return "'messages' must be a non-empty array"
    return None


def error_body(status: int, message: str) -> dict[str, Any]:
    code = "rate_limit_exceeded" if status == 429 else None
    return {"error": {"message": message, "type": ERROR_TYPES.get(status, "server_error"),
                      "param": None, "code": code}}


def usage(bill: InputBill, output_tokens: int) -> dict[str, Any]:
    prompt = bill.uncached + bill.openai_cached
    return {
        "prompt_tokens": prompt,
        "completion_tokens": output_tokens,
        "total_tokens": prompt + output_tokens,
        "prompt_tokens_details": {"cached_tokens": bill.openai_cached, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
    }


def _tool_calls(out: Output) -> list[dict[str, Any]]:
    return [
        {"id": new_id("call_sim"), "type": "function",
         "function": {"name": c.function, "arguments": json.dumps(c.arguments)}}
        for c in out.tool_calls
    ]


def completion(model: str, out: Output, bill: InputBill) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": out.text or None, "refusal": None}
    if out.tool_calls:
        msg["tool_calls"] = _tool_calls(out)
    return {
        "id": new_id("chatcmpl-sim"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_sim",
        "choices": [{"index": 0, "message": msg, "finish_reason": _FINISH[out.stop],
                     "logprobs": None}],
        "usage": usage(bill, out.tokens),
    }


def stream_chunks(
    model: str, out: Output, bill: InputBill, include_usage: bool
) -> list[tuple[bytes, int]]:
    """The SSE chunks of one answer, each with the output tokens it carries."""
    base = {"id": new_id("chatcmpl-sim"), "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model, "system_fingerprint": "fp_sim"}

    def chunk(delta: dict[str, Any], finish: str | None = None, tokens: int = 0):
        data = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                     "logprobs": None}]}
        return f"data: {json.dumps(data)}\n\n".encode(), tokens

    chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
    for piece in text_pieces(out.text):
        chunks.append(chunk({"content": piece}, tokens=count_text(piece)))
    for index, call in enumerate(_tool_calls(out)):
        head = {"index": index, "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""}}
        chunks.append(chunk({"tool_calls": [head]}))
        for piece in text_pieces(call["function"]["arguments"]):
            more = {"index": index, "function": {"arguments": piece}}
            chunks.append(chunk({"tool_calls": [more]}, tokens=count_text(piece)))
    chunks.append(chunk({}, _FINISH[out.stop]))
    if include_usage:
        data = {**base, "choices": [], "usage": usage(bill, out.tokens)}
        chunks.append((f"data: {json.dumps(data)}\n\n".encode(), 0))
    chunks.append((b"data: [DONE]\n\n", 0))
    return chunks


def malformed_chunk() -> bytes:
    """A chunk whose JSON is cut short: the SDK fails to decode it."""
    return b'data: {"id": "chatcmpl-sim", "object": "chat.completion.chunk", "choices": [{"i\n\n'
