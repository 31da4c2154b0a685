"""Ad-hoc actions: YAML-defined actions that call a base action.

An ad-hoc action takes its own ``input`` (with defaults), builds its base's input
from ``base-input`` (expressions over its input) and may transform the base's
result with ``output``. A base may be another ad-hoc action; the chain ends at
a system (plugin) action, which is what the executor runs. The action execution
keeps the ad-hoc name and input; the base and the ``output`` expressions ride
in its runtime context and are applied when the result comes back.
"""

import dataclasses
from typing import Any, Mapping

from sqlalchemy import orm

from wfplatform.db.repositories import action_definitions
from wfplatform import exceptions
from wfplatform import expressions
from wfplatform.lang import specs

MAX_DEPTH = 10
"""Longest chain of ad-hoc bases."""


class AdhocError(Exception):
    """The ad-hoc action cannot run; the message says why."""


@dataclasses.dataclass(frozen=True)
class Expanded:
    """The system action to run for an ad-hoc one."""

    action: str
    input: dict[str, Any]
    outputs: tuple[Any, ...]
    """``output`` expressions to apply to the result, innermost base first."""


def expand(session: orm.Session, name: str, action_input: Mapping[str, Any], *,
           namespace: str, project_id: str | None, system: set[str],
           workbook: str | None = None) -> Expanded | None:
    """The system action behind ``name``; None when ``name`` is not ad-hoc.

    ``system`` caches names known to be system actions, which never need a
    lookup again (the hot path: most tasks run system actions). A task of a
    workbook's workflow finds the workbook's actions by their short name.
    """
    if workbook and '.' not in name and name not in system and \
            _find(session, f'{workbook}.{name}', namespace, project_id):
        name = f'{workbook}.{name}'
    outputs: list[Any] = []
    current, current_input = name, dict(action_input)
    seen = []
    for _ in range(MAX_DEPTH + 1):
        if current in system:
            break
        definition = _find(session, current, namespace, project_id)
        if definition is None or definition['is_system']:
            if definition is not None:
                system.add(current)
            break
        seen.append(current)
        spec = specs.ActionSpec.from_dict(definition['spec'])
        current_input = _base_input(spec, current_input)
        if spec.output is not None:
            outputs.insert(0, spec.output)
        current = spec.base
        if current in seen:
            raise AdhocError(f'Ad-hoc action {name!r} has a cycle of bases: '
                             f'{" -> ".join(seen + [current])}')
    else:
        raise AdhocError(f'Ad-hoc action {name!r} has more than {MAX_DEPTH} '
                         'bases in a chain')
    if not seen:
        return None
    return Expanded(current, current_input, tuple(outputs))


def transform(outputs: tuple[Any, ...] | list[Any], result: Any) -> Any:
    """The base's result passed through each ``output`` (``$`` is the result)."""
    for output in outputs:
        try:
            result = expressions.evaluate(output, result)
        except expressions.ExpressionError as error:
            raise AdhocError(f'Failed to evaluate the output of an ad-hoc '
                             f'action: {error}') from None
    return result


def _base_input(spec: specs.ActionSpec,
                given: Mapping[str, Any]) -> dict[str, Any]:
    declared = {param.name for param in spec.input}
    unexpected = sorted(set(given) - declared)
    missing = [p.name for p in spec.input if not p.has_default and p.name not in given]
    if unexpected or missing:
        details = [f'missing={missing}'] if missing else []
        details += [f'unexpected={unexpected}'] if unexpected else []
        raise AdhocError(f'Invalid input [name={spec.name}, class=AdHocAction, '
                         f'{", ".join(details)}]')
    context = {p.name: p.default for p in spec.input if p.has_default}
    context.update(given)
    try:
        value = expressions.evaluate(spec.base_input or {}, context)
    except expressions.ExpressionError as error:
        raise AdhocError(f'Failed to evaluate base-input of ad-hoc action '
                         f'{spec.name!r}: {error}') from None
    if not isinstance(value, dict):
        raise AdhocError(f'base-input of ad-hoc action {spec.name!r} must be a '
                         f'mapping, got {value!r}')
    return value


def _find(session: orm.Session, name: str, namespace: str,
          project_id: str | None) -> dict[str, Any] | None:
    for candidate in dict.fromkeys((namespace, '')):
        try:
            return action_definitions.get(session, name, namespace=candidate,
                                          project_id=project_id)
        except exceptions.NotFound:
            continue
    return None
