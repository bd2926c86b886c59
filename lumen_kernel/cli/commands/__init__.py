"""Kernel commands: one module per command, each exposing a click object named ``command``.

They are registered lazily by the internal plugin ``lumen.core.commands`` (``lumen_kernel.plugin_host.core_commands``).
"""
