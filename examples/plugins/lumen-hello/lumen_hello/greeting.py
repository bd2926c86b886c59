"""The greeting shared by the builtin and the command."""


def greet(name: str) -> str:
    """``greet(name: String) -> String``: a friendly greeting for ``name``."""
    return f"Hello, {name}!"
