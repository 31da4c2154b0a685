"""Small value checks that several parts of a definition share.

Each check reports to the :class:`ErrorLog` and returns whether the value is
usable, so callers can skip building from a bad value and still carry on.
"""

import difflib
import re
from typing import Any, Collection, Mapping, Sequence

from wfplatform import expressions
from wfplatform.lang import errors

MAX_NAME_LENGTH = 255
"""Longest workflow or task name (the database columns hold 255 characters)."""

_FORBIDDEN_IN_NAMES = re.compile(r'[\s=()]')


def is_text(value: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    if isinstance(value, str) and value:
        return True
    log.add(path, f'must be a non-empty string, not {describe(value)}')
    return False


def is_mapping(value: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    if isinstance(value, dict):
        return True
    log.add(path, f'must be a mapping, not {describe(value)}')
    return False


def is_name(name: Any, kind: str, path: errors.Path, log: errors.ErrorLog) -> bool:
    """Names are strings without whitespace, '=' or parentheses.

    Those characters would make ``name key=value`` and ``name(key=value)``
    ambiguous wherever the name is referenced.
    """
    if not isinstance(name, str) or not name:
        log.add(path, f'{kind} name must be a non-empty string, not '
                      f'{describe(name)} (quote it in YAML)')
        return False
    if _FORBIDDEN_IN_NAMES.search(name):
        log.add(path, f"{kind} name '{name}' must not contain whitespace, '=' or "
                      'parentheses')
        return False
    if len(name) > MAX_NAME_LENGTH:
        log.add(path, f'{kind} name is longer than {MAX_NAME_LENGTH} characters')
        return False
    return True


def is_variables(value: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    """A mapping of variable names to values or expressions, as ``publish`` is."""
    if not is_mapping(value, path, log):
        return False
    valid = all([is_name(name, 'variable', path + (name,), log) for name in value])
    check_expressions(value, path, log)
    return valid


def check_expressions(value: Any, path: errors.Path, log: errors.ErrorLog) -> None:
    """Report the syntax errors of every expression in ``value``, walking into it."""
    if isinstance(value, str):
        for problem in expressions.validate(value):
            log.add(path, problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_expressions(item, path + (key,), log)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_expressions(item, path + (index,), log)


def is_expression(value: Any) -> bool:
    """True for a string that holds an expression."""
    return isinstance(value, str) and expressions.has_expression(value)


def unknown_key(key: Any, allowed: Collection[str],
                not_yet: Collection[str] = ()) -> str:
    """The message for a key that is not in ``allowed``."""
    if key in not_yet:
        return f"'{key}' is not supported yet"
    return (f"unknown key '{key}'{did_you_mean(key, allowed)}; allowed keys are: "
            f"{', '.join(sorted(allowed))}")


def did_you_mean(word: Any, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for a close match among ``choices``, else ''."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ''


def describe(value: Any) -> str:
    """How a wrong value shows in a message: its YAML kind, and short text."""
    if value is None:
        return 'null (nothing)'
    kinds = {bool: 'boolean', int: 'number', float: 'number', str: 'string',
             list: 'list', dict: 'mapping'}
    kind = kinds.get(type(value), type(value).__name__)
    if isinstance(value, (list, dict)):
        return f'a {kind}'
    text = str(value)
    shown = text if len(text) <= 40 else text[:37] + '...'
    return f"{kind} '{shown}'"


def find_cycles(edges: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """Cycles of the directed graph ``edges`` (node → the nodes it points to).

    At least one cycle is found through every group of nodes that reach each
    other, each cycle once, starting at its node listed first in ``edges``.
    Edges to nodes not in ``edges`` are ignored. Iterative, so a long chain of
    tasks cannot exhaust Python's recursion limit.
    """
    order = {node: index for index, node in enumerate(edges)}
    finished: set[str] = set()
    cycles: list[tuple[str, ...]] = []
    for root in edges:
        if root in finished:
            continue
        trail = [root]
        pending = [iter(edges[root])]
        while pending:
            successor = next(pending[-1], None)
            if successor is None:
                finished.add(trail.pop())
                pending.pop()
            elif successor in trail:
                cycle = trail[trail.index(successor):]
                start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                rotated = tuple(cycle[start:] + cycle[:start])
                if rotated not in cycles:
                    cycles.append(rotated)
            elif successor in edges and successor not in finished:
                trail.append(successor)
                pending.append(iter(edges[successor]))
    return cycles
