"""`replay/<path.jsonl>`: answers every generation from a file (contract:
`docs/contracts/replay-jsonl.md`, version 2: a line or a turn may carry `reasoning`, returned
as `ContentReasoning` before the text, the way providers return native thinking; version 1
files remain valid).

Assignment (deterministic; one line answers all generations of one sample):
- A sample's position k is its `sample_index` metadata (falling back to the order in which
  samples first ask, which is only deterministic for sequential runs).
- A sample whose metadata matches the `match` of some lines is a member of the first such
  match group (lines with an equal `match` object, in file order); it gets that group's
  line r modulo the group's size, r being its rank in the group: its `repeat` metadata
  (every insider sample has one: its number within its condition), else k. Matching on
  `condition` therefore hands a condition's repeats the group's lines in file order.
- Any other sample gets unmatched line k modulo their count (an error if there are none).
- The n-th generation of a sample (n = assistant messages already in its input) gets the
  n-th entry of the line's `turns` (the last one repeats), or its `response`. A turn's
  `reasoning` comes back as a `ContentReasoning` part ahead of the text, never in the text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    Content,
    ContentReasoning,
    ContentText,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from insider.errors import InsiderError
from insider.inspect_adapter import current_sample


@dataclass(frozen=True)
class Turn:
    response: str
    tool_calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    reasoning: str = ""

    def content(self) -> str | list[Content]:
        """The assistant message content: the text, with the reasoning before it when there is any."""
        if not self.reasoning:
            return self.response
        parts: list[Content] = [ContentReasoning(reasoning=self.reasoning)]
        if self.response:
            parts.append(ContentText(text=self.response))
        return parts


@dataclass(frozen=True)
class ReplayLine:
    number: int  # 1-based line number in the file, for messages and ids
    turns: tuple[Turn, ...]
    match: dict[str, Any] | None


def load_replay(path: Path) -> list[ReplayLine]:
    """Parse and validate a replay file; every problem names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InsiderError(f"replay file {path} not found: check the path after 'replay/'") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InsiderError(f"replay file {path} cannot be read ({e}): pass a UTF-8 JSONL file") from None
    lines = [_parse_line(path, n, raw) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not lines:
        raise InsiderError(f"replay file {path} is empty: add one JSON object per line, e.g. {{\"response\": \"...\"}}")
    return lines


def _parse_line(path: Path, number: int, raw: str) -> ReplayLine:
    where = f"{path}:{number}"
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as e:
        raise InsiderError(f"{where}: not valid JSON ({e.msg} at column {e.colno}): fix or remove the line") from None
    if not isinstance(obj, dict):
        raise InsiderError(f"{where}: expected a JSON object with a \"response\" key")
    match = obj.get("match")
    if match is not None and (not isinstance(match, dict) or not match):
        raise InsiderError(f"{where}: \"match\" must be a non-empty object of metadata values, e.g. {{\"condition\": \"...\"}}")
    if "turns" in obj:
        turns = obj["turns"]
        if not isinstance(turns, list) or not turns:
            raise InsiderError(f"{where}: \"turns\" must be a non-empty list of "
                               f"{{\"response\", \"tool_calls\", \"reasoning\"}} objects")
        parsed = tuple(_parse_turn(f"{where}: turns[{i}]", t) for i, t in enumerate(turns))
    elif "response" in obj:
        parsed = (_parse_turn(where, obj),)
    else:
        raise InsiderError(f"{where}: a line needs \"response\" (or \"turns\")")
    return ReplayLine(number=number, turns=parsed, match=match)


def _parse_turn(where: str, obj: Any) -> Turn:
    if not isinstance(obj, dict):
        raise InsiderError(f"{where}: expected an object with \"response\"")
    response = obj.get("response", "")
    if not isinstance(response, str):
        raise InsiderError(f"{where}: \"response\" must be a string")
    reasoning = obj.get("reasoning") or ""
    if not isinstance(reasoning, str):
        raise InsiderError(f"{where}: \"reasoning\" must be a string")
    calls = obj.get("tool_calls") or []
    if not isinstance(calls, list):
        raise InsiderError(f"{where}: \"tool_calls\" must be a list")
    parsed = []
    for i, call in enumerate(calls):
        ok = isinstance(call, dict) and isinstance(call.get("function"), str) and isinstance(call.get("arguments", {}), dict)
        if not ok:
            raise InsiderError(f"{where}: tool_calls[{i}] must be {{\"function\": str, \"arguments\": object}}")
        parsed.append((call["function"], call.get("arguments", {})))
    if not response and not parsed and not reasoning:
        raise InsiderError(f"{where}: \"response\" is missing or empty and there are no tool_calls")
    return Turn(response=response, tool_calls=tuple(parsed), reasoning=reasoning)


class ReplayAssigner:
    """Maps a sample (its metadata and run position) to its replay line."""

    def __init__(self, lines: list[ReplayLine]) -> None:
        self.unmatched = [line for line in lines if line.match is None]
        self.groups: list[tuple[dict[str, Any], list[ReplayLine]]] = []
        for line in lines:
            if line.match is None:
                continue
            for match, members in self.groups:
                if match == line.match:
                    members.append(line)
                    break
            else:
                self.groups.append((line.match, [line]))
        self._first_seen: dict[Any, int] = {}

    def position(self, key: Any, metadata: dict[str, Any]) -> int:
        index = metadata.get("sample_index")
        if isinstance(index, int):
            return index
        return self._first_seen.setdefault(key, len(self._first_seen))

    def line_for(self, key: Any, metadata: dict[str, Any], path: Path) -> ReplayLine:
        k = self.position(key, metadata)
        for match, members in self.groups:
            if all(k_ in metadata and metadata[k_] == v for k_, v in match.items()):
                rank = metadata.get("repeat")
                rank = rank if isinstance(rank, int) else k
                return members[rank % len(members)]
        if not self.unmatched:
            raise InsiderError(
                f"replay file {path}: no line matches sample {key!r} and there are no lines without \"match\": "
                "add a fallback line without \"match\""
            )
        return self.unmatched[k % len(self.unmatched)]


class ReplayAPI(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, api_key_vars=[], config=config)
        self.path = Path(model_name).expanduser()
        self.assigner = ReplayAssigner(load_replay(self.path))
        self._calls = 0

    def max_connections(self) -> int:
        return 256  # nothing to wait for

    async def count_text_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)  # a rough count; offline (no tiktoken download)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        state = current_sample()
        if state is not None:
            key: Any = (state.sample_id, state.epoch)
            metadata = state.metadata or {}
        else:  # a bare generate() outside an eval: each call is its own "sample"
            key, metadata = ("call", self._calls), {}
            self._calls += 1
        line = self.assigner.line_for(key, metadata, self.path)
        n = sum(1 for m in input if m.role == "assistant")
        turn = line.turns[min(n, len(line.turns) - 1)]
        calls = [
            ToolCall(id=f"replay_{line.number}_{n}_{i}", function=fn, arguments=dict(args))
            for i, (fn, args) in enumerate(turn.tool_calls)
        ] or None
        input_tokens = sum([await self.count_text_tokens(m.text) for m in input])
        output_tokens = await self.count_text_tokens(turn.response + turn.reasoning)
        return ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=ChatMessageAssistant(content=turn.content(), tool_calls=calls, model=self.model_name,
                                                 source="generate"),
                    stop_reason="tool_calls" if calls else "stop",
                )
            ],
            usage=ModelUsage(input_tokens=input_tokens, output_tokens=output_tokens, total_tokens=input_tokens + output_tokens),
            metadata={"replay_line": line.number, "replay_turn": n},
        )


@modelapi(name="replay")
def replay() -> type[ModelAPI]:
    return ReplayAPI
