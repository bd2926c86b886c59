"""`llm.chat` and `llm.complete` over OpenAI-compatible chat-completions APIs (TOOLING.md §5.8).

Each `[providers.config.<name>]` table with `kind = "openai-compatible"` becomes a provider `<name>`. Settings:
`base_url` (required), `api_key_env`, `default_model`, `timeout_ms` (60,000), `max_retries` (2), `headers`.
The API key is read from its environment variable on every call and never appears in outputs, errors or traces.
httpx is imported on first call.
"""
from __future__ import annotations

import os
import time
from typing import Any, Mapping

from lumen_kernel.tools.lazy_import import import_off_loop
from lumen_kernel.tools.spec import (AuthFailed, CallContext, ExecutionFailed, InvalidArguments, ModelNotFound,
                                     ProviderUnavailable, RateLimited, ToolError, ToolSpec)

VERSION = "0.1.0"
KIND = "openai-compatible"
ROLES = ("system", "user", "assistant")
DEFAULT_TIMEOUT_MS = 60_000
DEFAULT_MAX_RETRIES = 2
FIRST_BACKOFF_SECONDS = 0.5

STRING = {"type": "string"}
OPTIONS = {
    "model": STRING,
    "temperature": {"type": "number"},
    "max_tokens": {"type": "integer"},
    "stop": {"anyOf": [STRING, {"type": "array", "items": STRING}]},
}
MESSAGE = {
    "type": "object",
    "properties": {"role": {"enum": list(ROLES)}, "content": STRING},
    "required": ["role", "content"],
    "additionalProperties": False,
}
CHAT_SCHEMA = {
    "type": "object",
    "properties": {"messages": {"type": "array", "items": MESSAGE, "minItems": 1}, "prompt": STRING,
                   "system": STRING, "user": STRING, "assistant": STRING, **OPTIONS},
    "additionalProperties": False,
}
COMPLETE_SCHEMA = {
    "type": "object",
    "properties": {"prompt": STRING, "system": STRING, "model": STRING, "temperature": {"type": "number"},
                   "max_tokens": {"type": "integer"}},
    "required": ["prompt"],
    "additionalProperties": False,
}


def create_provider(name: str, settings: Mapping[str, Any], config: Any = None) -> "OpenAICompatibleProvider":
    """The factory registered for kind `openai-compatible`: `factory(name, settings, config)`."""
    return OpenAICompatibleProvider(name, settings)


def strip_role_prefix(role: str, text: str) -> str:
    """Remove the `"<role>: "` prefix a Lumen role block puts in front of its text."""
    prefix = f"{role}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def chat_messages(args: Mapping[str, Any], tool_id: str = "llm.chat") -> list[dict]:
    """The messages of a call: `messages` as given, or `system`, then `prompt`, `user` and `assistant` turns."""
    role_args = [key for key in ("prompt", *ROLES) if key in args]
    if "messages" in args:
        if role_args:
            raise InvalidArguments(tool_id, "$", "give either 'messages' or 'prompt'/role arguments, not both")
        return [{"role": message["role"], "content": message["content"]} for message in args["messages"]]
    messages = []
    if "system" in args:
        messages.append({"role": "system", "content": strip_role_prefix("system", args["system"])})
    if "prompt" in args:
        messages.append({"role": "user", "content": args["prompt"]})
    if "user" in args:
        messages.append({"role": "user", "content": strip_role_prefix("user", args["user"])})
    if "assistant" in args:
        messages.append({"role": "assistant", "content": strip_role_prefix("assistant", args["assistant"])})
    if not any(message["role"] == "user" for message in messages):
        raise InvalidArguments(tool_id, "$", "expected 'messages', 'prompt' or a 'user' role argument")
    return messages


