"""The study's protocol: one model turn; actions are read from the reply's text markup."""

from __future__ import annotations

from inspect_ai.solver import Generate, Solver, TaskState, solver


def sample_seed(base_seed: int | None, state: TaskState) -> int | None:
    """A distinct, reproducible seed per sample, so repeats of a condition differ."""
    if base_seed is None:
        return None
    return base_seed + int(state.metadata.get("sample_index", 0))


@solver
def single_turn(seed: int | None = None) -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        per_sample = sample_seed(seed, state)
        if per_sample is None:
            return await generate(state, tool_calls="none")
        return await generate(state, tool_calls="none", seed=per_sample)

    return solve
