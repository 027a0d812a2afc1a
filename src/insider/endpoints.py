"""Self-hosted model servers (vLLM, SGLang, Ollama, llama.cpp, any OpenAI-compatible one):
find the base URL a model string will use, and check the server answers before a run.

Without the check, a server that is down turns every sample of a run into an error after
Inspect's retries; with it, the run stops at once with one line and writes nothing.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

from insider.errors import InsiderError

# provider -> (base URL variable, Inspect's default when it is unset); None: no default
# (vllm/ and sglang/ start a server of their own when no URL is given).
PROVIDER_URLS: dict[str, tuple[str, str | None]] = {
    "vllm": ("VLLM_BASE_URL", None),
    "vllm-completions": ("VLLM_BASE_URL", None),
    "sglang": ("SGLANG_BASE_URL", None),
    "ollama": ("OLLAMA_BASE_URL", "http://localhost:11434/v1"),
    "llama-cpp-python": ("LLAMA_CPP_PYTHON_BASE_URL", "http://localhost:8000/v1"),
    "openai": ("OPENAI_BASE_URL", None),
}
CONNECT_TIMEOUT_S = 10.0


def base_url_of(model: str) -> tuple[str, str] | None:
    """(base URL, the variable that sets it) a self-hosted model string talks to, or None
    when the provider is a hosted API or starts its own server.

    `openai-api/<service>/<model>` reads `<SERVICE>_BASE_URL` (upper case, `-` as `_`).
    """
    provider, _, rest = model.partition("/")
    if provider in ("openai-api", "openai-api-completions"):
        service = rest.split("/", 1)[0]
        var = f"{service.upper().replace('-', '_')}_BASE_URL"
        url = os.environ.get(var)
        return (url, var) if url else None
    if provider not in PROVIDER_URLS:
        return None
    var, default = PROVIDER_URLS[provider]
    url = os.environ.get(var) or default
    return (url, var) if url else None


def check_reachable(model: str, role: str = "model") -> None:
    """Fail in one line when the server a self-hosted model string names does not answer.

    Any HTTP answer (even 401 or 404) counts as reachable: only a refused connection, an
    unknown host or a timeout fails.
    """
    found = base_url_of(model)
    if found is None:
        return
    url, var = found
    probe = url.rstrip("/") + "/models"
    try:
        with urllib.request.urlopen(probe, timeout=CONNECT_TIMEOUT_S):
            pass
    except urllib.error.HTTPError:
        return  # the server answered
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise InsiderError(f"{role} {model}: cannot reach the server at {url} ({reason}); "
                           f"start it, or point {var} at it") from None