class OpenAICompatibleProvider:
    """A configured OpenAI-compatible service offering `llm.chat` and `llm.complete`."""

    version = VERSION

    def __init__(self, name: str, settings: Mapping[str, Any]) -> None:
        base_url = settings.get("base_url")
        if not isinstance(base_url, str) or not base_url:
            raise ValueError(f"[providers.config.{name}] needs a 'base_url' string")
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.api_key_env = settings.get("api_key_env") or None
        self.default_model = settings.get("default_model") or None
        self.timeout_ms = int(settings.get("timeout_ms", DEFAULT_TIMEOUT_MS))
        self.max_retries = int(settings.get("max_retries", DEFAULT_MAX_RETRIES))
        self.headers = {str(key): str(value) for key, value in (settings.get("headers") or {}).items()}

    def tools(self) -> list[ToolSpec]:
        """llm.chat and llm.complete."""
        return [
            # A positional argument of llm.chat is the prompt (`Chat("hi")`); everything else is named.
            ToolSpec("llm.chat", "Chat with a model; returns the assistant's text.", CHAT_SCHEMA, STRING, ("llm",),
                     ("prompt",), self.chat),
            ToolSpec("llm.complete", "One-turn completion; returns the text.", COMPLETE_SCHEMA, STRING, ("llm",),
                     tuple(COMPLETE_SCHEMA["properties"]), self.complete),
        ]

    async def chat(self, args: dict, context: CallContext) -> str:
        """llm.chat."""
        return await self.send(chat_messages(args, context.tool_id), args, context)

    async def complete(self, args: dict, context: CallContext) -> str:
        """llm.complete."""
        messages = chat_messages({key: args[key] for key in ("prompt", "system") if key in args}, context.tool_id)
        return await self.send(messages, args, context)

    def request_body(self, messages: list[dict], args: Mapping[str, Any]) -> dict:
        """The JSON body: `model` and `messages`, plus only the options given."""
        model = args.get("model") or self.default_model
        if not model:
            raise ExecutionFailed(f"no model: pass 'model' or set default_model in [providers.config.{self.name}]")
        body: dict[str, Any] = {"model": model, "messages": messages}
        for option in ("temperature", "max_tokens", "stop"):
            if option in args:
                body[option] = args[option]
        return body

    def request_headers(self) -> tuple[dict, str | None]:
        """Headers for a call and the key (None without `api_key_env`); a missing key is provider_unavailable."""
        headers = dict(self.headers)
        key = None
        if self.api_key_env:
            key = os.environ.get(self.api_key_env) or None
            if key is None:
                raise ProviderUnavailable(self.name, f"environment variable {self.api_key_env} is not set")
            headers["Authorization"] = f"Bearer {key}"
        return headers, key

    async def send(self, messages: list[dict], args: Mapping[str, Any], context: CallContext) -> str:
        """Post to `<base_url>/chat/completions`, retrying 429, 5xx and connection failures within the deadline."""
        import asyncio

        httpx = await import_off_loop("httpx")

        body = self.request_body(messages, args)
        headers, key = self.request_headers()
        limits = [limit for limit in (self.timeout_ms, context.timeout_ms) if limit]
        deadline = time.monotonic() + min(limits) / 1000.0 if limits else None
        url = f"{self.base_url}/chat/completions"
        attempt = 0
        async with httpx.AsyncClient(timeout=httpx.Timeout(_remaining(deadline))) as client:
            while True:
                try:
                    response = await client.post(url, json=body, headers=headers,
                                                 timeout=httpx.Timeout(_remaining(deadline)))
                    error, retry_after = self.classify(response, body["model"], key)
                    if error is None:
                        return answer_text(response)
                except httpx.HTTPError as failure:
                    error = ProviderUnavailable(self.name, _hide(f"{type(failure).__name__}: {failure}", key))
                    retry_after = None
                retryable = isinstance(error, (RateLimited, ProviderUnavailable))
                if not retryable or attempt >= self.max_retries:
                    raise error
                wait = retry_after if retry_after is not None else FIRST_BACKOFF_SECONDS * (2 ** attempt)
                remaining = _remaining(deadline)
                if remaining is not None and wait >= remaining:
                    raise error
                attempt += 1
                await asyncio.sleep(wait)

    def classify(self, response: Any, model: str, key: str | None) -> tuple[ToolError | None, float | None]:
        """Map a response status to an error (None for 2xx) and the server's Retry-After in seconds."""
        status = response.status_code
        if 200 <= status < 300:
            return None, None
        detail = _hide(f"HTTP {status}: {error_message(response)}", key)
        if status in (401, 403):
            return AuthFailed(detail), None
        if status == 404 and ("model" in response.text.lower() or model in response.text):
            return ModelNotFound(model, self.name), None
        if status == 429:
            return RateLimited(detail), _retry_after(response)
        if status >= 500:
            return ProviderUnavailable(self.name, detail), _retry_after(response)
        return ExecutionFailed(detail), None


def answer_text(response: Any) -> str:
    """`choices[0].message.content`, else `unexpected response: <reason>`."""
    try:
        data = response.json()
    except ValueError:
        raise ExecutionFailed("unexpected response: the body is not JSON") from None
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices:
        raise ExecutionFailed("unexpected response: no choices")
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ExecutionFailed("unexpected response: choices[0].message.content is not a string")
    return content


def error_message(response: Any) -> str:
    """The service's error text: `error.message` of a JSON body, else the body (first 200 characters)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
        if isinstance(error, str):
            return error
        if isinstance(data.get("message"), str):
            return data["message"]
    text = response.text.strip()
    return text[:200] if text else response.reason_phrase or "no details"


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.001, deadline - time.monotonic())


def _hide(text: str, key: str | None) -> str:
    return text.replace(key, "***") if key else text
