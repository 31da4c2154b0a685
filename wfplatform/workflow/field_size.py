"""The size limit of stored execution data: ``[engine] execution_field_size_limit_kb``.

A workflow's input and parameters, an action's result and a task's published
data are stored as JSON; one too large would bloat every later load of the
execution. Mistral's check and wording: "Field size limit exceeded
[class=TaskExecution, field=published, size=2048KB, limit=1024KB]".

The size is the value's JSON text, measured once and only when the value
could be too large: ``None``, booleans and numbers never are, and a string
is measured only when its length could exceed the limit once escaped.

The limit is set once at service start with :func:`configure`, like the
expression time limit (:mod:`wfplatform.expressions.limits`); the default is
Mistral's, 1024 KiB.
"""

import math
from typing import Any

from oslo_serialization import jsonutils

DEFAULT_LIMIT_KB = 1024
UNLIMITED = -1

_MAX_BYTES_PER_CHARACTER = 6
"""The longest JSON escape of one character (``\\uXXXX``, ASCII output)."""

_settings = {'limit_kb': DEFAULT_LIMIT_KB}


class FieldSizeExceeded(ValueError):
    """A value larger than the limit; the message is Mistral's."""


def configure(limit_kb: int) -> None:
    """Set the limit in KiB; -1 (:data:`UNLIMITED`) turns the check off."""
    if limit_kb < UNLIMITED:
        raise ValueError(f'limit_kb must be -1 or more, not {limit_kb}')
    _settings['limit_kb'] = limit_kb


def limit_kb() -> int:
    return _settings['limit_kb']


def problem(kind: str, field: str, value: Any) -> str | None:
    """Why ``value`` may not be stored as ``kind``'s ``field``; None if it may."""
    limit = _settings['limit_kb']
    if limit == UNLIMITED or value is None or isinstance(value, (bool, int, float)):
        return None
    limit_bytes = limit * 1024
    if (isinstance(value, str)
            and len(value) * _MAX_BYTES_PER_CHARACTER + 2 <= limit_bytes):
        return None
    size = len(jsonutils.dump_as_bytes(value))
    if size <= limit_bytes:
        return None
    return (f'Field size limit exceeded [class={kind}, field={field}, '
            f'size={math.ceil(size / 1024)}KB, limit={limit}KB]')


def check(kind: str, field: str, value: Any) -> None:
    """Raise :class:`FieldSizeExceeded` if ``value`` is too large."""
    message = problem(kind, field, value)
    if message is not None:
        raise FieldSizeExceeded(message)
