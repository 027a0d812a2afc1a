"""The solver for samples that name their protocol: one reply, or a tool loop.

`interaction` has two levels: `single_turn` (the study's protocol: one reply, markup
actions) and `tool_loop` (tools called over up to `max_turns` generations against the
behaviour's environment). Both can run in one task, so their difference is a
between-condition comparison like any other factor.
"""

from __future__ import annotations

from inspect_ai.solver import Generate, Solver, TaskState, solver

from insider.agent.single_turn import single_turn
from insider.agent.tool_loop import DEFAULT_MAX_TURNS, ToolMode, tool_loop


@solver
def interaction_solver(max_turns: int = DEFAULT_MAX_TURNS, tools: ToolMode = "auto", seed: int | None = None) -> Solver:
    """Each sample runs the protocol its `interaction` metadata names (single_turn by default)."""
    one = single_turn(seed=seed)
    loop = tool_loop(max_turns=max_turns, tools=tools, seed=seed)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if state.metadata.get("interaction") == "tool_loop":
            return await loop(state, generate)
        return await one(state, generate)

    return solve
