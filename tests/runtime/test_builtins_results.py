"""§6.7 Results."""
from __future__ import annotations

import pytest

from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.render import display
from lumen_kernel.runtime.values import Union, VariantInfo


def test_ok_and_err(call) -> None:
    assert display(call("ok", 1)) == "ok(1)" and call("ok").payload is None
    assert display(call("err", "bad")) == "err(bad)" and call("err").payload is None
    assert call("ok", v=2).payload == 2 and call("err", e=3).payload == 3


def test_is_ok_and_is_err(call) -> None:
    assert call("is_ok", call("ok", 1)) is True and call("is_ok", call("err", 1)) is False
    assert call("is_err", call("err")) is True and call("is_err", None) is False
    lookalike = Union(VariantInfo("Mine", "ok", (None,)), 1)
    assert call("is_ok", lookalike) is False


def test_unwrap(call) -> None:
    assert call("unwrap", call("ok", 5)) == 5 and call("unwrap", 7) == 7 and call("unwrap", None) is None
    with pytest.raises(LumenError, match=r'^unwrap on err: \["x"\]$'):
        call("unwrap", call("err", ["x"]))


def test_unwrap_or(call) -> None:
    assert call("unwrap_or", call("ok", 5), 0) == 5
    assert call("unwrap_or", call("err", "e"), 0) == 0 and call("unwrap_or", None, 0) == 0
    assert call("unwrap_or", "plain", 0) == "plain"
