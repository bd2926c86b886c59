"""`std.fs`: file tools confined to a root directory (TOOLING.md §5.7).

The root is the alias's grant key `root`, else `[providers.config.fs] root`, else the project root (else the
current directory); a relative root is taken from the project root. Paths resolve against the root and, after
symlinks are resolved, must stay inside it.
"""
from __future__ import annotations

import os
from pathlib import Path

from lumen_kernel.tools.schema import parameters_schema
from lumen_kernel.tools.spec import CallContext, ExecutionFailed, ToolSpec

from lumen_tools_std.common import BOOLEAN, STRING, TRUE, VERSION, check_cancelled


def allowed_root(context: CallContext) -> Path:
    """The directory the call is confined to."""
    base = Path(context.project_root) if context.project_root else Path.cwd()
    setting = context.policy.get("root") or context.settings.get("root")
    root = base / str(setting) if setting else base
    return root.resolve()


def confined_path(raw: str, context: CallContext) -> Path:
    """Resolve `raw` against the root; refuse anything that ends up outside it (`..`, foreign absolute paths,
    escaping symlinks)."""
    root = allowed_root(context)
    target = (root / raw).resolve()
    if target != root and root not in target.parents:
        raise ExecutionFailed(f"path '{raw}' is outside the allowed root")
    return target


def _os_failure(raw: str, error: OSError) -> ExecutionFailed:
    if isinstance(error, FileNotFoundError):
        return ExecutionFailed(f"no such file or directory: '{raw}'")
    if isinstance(error, IsADirectoryError):
        return ExecutionFailed(f"'{raw}' is a directory")
    if isinstance(error, NotADirectoryError):
        return ExecutionFailed(f"'{raw}' is not a directory")
    if isinstance(error, PermissionError):
        return ExecutionFailed(f"permission denied: '{raw}'")
    return ExecutionFailed(f"{error.strerror or error}: '{raw}'")


class FsProvider:
    """The `fs.*` tools."""

    name = "std.fs"
    version = VERSION

    def tools(self) -> list[ToolSpec]:
        """fs.read, fs.write, fs.exists, fs.list, fs.mkdir, fs.remove."""
        path_only = parameters_schema(("path", STRING))
        return [
            ToolSpec("fs.read", "Read a UTF-8 text file.", path_only, STRING, ("fs",), ("path",), self.read),
            ToolSpec("fs.write", "Write a text file (its directory must exist).",
                     parameters_schema(("path", STRING), ("content", STRING)), TRUE, ("fs",), ("path", "content"),
                     self.write),
            ToolSpec("fs.exists", "Whether a file or directory exists.", path_only, BOOLEAN, ("fs",),
                     ("path",), self.exists),
            ToolSpec("fs.list", "The sorted names in a directory.", path_only,
                     {"type": "array", "items": STRING}, ("fs",), ("path",), self.list),
            ToolSpec("fs.mkdir", "Create a directory and its parents.", path_only, TRUE, ("fs",), ("path",),
                     self.mkdir),
            ToolSpec("fs.remove", "Remove a file or an empty directory.", path_only, TRUE, ("fs",), ("path",),
                     self.remove),
        ]

    def read(self, args: dict, context: CallContext) -> str:
        """fs.read {path} -> the file's text (non-UTF-8 fails)."""
        check_cancelled(context)
        raw = args["path"]
        target = confined_path(raw, context)
        try:
            data = target.read_bytes()
        except OSError as error:
            raise _os_failure(raw, error) from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ExecutionFailed(f"file '{raw}' is not valid UTF-8") from None

    def write(self, args: dict, context: CallContext) -> bool:
        """fs.write {path, content} -> true."""
        check_cancelled(context)
        raw = args["path"]
        target = confined_path(raw, context)
        if not target.parent.is_dir():
            raise ExecutionFailed(f"directory of '{raw}' does not exist")
        try:
            with open(target, "w", encoding="utf-8", newline="") as handle:
                handle.write(args["content"])
        except OSError as error:
            raise _os_failure(raw, error) from None
        return True

    def exists(self, args: dict, context: CallContext) -> bool:
        """fs.exists {path} -> bool."""
        check_cancelled(context)
        return confined_path(args["path"], context).exists()

    def list(self, args: dict, context: CallContext) -> list[str]:
        """fs.list {path} -> sorted names."""
        check_cancelled(context)
        raw = args["path"]
        target = confined_path(raw, context)
        try:
            return sorted(os.listdir(target))
        except OSError as error:
            raise _os_failure(raw, error) from None

    def mkdir(self, args: dict, context: CallContext) -> bool:
        """fs.mkdir {path} -> true (parents created, existing directories accepted)."""
        check_cancelled(context)
        raw = args["path"]
        target = confined_path(raw, context)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _os_failure(raw, error) from None
        return True

    def remove(self, args: dict, context: CallContext) -> bool:
        """fs.remove {path} -> true (a file or an empty directory; missing fails)."""
        check_cancelled(context)
        raw = args["path"]
        target = confined_path(raw, context)
        try:
            if target.is_dir():
                if any(target.iterdir()):
                    raise ExecutionFailed(f"directory '{raw}' is not empty")
                target.rmdir()
            else:
                target.unlink()
        except OSError as error:
            raise _os_failure(raw, error) from None
        return True
