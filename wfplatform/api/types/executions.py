"""Workflow executions on the wire, and the body of an execution create request.

``input``, ``output`` and ``params`` travel as JSON text (Mistral's ``jsontype``).
A root execution shows ``root_execution_id`` null, as in Mistral, although the
database stores its own id there. ``published_global`` is shown by a single-object
GET only: the execution's context without the engine's internal (``__``) keys.
"""

import dataclasses
from typing import Any, Mapping

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions


def _published_global(context: Mapping[str, Any] | None) -> str | None:
    if context is None:
        return None
    return common.json_text({key: value for key, value in context.items()
                             if not key.startswith('__')})


FIELDS = (
    common.Field('id'),
    common.Field('workflow_id'),
    common.Field('workflow_name', 'name'),
    common.Field('workflow_namespace'),
    common.Field('description'),
    common.Field('tags'),
    common.Field('params', encode=common.json_text),
    common.Field('task_execution_id'),
    common.Field('root_execution_id'),
    common.Field('source_execution_id'),
    common.Field('state'),
    common.Field('state_info'),
    common.Field('input', encode=common.json_text),
    common.Field('output', encode=common.json_text),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
    common.Field('project_id'),
    common.Field('published_global', 'context', _published_global),
)
"""Every field of an execution on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

LIST_FIELDS = tuple(name for name in FIELD_NAMES
                    if name not in ('output', 'published_global'))
"""A list leaves out ``output`` unless ``include_output=true``, as Mistral does."""

FILTERS = {
    'workflow_name': 'name', 'workflow_id': 'workflow_id',
    'workflow_namespace': 'workflow_namespace', 'description': 'description',
    'tags': 'tags', 'task_execution_id': 'task_execution_id',
    'root_execution_id': 'root_execution_id',
    'source_execution_id': 'source_execution_id', 'state': 'state',
    'state_info': 'state_info', 'created_at': 'created_at',
    'updated_at': 'updated_at',
}
"""Filtering query parameters and their columns."""

NULL_COLUMNS = {
    'root_execution_id': 'task_execution_id',
    'task_execution_id': 'task_execution_id',
    'source_execution_id': 'source_execution_id',
    'workflow_id': 'workflow_id', 'description': 'description',
    'state_info': 'state_info',
}
"""What ``nulls=`` accepts. A null root means a top-level execution: one without a
parent task (``mistral execution-list --rootsonly`` sends
``nulls=root_execution_id``)."""


NOT_NULL_WHEN_FILTERED = {'root_execution_id': 'task_execution_id'}
"""A ``root_execution_id`` filter never matches a root execution, whose column is
NULL in Mistral (wfplatform stores the root's own id there)."""


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One execution; fields whose columns were not read are left out."""
    wire = common.build(record, FIELDS)
    if wire.get('root_execution_id') is not None and (
            wire['root_execution_id'] == record.get('id')):
        wire['root_execution_id'] = None
    return wire


@dataclasses.dataclass(frozen=True)
class ExecutionCreate:
    """What ``POST /v2/executions`` asks for."""

    workflow_id: str | None = None
    workflow_name: str | None = None
    workflow_namespace: str = ''
    description: str = ''
    input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    id: str | None = None
    source_execution_id: str | None = None

    @property
    def workflow_identifier(self) -> str | None:
        """The id if given (Mistral recommends it), else the name."""
        return self.workflow_id or self.workflow_name


def parse_create(document: Mapping[str, Any]) -> ExecutionCreate:
    """Check a create body.

    Any execution attribute is accepted and unknown ones are refused, as WSME does;
    read-only ones (``state``, ``output``…) are checked for type, then ignored.
    """
    body.check_attributes(document, FIELD_NAMES, 'execution')
    for name in FIELD_NAMES:
        if name not in ('input', 'output', 'params', 'tags', 'published_global'):
            body.optional_text(document, name)
    body.json_dictionary(document, 'output')
    return ExecutionCreate(
        workflow_id=body.optional_text(document, 'workflow_id'),
        workflow_name=body.optional_text(document, 'workflow_name'),
        workflow_namespace=body.optional_text(document, 'workflow_namespace') or '',
        description=body.optional_text(document, 'description') or '',
        input=body.json_dictionary(document, 'input'),
        params=body.json_dictionary(document, 'params'),
        id=body.optional_uuid(document, 'id'),
        source_execution_id=body.optional_uuid(document, 'source_execution_id'))


UPDATE_STATES = ('RUNNING', 'PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED')
"""States a PUT may ask for (RUNNING resumes a paused execution)."""

_ALL_STATES = ('IDLE',) + UPDATE_STATES


@dataclasses.dataclass(frozen=True)
class ExecutionUpdate:
    """What ``PUT /v2/executions/<id>`` asks for: one change, as Mistral allows.

    A new ``state`` (with ``state_info``), a ``description``, or ``env``; env
    may come with RUNNING (a resume that sees the new env).
    """

    state: str | None = None
    state_info: str | None = None
    description: str | None = None
    env: Mapping[str, Any] | None = None


def parse_update(document: Mapping[str, Any]) -> ExecutionUpdate:
    """Check an update body with Mistral's rules and messages.

    Like Mistral, an empty description or env counts as not given.
    """
    body.check_attributes(document, FIELD_NAMES, 'execution')
    state = body.optional_text(document, 'state')
    if state is not None and state not in _ALL_STATES:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute state. Value: '{state}'. Value "
            f"should be one of: {', '.join(_ALL_STATES)}")
    if state == 'IDLE':
        raise exceptions.InvalidInput(
            f"Cannot change state to IDLE. Allowed states are: "
            f"{', '.join(UPDATE_STATES)}")
    description = body.optional_text(document, 'description') or None
    env = body.json_dictionary(document, 'params').get('env') or None
    if env is not None and not isinstance(env, dict):
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute params.env. Value: '{env}'. "
            'Expected an object of environment variables.')
    if not (state or description or env):
        raise exceptions.InvalidInput(
            'The property state, description, or env is not provided for update.')
    if description and state:
        raise exceptions.InvalidInput(
            'The property description must be updated separately from state.')
    if env and state and state != 'RUNNING':
        raise exceptions.InvalidInput(
            'The property env can only be updated when workflow execution is not '
            'running or on resume from pause.')
    return ExecutionUpdate(state=state,
                           state_info=body.optional_text(document, 'state_info'),
                           description=description, env=env)
