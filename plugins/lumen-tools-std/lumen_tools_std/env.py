"""`std.env`: environment variables, directories, platform and program arguments (TOOLING.md §5.7)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from lumen_kernel.tools.schema import parameters_schema
from lumen_kernel.tools.spec import CallContext, ToolSpec

from lumen_tools_std.common import BOOLEAN, NO_PARAMETERS, STRING, TRUE, VERSION, check_cancelled


def platform_name() -> str:
    """`linux`, `macos`, `windows` or `other`."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform in ("win32", "cygwin"):
        return "windows"
    return "other"


class EnvProvider:
    """The `env.*` tools."""

    name = "std.env"
    version = VERSION

    def tools(self) -> list[ToolSpec]:
        """env.get, env.set, env.has, env.list, env.cwd, env.home, env.platform, env.args."""
        by_name = parameters_schema(("name", STRING))
        return [
            ToolSpec("env.get", "The value of an environment variable, or null.", by_name,
                     {"type": ["string", "null"]}, ("env",), ("name",), self.get),
            ToolSpec("env.set", "Set an environment variable for this process.",
                     parameters_schema(("name", STRING), ("value", STRING)), TRUE, ("env",), ("name", "value"),
                     self.set),
            ToolSpec("env.has", "Whether an environment variable is set.", by_name, BOOLEAN, ("env",), ("name",),
                     self.has),
            ToolSpec("env.list", "Every environment variable.", NO_PARAMETERS,
                     {"type": "object", "additionalProperties": STRING}, ("env",), (), self.list),
            ToolSpec("env.cwd", "The current directory.", NO_PARAMETERS, STRING, ("env",), (), self.cwd),
            ToolSpec("env.home", "The user's home directory.", NO_PARAMETERS, STRING, ("env",), (), self.home),
            ToolSpec("env.platform", "linux, macos, windows or other.", NO_PARAMETERS,
                     {"enum": ["linux", "macos", "windows", "other"]}, ("env",), (), self.platform),
            ToolSpec("env.args", "The program arguments given after --.", NO_PARAMETERS,
                     {"type": "array", "items": STRING}, ("env",), (), self.args),
        ]

    def get(self, args: dict, context: CallContext) -> str | None:
        """env.get {name}."""
        check_cancelled(context)
        return os.environ.get(args["name"])

    def set(self, args: dict, context: CallContext) -> bool:
        """env.set {name, value}."""
        check_cancelled(context)
        os.environ[args["name"]] = args["value"]
        return True

    def has(self, args: dict, context: CallContext) -> bool:
        """env.has {name}."""
        check_cancelled(context)
        return args["name"] in os.environ

    def list(self, args: dict, context: CallContext) -> dict:
        """env.list -> every variable, sorted by name."""
        check_cancelled(context)
        return dict(sorted(os.environ.items()))

    def cwd(self, args: dict, context: CallContext) -> str:
        """env.cwd."""
        return os.getcwd()

    def home(self, args: dict, context: CallContext) -> str:
        """env.home."""
        return str(Path.home())

    def platform(self, args: dict, context: CallContext) -> str:
        """env.platform."""
        return platform_name()

    def args(self, args: dict, context: CallContext) -> list[str]:
        """env.args -> the program arguments after `--`."""
        return list(context.program_args)
