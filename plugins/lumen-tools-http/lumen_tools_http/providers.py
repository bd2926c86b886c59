"""`std.http`: HTTP requests with httpx (TOOLING.md §5.7).

The tools are coroutines on the dispatcher's loop, so a timeout or cancellation cancels the request and closes its
connection. httpx is imported on first call, never when the plugin loads.
"""
from __future__ import annotations

from typing import Any

from lumen_kernel.tools.lazy_import import import_off_loop
from lumen_kernel.tools.schema import parameters_schema
from lumen_kernel.tools.spec import CallContext, ExecutionFailed, InvalidArguments, ToolSpec

VERSION = "0.1.0"
MAX_REDIRECTS = 10

STRING = {"type": "string"}
HEADERS = {"type": "object", "additionalProperties": STRING}
QUERY = {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "array"]}}
RESPONSE = {
    "type": "object",
    "properties": {"status": {"type": "integer"}, "headers": {"type": "object"}, "body": STRING},
    "required": ["status", "headers", "body"],
}


class HttpProvider:
    """The `http.*` tools: get, delete, post, put."""

    name = "std.http"
    version = VERSION

    def tools(self) -> list[ToolSpec]:
        """http.get, http.delete {url, headers?, query?}; http.post, http.put {url, headers?, query?, body?, json?}."""
        without_body = parameters_schema(("url", STRING), ("headers", HEADERS), ("query", QUERY),
                                         optional=("headers", "query"))
        with_body = parameters_schema(("url", STRING), ("headers", HEADERS), ("query", QUERY), ("body", STRING),
                                      ("json", None), optional=("headers", "query", "body", "json"))
        specs = []
        for method, schema in (("get", without_body), ("delete", without_body), ("post", with_body),
                               ("put", with_body)):
            positional = tuple(schema["properties"])
            specs.append(ToolSpec(f"http.{method}", f"HTTP {method.upper()} request.", schema, RESPONSE, ("http",),
                                  positional, _request_tool(method.upper())))
        return specs


def _request_tool(method: str):
    async def call(args: dict, context: CallContext) -> dict:
        return await send(method, args, context)

    call.__doc__ = f"Send an HTTP {method} request; non-2xx statuses are answers, not errors."
    return call


def query_params(query: dict | None) -> list[tuple[str, str]]:
    """Query parameters as pairs; arrays repeat their key, booleans are `true`/`false`."""
    pairs: list[tuple[str, str]] = []
    for key, value in sorted((query or {}).items()):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool):
                pairs.append((key, "true" if item else "false"))
            elif item is None:
                pairs.append((key, ""))
            else:
                pairs.append((key, str(item)))
    return pairs


def response_json(status: int, headers: Any, body: str) -> dict:
    """`{status, headers, body}`: header names lower-cased and sorted, repeated headers joined with `, `."""
    merged: dict[str, list[str]] = {}
    for name, value in headers.multi_items() if hasattr(headers, "multi_items") else headers.items():
        merged.setdefault(name.lower(), []).append(value)
    return {"status": status, "headers": {name: ", ".join(merged[name]) for name in sorted(merged)}, "body": body}


async def send(method: str, args: dict, context: CallContext) -> dict:
    """Perform one request (redirects followed, at most 10)."""
    httpx = await import_off_loop("httpx")

    if "body" in args and "json" in args:
        raise InvalidArguments(context.tool_id, "$", "give either 'body' or 'json', not both")
    content = args.get("body")
    timeout = context.timeout_ms / 1000.0 if context.timeout_ms else None
    request_options: dict[str, Any] = {"headers": args.get("headers") or {}, "params": query_params(args.get("query"))}
    if content is not None:
        request_options["content"] = content.encode("utf-8")
    if "json" in args:
        request_options["json"] = args["json"]
    try:
        async with httpx.AsyncClient(follow_redirects=True, max_redirects=MAX_REDIRECTS,
                                     timeout=httpx.Timeout(timeout)) as client:
            response = await client.request(method, args["url"], **request_options)
            return response_json(response.status_code, response.headers, response.text)
    except httpx.TooManyRedirects:
        raise ExecutionFailed(f"http: more than {MAX_REDIRECTS} redirects") from None
    except httpx.InvalidURL as error:
        raise ExecutionFailed(f"http: invalid URL: {error}") from None
    except httpx.UnsupportedProtocol as error:
        raise ExecutionFailed(f"http: {error}") from None
    except httpx.HTTPError as error:
        raise ExecutionFailed(f"http: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}" if text != type(error).__name__ else text
