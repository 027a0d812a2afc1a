"""Which company developed the model behind an Inspect model string.

The provider prefix names the developer for first-party APIs (`anthropic/...` -> Anthropic).
Hosts that serve many developers' models (`openrouter/`, `together/`, `bedrock/`, `hf/`,
`vllm/`...) name the developer in a later part of the string (`together/meta-llama/...`,
`bedrock/anthropic.claude-...`) or only in the model's family name (`ollama/llama3.1`).

    developer_of("openai/gpt-4.1")  # "OpenAI"
    developer_of("replay/run.jsonl")  # None: say it with --developer
"""

from __future__ import annotations

import re

# Provider prefixes and organisation names as they appear in model strings.
ORGANISATIONS = {
    "anthropic": "Anthropic",
    "openai": "OpenAI",
    "azureai": None,  # a host: look further
    "google": "Google",
    "vertex": "Google",
    "gemini": "Google",
    "mistral": "Mistral AI",
    "mistralai": "Mistral AI",
    "grok": "xAI",
    "xai": "xAI",
    "x-ai": "xAI",
    "meta": "Meta",
    "meta-llama": "Meta",
    "deepseek": "DeepSeek",
    "deepseek-ai": "DeepSeek",
    "qwen": "Alibaba",
    "alibaba": "Alibaba",
    "cohere": "Cohere",
    "microsoft": "Microsoft",
    "nvidia": "NVIDIA",
    "moonshotai": "Moonshot AI",
    "zai-org": "Zhipu AI",
    "z-ai": "Zhipu AI",
    "perplexity": "Perplexity",
    "ai21": "AI21 Labs",
    "amazon": "Amazon",
}
# Model family names, for strings that carry no organisation (`ollama/llama3.1`).
FAMILY_NAMES = [
    (r"claude", "Anthropic"),
    (r"gpt|o[134](?:-|$)|chatgpt|davinci", "OpenAI"),
    (r"gemini|gemma", "Google"),
    (r"llama|codellama", "Meta"),
    (r"qwen|qwq", "Alibaba"),
    (r"mistral|mixtral|codestral|ministral|magistral|devstral", "Mistral AI"),
    (r"deepseek", "DeepSeek"),
    (r"grok", "xAI"),
    (r"command", "Cohere"),
    (r"phi", "Microsoft"),
    (r"nova", "Amazon"),
    (r"kimi", "Moonshot AI"),
    (r"glm", "Zhipu AI"),
]


def developer_of(model: str) -> str | None:
    """The developer of `model` (an Inspect model string), or None when the string does not say.

    Args:
        model: e.g. "anthropic/claude-sonnet-4-5", "together/meta-llama/Llama-3.1-70B",
            "ollama/qwen2.5:7b".
    """
    parts = [p for p in model.strip().split("/") if p]
    if not parts or parts[0] in ("replay", "mockllm", "none"):
        return None
    for part in parts[:-1] or parts:
        name = ORGANISATIONS.get(part.lower())
        if name:
            return name
    last = parts[-1].lower()
    head = re.split(r"[.:]", last, maxsplit=1)[0]  # bedrock/anthropic.claude-..., vertex's "google:..."
    if ORGANISATIONS.get(head):
        return ORGANISATIONS[head]
    for pattern, name in FAMILY_NAMES:
        if re.match(pattern, last):
            return name
    return None
