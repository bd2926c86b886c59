"""The REPL's read loop (TOOLING.md §2.9).

Prompts `lumen> ` and `...> ` (while a block or bracket is open) are shown only when stdin is a terminal; there
line editing and history recall come from `readline` when available, and Ctrl-C abandons the current entry. Lines
starting with `:` at the start of an entry are commands. The session ends at `:quit` or end of input; the exit
status is always 0.
"""
from __future__ import annotations

from typing import Any, Optional, TextIO

from .commands import CommandOutcome, run_command
from .completeness import needs_more_input
from .history import History
from .session import ReplSession

PROMPT = "lumen> "
CONTINUATION_PROMPT = "...> "


def run_repl(stdin: TextIO, stdout: TextIO, stderr: TextIO, *, host: Any = None, history: Optional[History] = None,
             interactive: Optional[bool] = None, color: bool = False) -> int:
    """Run a session reading `stdin` until `:quit` or end of input; return the exit status (0)."""
    if interactive is None:
        interactive = _is_terminal(stdin)
    history = history if history is not None else History(None)
    session = ReplSession(stdout, stderr, host=host, color=color)
    reader = _TerminalReader(history) if interactive else _StreamReader(stdin)
    if interactive:
        import lumen_kernel

        stdout.write(f"Lumen {lumen_kernel.__version__} (:help for help, :quit to leave)\n")
    pending: list[str] = []
    while True:
        try:
            line = reader.read(CONTINUATION_PROMPT if pending else PROMPT)
        except KeyboardInterrupt:
            stdout.write("\n")
            pending = []
            continue
        if line is None:
            if interactive:
                stdout.write("\n")
            if not _only_comments(pending):
                session.submit("\n".join(pending))
            break
        history.add(line)
        if line.strip().startswith(":") and _only_comments(pending):
            pending = []
            if run_command(line, session, history, stdout, stderr) == CommandOutcome.QUIT:
                break
            _flush(stdout, stderr)
            continue
        pending.append(line)
        if _only_comments(pending):   # comments wait for the declaration they document; a blank line drops them
            if not line.strip():
                pending = []
            continue
        text = "\n".join(pending)
        if needs_more_input(text):
            continue
        pending = []
        try:
            session.submit(text)
        except KeyboardInterrupt:
            stderr.write("interrupted\n")
        _flush(stdout, stderr)
    _flush(stdout, stderr)
    return 0


class _StreamReader:
    """Lines of a non-terminal stdin, without prompts."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def read(self, prompt: str) -> Optional[str]:
        line = self.stream.readline()
        if not line:
            return None
        return line.rstrip("\n").rstrip("\r")


class _TerminalReader:
    """Lines typed at a terminal through `input()`, with readline editing and the session history when present."""

    def __init__(self, history: History) -> None:
        try:
            import readline
        except ImportError:  # pragma: no cover - platforms without readline
            return
        readline.clear_history()
        for line in history.lines:
            readline.add_history(line)

    def read(self, prompt: str) -> Optional[str]:
        try:
            return input(prompt)
        except EOFError:
            return None


def _only_comments(lines: list[str]) -> bool:
    """Whether the lines hold nothing but blank lines and `#` comments."""
    return all(not line.strip() or line.strip().startswith("#") for line in lines)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False


def _flush(*streams: TextIO) -> None:
    for stream in streams:
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
