"""Functions that YAQL and Jinja2 expressions share, independent of either engine.

Each evaluator wraps these in its own calling convention (a yaql function
definition, a Jinja2 global and filter) so both languages behave the same. Names
and results follow Mistral's ``mistral.expression.functions`` entry points.
"""

import json
from typing import Any, Mapping
import uuid

from wfplatform.expressions import limits
from wfplatform.expressions import runtime as runtime_module
from wfplatform.expressions import safe_yaml

NAMES = ('task', 'tasks', 'execution', 'env', 'global', 'uuid', 'json_parse',
         'json_dump', 'json_dumps', 'yaml_parse', 'yaml_dump')
"""Every function name both languages provide; plugins cannot take these."""

TASK_FIELDS = ('id', 'name', 'spec', 'state', 'state_info', 'result', 'published',
               'type', 'workflow_execution_id', 'created_at', 'updated_at')
"""The keys of a task as ``task()`` and ``tasks()`` show it (Mistral's)."""

EXECUTION_FIELDS = ('id', 'name', 'spec', 'input', 'params', 'created_at',
                    'updated_at', 'root_execution_id')
"""The keys of ``execution()`` (Mistral's)."""


def task(runtime: runtime_module.Runtime,
         name: str | None = None) -> Mapping[str, Any] | None:
    """The task called ``name`` (the current task when omitted), or None."""
    task_name = name or runtime.current_task
    if not task_name:
        return None
    found = runtime.task(task_name)
    return None if found is None else _with_fields(found, TASK_FIELDS)


def tasks(runtime: runtime_module.Runtime, workflow_execution_id: str | None = None,
          recursive: bool = False, state: str | None = None,
          flat: bool = False) -> list[Mapping[str, Any]]:
    """Task executions, as :meth:`Runtime.tasks` selects them, shaped as ``task()``.

    Unlike Mistral, which then lists the task executions of every workflow
    execution in its database, ``workflow_execution_id`` left out means this
    execution: an expression sees no other tenant's data.
    """
    found = runtime.tasks(workflow_execution_id or None, bool(recursive),
                          state or None, bool(flat))
    return [_with_fields(item, TASK_FIELDS) for item in found]


def execution(runtime: runtime_module.Runtime) -> Mapping[str, Any]:
    return _with_fields(runtime.execution(), EXECUTION_FIELDS)


def global_variable(runtime: runtime_module.Runtime, name: str) -> Any:
    """The workflow's global variable ``name`` (``publish: global:``), or None."""
    return runtime.global_context().get(name)


def env(runtime: runtime_module.Runtime) -> Mapping[str, Any]:
    return runtime.env()


def new_uuid() -> str:
    return str(uuid.uuid4())


def json_parse(text: str) -> Any:
    return json.loads(text)


def json_dump(value: Any) -> str:
    """JSON text of ``value``, indented by four like Mistral's ``json_dump()``."""
    return json.dumps(limits.to_plain(value), indent=4)


def yaml_parse(text: str) -> Any:
    return safe_yaml.load(text)


def yaml_dump(value: Any) -> str:
    return safe_yaml.dump(limits.to_plain(value))


def _with_fields(value: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``value`` with each of ``fields`` it lacks as None.

    A runtime may not know every field Mistral shows; an expression that reads
    one gets null rather than a "key not found" error.
    """
    return {**dict.fromkeys(fields), **value}
