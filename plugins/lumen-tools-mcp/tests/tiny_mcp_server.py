"""A tiny MCP server for the tests: newline-delimited JSON-RPC 2.0 on stdin/stdout, standard library only.

Tools (listed two per `tools/list` page): `add {a, b}` (structuredContent plus text), `echo {text}` (several
content items), `fail` (isError), `explode` (JSON-RPC error), `slow {ms}` (answers after a delay, on a thread),
`die` (exits with code 3). When `MCP_TEST_LOG` is set, every message received is appended to that file as one JSON
line, plus `{"event": "start", "pid": ...}` at start and `{"event": "eof"}` when stdin closes.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time

LOG = os.environ.get("MCP_TEST_LOG")
PAGE_SIZE = 2
write_lock = threading.Lock()

TOOLS = [
    {"name": "add", "description": "Add two integers",
     "inputSchema": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                     "required": ["a", "b"]}},
    {"name": "echo", "description": "Echo a text",
     "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}},
    {"name": "fail", "description": "Always reports an error", "inputSchema": {"type": "object"}},
    {"name": "explode", "description": "Answers with a JSON-RPC error", "inputSchema": {"type": "object"}},
    {"name": "slow", "description": "Answers after ms milliseconds",
     "inputSchema": {"type": "object", "properties": {"ms": {"type": "integer"}}, "required": ["ms"]}},
    {"name": "die", "description": "Exits at once", "inputSchema": {"type": "object"}},
]


def log(entry: object) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")


def send(message: dict) -> None:
    with write_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def reply(request_id: object, result: object) -> None:
    send({"jsonrpc": "2.0", "id": request_id, "result": result})


def error(request_id: object, code: int, message: str) -> None:
    send({"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}})


def text(*parts: str) -> list[dict]:
    return [{"type": "text", "text": part} for part in parts]


def call_tool(request_id: object, name: str, arguments: dict) -> None:
    if name == "add":
        total = arguments["a"] + arguments["b"]
        reply(request_id, {"content": text(f"sum is {total}"), "structuredContent": {"sum": total}})
    elif name == "echo":
        content = [*text(f"echo: {arguments['text']}"), {"type": "image", "data": "AA==", "mimeType": "image/png"},
                   *text("done")]
        reply(request_id, {"content": content})
    elif name == "fail":
        reply(request_id, {"content": text("it broke"), "isError": True})
    elif name == "explode":
        error(request_id, -32000, "kaboom")
    elif name == "slow":
        def answer_later() -> None:
            time.sleep(arguments["ms"] / 1000.0)
            reply(request_id, {"content": text("slept")})

        threading.Thread(target=answer_later, daemon=True).start()
    elif name == "die":
        sys.stderr.write("fatal: asked to die\n")
        sys.stderr.flush()
        os._exit(3)
    else:
        error(request_id, -32602, f"Unknown tool: {name}")


def handle(message: dict) -> None:
    method = message.get("method")
    request_id = message.get("id")
    params = message.get("params") or {}
    if method is None:
        return  # a response to our ping
    if method == "initialize":
        send({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "hello"}})
        reply(request_id, {"protocolVersion": params.get("protocolVersion"), "capabilities": {"tools": {}},
                           "serverInfo": {"name": "tiny", "version": "1.2.3"}})
    elif method == "notifications/initialized":
        send({"jsonrpc": "2.0", "id": "server-ping", "method": "ping"})
    elif method == "tools/list":
        start = int(params.get("cursor") or 0)
        page = {"tools": TOOLS[start:start + PAGE_SIZE]}
        if start + PAGE_SIZE < len(TOOLS):
            page["nextCursor"] = str(start + PAGE_SIZE)
        reply(request_id, page)
    elif method == "tools/call":
        call_tool(request_id, params.get("name"), params.get("arguments") or {})
    elif request_id is not None:
        error(request_id, -32601, f"Method not found: {method}")


def main() -> None:
    log({"event": "start", "pid": os.getpid()})
    for line in sys.stdin:
        message = json.loads(line)
        log(message)
        handle(message)
    log({"event": "eof"})


if __name__ == "__main__":
    main()
