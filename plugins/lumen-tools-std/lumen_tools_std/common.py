"""Things the standard providers share: their version and small schema pieces."""
from __future__ import annotations

from lumen_kernel.tools.spec import CallContext, ToolCancelled

VERSION = "0.1.0"

STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
TRUE = {"const": True}
NO_PARAMETERS = {"type": "object", "properties": {}, "additionalProperties": False}


def check_cancelled(context: CallContext) -> None:
    """Stop early when the call was cancelled or timed out."""
    if context.cancelled.is_set():
        raise ToolCancelled(context.tool_id)
