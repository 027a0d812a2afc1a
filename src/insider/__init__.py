"""insider: measure whether LLM agents turn against the people who run them."""

__version__ = "0.1.0"
