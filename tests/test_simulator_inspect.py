"""Inspect's own anthropic/ and openai/ providers against the simulator (no real network).

Run offline to prove it: `unshare -n sh -c 'ip link set lo up && pytest tests/test_simulator_inspect.py'`
(a new network namespace has its loopback down); `test_offline_in_a_network_namespace` does
that by itself when run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.scorer import match
from inspect_ai.solver import generate, system_message

from benchmarks.simulator import SimulatorConfig, run_simulator


@pytest.fixture(autouse=True)
def fake_keys(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-fake")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake")


def tiny_task(samples: int = 1, system: str | None = None) -> Task:
    solver = [system_message(system), generate()] if system else [generate()]
    return Task(
        dataset=[Sample(input="What is 2+2?", target="4") for _ in range(samples)],
        solver=solver,
        scorer=match(location="any"),
    )


@pytest.mark.parametrize("provider", ["anthropic/claude-sim", "openai/gpt-sim"])
def test_inspect_eval_through_the_simulator(provider, tmp_path):
    with run_simulator(SimulatorConfig(text="The answer is 4.")) as sim:
        url = sim.base_url if provider.startswith("anthropic") else sim.openai_base_url
        log = eval(tiny_task(), model=provider, model_base_url=url,
                   log_dir=str(tmp_path), display="none")[0]
        assert log.status == "success", log.error
        assert log.results.scores[0].metrics["accuracy"].value == 1.0
        stats = sim.stats()
        assert stats["billed_requests"] == 1 and stats["by_api"] == {provider.split("/")[0]: 1}


def test_inspect_anthropic_prompt_caching_is_billed(tmp_path):
    # one connection: each sample starts after the previous answered, so later ones read
    with run_simulator(SimulatorConfig(text="The answer is 4.")) as sim:
        log = eval(tiny_task(3, system="Company policy. " * 400), model="anthropic/claude-sim",
                   model_base_url=sim.base_url, log_dir=str(tmp_path), display="none",
                   max_connections=1)[0]
        assert log.status == "success", log.error
        tokens = sim.stats()["input_tokens"]
        assert tokens["cache_write"] >= 1024 and tokens["cache_read"] == 2 * tokens["cache_write"]


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"),
    reason="needs root, unshare and ip to make a network namespace",
)
def test_offline_in_a_network_namespace(tmp_path):
    """The two provider tests above, inside a namespace with no network but loopback."""
    here = os.path.abspath(__file__)
    cmd = (f"ip link set lo up && {sys.executable} -m pytest -o addopts= -q -p no:cacheprovider "
           f"'{here}::test_inspect_eval_through_the_simulator'")
    done = subprocess.run(["unshare", "-n", "sh", "-c", cmd], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout
