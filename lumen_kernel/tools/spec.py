"""The provider interface: tool specs, providers, call contexts and tool errors (TOOLING.md §5.1, §5.6)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Protocol, runtime_checkable


@dataclass(frozen=True)
class ToolSpec:
    """One tool a provider offers: its id, schemas, descriptive effects, positional parameter names and the
    function called with `(arguments, context)` (a plain function runs on a worker thread, an `async def` on the
    dispatcher's loop)."""

    id: str
    description: str
    input_schema: Mapping[str, Any] | None
    output_schema: Mapping[str, Any] | None
    effects: tuple[str, ...]
    positional: tuple[str, ...]
    call: Callable[[dict, "CallContext"], Any]


@runtime_checkable
class ToolProvider(Protocol):
    """A named, versioned source of tools. `close()` is optional and called once at run end."""

    name: str
    version: str

    def tools(self) -> Iterable[ToolSpec]:
        """The tools this provider offers."""
        ...


@dataclass
class CallContext:
    """What a provider learns about the call it serves.

    `cancelled` is set when the call is cancelled or times out; plain providers should poll it. `settings` is the
    provider's `[providers.config.<name>]` table, `policy` the alias's merged grant. `program_args` holds the
    program arguments given after `--` (for `env.args`).
    """

    tool_id: str
    alias: str
    timeout_ms: int | None
    cancelled: threading.Event = field(default_factory=threading.Event)
    settings: Mapping[str, Any] = field(default_factory=dict)
    policy: Mapping[str, Any] = field(default_factory=dict)
    project_root: Path | None = None
    program_args: tuple[str, ...] = ()


class ToolError(Exception):
    """A tool call failure with a trace `kind` and the message the program sees after `tool call error: `.

    Subclasses fix the kind and build the exact message of TOOLING.md §5.6; `ToolError(message, kind=...)` rebuilds
    a recorded error (replay).
    """

    kind = "execution_failed"

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind

    def to_json(self) -> dict:
        """The `error` field of a `tool_call` event body."""
        return {"kind": self.kind, "message": self.message}


class ProviderNotRegistered(ToolError):
    """No provider offers the tool id."""

    kind = "not_registered"

    def __init__(self, tool_id: str, message: str | None = None) -> None:
        super().__init__(message or f"provider not registered: {tool_id}")
        self.tool_id = tool_id


class InvalidArguments(ToolError):
    """The arguments do not satisfy the tool's input schema (or the tool's own argument rules)."""

    kind = "invalid_args"

    def __init__(self, tool_id: str, path: str, reason: str) -> None:
        super().__init__(f"invalid arguments for {tool_id}: {path}: {reason}")
        self.tool_id, self.path, self.reason = tool_id, path, reason


class PolicyViolation(ToolError):
    """The call breaks the alias's grant (TOOLING.md §5.4)."""

    kind = "policy_violation"

    def __init__(self, alias: str, reason: str) -> None:
        super().__init__(f"policy violation for '{alias}': {reason}")
        self.alias, self.reason = alias, reason


class ExecutionFailed(ToolError):
    """The provider failed; `detail` says why."""

    kind = "execution_failed"

    def __init__(self, detail: str) -> None:
        super().__init__(f"tool execution failed: {detail}")
        self.detail = detail


class RateLimited(ToolError):
    """The service refused the call for rate reasons."""

    kind = "rate_limit"

    def __init__(self, detail: str) -> None:
        super().__init__(f"rate limit exceeded: {detail}")
        self.detail = detail


class AuthFailed(ToolError):
    """The service rejected the credentials."""

    kind = "auth_error"

    def __init__(self, detail: str) -> None:
        super().__init__(f"authentication failed: {detail}")
        self.detail = detail


class ModelNotFound(ToolError):
    """The requested model does not exist at the provider."""

    kind = "model_not_found"

    def __init__(self, model: str, provider: str) -> None:
        super().__init__(f"model not found: {model} (provider: {provider})")
        self.model, self.provider = model, provider


class ProviderUnavailable(ToolError):
    """The provider cannot serve calls right now (missing key, server errors, unreachable)."""

    kind = "provider_unavailable"

    def __init__(self, provider: str, reason: str) -> None:
        super().__init__(f"provider unavailable: {provider} ({reason})")
        self.provider, self.reason = provider, reason


class ToolTimeout(ToolError):
    """The call passed its effective timeout. Its event form omits the (timing-dependent) message."""

    kind = "timeout"

    def __init__(self, elapsed_ms: int, limit_ms: int) -> None:
        super().__init__(f"timeout: elapsed {elapsed_ms}ms, limit {limit_ms}ms")
        self.elapsed_ms, self.limit_ms = elapsed_ms, limit_ms

    def to_json(self) -> dict:
        """`{kind: "timeout", limit_ms}`: the elapsed time goes to the event's meta, keeping the body deterministic."""
        return {"kind": "timeout", "limit_ms": self.limit_ms}


class ToolCancelled(ToolError):
    """The call was cancelled before it finished."""

    kind = "cancelled"

    def __init__(self, tool_id: str) -> None:
        super().__init__(f"cancelled: {tool_id}")
        self.tool_id = tool_id


class OutputValidationFailed(ToolError):
    """The provider's output does not satisfy the tool's output schema."""

    kind = "output_validation_failed"

    def __init__(self, tool_id: str, path: str, reason: str) -> None:
        super().__init__(f"output validation failed for {tool_id}: {path}: {reason}")
        self.tool_id, self.path, self.reason = tool_id, path, reason


def tool_error_from_record(error: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> ToolError:
    """Rebuild the error of a recorded `tool_call` event (replay). A recorded timeout uses `meta.elapsed_ms` when
    present, else its limit."""
    kind = str(error.get("kind", "execution_failed"))
    if kind == "timeout":
        limit = int(error.get("limit_ms") or 0)
        elapsed = (meta or {}).get("elapsed_ms")
        return ToolTimeout(int(elapsed) if isinstance(elapsed, (int, float)) else limit, limit)
    return ToolError(str(error.get("message", "")), kind=kind)
