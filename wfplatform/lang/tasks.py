"""Tasks of a direct workflow: keys, their checks and the resulting TaskSpec.

Each supported key has a parser in :data:`_FIELDS` that checks its value and
returns the TaskSpec fields it sets; supporting a new key means adding a parser
and taking the key out of :data:`NOT_SUPPORTED_YET`.
"""

import dataclasses
from typing import Any, Callable, Collection, Mapping

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import inline
from wfplatform.lang import specs
from wfplatform.lang import transitions

DEFAULT_ACTION = 'std.noop'
"""The action of a task that names neither an action nor a workflow (Mistral's)."""

NOT_SUPPORTED_YET = frozenset({
    'with-items', 'concurrency', 'retry', 'wait-before', 'wait-after', 'timeout',
    'pause-before', 'fail-on', 'keep-result', 'safe-rerun', 'target', 'requires',
    'on-skip', 'publish-on-skip', 'tags',
})
"""Mistral task keys a later version will implement; refused with a clear error."""


@dataclasses.dataclass(frozen=True)
class TaskScope:
    """What a task's parsers need besides its own data."""

    path: errors.Path
    task_names: Collection[str]
    log: errors.ErrorLog


Fields = dict[str, Any]
_FieldParser = Callable[[Any, errors.Path, TaskScope], Fields]


def parse_task(name: str, data: Any, scope: TaskScope) -> specs.TaskSpec | None:
    """The spec of task ``name``, or None when its definition is too broken to use.

    Problems are reported to ``scope.log``; a task with errors in some keys is
    still returned so later checks (transitions, joins) can run over it.
    """
    if not checks.is_mapping(data, scope.path, scope.log):
        return None
    fields: Fields = {}
    for key, value in data.items():
        parser = _FIELDS.get(key)
        if parser is None:
            scope.log.add(scope.path + (key,),
                          checks.unknown_key(key, _FIELDS, NOT_SUPPORTED_YET))
        else:
            fields.update(parser(value, scope.path + (key,), scope))
    _resolve_target(data, fields, scope)
    return specs.TaskSpec(name=name, **fields)


def _resolve_target(data: Mapping[str, Any], fields: Fields, scope: TaskScope) -> None:
    """Default to std.noop, refuse both action and workflow, merge inline input."""
    if 'action' in data and 'workflow' in data:
        scope.log.add(scope.path + ('action',), "task must have either 'action' "
                                                "or 'workflow', not both")
    if 'action' not in data and 'workflow' not in data:
        fields['action'] = DEFAULT_ACTION
    inline_input = fields.pop('inline_input', {})
    if not inline_input:
        return
    explicit = fields.get('input', {})
    if isinstance(explicit, dict):
        fields['input'] = {**inline_input, **explicit}
    else:
        scope.log.add(scope.path + ('input',), 'an expression input cannot be '
                                               'combined with inline parameters')


def _command(kind: str) -> _FieldParser:
    """Parser of ``action``/``workflow``: a name and optional inline input."""
    def parse(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
        if not checks.is_text(value, path, scope.log):
            return {}
        try:
            command = inline.parse_command(value)
        except inline.InlineSyntaxError as error:
            scope.log.add(path, f'invalid inline parameters: {error}')
            return {}
        checks.check_expressions(command.name, path, scope.log)
        checks.check_expressions(command.params, path, scope.log)
        return {kind: command.name, 'inline_input': command.params}
    return parse


def _parse_input(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    if not (isinstance(value, dict) or checks.is_expression(value)):
        scope.log.add(path, 'must be a mapping or an expression, not '
                            f'{checks.describe(value)}')
        return {}
    checks.check_expressions(value, path, scope.log)
    return {'input': value}


def _variables(field: str) -> _FieldParser:
    """Parser of ``publish``/``publish-on-error``: variable names to values."""
    def parse(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
        if not checks.is_mapping(value, path, scope.log):
            return {}
        for name in value:
            checks.is_name(name, 'variable', path + (name,), scope.log)
        checks.check_expressions(value, path, scope.log)
        return {field: specs.Publish(branch=value)}
    return parse


def _clause(field: str) -> _FieldParser:
    def parse(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
        return {field: transitions.parse_clause(value, path, scope.task_names,
                                                scope.log)}
    return parse


def _parse_join(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    if value in ('all', 'one') or (
            isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return {'join': value}
    scope.log.add(path, "must be 'all', 'one' or a positive integer, not "
                        f'{checks.describe(value)}')
    return {}


def _parse_description(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    return {'description': value} if checks.is_text(value, path, scope.log) else {}


_FIELDS: Mapping[str, _FieldParser] = {
    'action': _command('action'),
    'workflow': _command('workflow'),
    'input': _parse_input,
    'publish': _variables('publish'),
    'publish-on-error': _variables('publish_on_error'),
    'on-success': _clause('on_success'),
    'on-error': _clause('on_error'),
    'on-complete': _clause('on_complete'),
    'join': _parse_join,
    'description': _parse_description,
}
