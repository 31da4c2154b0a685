"""Action executions on the wire.

``input`` and ``output`` travel as JSON text; a list leaves ``output`` out unless
``include_output=true``. ``task_name`` is not stored with the action: the caller
reads the names of a page's tasks in one query and passes them in. A create
request (:func:`parse_run`) may also carry ``params``, which is not stored.
"""

import dataclasses
from typing import Any, Mapping

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('workflow_name'),
    common.Field('workflow_namespace'),
    common.Field('task_name', 'task_execution_id'),
    common.Field('task_execution_id'),
    common.Field('state'),
    common.Field('state_info'),
    common.Field('tags'),
    common.Field('accepted'),
    common.Field('input', encode=common.json_text),
    common.Field('output', encode=common.json_text),
    common.Field('description'),
    common.Field('project_id'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every field of an action execution on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

LIST_FIELDS = tuple(name for name in FIELD_NAMES if name != 'output')

FILTERS = {name: name for name in (
    'name', 'workflow_name', 'workflow_namespace', 'task_execution_id', 'state',
    'state_info', 'tags', 'accepted', 'description', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""


def task_execution_ids(records: list[Mapping[str, Any]]) -> list[str]:
    """The tasks whose names a page of action executions needs."""
    return list(dict.fromkeys(record['task_execution_id'] for record in records
                              if record.get('task_execution_id')))


def to_wire(record: Mapping[str, Any],
            task_names: Mapping[str, str]) -> common.WireObject:
    """One action execution; ``task_names`` maps task execution ids to names."""
    wire = common.build(record, FIELDS)
    if 'task_name' in wire:
        wire['task_name'] = task_names.get(wire['task_name'] or '')
    return wire


@dataclasses.dataclass(frozen=True)
class RunRequest:
    """What ``POST /v2/action_executions`` asks for.

    ``run_sync``/``save_result`` None means not given: Mistral's rules
    (:meth:`waits`, :meth:`keeps`) decide what that means.
    """

    name: str
    input: dict[str, Any]
    namespace: str = ''
    description: str | None = None
    run_sync: bool | None = None
    save_result: bool | None = None
    target: str | None = None
    timeout: float | None = None

    def waits(self, is_sync: bool) -> bool:
        """Whether the request waits for the result, as Mistral's ``start_action``.

        It does with ``run_sync``, and for a synchronous action unless asked
        to save the result without ``run_sync``.
        """
        return bool(self.run_sync) or (is_sync and not self.save_result)

    def keeps(self, is_sync: bool) -> bool:
        """Whether the action execution stays stored once it has its result.

        Mistral stores what it does not wait for, and what it waits for only
        with ``save_result``.
        """
        return bool(self.save_result) or not self.waits(is_sync)


RUN_PARAMS = ('run_sync', 'save_result', 'target', 'timeout')
"""The ``params`` a run understands; others are ignored, as Mistral ignores them."""


def parse_run(document: Mapping[str, Any]) -> RunRequest:
    """Check a create body: ``name``, ``input``, ``params``, ``description``…

    Unknown attributes are refused as WSME does; a ``params`` value of the wrong
    type is a 400 naming it.
    """
    body.check_attributes(document, FIELD_NAMES + ('params',), 'action_execution')
    name = body.optional_text(document, 'name')
    if not name:
        raise exceptions.InvalidInput(
            'Please provide at least action name to run action.')
    params = body.json_dictionary(document, 'params')
    return RunRequest(
        name=name, input=body.json_dictionary(document, 'input'),
        namespace=body.optional_text(document, 'workflow_namespace') or '',
        description=body.optional_text(document, 'description') or None,
        run_sync=_flag(params, 'run_sync'), save_result=_flag(params, 'save_result'),
        target=body.optional_text(params, 'target') or None,
        timeout=_seconds(params, 'timeout'))


def _flag(params: Mapping[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('true', 'false'):
        return value.lower() == 'true'
    raise exceptions.InvalidInput(
        f"Invalid input for field/attribute params.{name}. Value: '{value}'. "
        'Expected a boolean.')


def _seconds(params: Mapping[str, Any], name: str) -> float | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise exceptions.InvalidInput(
        f"Invalid input for field/attribute params.{name}. Value: '{value}'. "
        'Expected a positive number of seconds.')
