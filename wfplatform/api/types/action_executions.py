"""Action executions on the wire.

``input`` and ``output`` travel as JSON text; a list leaves ``output`` out unless
``include_output=true``. ``task_name`` is not stored with the action: the caller
reads the names of a page's tasks in one query and passes them in.
"""

from typing import Any, Mapping

from wfplatform.api.types import common

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
