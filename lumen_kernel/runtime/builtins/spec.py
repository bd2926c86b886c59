"""`BuiltinSpec`, how a builtin's parameters are derived from its Python function, and argument binding (§5.10, §6).

A builtin is a plain Python function whose parameters spell the Lumen parameters of §6:

- parameter names are the Lumen names, with one trailing `_` removed (`from_` is `from`, used where the Lumen name
  is a Python keyword);
- Python defaults are the Lumen defaults (`None` is `null`; `ABSENT` marks `= absent`);
- `*values` is a rest parameter (`...values`);
- a first parameter named `ctx` receives the `RuntimeContext` and is not a Lumen parameter (`needs_context`).

So the compiler may call `spec.function(*args)` (with `ctx` first when `needs_context`) directly whenever a call has
only positional arguments and `spec.min_args <= len(args) <= spec.max_args` (`max_args` None: no upper bound);
otherwise it calls `bind_builtin_args` first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.values import ABSENT, Closure, ParamInfo

_CO_VARARGS = 0x04   # inspect.CO_VARARGS, without importing inspect


@dataclass(frozen=True)
class BuiltinSpec:
    """One builtin: Lumen name, implementing function, parameters (with defaults), static result type (the §6
    Result column as a type string: `Int`, `list[String]`, `Int | Null`, `Any` for descriptive results), effects
    (§4.10) and whether `function` takes the `RuntimeContext` first.

    `function` is None for builtins the engine implements itself (futures §6.10 and `trace_ref`); their specs are
    listed so that the checker knows their arity, result and effects.
    """

    name: str
    function: Optional[Callable[..., Any]]
    params: tuple[ParamInfo, ...]
    result_type: str = "Any"
    effects: tuple[str, ...] = ()
    needs_context: bool = False
    group: str = ""

    @property
    def min_args(self) -> int:
        """Number of required positional arguments."""
        return sum(1 for p in self.params if not p.has_default and not p.rest)

    @property
    def max_args(self) -> Optional[int]:
        """Largest accepted number of arguments, None with a rest parameter."""
        if self.params and self.params[-1].rest:
            return None
        return len(self.params)


def lumen_name(python_name: str) -> str:
    """The Lumen spelling of a Python parameter name (one trailing `_` removed)."""
    return python_name[:-1] if python_name.endswith("_") else python_name


def params_of(function: Callable[..., Any]) -> tuple[tuple[ParamInfo, ...], bool]:
    """The Lumen parameters of a builtin function and whether it takes a context first."""
    code = function.__code__
    count = code.co_argcount
    names = list(code.co_varnames[:count])
    defaults = function.__defaults__ or ()
    first_default = count - len(defaults)
    params = []
    for i, name in enumerate(names):
        if i >= first_default:
            params.append(ParamInfo(lumen_name(name), has_default=True, default=defaults[i - first_default]))
        else:
            params.append(ParamInfo(lumen_name(name)))
    if code.co_flags & _CO_VARARGS:
        params.append(ParamInfo(lumen_name(code.co_varnames[count + code.co_kwonlyargcount]), rest=True))
    needs_context = bool(params) and params[0].name == "ctx"
    if needs_context:
        params.pop(0)
    return tuple(params), needs_context


def builtin(name: str, function: Callable[..., Any], result_type: str, *, effects: tuple[str, ...] = (),
            group: str = "") -> BuiltinSpec:
    """A spec whose parameters come from `function`'s signature."""
    params, needs_context = params_of(function)
    return BuiltinSpec(name, function, params, result_type, tuple(effects), needs_context, group)


def engine_builtin(name: str, params: str, result_type: str, *, effects: tuple[str, ...] = (),
                   group: str = "") -> BuiltinSpec:
    """A spec for a builtin the engine implements (`function` None); `params` like `"f, ...args"`."""
    infos = []
    for text in (part.strip() for part in params.split(",")):
        if not text:
            continue
        if text.startswith("..."):
            infos.append(ParamInfo(text[3:], rest=True))
        else:
            infos.append(ParamInfo(text))
    return BuiltinSpec(name, None, tuple(infos), result_type, tuple(effects), False, group)


