"""A server subprocess spoken to with newline-delimited JSON-RPC 2.0 over its stdin and stdout.

One reader thread takes each line of the server's stdout: responses wake the thread waiting for them (matched by id),
requests from the server are answered (`ping` with an empty result, anything else with "method not found"), and
notifications are ignored. Another thread keeps the last lines of the server's stderr for error messages. Waiting
callers poll a cancellation event and a deadline, so a cancelled or timed-out call never blocks for long.
"""
from __future__ import annotations

import atexit
import json
import os
import subprocess
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Mapping, Sequence

POLL_SECONDS = 0.02
CLOSE_GRACE_SECONDS = 0.5
STDERR_LINES_KEPT = 20
METHOD_NOT_FOUND = -32601

_live_connections: set["StdioConnection"] = set()
_live_lock = threading.Lock()


class McpError(Exception):
    """Talking to the server failed; the message says why (it becomes `tool execution failed: <message>`)."""


class RpcError(McpError):
    """The server answered a request with a JSON-RPC error object."""

    def __init__(self, code: Any, message: str, data: Any = None) -> None:
        super().__init__(f"JSON-RPC error {code}: {message}")
        self.code, self.rpc_message, self.data = code, message, data


class Cancelled(McpError):
    """The caller's cancellation event was set while waiting for the server."""


