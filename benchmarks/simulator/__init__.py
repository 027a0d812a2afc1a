"""A local stand-in for the Anthropic and OpenAI APIs, with their billing, limits and faults.

Test and benchmark tooling, not part of the installed package. Start it with
`run_simulator(SimulatorConfig(...))` (or `python -m benchmarks.simulator serve` from the
repository root) and point clients at it with any API key:

- Anthropic SDK / Inspect `anthropic/<name>`: `ANTHROPIC_BASE_URL=sim.base_url` (or
  `model_base_url=sim.base_url`);
- OpenAI SDK / Inspect `openai/<name>`: `OPENAI_BASE_URL=sim.openai_base_url` (`.../v1`).
  Use a model name that Inspect sends to Chat Completions (e.g. `gpt-sim`; names like
  `gpt-5*`, `o3` or `codex` select the Responses API, which is not simulated).

GET /stats returns the counters, POST /reset clears counters, caches and limits.
The batch APIs both SDKs use (Inspect's `batch` option) are in `batches.py`.
"""

from benchmarks.simulator.config import FAULT_KINDS, SimulatorConfig
from benchmarks.simulator.server import Simulator, run_simulator

__all__ = ["FAULT_KINDS", "Simulator", "SimulatorConfig", "run_simulator"]
