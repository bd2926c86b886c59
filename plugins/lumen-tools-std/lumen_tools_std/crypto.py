"""`std.crypto`: digests, HMAC, base64, UUIDs and random integers (TOOLING.md §5.7)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from lumen_kernel.tools.schema import parameters_schema
from lumen_kernel.tools.spec import CallContext, ExecutionFailed, ToolSpec

from lumen_tools_std.common import NO_PARAMETERS, STRING, VERSION

HEX = {"type": "string"}


class CryptoProvider:
    """The `crypto.*` tools."""

    name = "std.crypto"
    version = VERSION

    def tools(self) -> list[ToolSpec]:
        """crypto.sha256, sha512, md5, hmac_sha256, base64_encode, base64_decode, uuid, random_int."""
        text_input = parameters_schema(("input", STRING))
        effects = ("crypto",)
        return [
            ToolSpec("crypto.sha256", "SHA-256 of a string (hex).", text_input, HEX, effects, ("input",),
                     self._digest("sha256")),
            ToolSpec("crypto.sha512", "SHA-512 of a string (hex).", text_input, HEX, effects, ("input",),
                     self._digest("sha512")),
            ToolSpec("crypto.md5", "MD5 of a string (hex).", text_input, HEX, effects, ("input",),
                     self._digest("md5")),
            ToolSpec("crypto.hmac_sha256", "HMAC-SHA-256 of a message with a key (hex).",
                     parameters_schema(("message", STRING), ("key", STRING)), HEX, effects, ("message", "key"),
                     self.hmac_sha256),
            ToolSpec("crypto.base64_encode", "Standard padded base64 of a string's UTF-8 bytes.", text_input, STRING,
                     effects, ("input",), self.base64_encode),
            ToolSpec("crypto.base64_decode", "Decode base64 to a UTF-8 string.", text_input, STRING, effects,
                     ("input",), self.base64_decode),
            ToolSpec("crypto.uuid", "A random UUID4.", NO_PARAMETERS, {"type": "string", "minLength": 36,
                                                                      "maxLength": 36}, effects, (), self.uuid),
            ToolSpec("crypto.random_int", "A random integer in [min, max].",
                     parameters_schema(("min", {"type": "integer"}), ("max", {"type": "integer"})),
                     {"type": "integer"}, effects, ("min", "max"), self.random_int),
        ]

    @staticmethod
    def _digest(algorithm: str):
        def digest(args: dict, context: CallContext) -> str:
            return hashlib.new(algorithm, args["input"].encode("utf-8")).hexdigest()

        digest.__doc__ = f"{algorithm} of the UTF-8 bytes of `input`, lowercase hex."
        return digest

    def hmac_sha256(self, args: dict, context: CallContext) -> str:
        """crypto.hmac_sha256 {message, key}."""
        return hmac.new(args["key"].encode("utf-8"), args["message"].encode("utf-8"), hashlib.sha256).hexdigest()

    def base64_encode(self, args: dict, context: CallContext) -> str:
        """crypto.base64_encode {input}."""
        return base64.b64encode(args["input"].encode("utf-8")).decode("ascii")

    def base64_decode(self, args: dict, context: CallContext) -> str:
        """crypto.base64_decode {input} (invalid base64 or non-UTF-8 content fails)."""
        try:
            compact = "".join(args["input"].split())
            return base64.b64decode(compact.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise ExecutionFailed("invalid base64 input") from None

    def uuid(self, args: dict, context: CallContext) -> str:
        """crypto.uuid -> a random UUID4 (36 characters)."""
        import uuid  # imported on use: provider modules load when plugins register, even for `lumen --help`

        return str(uuid.uuid4())

    def random_int(self, args: dict, context: CallContext) -> int:
        """crypto.random_int {min, max} -> an integer in [min, max]."""
        import secrets

        low, high = int(args["min"]), int(args["max"])
        if low > high:
            raise ExecutionFailed("min must not exceed max")
        return low + secrets.randbelow(high - low + 1)
