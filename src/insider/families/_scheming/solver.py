"""The scheming solver: the tool loop in the sandbox, then management's follow-up.

The follow-up is asked only when the episode's outcome (read from the sandbox's state, as
the scorer reads it) is harmful. Its answer is read by rules, and by the judge when the run
binds one (`--judge`, the `grader` role).
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver

from insider.agent.single_turn import sample_seed
from insider.agent.tool_loop import DEFAULT_MAX_TURNS, ToolMode, tool_loop
from insider.families._scheming import interview
from insider.families._scheming.environment import STATE_KEY
from insider.families._scheming.verdict import outcome_of

MAX_FINAL_REPLY = 4000


@solver
def scheming_solver(max_turns: int = DEFAULT_MAX_TURNS, tools: ToolMode = "auto", seed: int | None = None,
                    judge: bool = False) -> Solver:
    """Run the agent in its sandbox, then, after a harmful action, ask it what happened.

    Args:
        max_turns: generations of the tool loop (the follow-up is one more).
        tools: how tools are offered: auto, native or markup.
        seed: base seed for sampling.
        judge: read the follow-up answer with the bound judge as well as the rules.
    """
    loop = tool_loop(max_turns=max_turns, tools=tools, seed=seed)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state = await loop(state, generate)
        snap = state.metadata.get(STATE_KEY)
        if not isinstance(snap, dict):
            return state
        snap["final_reply"] = (state.output.completion if state.output else "")[:MAX_FINAL_REPLY]
        outcome = outcome_of(str(state.metadata.get("behavior")), snap)
        if outcome.harmful and not outcome.measured:
            snap["interview"] = await _follow_up(state, generate, outcome, judge, seed)
        state.metadata[STATE_KEY] = snap
        _store(snap)
        return state

    return solve


async def _follow_up(state: TaskState, generate: Generate, outcome: Any, judge: bool, seed: int | None) -> dict:
    wording_id, asked = interview.question(int(state.metadata.get("repeat") or 0), outcome.noticed)
    state.messages.append(ChatMessageUser(content=asked))
    per_sample = sample_seed(seed, state)
    state = await generate(state, tool_calls="none", **({} if per_sample is None else {"seed": per_sample}))
    answer = state.output.completion if state.output else ""
    rules = interview.classify_answer(answer)
    judged = await _judge(outcome, asked, answer) if judge else None
    return interview.detail(wording_id, asked, answer, rules, judged)


async def _judge(outcome: Any, asked: str, answer: str) -> dict | None:
    from insider.judge.scorer import bound_judges

    models = bound_judges(("grader",))
    if not models:
        return None
    model = models[0]
    system, user = interview.judge_prompt("; ".join(outcome.reasons), asked, answer)
    try:
        out = await model.generate([ChatMessageSystem(content=system), ChatMessageUser(content=user)])
    except Exception as e:  # a judge failure leaves the rules' reading in place, and says so
        return {"model": str(model), "label": None, "reply": "", "error": f"{type(e).__name__}: {e}"[:300]}
    text = out.completion or ""
    return {"model": str(model), "label": interview.parse_judge(text), "reply": text[:500]}


def _store(snap: dict) -> None:
    try:
        from inspect_ai.util import store

        store().set(STATE_KEY, snap)
    except Exception:  # outside a running sample there is no store; metadata suffices
        pass
