"""`embedded/<name>`: an Inspect model provider running llama.cpp in this process.

`<name>` is `qwen2.5-coder-1.5b` (the default), `smollm2-135m`, or a path to a `.gguf` file
(see `insider.models.gguf`). Model args (`-M key=value`): `n_ctx` (8192), `n_threads`
(all cores), `n_batch` (256), `prefix_reuse` (true: keep the KV cache of the previous prompt
so the identical system prompt of the next sample of a condition is not evaluated again).

Design notes:
- One `Llama` per (file, n_ctx, n_threads, n_batch) per process, shared by every Model
  object: loading takes ~1 s and ~2 GB for the 1.5B model.
- llama.cpp is not thread-safe: each call runs in a worker thread under a lock, so Inspect's
  event loop stays responsive while only one generation runs at a time (max_connections 1).
- The model's own chat template (from the GGUF) is applied by `create_chat_completion`.
  llama-cpp-python keeps the KV cache of the previous prompt and evaluates only what
  differs; we cap that reuse at whole `n_batch` blocks (see LoadedModel) so the answers do
  not depend on which sample ran before. Usage reports the reused tokens as
  `input_tokens_cache_read` (`input_tokens` counts the whole prompt, as OpenAI does).
- Seeds: with `--seed S`, every generation gets a seed derived from S, the sample id, the
  epoch and the turn, so the repeats of one condition differ yet a rerun is identical.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from insider.errors import InsiderError
from insider.inspect_adapter import current_sample
from insider.models._tools import parse_tool_calls, render_messages
from insider.models.gguf import DEFAULT_MODEL, EMBEDDED_INSTALL, resolve_model

DEFAULT_N_CTX = 8192
DEFAULT_MAX_TOKENS = 1024  # scenario answers are a few hundred tokens; a cap keeps a rambling CPU model bounded


@dataclass
class LoadedModel:
    """A llama.cpp model, the lock that serialises every call into it, and its prefix reuse.

    Reuse is aligned so that it never changes an answer: llama.cpp's logits depend slightly
    on how the prompt was split into batches, so a sample evaluated after a different one
    would otherwise answer differently from the same sample run first (seen: same seed,
    different text). We keep only whole `n_batch` blocks of the previous *prompt*; the rest
    is evaluated in the same blocks a fresh run would use, so the numbers are identical.
    """

    llm: Any
    path: Path
    load_seconds: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    reuse: bool = True
    last_reused: int = 0
    _last_prompt: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        original = self.llm.create_completion

        # The chat handler renders the template, tokenises and calls create_completion with the
        # tokens: the one place where the prompt's tokens are known before evaluation.
        def create_completion(prompt: Any, *args: Any, **kwargs: Any) -> Any:
            # llama.cpp may round n_ctx up while llama-cpp-python's token buffer keeps the requested
            # size; its own check then misses the overflow and fails with a numpy error.
            limit = min(self.llm.n_ctx(), len(self.llm.input_ids))
            if len(prompt) >= limit:
                raise ValueError(f"Requested tokens ({len(prompt)}) exceed context window of {limit}")
            self._align(list(prompt))
            return original(prompt, *args, **kwargs)

        self.llm.create_completion = create_completion

    def _align(self, prompt: list[int]) -> None:
        llm = self.llm
        keep = 0
        if self.reuse:
            common = _common_prefix(llm._input_ids[: llm.n_tokens].tolist(), prompt)
            block = llm.n_batch
            keep = min(common, len(self._last_prompt), len(prompt) - 1) // block * block
        llm.n_tokens = min(llm.n_tokens, keep)  # llama.cpp then reuses exactly `keep` tokens
        self.last_reused = keep
        self._last_prompt = prompt

    def forget(self) -> None:
        """Drop the cached prompt (benchmarks: start cold)."""
        with self.lock:
            self.llm.reset()
            self._last_prompt = []

    def chat(self, messages: list[dict[str, str]], kwargs: dict[str, Any], reuse: bool) -> tuple[dict[str, Any], int]:
        """Run one chat completion; return the response and how many prompt tokens were reused."""
        with self.lock:
            self.reuse = reuse
            response = self.llm.create_chat_completion(messages=messages, **kwargs)
            return response, self.last_reused


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


_loaded: dict[tuple[str, int, int, int], LoadedModel] = {}
_load_lock = threading.Lock()


def load_model(path: Path, n_ctx: int = DEFAULT_N_CTX, n_threads: int | None = None, n_batch: int = 256) -> LoadedModel:
    """Load a GGUF once per process (per settings) and return the shared instance."""
    try:
        import llama_cpp
    except ImportError:
        raise InsiderError(f"the embedded model needs llama-cpp-python: run {EMBEDDED_INSTALL}") from None
    n_threads = n_threads or os.cpu_count() or 1
    key = (str(path), n_ctx, n_threads, n_batch)
    with _load_lock:
        if key not in _loaded:
            start = time.perf_counter()
            try:
                llm = llama_cpp.Llama(
                    model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=n_batch, verbose=False
                )
            except ValueError as e:
                raise InsiderError(f"llama.cpp could not load {path} ({e}): check that it is a valid GGUF model") from None
            _loaded[key] = LoadedModel(llm=llm, path=path, load_seconds=time.perf_counter() - start)
        return _loaded[key]


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() not in ("0", "false", "no", "off")


class EmbeddedAPI(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        n_ctx: int = DEFAULT_N_CTX,
        n_threads: int | None = None,
        n_batch: int = 256,
        prefix_reuse: bool | str = True,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, api_key_vars=[], config=config)
        if model_args:
            raise InsiderError(
                f"unknown model args for embedded/: {', '.join(model_args)}: use n_ctx, n_threads, n_batch or prefix_reuse"
            )
        self.model_path = resolve_model(model_name or DEFAULT_MODEL)
        self.n_ctx = int(n_ctx)
        self.prefix_reuse = _flag(prefix_reuse)
        self.loaded = load_model(self.model_path, self.n_ctx, int(n_threads) if n_threads else None, int(n_batch))

    def max_connections(self) -> int:
        return 1  # one llama.cpp context: concurrent calls would only queue on the lock

    async def count_text_tokens(self, text: str) -> int:
        # The model's own tokenizer; Inspect's default would download tiktoken data.
        return len(self.loaded.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput | Exception, ModelCall]:
        messages = render_messages(input, tools, tool_choice)
        kwargs = _sampling_kwargs(config, _derived_seed(config.seed, input))
        request = {"model": self.model_name, "messages": messages, **kwargs}
        start = time.perf_counter()
        try:
            response, reused = await anyio.to_thread.run_sync(self.loaded.chat, messages, kwargs, self.prefix_reuse)
        except ValueError as e:
            if "exceed context window" not in str(e):
                raise
            raise InsiderError(
                f"the prompt does not fit the embedded model's context of {self.n_ctx} tokens ({e}): "
                "pass a larger one, e.g. -M n_ctx=16384"
            ) from None
        elapsed = time.perf_counter() - start
        output = self._output(response, reused, tools, elapsed)
        return output, ModelCall.create(request, response, time=elapsed)

    def _output(self, response: dict[str, Any], reused: int, tools: list[ToolInfo], elapsed: float) -> ModelOutput:
        choice = response["choices"][0]
        text = choice["message"].get("content") or ""
        stop = "max_tokens" if choice.get("finish_reason") == "length" else "stop"
        tool_calls = None
        if tools:
            text, calls = parse_tool_calls(text, tools, id_prefix=response.get("id", "call"))
            if calls:
                tool_calls, stop = calls, "tool_calls"
        usage = response["usage"]
        return ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=ChatMessageAssistant(content=text, tool_calls=tool_calls, model=self.model_name, source="generate"),
                    stop_reason=stop,
                )
            ],
            usage=ModelUsage(
                input_tokens=usage["prompt_tokens"],
                output_tokens=usage["completion_tokens"],
                total_tokens=usage["total_tokens"],
                input_tokens_cache_read=reused,
            ),
            time=elapsed,
        )


def _sampling_kwargs(config: GenerateConfig, seed: int | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"max_tokens": config.max_tokens or DEFAULT_MAX_TOKENS}
    if config.temperature is not None:
        kwargs["temperature"] = config.temperature
    if config.top_p is not None:
        kwargs["top_p"] = config.top_p
    if config.top_k is not None:
        kwargs["top_k"] = config.top_k
    if config.stop_seqs:
        kwargs["stop"] = list(config.stop_seqs)
    if config.frequency_penalty is not None:
        kwargs["frequency_penalty"] = config.frequency_penalty
    if config.presence_penalty is not None:
        kwargs["presence_penalty"] = config.presence_penalty
    if seed is not None:
        kwargs["seed"] = seed
    return kwargs


def _derived_seed(seed: int | None, input: list[ChatMessage]) -> int | None:
    """One seed per (run seed, sample, epoch, turn): identical prompts must not give
    identical answers across the repeats of a condition, and a rerun must repeat itself."""
    if seed is None:
        return None
    state = current_sample()
    if state is None:
        return seed
    turn = sum(1 for m in input if m.role == "assistant")
    key = f"{seed}:{state.sample_id}:{state.epoch}:{turn}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


@modelapi(name="embedded")
def embedded() -> type[ModelAPI]:
    return EmbeddedAPI
