"""Run standard tools through the real dispatcher."""
from __future__ import annotations

import pytest

from lumen_kernel.tools.dispatch import Dispatcher, ToolRequest
from lumen_kernel.tools.table import ToolTable
from lumen_tools_std.providers import all_providers


@pytest.fixture
def std_call(tmp_path):
    """`std_call(tool_id, args, policy=None, settings=None, root=tmp_path, program_args=())` -> ToolOutcome."""
    dispatchers: list[Dispatcher] = []

    def call(tool_id: str, args: dict | None = None, *, policy: dict | None = None, settings: dict | None = None,
             root=None, program_args: tuple = ()):
        table = ToolTable([(provider, settings or {}) for provider in all_providers()])
        dispatcher = Dispatcher(table, project_root=root or tmp_path, program_args=program_args)
        dispatchers.append(dispatcher)
        return dispatcher.call(ToolRequest("Alias", tool_id, args or {}, policy or {}))

    yield call
    for dispatcher in dispatchers:
        dispatcher.close()
