"""Standard Lumen tool providers: fs, env, json, crypto."""

__version__ = "0.1.0"
