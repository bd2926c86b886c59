"""The REPL's `:` commands (TOOLING.md §2.9): `:help`, `:quit`, `:reset`, `:type EXPR`, `:load FILE`, `:env`,
`:history`, `:doc NAME`."""
from __future__ import annotations

from typing import Callable, TextIO

from .history import History
from .session import ReplError, ReplSession

HELP = """\
Type declarations, statements and expressions; an expression prints `<value> : <Type>`.
Open blocks and brackets continue on the next line (prompt `...> `).
Commands:
  :help         show this help
  :quit         leave the session (end of input does too)
  :reset        forget every declaration and binding
  :type EXPR    show the static type of an expression
  :load FILE    add a file's declarations and run its statements
  :env          list the declarations and bindings
  :history      show the input history
  :doc NAME     show the signature and documentation of a declaration or builtin
"""


class CommandOutcome:
    """What the read loop does after a command: go on, or end the session."""

    CONTINUE = "continue"
    QUIT = "quit"


def run_command(line: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    """Run one `:` command line; return `CommandOutcome.QUIT` to end the session."""
    name, _, argument = line.strip()[1:].partition(" ")
    argument = argument.strip()
    handler = _COMMANDS.get(name)
    if handler is None:
        err.write(f"error: unknown command ':{name}' (:help lists the commands)\n")
        return CommandOutcome.CONTINUE
    try:
        return handler(argument, session, history, out, err)
    except ReplError as error:
        err.write(f"error: {error}\n")
        return CommandOutcome.CONTINUE


def _help(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    out.write(HELP)
    return CommandOutcome.CONTINUE


def _quit(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    return CommandOutcome.QUIT


def _reset(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    session.reset()
    err.write("session reset\n")
    return CommandOutcome.CONTINUE


def _type(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    if not argument:
        raise ReplError(":type expects an expression")
    type_text = session.type_of(argument)
    if type_text is not None:
        out.write(type_text + "\n")
    return CommandOutcome.CONTINUE


def _load(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    if not argument:
        raise ReplError(":load expects a file")
    if session.load(argument):
        err.write(f"loaded {argument}\n")
    return CommandOutcome.CONTINUE


def _env(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    lines = session.env_lines()
    out.write("".join(line + "\n" for line in lines) if lines else "(no declarations or bindings)\n")
    return CommandOutcome.CONTINUE


def _history(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    out.write("".join(line + "\n" for line in history.numbered()))
    return CommandOutcome.CONTINUE


def _doc(argument: str, session: ReplSession, history: History, out: TextIO, err: TextIO) -> str:
    if not argument:
        raise ReplError(":doc expects a name")
    out.write("".join(line + "\n" for line in session.doc_lines(argument)))
    return CommandOutcome.CONTINUE


_COMMANDS: dict[str, Callable[[str, ReplSession, History, TextIO, TextIO], str]] = {
    "help": _help, "quit": _quit, "q": _quit, "reset": _reset, "type": _type, "load": _load, "env": _env,
    "history": _history, "doc": _doc,
}
