"""Solvers: how the agent under test is run on a rendered sample."""

from insider.agent.single_turn import single_turn

__all__ = ["single_turn"]
