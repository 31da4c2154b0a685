"""Tasks: keys, their checks and the resulting TaskSpec.

Each key has a parser in :data:`_FIELDS` that checks its value and returns the
TaskSpec fields it sets. Clauses and ``join`` belong to direct workflows and
``requires`` to reverse ones (:func:`transitions.misplaced`); policies are
parsed by :mod:`policies`, as in ``task-defaults``, which are merged in last.
"""

import dataclasses
import re
from typing import Any, Callable, Collection, Mapping

import yaml

from wfplatform.expressions import safe_yaml
from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import fields as common_fields
from wfplatform.lang import inline
from wfplatform.lang import policies
from wfplatform.lang import specs
from wfplatform.lang import task_defaults
from wfplatform.lang import transitions

DEFAULT_ACTION = 'std.noop'
"""The action of a task that names neither an action nor a workflow (Mistral's)."""

_WITH_ITEMS = re.compile(r'\s*(?P<var>\S+)\s+in\s+(?P<source>.*?)\s*', re.S)
_VARIABLE = re.compile(r'[A-Za-z_][\w-]*')
_WITH_ITEMS_FORM = "'var in <% $.list %>' or 'var in [1, 2]'"

_CLAUSE_PUBLISH = {
    'on-success': 'publish',
    'on-error': 'publish_on_error',
    'on-skip': 'publish_on_skip',
    'on-complete': 'publish_on_complete',
}
"""Clause key → the Publish field its ``publish`` adds to."""


@dataclasses.dataclass(frozen=True)
class TaskScope:
    """What a task's parsers need besides its own data."""

    path: errors.Path
    task_names: Collection[str]
    log: errors.ErrorLog
    workflow_type: str = 'direct'
    defaults: task_defaults.TaskDefaults = task_defaults.TaskDefaults()

    @property
    def name(self) -> Any:
        return self.path[-1]


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
    allowed = sorted(key for key in _FIELDS
                     if transitions.misplaced(key, scope.workflow_type) is None)
    for key, value in data.items():
        problem = (transitions.misplaced(key, scope.workflow_type) if key in _FIELDS
                   else checks.unknown_key(key, allowed))
        if problem is None:
            fields.update(_FIELDS[key](value, scope.path + (key,), scope))
        else:
            scope.log.add(scope.path + (key,), problem)
    _resolve_target(data, fields, scope)
    _settle_clauses(data, fields, scope)
    scope.defaults.apply(name, fields)
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


