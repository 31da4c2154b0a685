"""Size checks in front of the yaql functions that can build huge values at once.

yaql checks the memory of each function's result only after building it, and
its check of ``list * count`` even lets any size through. The functions below
could allocate gigabytes or compute for minutes in one call (``pow(10, 10**10)``
is one C call no deadline can interrupt), so they are re-registered, all
overloads of each name, in a layer above the standard library with a check that
runs first. The rest stay as yaql defines them: their results can only grow step
by step, and the memory quota stops them after one step too far.
"""

import collections.abc
from typing import Any, Callable, Mapping

from yaql.language import contexts
from yaql.language import specs

from wfplatform.expressions import limits


def _check_repeat(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """``sequence * count``, ``count * sequence`` and ``number * number``."""
    if len(args) == 2:
        limits.check_product(*args)
    counts = [value for value in args if isinstance(value, int)]
    sized = [value for value in args if isinstance(value, (str, tuple, list))]
    if counts and sized and counts[0] > 0:
        if isinstance(sized[0], str):
            limits.check_length(len(sized[0]) * counts[0])
        else:
            limits.check_items(len(sized[0]) * counts[0])
    return args


def _check_join(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """``collection.join(separator)`` and ``separator.join(collection)``."""
    separator = next((value for value in args if isinstance(value, str)), '')
    index = next((position for position, value in enumerate(args)
                  if _is_collection(value)), None)
    if index is None:
        return args
    items = limits.bounded_list(args[index])
    limits.check_join(separator, items)
    return args[:index] + (items,) + args[index + 1:]


def _check_replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """``string.replace(old, new, count)`` and ``string.replace(mapping, count)``."""
    mappings = [value for value in args if isinstance(value, collections.abc.Mapping)]
    if mappings and isinstance(args[0], str):
        longest = max((limits.text_size(value) for value in mappings[0].values()),
                      default=0)
        limits.check_length(len(args[0]) * max(longest, 1))
    elif len(args) >= 3:
        limits.check_replace(args[0], args[1], args[2],
                             args[3] if len(args) > 3 else kwargs.get('count', -1))
    return args


def _check_power(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """``pow(base, exponent)``; with a modulus the result stays small."""
    modulus = args[2] if len(args) > 2 else kwargs.get('c')
    if modulus is None and len(args) >= 2:
        limits.check_power(args[0], args[1])
    return args


def _check_shift(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """``value.shiftBitsLeft(bits)``."""
    if len(args) == 2:
        limits.check_shift(args[0], args[1])
    return args


def _check_text(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """``str(value)`` and ``concat(…)``: the text of all arguments together."""
    limits.check_length(sum(limits.text_size(value) for value in args))
    return args


def _is_collection(value: Any) -> bool:
    return isinstance(value, collections.abc.Iterable) and not isinstance(
        value, (str, bytes, collections.abc.Mapping))


_Check = Callable[[tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]

_CHECKS: Mapping[str, _Check] = {
    '#operator_*': _check_repeat,
    'join': _check_join,
    'replace': _check_replace,
    'str': _check_text,
    'concat': _check_text,
    'pow': _check_power,
    'shiftBitsLeft': _check_shift,
}


def register(standard: contexts.ContextBase, layer: contexts.ContextBase) -> None:
    """Register in ``layer`` checked copies of ``standard`` 's risky functions."""
    for name, check in _CHECKS.items():
        for overloads in standard.collect_functions(name):
            for definition in overloads:
                layer.register_function(_guarded(definition, check))


def _guarded(definition: specs.FunctionDefinition,
             check: _Check) -> specs.FunctionDefinition:
    payload = definition.payload

    def guarded_payload(*args: Any, **kwargs: Any) -> Any:
        return payload(*check(args, kwargs), **kwargs)

    guarded = definition.clone()
    guarded.payload = guarded_payload
    return guarded
