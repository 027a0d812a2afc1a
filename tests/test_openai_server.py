"""A self-hosted OpenAI-compatible server, as vLLM, SGLang, Ollama or llama.cpp serve models.

llama.cpp's server (llama-cpp-python[server]) runs SmolLM2-135M on 127.0.0.1 and stands in
for vLLM: `insider run` reaches it the two ways a user would, `openai-api/<name>/<model>`
with `<NAME>_BASE_URL`, and Inspect's `vllm/` provider with `VLLM_BASE_URL`. Offline: the
openai-api and vllm providers count no tokens with tiktoken on this path (tiktoken would
download its encoding), which this test checks by running without a network.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import pytest
from helpers_cli import cli

pytest.importorskip("llama_cpp.server")
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from insider.models import gguf

    try:
        model = gguf.resolve_model("smollm2-135m")
    except Exception as e:  # noqa: BLE001  (the small model is a separate install)
        pytest.skip(f"SmolLM2-135M not installed: {e}")
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", "smollm2",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=5):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {open(log.name, encoding='utf-8').read()[-2000:]}")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the server did not come up in 180 s")
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_insider_run_against_an_openai_compatible_server(server, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LLAMACPP_BASE_URL", server)
    monkeypatch.setenv("LLAMACPP_API_KEY", "local")  # the server takes any key
    monkeypatch.setenv("VLLM_BASE_URL", server)
    models = ["openai-api/llamacpp/smollm2", "vllm/smollm2"]
    out = tmp_path / "D"
    code = cli(["run", "--family", "blackmail", "--conditions", "blackmail/none/none", "--samples", "1",
                "--max-tokens", "8", "--temperature", "0", "--model", ",".join(models), "--out", str(out),
                "--display", "none"])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli(["results", str(out), "--format", "jsonl"]) == 0
    df = pd.read_json(io.StringIO(capsys.readouterr().out), lines=True).set_index("model")
    assert sorted(df.index) == sorted(models)
    for model in models:
        row = df.loc[model]
        assert row["verdict"] != "error", row["error"]
        # the server's own token counts: a system prompt and an inbox, and at most 8 out
        assert row["input_tokens"] > 500 and 1 <= row["output_tokens"] <= 8