def _settle_clauses(data: Mapping[str, Any], fields: Fields,
                    scope: TaskScope) -> None:
    """Clauses to transitions; the publish of each joins the task's publish fields.

    ``publish`` and ``on-success.publish`` both set what the task publishes on
    success (likewise on error and on skip); as in Mistral, both count, the
    clause's value winning for a variable named in both.
    """
    for key, publish_field in _CLAUSE_PUBLISH.items():
        field = transitions.CLAUSES[key]
        clause = fields.get(field)
        if not isinstance(clause, transitions.Clause):
            continue
        fields[field] = clause.transitions
        if not clause.publish:
            continue
        plain = fields.get(publish_field) or specs.Publish()
        fields[publish_field] = specs.Publish(
            branch={**plain.branch, **clause.publish.branch},
            global_vars={**plain.global_vars, **clause.publish.global_vars},
            atomic={**plain.atomic, **clause.publish.atomic})


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
    """Parser of ``publish``/``publish-on-error``/``publish-on-skip``."""
    def parse(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
        if not checks.is_variables(value, path, scope.log):
            return {}
        return {field: specs.Publish(branch=value)}
    return parse


def _clause(field: str) -> _FieldParser:
    """Parser of a clause; :func:`_settle_clauses` unpacks the Clause it sets."""
    def parse(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
        return {field: transitions.parse_clause(value, path, scope.task_names,
                                                scope.log)}
    return parse


def _parse_requires(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    required = transitions.parse_requires(value, path, scope.task_names, scope.log)
    if scope.name not in required:
        return {'requires': required}
    place = path + (value.index(scope.name),) if isinstance(value, list) else path
    scope.log.add(place, 'a task cannot require itself')
    return {'requires': tuple(name for name in required if name != scope.name)}


def _parse_join(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    if value in ('all', 'one') or (
            isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return {'join': value}
    scope.log.add(path, "must be 'all', 'one' or a positive integer, not "
                        f'{checks.describe(value)}')
    return {}


def _parse_with_items(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    """``var in <source>``, or a list of them iterated together (zipped)."""
    if isinstance(value, list):
        if not value:
            scope.log.add(path, f'must list at least one {_WITH_ITEMS_FORM}')
        items = [(item, path + (index,)) for index, item in enumerate(value)]
    else:
        items = [(value, path)]
    parsed: list[specs.WithItems] = []
    for item, item_path in items:
        with_items = _with_items(item, item_path, scope.log)
        if with_items is None:
            continue
        if any(with_items.var == other.var for other in parsed):
            scope.log.add(item_path, f"variable '{with_items.var}' is iterated "
                                     'twice')
            continue
        parsed.append(with_items)
    return {'with_items': tuple(parsed)}


def _with_items(item: Any, path: errors.Path,
                log: errors.ErrorLog) -> specs.WithItems | None:
    match = _WITH_ITEMS.fullmatch(item) if isinstance(item, str) else None
    if match is None:
        log.add(path, f'must be {_WITH_ITEMS_FORM}, not {checks.describe(item)}')
        return None
    var, source = match.group('var', 'source')
    if not _VARIABLE.fullmatch(var):
        log.add(path, f"'{var}' is not a valid variable name: it starts with a "
                      'letter or _ and holds letters, digits, _ and -')
        return None
    if source.startswith('[') and not checks.is_expression(source):
        return _literal_items(var, source, path, log)
    if not checks.is_expression(source):
        log.add(path, f"the items after 'in' must be an expression or a list in "
                      f"brackets, not '{source}'")
        return None
    checks.check_expressions(source, path, log)
    return specs.WithItems(var, source)


def _literal_items(var: str, source: str, path: errors.Path,
                   log: errors.ErrorLog) -> specs.WithItems | None:
    try:
        items = safe_yaml.load(source)
    except yaml.YAMLError as error:
        problem = getattr(error, 'problem', None) or 'cannot be parsed'
        log.add(path, f"the list after 'in' is not valid: {problem}")
        return None
    if not isinstance(items, list):
        log.add(path, f"the items after 'in' must be a list, not "
                      f'{checks.describe(items)}')
        return None
    checks.check_expressions(items, path, log)
    return specs.WithItems(var, items)


def _parse_target(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    if not checks.is_text(value, path, scope.log):
        return {}
    checks.check_expressions(value, path, scope.log)
    return {'target': value}


def _parse_tags(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    tags = common_fields.parse_tags(value, path, scope.log)
    return {} if tags is None else {'tags': tags}


def _parse_description(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
    return {'description': value} if checks.is_text(value, path, scope.log) else {}


def _policy(parser: policies.PolicyParser) -> _FieldParser:
    def parse(value: Any, path: errors.Path, scope: TaskScope) -> Fields:
        return parser(value, path, scope.log)
    return parse


_FIELDS: Mapping[str, _FieldParser] = {
    'action': _command('action'),
    'workflow': _command('workflow'),
    'input': _parse_input,
    'publish': _variables('publish'),
    'publish-on-error': _variables('publish_on_error'),
    'publish-on-skip': _variables('publish_on_skip'),
    **{key: _clause(field) for key, field in transitions.CLAUSES.items()},
    'join': _parse_join,
    'requires': _parse_requires,
    'with-items': _parse_with_items,
    'target': _parse_target,
    'description': _parse_description,
    'tags': _parse_tags,
    **{key: _policy(parser) for key, parser in policies.FIELDS.items()},
}
