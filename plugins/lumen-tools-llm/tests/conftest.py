"""A scripted OpenAI-compatible server on 127.0.0.1 (stdlib, in a thread), and llm tools behind the real plugin
host, registry and dispatcher."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lumen_kernel.config import ProjectConfig
from lumen_kernel.plugin_host.host import PluginHost
from lumen_kernel.tools.dispatch import Dispatcher, ToolRequest
from lumen_kernel.tools.table import tool_table_for_run


class Script:
    """Responses to give, in order (the last one repeats), and the requests received."""

    def __init__(self) -> None:
        self.responses: list[tuple[int, dict, object]] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def reply(self, status: int = 200, body: object = None, headers: dict | None = None) -> "Script":
        self.responses.append((status, headers or {}, body))
        return self

    def answer(self, text: str) -> "Script":
        return self.reply(200, {"choices": [{"message": {"role": "assistant", "content": text}}]})


def make_handler(script: Script):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            with script.lock:
                script.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                        "json": json.loads(raw or b"null")})
                status, headers, body = script.responses[0] if len(script.responses) == 1 \
                    else script.responses.pop(0)
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def script():
    return Script()


@pytest.fixture
def llm_server(script):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(script))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def llm_call(llm_server, tmp_path):
    """`llm_call(tool_id, args, **settings)` through a host with only lumen-tools-llm and a `[providers.config.openai]`
    table of kind openai-compatible pointing at the local server."""
    import lumen_tools_llm.plugin

    dispatchers: list[Dispatcher] = []

    def call(tool_id: str, args: dict, policy: dict | None = None, **settings):
        table = {"kind": "openai-compatible", "base_url": llm_server, "default_model": "m-default"}
        table.update(settings)
        config = ProjectConfig(root=Path(tmp_path), data={"providers": {"config": {"openai": table}}})
        host = PluginHost.for_plugins([("lumen-tools-llm", lumen_tools_llm.plugin)], internal=False, config=config,
                                      stream=None)
        dispatcher = Dispatcher(tool_table_for_run(config, host=host), project_root=tmp_path)
        dispatchers.append(dispatcher)
        return dispatcher.call(ToolRequest("Chat", tool_id, args, policy or {}))

    yield call
    for dispatcher in dispatchers:
        dispatcher.close()
