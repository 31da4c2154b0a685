"""Resource limits for expressions and the conversion of results to plain data.

Expressions come from workflow authors and data from anywhere, so one evaluation
must not be able to exhaust the memory or the time of an engine shared by every
tenant. The size limits are module constants: the evaluators are built once per
process and must not change behaviour at run time. The time limit is read at the
start of each evaluation; the service sets it once at start-up with
:func:`configure`.

Sizes are measured as text because results end up as JSON: a list that holds the
same long string a thousand times is small in memory but huge once serialised.
"""

import collections.abc
import dataclasses
import functools
import itertools
import time
from typing import Any, Callable, TypeVar

MAX_ITEMS = 100_000
"""Items one collection may hold while an expression runs (yaql limitIterators)."""

MAX_MEMORY_BYTES = 16 * 1024 * 1024
"""Bytes one intermediate yaql value may take (yaql memoryQuota)."""

MAX_TEXT_LENGTH = 16 * 1024 * 1024
"""Characters of any text an expression builds, and of any result as JSON."""

MAX_CACHED_TEXT_LENGTH = 4096
"""Longest text whose parsed form is cached; longer ones are parsed every time."""

MAX_INTEGER_BITS = 64 * 1024
"""Bits an integer built by a power, a product or a shift may have.

A single multiplication or power of huge integers runs in C for minutes and no
deadline check can interrupt it, so the operands are checked before.
"""

DEFAULT_MAX_SECONDS = 5.0
"""Seconds one call of ``evaluate()`` may run, unless :func:`configure` changes it."""

_SCALAR_TEXT_LENGTH = 24
"""What a number, a boolean or another scalar counts for in a size estimate."""

_settings = {'max_seconds': DEFAULT_MAX_SECONDS}


class LimitExceeded(ValueError):
    """An expression tried to build a value beyond one of the limits."""


class TimeLimitExceeded(LimitExceeded):
    """An evaluation ran past its :class:`Deadline`."""


def configure(max_seconds: float | None = None) -> None:
    """Set the time limit of the evaluations that start from now on.

    Meant to be called once when a service starts (from its configuration);
    evaluations already running keep the deadline they started with.
    """
    if max_seconds is not None:
        if max_seconds <= 0:
            raise ValueError(f'max_seconds must be positive, not {max_seconds}')
        _settings['max_seconds'] = float(max_seconds)


def max_seconds() -> float:
    """The time limit evaluations starting now get."""
    return _settings['max_seconds']


@dataclasses.dataclass(frozen=True, slots=True)
class Deadline:
    """When one evaluation must stop; checked by the evaluators' loop hooks.

    The hooks run on the evaluating thread, between steps of yaql and Jinja2, so
    the bound needs no timer thread and no signal and works in any thread. A
    single step that runs long in C (a regular expression, say) is not
    interrupted; the size limits keep the other such steps short.
    """

    seconds: float
    at: float

    @classmethod
    def start(cls, seconds: float | None = None) -> 'Deadline':
        """A deadline ``seconds`` (default :func:`max_seconds`) from now."""
        seconds = max_seconds() if seconds is None else seconds
        return cls(seconds, time.monotonic() + seconds)

    def check(self) -> None:
        """Raise :class:`TimeLimitExceeded` once the deadline has passed."""
        if time.monotonic() > self.at:
            raise TimeLimitExceeded(
                f'evaluation exceeded the time limit of {self.seconds:g} s')


_Result = TypeVar('_Result')


def cache_small_texts(maxsize: int) -> Callable[[Callable[[str], _Result]],
                                                Callable[[str], _Result]]:
    """``functools.lru_cache`` for functions of one text, skipping long texts.

    Expressions repeat, so parsing them once pays; but data strings can be
    megabytes long and a cache keyed by them would keep them all alive.
    """
    def decorate(function: Callable[[str], _Result]) -> Callable[[str], _Result]:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def lookup(text: str) -> _Result:
            if len(text) > MAX_CACHED_TEXT_LENGTH:
                return function(text)
            return cached(text)
        return lookup
    return decorate


