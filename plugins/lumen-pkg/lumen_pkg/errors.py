"""The one exception type lumen-pkg raises for problems a user can fix."""

from __future__ import annotations


class PkgError(Exception):
    """A user-facing failure: the CLI prints `error: <message>` (plus any detail lines) and exits 1.

    `details` are extra lines printed under the message, already indented as they should appear
    (conflict explanations, `+`/`-` lock differences).
    """

    def __init__(self, message: str, details: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)

    def render(self) -> str:
        """The full text shown to the user, without the `error: ` prefix."""
        return "\n".join([self.message, *self.details])


class ImmutableVersionError(PkgError):
    """A version is already published with different bytes (a registry answers 409)."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(
            f"{name}@{version} is already published with a different checksum; published versions are immutable"
        )
