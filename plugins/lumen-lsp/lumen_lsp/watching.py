"""Files changed on disk: `workspace/didChangeWatchedFiles`.

Open documents are analysed from the editor's text, but the files they import that are not open are read from disk.
When the client supports it (`workspace.didChangeWatchedFiles.dynamicRegistration`), the server asks it after
`initialized` to watch `**/*.lm`, `**/*.lm.md` and `**/lumen.toml` (`client/registerCapability`); the notification
is handled whether or not it was registered (a client may watch files on its own).

Each event for a Lumen source or a `lumen.toml` that is not open goes to `ServerState.files_changed`: the session
forgets the file, and the open documents that used it are re-analysed and re-published. A created or deleted file
can make a failing import resolve (or a working one fail), and a manifest changes lint settings and import roots,
so those re-analyse every open document. Events for other files are ignored.
"""
from __future__ import annotations

import os
from typing import Any, Optional

from lsprotocol import types

from lumen_kernel.analysis.documents import uri_to_path

WATCHED_GLOBS = ("**/*.lm", "**/*.lm.md", "**/lumen.toml")
REGISTRATION_ID = "lumen-lsp/watched-files"
MANIFEST = "lumen.toml"


def register(server: Any) -> None:
    """Register the `initialized` handler (dynamic registration of the file watchers) and the
    `workspace/didChangeWatchedFiles` handler."""
    state = server.state

    @server.handler(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        if supports_dynamic_registration(server.client_capabilities):
            future = server.client_register_capability(watcher_registration())
            future.add_done_callback(lambda done: _registration_done(server, done))

    @server.handler(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        changes = [change for change in map(watched_change, params.changes) if change is not None]
        if changes:
            state.files_changed(changes)


def supports_dynamic_registration(capabilities: Optional[types.ClientCapabilities]) -> bool:
    """Whether the client accepts `client/registerCapability` for `workspace/didChangeWatchedFiles`."""
    workspace = capabilities.workspace if capabilities is not None else None
    watched = workspace.did_change_watched_files if workspace is not None else None
    return bool(watched is not None and watched.dynamic_registration)


def watcher_registration() -> types.RegistrationParams:
    """The registration asking the client to report created, changed and deleted Lumen files and manifests."""
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED_GLOBS])
    return types.RegistrationParams(registrations=[types.Registration(
        id=REGISTRATION_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)])


def watched_change(event: types.FileEvent) -> Optional[tuple[str, bool]]:
    """`(path, structural)` for an event about a Lumen source or a `lumen.toml` (None for other files):
    `structural` when the file was created or deleted or is a manifest."""
    path = uri_to_path(event.uri)
    name = os.path.basename(path)
    manifest = name == MANIFEST
    if not (manifest or name.endswith(".lm") or name.endswith(".lm.md")):
        return None
    return path, manifest or event.type != types.FileChangeType.Changed


def _registration_done(server: Any, future: Any) -> None:
    """Log a refused registration (the server still handles notifications the client sends on its own)."""
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        server.log(f"lumen-lsp: the client refused to watch files: {type(error).__name__}: {error}",
                   types.MessageType.Warning)
