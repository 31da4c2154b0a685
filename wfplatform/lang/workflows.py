"""One workflow of a definition: its keys, its tasks and whole-graph checks.

Like tasks, workflow keys are parsed through a table (:data:`_FIELDS`); keys of
Mistral v2 this version does not implement yet are refused by name. After the
tasks are built the graph is checked: a direct workflow needs a start task, and a
``join`` task needs enough tasks leading to it.
"""

from typing import Any, Callable, Mapping
import uuid

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import specs
from wfplatform.lang import tasks

NOT_SUPPORTED_YET = frozenset({'task-defaults'})
"""Mistral workflow keys a later version will implement."""

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
_FieldParser = Callable[[Any, errors.Path, errors.ErrorLog], Fields]


def parse_workflow(name: Any, data: Any, path: errors.Path,
                   log: errors.ErrorLog) -> specs.WorkflowSpec | None:
    """The spec of workflow ``name``, or None if it cannot be built; reports all."""
    valid_name = _is_workflow_name(name, path, log)
    if not checks.is_mapping(data, path, log):
        return None
    fields: Fields = {}
    for key, value in data.items():
        parser = _FIELDS.get(key)
        if parser is None:
            log.add(path + (key,), checks.unknown_key(key, _FIELDS, NOT_SUPPORTED_YET))
        else:
            fields.update(parser(value, path + (key,), log))
    if 'tasks' not in data:
        log.add(path, "'tasks' is required")
    if not valid_name or 'tasks' not in fields:
        return None
    workflow = specs.WorkflowSpec(name=name, **fields)
    _check_graph(workflow, path, log)
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


def _parse_tasks(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not checks.is_mapping(value, path, log):
        return {}
    if not value:
        log.add(path, 'workflow must have at least one task')
        return {}
    names = [name for name in value if isinstance(name, str)]
    built = {}
    for name, data in value.items():
        task_path = path + (name,)
        if not _is_task_name(name, task_path, log):
            continue
        task = tasks.parse_task(name, data, tasks.TaskScope(task_path, names, log))
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


def _check_graph(workflow: specs.WorkflowSpec, path: errors.Path,
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


def _check_version(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not is_supported_version(value):
        log.add(path, f"must be '2.0', not {checks.describe(value)}")
    return {}


def _parse_type(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if value == 'direct':
        return {'type': value}
    if value == 'reverse':
        log.add(path, "'type: reverse' is not supported yet")
    else:
        log.add(path, f"must be 'direct' or 'reverse', not {checks.describe(value)}")
    return {}


def _parse_description(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    return {'description': value} if checks.is_text(value, path, log) else {}


def _parse_tags(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not isinstance(value, list):
        log.add(path, f'must be a list of strings, not {checks.describe(value)}')
        return {}
    valid = all([checks.is_text(tag, path + (index,), log)
                 for index, tag in enumerate(value)])
    if valid and len(set(value)) != len(value):
        log.add(path, 'tags must be unique')
        return {}
    return {'tags': tuple(value)} if valid else {}


def _parse_input(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not isinstance(value, list):
        log.add(path, 'must be a list of names or one-key mappings {name: '
                      f'default}}, not {checks.describe(value)}')
        return {}
    params: list[specs.InputParam] = []
    for index, item in enumerate(value):
        param = _input_param(item, path + (index,), log)
        if param is None:
            continue
        if any(param.name == other.name for other in params):
            log.add(path + (index,), f"input '{param.name}' is declared twice")
            continue
        params.append(param)
    return {'input': tuple(params)}


def _input_param(item: Any, path: errors.Path,
                 log: errors.ErrorLog) -> specs.InputParam | None:
    if isinstance(item, dict):
        if len(item) != 1:
            log.add(path, 'an input with a default must be a mapping with one key, '
                          f'not {len(item)} keys')
            return None
        ((name, default),) = item.items()
        if checks.is_name(name, 'input', path, log):
            return specs.InputParam(name, True, default)
        return None
    if checks.is_name(item, 'input', path, log):
        return specs.InputParam(item)
    return None


def _data(field: str, mapping_only: bool) -> _FieldParser:
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


_FIELDS: Mapping[str, _FieldParser] = {
    'version': _check_version,
    'type': _parse_type,
    'description': _parse_description,
    'tags': _parse_tags,
    'input': _parse_input,
    'output': _data('output', mapping_only=False),
    'output-on-error': _data('output_on_error', mapping_only=False),
    'vars': _data('vars', mapping_only=True),
    'tasks': _parse_tasks,
}
