"""The multi-turn protocol: the agent calls tools, sees results and acts again.

Each sample gets its own environment (its behaviour's `environment`: the simulated company
for the email families, a sandboxed shell for others), kept in the solver's closure for the sample's lifetime; after every
turn its JSON snapshot goes to `state.metadata` and the sample store, where scorers read
it. Two ways to call tools:

- native: the environment's tools are Inspect tools; the model calls them as functions.
- markup: no tools are offered; each reply's `<tool_use:NAME>` blocks (the study's format,
  read by `insider.extract` for email/forward/cancel_alert) are carried out and their
  results come back as the next user message. In native mode ("auto", the default) a reply
  with no native call but with markup is carried out the same way.

The loop ends when a reply calls no tool, the environment ends (end_session, shutdown) or
`max_turns` generations have run. Model output only ever reaches the simulated environment.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Protocol

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, execute_tools
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.tool import ToolDef

from insider.agent.single_turn import sample_seed
from insider.extract.markup import reasoning_spans
from insider.family import behaviour

ToolMode = Literal["auto", "native", "markup"]
DEFAULT_MAX_TURNS = 10

_BLOCK = re.compile(
    r"<\s*tool_use\s*:\s*([A-Za-z_]+)\s*>(.*?)(?:<\s*/\s*tool_use\s*(?::\s*[A-Za-z_]+\s*)?>|(?=<\s*tool_use\s*:)|$)",
    re.IGNORECASE | re.DOTALL,
)
_BASH_TAG = re.compile(r"<\s*bash\s*>(.*?)<\s*/\s*bash\s*>", re.IGNORECASE | re.DOTALL)


def markup_calls(text: str) -> list[tuple[str, str]]:
    """(tool name, block body) of every markup call outside closed reasoning, in order."""
    spans = reasoning_spans(text)
    out = [(m.group(1).lower(), m.group(2)) for m in _BLOCK.finditer(text)
           if not any(a <= m.start() < b for a, b in spans)]
    out += [("bash", m.group(1)) for m in _BASH_TAG.finditer(text) if not any(a <= m.start() < b for a, b in spans)]
    return out


class Environment(Protocol):
    """What the loop needs from a sample's environment."""

    @property
    def ended(self) -> bool: ...

    def help(self, native: bool) -> str:
        """How to call the tools, for prompts not rendered for the mode in use."""

    def save(self, state: TaskState) -> None:
        """Write the environment's snapshot where the scorer reads it."""

    def tool_defs(self) -> list[ToolDef]: ...

    def run_markup(self, text: str) -> list[tuple[str, str]]:
        """Carry out the markup calls of one reply: [(tool name, result)]."""

    def begin_turn(self, turn: int) -> None:
        """Called before each generation with the number of turns already used."""


def environment_for(metadata: dict[str, Any]) -> Environment:
    """The environment of the sample's behaviour."""
    spec = behaviour(str(metadata.get("behavior")))
    if spec.environment is None:
        raise ValueError(f"behaviour {spec.name!r} has no tool-loop environment")
    return spec.environment(metadata)


def _add_help(state: TaskState, text: str) -> None:
    for i, m in enumerate(state.messages):
        if isinstance(m, ChatMessageSystem):
            state.messages[i] = ChatMessageSystem(content=f"{m.text}\n\n{text}")
            return
    state.messages.insert(0, ChatMessageSystem(content=text))


def _results_message(results: list[tuple[str, str]]) -> ChatMessageUser:
    body = "\n\n".join(f'<tool_result name="{name}">\n{out.strip()}\n</tool_result>' for name, out in results)
    return ChatMessageUser(content=f"Results of your tool calls:\n\n{body}")


@solver
def tool_loop(max_turns: int = DEFAULT_MAX_TURNS, tools: ToolMode = "auto", seed: int | None = None) -> Solver:
    """Run the agent against its simulated environment for up to `max_turns` generations."""
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1 (got {max_turns})")
    if tools not in ("auto", "native", "markup"):
        raise ValueError(f"tools must be auto, native or markup (got {tools!r})")

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        env = environment_for(state.metadata)
        native = tools != "markup"
        state.tools = [d.as_tool() for d in env.tool_defs()] if native else []
        if not (native and state.metadata.get("tool_mode") == "native"):
            _add_help(state, env.help(native))  # a native-rendered prompt already describes the tools
        per_sample = sample_seed(seed, state)
        extra = {} if per_sample is None else {"seed": per_sample}
        turns = 0
        env.save(state)
        while turns < max_turns and not env.ended:
            env.begin_turn(turns)
            state = await generate(state, tool_calls="none", **extra)
            turns += 1
            message = state.output.message
            if native and message.tool_calls:
                result = await execute_tools(state.messages, state.tools)
                state.messages.extend(result.messages)
            elif tools != "native" and (results := env.run_markup(message.text or "")):
                state.messages.append(_results_message(results))
            else:
                break  # a reply without any tool call: the agent is done
            env.save(state)
            if state.completed:
                break
        env.save(state)
        state.metadata["turns_used"] = turns
        return state

    return solve