def check_length(length: int) -> None:
    """Raise if a text of ``length`` characters would exceed the limit."""
    if length > MAX_TEXT_LENGTH:
        raise LimitExceeded(f'text of {length} characters exceeds the limit of '
                            f'{MAX_TEXT_LENGTH}')


def check_items(count: int) -> None:
    """Raise if a collection of ``count`` items would exceed the limit."""
    if count > MAX_ITEMS:
        raise LimitExceeded(f'collection of {count} items exceeds the limit of '
                            f'{MAX_ITEMS}')


def check_size(value: Any) -> Any:
    """Return ``value`` unchanged, or raise if it is a too large text or collection."""
    if isinstance(value, str):
        check_length(len(value))
    elif isinstance(value, collections.abc.Collection) and not isinstance(
            value, bytes):
        check_items(len(value))
    return value


def check_product(left: Any, right: Any) -> None:
    """Raise if ``left * right`` of two integers would be too large."""
    if _is_integer(left) and _is_integer(right):
        _check_bits(left.bit_length() + right.bit_length())


def check_power(base: Any, exponent: Any) -> None:
    """Raise if ``base ** exponent`` of two integers would be too large."""
    if _is_integer(base) and _is_integer(exponent) and abs(base) > 1:
        _check_bits(base.bit_length() * exponent)


def check_shift(value: Any, bits: Any) -> None:
    """Raise if ``value << bits`` would be too large."""
    if _is_integer(value) and _is_integer(bits) and value:
        _check_bits(value.bit_length() + bits)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_bits(bits: int) -> None:
    if bits > MAX_INTEGER_BITS:
        raise LimitExceeded(f'integer of {bits} bits exceeds the limit of '
                            f'{MAX_INTEGER_BITS}')


def check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    """Raise if ``text.replace(old, new, count)`` would be too long."""
    if not all(isinstance(value, str) for value in (text, old, new)):
        return
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    check_length(len(text) + found * max(len(new) - len(old), 0))


def check_join(separator: str, items: list[Any]) -> None:
    """Raise if ``separator.join(items)`` would be too long."""
    check_length(len(separator) * len(items) + sum(text_size(item) for item in items))


def bounded_list(items: Any) -> list[Any]:
    """``list(items)``, refusing more than :data:`MAX_ITEMS` before reading them all."""
    if isinstance(items, collections.abc.Mapping):
        items = list(items)
    bounded = list(itertools.islice(items, MAX_ITEMS + 1))
    check_items(len(bounded))
    return bounded


def text_size(value: Any) -> int:
    """An upper estimate of ``len(str(value))``; raises once it passes the limit.

    The walk stops as soon as the estimate is too large, so it is cheap even for
    values built to be enormous.
    """
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, collections.abc.Mapping):
            total += 2 + 4 * len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            pending.extend(item)
        else:
            total += _SCALAR_TEXT_LENGTH
        check_length(total)
    return total


def to_plain(value: Any) -> Any:
    """Convert an evaluator's result to JSON-like data: dicts, lists and scalars.

    yaql returns frozen dicts and tuples, Jinja2 generators and markup strings;
    callers store results as JSON, so they get ``dict``, ``list`` and ``str``.
    Other objects (a yaql datetime, a Python method) become their ``str()``.
    The result's size as text is bounded (see :func:`text_size`).
    """
    budget = [MAX_TEXT_LENGTH]
    return _convert(value, budget)


def _convert(value: Any, budget: list[int]) -> Any:
    if isinstance(value, str):
        _charge(budget, len(value) + 2)
        return str(value)
    _charge(budget, _SCALAR_TEXT_LENGTH)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {str(key) if isinstance(key, str) else key: _convert(item, budget)
                for key, item in value.items()}
    if isinstance(value, collections.abc.Iterable) and not isinstance(value, bytes):
        return [_convert(item, budget) for item in value]
    text = str(value)
    _charge(budget, len(text))
    return text


def _charge(budget: list[int], amount: int) -> None:
    budget[0] -= amount
    if budget[0] < 0:
        raise LimitExceeded(f'result is larger than {MAX_TEXT_LENGTH} characters '
                            'as text')
