"""Tool calls as text for a model served without native tool support (the embedded one).

The tools are described in the system prompt and the model is asked to answer with
`<tool_call>{"name": ..., "arguments": {...}}</tool_call>` blocks (the format Qwen2.5 was
trained on); replies are parsed back into Inspect ToolCalls. Earlier tool calls and results
in the conversation are rendered in the same markup so the model sees its own history.
"""

from __future__ import annotations

import json
import re
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageSystem, ChatMessageTool
from inspect_ai.tool import ToolCall, ToolChoice, ToolFunction, ToolInfo

_CALL = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def tools_prompt(tools: list[ToolInfo], tool_choice: ToolChoice) -> str:
    specs = "\n".join(
        json.dumps({"name": t.name, "description": t.description, "parameters": t.parameters.model_dump(exclude_none=True)})
        for t in tools
    )
    if isinstance(tool_choice, ToolFunction):
        rule = f"You must call the tool {tool_choice.name}."
    elif tool_choice == "any":
        rule = "You must call at least one tool."
    else:
        rule = "Call a tool only when you need one."
    return (
        "# Tools\n\nYou may call these tools:\n" + specs + "\n\nTo call a tool, write one block per call:\n"
        '<tool_call>\n{"name": "<tool name>", "arguments": {<arguments as JSON>}}\n</tool_call>\n' + rule
    )


def render_messages(input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice) -> list[dict[str, str]]:
    """Inspect messages -> llama.cpp chat messages (role, content), tools as text markup."""
    out: list[dict[str, str]] = []
    for message in input:
        if isinstance(message, ChatMessageTool):
            out.append({"role": "user", "content": f"<tool_response name={message.function!r}>\n{message.text}\n</tool_response>"})
        elif isinstance(message, ChatMessageAssistant) and message.tool_calls:
            calls = "\n".join(
                "<tool_call>\n" + json.dumps({"name": c.function, "arguments": c.arguments}) + "\n</tool_call>"
                for c in message.tool_calls
            )
            out.append({"role": "assistant", "content": (message.text + "\n" + calls).strip()})
        else:
            out.append({"role": message.role, "content": message.text})
    if tools and tool_choice != "none":
        prompt = tools_prompt(tools, tool_choice)
        if out and isinstance(input[0], ChatMessageSystem):
            out[0] = {"role": "system", "content": out[0]["content"] + "\n\n" + prompt}
        else:
            out.insert(0, {"role": "system", "content": prompt})
    return out


def parse_tool_calls(text: str, tools: list[ToolInfo], id_prefix: str) -> tuple[str, list[ToolCall]]:
    """Split a reply into its prose and its tool calls (tagged blocks, or a bare JSON reply)."""
    names = {t.name for t in tools}
    blocks = _CALL.findall(text)
    prose = _CALL.sub("", text).strip()
    if not blocks:
        bare = _FENCE.sub(r"\1", text.strip())
        if bare.startswith("{") and _call_name(_loads(bare)) in names:
            blocks, prose = [bare], ""
    calls = [_to_call(block, names, f"{id_prefix}_{i}") for i, block in enumerate(blocks)]
    return prose, calls


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _call_name(obj: Any) -> str | None:
    if isinstance(obj, dict):
        name = obj.get("name", obj.get("function"))
        return name if isinstance(name, str) else None
    return None


def _to_call(block: str, names: set[str], call_id: str) -> ToolCall:
    obj = _loads(block)
    name = _call_name(obj)
    if name is None:
        return ToolCall(id=call_id, function="unknown", arguments={}, parse_error=f"not a JSON tool call: {block[:200]}")
    args = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(args, str):  # some models double-encode the arguments
        args = _loads(args)
    if not isinstance(args, dict):
        return ToolCall(id=call_id, function=name, arguments={}, parse_error="arguments are not a JSON object")
    error = None if name in names else f"unknown tool {name!r}"
    return ToolCall(id=call_id, function=name, arguments=args, parse_error=error)
