"""Task executions on the wire.

``runtime_context``, ``published`` and (single GET only) ``result`` travel as JSON
text; ``result`` is always a string, ``"null"`` before the task has one, as Mistral
sends ``json.dumps`` of it. ``type`` is ``ACTION`` or ``WORKFLOW``.
"""

import dataclasses
import json
from typing import Any, Mapping

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('type'),
    common.Field('workflow_name'),
    common.Field('workflow_namespace'),
    common.Field('workflow_id'),
    common.Field('workflow_execution_id'),
    common.Field('tags'),
    common.Field('state'),
    common.Field('state_info'),
    common.Field('project_id'),
    common.Field('runtime_context', encode=common.json_text),
    common.Field('result', encode=json.dumps),
    common.Field('published', encode=common.json_text),
    common.Field('processed'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
    common.Field('started_at', encode=common.timestamp),
    common.Field('finished_at', encode=common.timestamp),
)
"""Every field of a task on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

LIST_FIELDS = tuple(name for name in FIELD_NAMES if name != 'result')
"""A list leaves out ``result``, which Mistral computes for a single task only."""

FILTERS = {name: name for name in (
    'name', 'type', 'workflow_name', 'workflow_namespace', 'workflow_id',
    'workflow_execution_id', 'tags', 'state', 'state_info', 'processed',
    'created_at', 'updated_at', 'started_at', 'finished_at')}
"""Filtering query parameters (each is a column of the same name)."""


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One task; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


@dataclasses.dataclass(frozen=True)
class TaskUpdate:
    """What ``PUT /v2/tasks/<id>`` asks for: rerun (RUNNING) or skip (SKIPPED).

    ``name`` and ``workflow_name``, when given, must match the task's (Mistral
    checks them).
    """

    state: str
    reset: bool = True
    env: Mapping[str, Any] | None = None
    name: str | None = None
    workflow_name: str | None = None


UPDATE_STATES = ('RUNNING', 'SKIPPED')


def parse_update(document: Mapping[str, Any]) -> TaskUpdate:
    body.check_attributes(document, FIELD_NAMES + ('reset', 'env'), 'task')
    state = body.optional_text(document, 'state')
    if state not in UPDATE_STATES:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute state. Value: '{state}'. Only "
            'updating a task to rerun it (RUNNING) or to skip it (SKIPPED) is '
            'supported.')
    reset = document.get('reset', True)
    if not isinstance(reset, bool):
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute reset. Value: '{reset}'. "
            'Expected a boolean.')
    return TaskUpdate(state=state, reset=reset,
                      env=body.json_dictionary(document, 'env') or None,
                      name=body.optional_text(document, 'name'),
                      workflow_name=body.optional_text(document, 'workflow_name'))
