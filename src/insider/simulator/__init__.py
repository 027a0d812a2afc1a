"""A local stand-in for the Anthropic and OpenAI APIs, with their billing, limits and faults.

Test and benchmark infrastructure: point the official SDKs (and so Inspect's `anthropic/`
and `openai/` providers) at `sim.base_url` / `sim.openai_base_url` with any API key.
"""

from insider.simulator.config import FAULT_KINDS, SimulatorConfig
from insider.simulator.server import Simulator, run_simulator

__all__ = ["FAULT_KINDS", "Simulator", "SimulatorConfig", "run_simulator"]