def spec_from_plugin(entry: Any) -> BuiltinSpec:
    """A `BuiltinSpec` for a plugin builtin (`lumen_kernel.plugin_host.builtins.PluginBuiltin`: `name`, `function`,
    `params` of `(name, type, default)` with a `required` flag, `returns`, `effects`), so plugin builtins are bound,
    called and checked like the core ones. Plugin functions take no context."""
    params = tuple(ParamInfo(param.name) if getattr(param, "required", False)
                   else ParamInfo(param.name, has_default=True, default=param.default)
                   for param in entry.params)
    return BuiltinSpec(entry.name, entry.function, params, entry.returns or "Any", tuple(entry.effects), False,
                       "plugin")


def bind_builtin_args(spec: BuiltinSpec, args: Iterable[Any] = (),
                      kwargs: Optional[dict | Iterable[tuple[str, Any]]] = None) -> list:
    """Bind a call's arguments to `spec`'s parameters (§5.10) and return the positional argument list for
    `spec.function` (without the context): one value per parameter in order, then the rest arguments.

    `kwargs` is a dict or a sequence of `(name, value)` pairs in written order (pairs can express a name given
    twice). Errors: `wrong number of arguments to '<f>': expected <n>, got <m>`, `unknown named argument 'a' in call
    to '<f>'`, `argument 'a' given more than once in call to '<f>'`, `missing argument 'p' in call to '<f>'`.
    """
    args = list(args)
    params = spec.params
    rest = bool(params) and params[-1].rest
    fixed = params[:-1] if rest else params
    pairs = list(kwargs.items()) if isinstance(kwargs, dict) else list(kwargs or ())
    count = len(fixed)
    if len(args) > count and not rest:
        raise LumenError(f"wrong number of arguments to '{spec.name}': expected {count}, "
                         f"got {len(args) + len(pairs)}")
    slots: list[Any] = args[:count]
    extra = args[count:]
    bound = [True] * len(slots) + [False] * (count - len(slots))
    slots.extend([None] * (count - len(slots)))
    for name, value in pairs:
        position = _position(fixed, name)
        if position < 0:
            raise LumenError(f"unknown named argument '{name}' in call to '{spec.name}'")
        if bound[position]:
            raise LumenError(f"argument '{name}' given more than once in call to '{spec.name}'")
        slots[position] = value
        bound[position] = True
    for position, param in enumerate(fixed):
        if not bound[position]:
            if not param.has_default:
                raise LumenError(f"missing argument '{param.name}' in call to '{spec.name}'")
            slots[position] = param.default
    return slots + extra


def _position(params: tuple[ParamInfo, ...], name: str) -> int:
    for i, param in enumerate(params):
        if param.name == name:
            return i
    return -1


def call_builtin(spec: BuiltinSpec, args: Iterable[Any] = (), kwargs: Optional[dict] = None, ctx: Any = None) -> Any:
    """Bind the arguments and call the builtin (passing `ctx` first when it needs a context)."""
    if spec.function is None:
        raise LumenError(f"builtin '{spec.name}' is provided by the engine and cannot be called here")
    bound = bind_builtin_args(spec, args, kwargs)
    if spec.needs_context:
        return spec.function(ctx, *bound)
    return spec.function(*bound)


def builtin_closure(spec: BuiltinSpec, ctx: Any = None) -> Closure:
    """The Closure value of a builtin (§5.11: `map(xs, upper)`): calling it binds arguments like a direct call."""
    function = spec.function
    if function is None:
        raise LumenError(f"builtin '{spec.name}' is provided by the engine and has no closure here")
    low = spec.min_args
    high = spec.max_args

    if spec.needs_context:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not kwargs and low <= len(args) and (high is None or len(args) <= high):
                return function(ctx, *args)
            return function(ctx, *bind_builtin_args(spec, args, kwargs))
    else:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not kwargs and low <= len(args) and (high is None or len(args) <= high):
                return function(*args)
            return function(*bind_builtin_args(spec, args, kwargs))

    return Closure(call, spec.name, "builtin", spec.params)


__all__ = ["ABSENT", "BuiltinSpec", "bind_builtin_args", "builtin", "builtin_closure", "call_builtin",
           "engine_builtin", "lumen_name", "params_of", "spec_from_plugin"]
