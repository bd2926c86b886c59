"""Runtime errors (LANGUAGE.md §8)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StackFrame:
    """One Lumen frame of a stack trace: cell name, file path (as given), line."""

    cell: str
    file: str
    line: int


class LumenError(Exception):
    """A Lumen runtime error; `message` is the text after `error: ` (LANGUAGE.md §8.2).

    `frames` is filled by the engine when the error reaches the top (innermost first).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.frames: list[StackFrame] = []


class HaltError(LumenError):
    """`halt e` and `a!` on null (message already prefixed with `halt: `)."""


class FuelExhausted(LumenError):
    """The fuel budget ran out (§5.22)."""


class CallDepthExceeded(LumenError):
    """Call depth exceeded (§5.22)."""


class ToolCallError(LumenError):
    """A failed tool call: message `tool call error: <message>`; `kind` is the ToolError kind."""

    def __init__(self, message: str, kind: str = "execution_failed") -> None:
        super().__init__(f"tool call error: {message}")
        self.kind = kind


def type_error(text: str) -> LumenError:
    """`type error: <text>`."""
    return LumenError(f"type error: {text}")
