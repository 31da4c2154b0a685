"""One workflow of a definition: its keys, its tasks and whole-graph checks.

Like tasks, workflow keys are parsed through a table (:data:`_FIELDS`), then
``task-defaults`` and the tasks, which depend on the workflow's ``type``. After
the tasks are built the graph is checked. A direct workflow needs a start task,
and a ``join`` task needs enough tasks leading to it (transitions inherited from
``task-defaults`` count). In a reverse workflow the tasks must not require each
other in a cycle.
"""

from typing import Any, Mapping
import uuid

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import fields
from wfplatform.lang import specs
from wfplatform.lang import task_defaults
from wfplatform.lang import tasks

SUPPORTED_VERSION = 2.0


def is_supported_version(value: Any) -> bool:
    """Mistral takes any version that reads as the number 2.0: '2.0', 2.0, 2."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    try:
        return float(value) == SUPPORTED_VERSION
    except ValueError:
        return False


Fields = dict[str, Any]

TYPES = ('direct', 'reverse')

_TASK_KEYS = ('tasks', 'task-defaults')
"""Keys parsed after the others: how tasks parse depends on the workflow type."""


def parse_workflow(name: Any, data: Any, path: errors.Path,
                   log: errors.ErrorLog) -> specs.WorkflowSpec | None:
    """The spec of workflow ``name``, or None if it cannot be built; reports all."""
    valid_name = _is_workflow_name(name, path, log)
    if not checks.is_mapping(data, path, log):
        return None
    values: Fields = {}
    for key, value in data.items():
        parser = _FIELDS.get(key)
        if parser is not None:
            values.update(parser(value, path + (key,), log))
        elif key not in _TASK_KEYS:
            log.add(path + (key,), checks.unknown_key(key, [*_FIELDS, *_TASK_KEYS]))
    if 'tasks' not in data:
        log.add(path, "'tasks' is required")
    else:
        values.update(_parse_tasks(data, path, values.get('type', 'direct'), log))
    if not valid_name or 'tasks' not in values:
        return None
    workflow = specs.WorkflowSpec(name=name, **values)
    if workflow.type == 'reverse':
        _check_requirements(workflow, path, log)
    else:
        _check_transitions(workflow, path, log)
    return workflow


def _is_workflow_name(name: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    if not checks.is_name(name, 'workflow', path, log):
        return False
    try:
        uuid.UUID(name)
    except ValueError:
        return True
    log.add(path, 'workflow name must not look like a UUID; UUIDs identify '
                  'workflows by id')
    return False


def _parse_tasks(data: Mapping[str, Any], path: errors.Path, workflow_type: str,
                 log: errors.ErrorLog) -> Fields:
    """The tasks, with the workflow's ``task-defaults`` merged into each."""
    value = data['tasks']
    if not checks.is_mapping(value, path + ('tasks',), log):
        return {}
    if not value:
        log.add(path + ('tasks',), 'workflow must have at least one task')
        return {}
    names = [name for name in value if isinstance(name, str)]
    defaults = task_defaults.TaskDefaults()
    if 'task-defaults' in data:
        defaults = task_defaults.parse_task_defaults(
            data['task-defaults'], path + ('task-defaults',), workflow_type, names,
            log)
    built = {}
    for name, task_data in value.items():
        task_path = path + ('tasks', name)
        if not _is_task_name(name, task_path, log):
            continue
        scope = tasks.TaskScope(task_path, names, log, workflow_type, defaults)
        task = tasks.parse_task(name, task_data, scope)
        if task is not None:
            built[name] = task
    return {'tasks': built}


def _is_task_name(name: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    if not checks.is_name(name, 'task', path, log):
        return False
    if name in specs.ENGINE_COMMANDS:
        log.add(path, f"'{name}' is an engine command and cannot name a task")
        return False
    return True


def _check_transitions(workflow: specs.WorkflowSpec, path: errors.Path,
                       log: errors.ErrorLog) -> None:
    if workflow.tasks and not workflow.start_task_names():
        log.add(path + ('tasks',), 'no task to start with: every task is the '
                                   'target of a transition')
    for task in workflow.tasks.values():
        if task.join is None:
            continue
        required = 1 if task.join in ('all', 'one') else task.join
        inbound = sum(1 for other in workflow.tasks.values()
                      if any(t.target == task.name for t in other.transitions))
        if inbound < int(required):
            log.add(path + ('tasks', task.name, 'join'),
                    f'join needs {required} task(s) leading here, but {inbound} '
                    'do')


def _check_requirements(workflow: specs.WorkflowSpec, path: errors.Path,
                        log: errors.ErrorLog) -> None:
    requirements = {task.name: task.requires for task in workflow.tasks.values()}
    for cycle in checks.find_cycles(requirements):
        steps = ' -> '.join(cycle + cycle[:1])
        log.add(path + ('tasks', cycle[0], 'requires'),
                f'tasks require each other in a cycle: {steps} (each requires '
                'the next), so none of them can ever run')


def _check_version(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not is_supported_version(value):
        log.add(path, f"must be '2.0', not {checks.describe(value)}")
    return {}


def _parse_type(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if isinstance(value, str) and value in TYPES:
        return {'type': value}
    log.add(path, f"must be 'direct' or 'reverse', not {checks.describe(value)}")
    return {}


def _data(field: str, mapping_only: bool) -> fields.FieldParser:
    """Parser of data keys (``vars``, ``output``…) whose values may be expressions."""
    def parse(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
        if not isinstance(value, dict) and (mapping_only
                                            or not checks.is_expression(value)):
            expected = 'a mapping' if mapping_only else 'a mapping or an expression'
            log.add(path, f'must be {expected}, not {checks.describe(value)}')
            return {}
        checks.check_expressions(value, path, log)
        return {field: value}
    return parse


_FIELDS: Mapping[str, fields.FieldParser] = {
    'version': _check_version,
    'type': _parse_type,
    'description': fields.setting('description', fields.parse_description),
    'tags': fields.setting('tags', fields.parse_tags),
    'input': fields.setting('input', fields.parse_input),
    'output': _data('output', mapping_only=False),
    'output-on-error': _data('output_on_error', mapping_only=False),
    'vars': _data('vars', mapping_only=True),
}
