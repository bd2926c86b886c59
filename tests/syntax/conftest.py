"""Make the helper module `parser_support` importable by the parser tests (pytest runs in importlib mode)."""
import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
