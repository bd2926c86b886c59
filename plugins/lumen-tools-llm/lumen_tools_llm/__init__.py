"""Lumen LLM tool provider kind openai-compatible (llm.*)."""

__version__ = "0.1.0"