class _Waiter:
    """A request waiting for its response."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.response: Mapping[str, Any] | None = None
        self.failure: McpError | None = None


class StdioConnection:
    """A started server process. `label` names it in messages (`MCP server 'files'`)."""

    def __init__(self, label: str, command: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.label = label
        self._next_id = 0
        self._waiters: dict[int, _Waiter] = {}
        self._state_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._gone: str | None = None
        self._stderr_tail: deque[str] = deque(maxlen=STDERR_LINES_KEPT)
        try:
            self._process = subprocess.Popen(
                list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env={**os.environ, **dict(env or {})}, cwd=str(cwd) if cwd is not None else None)
        except (OSError, ValueError) as error:  # missing program, no permission, invalid argument
            reason = getattr(error, "strerror", None) or str(error)
            raise McpError(f"{label} could not be started: {reason}: {command[0]}") from None
        with _live_lock:
            _live_connections.add(self)
        self._stderr_thread = threading.Thread(target=self._drain_stderr, name=f"lumen-mcp-stderr-{label}",
                                               daemon=True)
        self._reader_thread = threading.Thread(target=self._read_stdout, name=f"lumen-mcp-reader-{label}",
                                               daemon=True)
        self._stderr_thread.start()
        self._reader_thread.start()

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self._process.pid

    @property
    def alive(self) -> bool:
        """Whether the server is still running and its stdout open."""
        return self._gone is None and self._process.poll() is None

    # -- sending ------------------------------------------------------------------------------------------------

    def request(self, method: str, params: Mapping[str, Any] | None = None, *,
                cancelled: threading.Event | None = None, deadline: float | None = None) -> Any:
        """Send a request and wait for its result. Raises `RpcError` for an error response, `Cancelled` when
        `cancelled` is set, `McpError` when the server dies or the `time.monotonic()` `deadline` passes."""
        with self._state_lock:
            if self._gone is not None:
                raise McpError(self._gone)
            self._next_id += 1
            request_id = self._next_id
            waiter = _Waiter()
            self._waiters[request_id] = waiter
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = dict(params)
        try:
            self._write(message)
            while not waiter.done.wait(POLL_SECONDS):
                if cancelled is not None and cancelled.is_set():
                    self._abandon(request_id, "cancelled")
                    raise Cancelled(f"{self.label}: '{method}' cancelled")
                if deadline is not None and time.monotonic() >= deadline:
                    self._abandon(request_id, "timed out")
                    raise McpError(f"{self.label} did not answer '{method}' in time")
        finally:
            with self._state_lock:
                self._waiters.pop(request_id, None)
        if waiter.failure is not None:
            raise waiter.failure
        response = waiter.response or {}
        error = response.get("error")
        if error is not None:
            if isinstance(error, Mapping):
                raise RpcError(error.get("code"), str(error.get("message", "")), error.get("data"))
            raise RpcError(None, str(error))
        return response.get("result")

    def notify(self, method: str, params: Mapping[str, Any] | None = None) -> None:
        """Send a notification (no answer expected)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = dict(params)
        self._write(message)

    def _write(self, message: Mapping[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        stdin = self._process.stdin
        assert stdin is not None
        with self._write_lock:
            try:
                stdin.write(line)
                stdin.flush()
            except (OSError, ValueError):  # broken pipe, or stdin already closed
                raise McpError(self._death_reason()) from None

    def _abandon(self, request_id: int, reason: str) -> None:
        """Stop waiting for a request and tell the server (MCP `notifications/cancelled`)."""
        with self._state_lock:
            self._waiters.pop(request_id, None)
        try:
            self.notify("notifications/cancelled", {"requestId": request_id, "reason": reason})
        except McpError:
            pass

    # -- receiving ----------------------------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        for raw in stdout:
            try:
                message = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue  # not a protocol line: servers must not write anything else on stdout, so skip it
            for item in message if isinstance(message, list) else [message]:
                if isinstance(item, dict):
                    self._receive(item)
        self._fail_all(self._death_reason())

    def _receive(self, message: dict) -> None:
        if "method" in message:
            if "id" in message:
                self._answer_server_request(message)
            return  # a notification (log message, list changed, progress...): nothing to do
        request_id = message.get("id")
        with self._state_lock:
            waiter = self._waiters.pop(request_id, None) if isinstance(request_id, int) else None
        if waiter is not None:
            waiter.response = message
            waiter.done.set()

    def _answer_server_request(self, message: dict) -> None:
        if message.get("method") == "ping":
            reply: dict[str, Any] = {"jsonrpc": "2.0", "id": message["id"], "result": {}}
        else:
            reply = {"jsonrpc": "2.0", "id": message["id"],
                     "error": {"code": METHOD_NOT_FOUND, "message": f"method not supported: {message['method']}"}}
        try:
            self._write(reply)
        except McpError:
            pass

    def _drain_stderr(self) -> None:
        stderr = self._process.stderr
        assert stderr is not None
        for raw in stderr:
            text = raw.decode("utf-8", errors="replace").rstrip()
            if text:
                self._stderr_tail.append(text)

    def _fail_all(self, reason: str) -> None:
        with self._state_lock:
            if self._gone is None:
                self._gone = reason
            waiters, self._waiters = list(self._waiters.values()), {}
        for waiter in waiters:
            waiter.failure = McpError(reason)
            waiter.done.set()

    def _death_reason(self) -> str:
        """Why the server stopped answering: its exit code and last stderr line when it has exited."""
        if self._gone is not None:
            return self._gone
        try:
            code = self._process.wait(timeout=CLOSE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            return f"{self.label} closed its output"
        self._stderr_thread.join(timeout=CLOSE_GRACE_SECONDS)
        reason = f"{self.label} exited with code {code}"
        return f"{reason}: {self._stderr_tail[-1]}" if self._stderr_tail else reason

    # -- ending -------------------------------------------------------------------------------------------------

    def close(self) -> None:
        """End the server: close its stdin, then terminate and finally kill it if it does not exit promptly."""
        self._fail_all(f"{self.label} was closed")
        with self._write_lock:
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=CLOSE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                self._process.wait(timeout=CLOSE_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader_thread.join(timeout=CLOSE_GRACE_SECONDS)
        self._stderr_thread.join(timeout=CLOSE_GRACE_SECONDS)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        with _live_lock:
            _live_connections.discard(self)


@atexit.register
def _close_leftovers() -> None:
    """Never leave a server running after the interpreter exits (for example after `lumen plugins` listed tools)."""
    with _live_lock:
        leftovers = list(_live_connections)
    for connection in leftovers:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
