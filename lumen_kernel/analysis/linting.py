"""Lint findings for editor sessions (source `lumen-lint`, TOOLING.md §6.1)."""
