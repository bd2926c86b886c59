"""`lumen repl`: an interactive Lumen session (TOOLING.md §2.9).

`ReplSession` keeps the declarations (as source text, compiled again with every entry, with the values of constants
so that their initializers run once) and the bindings (as values with their static types) and evaluates entries;
`run_repl` is the read loop with prompts, continuation lines, `:` commands and the history file.
"""
from .console import CONTINUATION_PROMPT, PROMPT, run_repl
from .history import History, history_path
from .session import ReplError, ReplSession

__all__ = ["CONTINUATION_PROMPT", "History", "PROMPT", "ReplError", "ReplSession", "history_path", "run_repl"]
