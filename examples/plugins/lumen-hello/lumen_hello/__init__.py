"""Example Lumen plugin: the builtin ``greet(name: String) -> String`` and the command ``lumen hello``."""

__version__ = "0.1.0"
