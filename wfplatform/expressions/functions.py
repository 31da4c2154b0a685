"""Functions that YAQL and Jinja2 expressions share, independent of either engine.

Each evaluator wraps these in its own calling convention (a yaql function
definition, a Jinja2 global and filter) so both languages behave the same. Names
follow Mistral's ``mistral.expression.functions`` entry points. ``tasks()`` and
``global()`` join :data:`NAMES` once :class:`Runtime` offers what they need.
"""

import json
from typing import Any, Mapping
import uuid

from wfplatform.expressions import limits
from wfplatform.expressions import runtime as runtime_module
from wfplatform.expressions import safe_yaml

NAMES = ('task', 'execution', 'env', 'uuid', 'json_parse', 'json_dump',
         'json_dumps', 'yaml_parse', 'yaml_dump')
"""Every function name both languages provide."""


def task(runtime: runtime_module.Runtime,
         name: str | None = None) -> Mapping[str, Any] | None:
    """The task called ``name`` (the current task when omitted), or None."""
    task_name = name or runtime.current_task
    if not task_name:
        return None
    return runtime.task(task_name)


def execution(runtime: runtime_module.Runtime) -> Mapping[str, Any]:
    return runtime.execution()


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
