"""Developer tooling built on the kernel's front end: formatter, linter, doc generator, test runner, CI gate, REPL.

Each tool is its own subpackage; the commands in `lumen_kernel.cli.commands` are thin adapters over them.
"""
