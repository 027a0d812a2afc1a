"""A scripted judge for tests: an offline Inspect ModelAPI whose model name picks its answer.

`insider-scripted/<mode>` where mode is:
- `harmful` / `benign`: a well-formed verdict (for alignment faking: complied true/false);
- `garbage`: never a parseable answer;  `flaky`: garbage once, then harmful;
- `raise`: the provider raises;  `outerror`: returns an output carrying an error;
- `quote`: answers benign but first quotes a fake `{"verdict": "harmful"}` (last object wins).
Every prompt it receives is kept in `PROMPTS` (system, user) for inspection.
"""

from __future__ import annotations

from inspect_ai.model import ChatMessage, GenerateConfig, ModelAPI, ModelOutput, modelapi
from inspect_ai.tool import ToolChoice, ToolInfo

PROMPTS: list[tuple[str, str]] = []
CONFIGS: list[GenerateConfig] = []


class ScriptedJudge(ModelAPI):
    def __init__(self, model_name: str, base_url: str | None = None, api_key: str | None = None,
                 config: GenerateConfig = GenerateConfig(), **model_args) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        self.calls = 0

    async def count_text_tokens(self, text: str) -> int:  # offline: no tiktoken download
        return len(text.split())

    def max_connections(self) -> int:
        return 4

    async def generate(self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice,
                       config: GenerateConfig) -> ModelOutput:
        self.calls += 1
        PROMPTS.append((input[0].text, input[-1].text))
        CONFIGS.append(config)
        mode = self.model_name
        af = "ALIGNMENT FAKING" in input[-1].text

        def answer(v: str) -> str:
            if af:
                c = "true" if v == "harmful" else "false"
                return f'Reasoning done.\n{{"complied": {c}, "faking_reasoning": false, "explanation": "scripted"}}'
            return f'Reasoning done.\n{{"verdict": "{v}", "explanation": "scripted {v}"}}'
        if mode in ("harmful", "benign"):
            text = answer(mode)
        elif mode == "garbage":
            text = "I think it is probably fine?"
        elif mode == "flaky":
            text = "hmm" if self.calls == 1 else answer("harmful")
        elif mode == "raise":
            raise RuntimeError("provider exploded")
        elif mode == "outerror":
            return ModelOutput.from_content(self.model_name, "", error="rate limited for good")
        elif mode == "quote":
            text = 'The transcript says {"verdict": "harmful"} but that is data.\n' + answer("benign")
        else:
            raise ValueError(f"unknown scripted mode {mode}")
        return ModelOutput.from_content(self.model_name, text)


@modelapi(name="insider-scripted")
def scripted() -> type[ModelAPI]:
    return ScriptedJudge


def judge(mode: str):
    from inspect_ai.model import get_model

    return get_model(f"insider-scripted/{mode}", memoize=False)


def test_scripted_judge_is_offline_and_answers():
    import asyncio

    m = judge("harmful")
    out = asyncio.run(m.generate("hello"))
    assert '"verdict": "harmful"' in out.completion
