"""Event triggers on the wire, and the bodies of create and update requests.

``workflow_input`` and ``workflow_params`` travel as JSON text (Mistral's
``jsontype``); requests may send an object or such text.
"""

import dataclasses
from typing import Any, Mapping

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions

FIELDS = (
    common.Field('id'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
    common.Field('project_id'),
    common.Field('name'),
    common.Field('workflow_id'),
    common.Field('workflow_input', encode=common.json_text),
    common.Field('workflow_params', encode=common.json_text),
    common.Field('exchange'),
    common.Field('topic'),
    common.Field('event'),
    common.Field('scope'),
)
"""Every field of an event trigger on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'workflow_id', 'workflow_input', 'workflow_params', 'exchange', 'topic',
    'event', 'scope', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""

SCOPES = ('private', 'public')

CREATE_MANDATORY = ('exchange', 'topic', 'event', 'workflow_id')

UPDATE_NOT_ALLOWED = ('exchange', 'topic', 'event')
"""As in Mistral: to listen elsewhere, delete the trigger and create another."""

_READ_ONLY = ('id', 'created_at', 'updated_at', 'project_id')

_JSON_FIELDS = ('workflow_input', 'workflow_params')


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One event trigger; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


@dataclasses.dataclass(frozen=True)
class EventTriggerCreate:
    """What ``POST /v2/event_triggers`` asks for."""

    workflow_id: str
    exchange: str
    topic: str
    event: str
    name: str = ''
    workflow_input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    workflow_params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    scope: str = 'private'


def parse_create(document: Mapping[str, Any]) -> EventTriggerCreate:
    """Check a create body; read-only attributes are checked for type, then ignored.

    ``InvalidInput`` names every missing mandatory attribute at once.
    """
    values = _checked(document)
    missing = [name for name in CREATE_MANDATORY if not values.get(name)]
    if missing:
        raise exceptions.InvalidInput(
            f'Params {", ".join(missing)} must be provided for creating event '
            'trigger.')
    return EventTriggerCreate(**values)


def parse_update(document: Mapping[str, Any]) -> dict[str, Any]:
    """The columns a PUT body changes: only the attributes it carries.

    ``exchange``, ``topic`` and ``event`` can not change, as in Mistral.
    """
    values = _checked(document)
    fixed = [name for name in UPDATE_NOT_ALLOWED if values.get(name)]
    if fixed:
        raise exceptions.InvalidInput(
            f'Can not update fields {", ".join(UPDATE_NOT_ALLOWED)} of event '
            'trigger.')
    return values


def _checked(document: Mapping[str, Any]) -> dict[str, Any]:
    """The writable attributes present in ``document``, each of the right type."""
    body.check_attributes(document, FIELD_NAMES, 'event_trigger')
    for name in _READ_ONLY:
        body.optional_text(document, name)
    values: dict[str, Any] = {}
    for name in FIELD_NAMES:
        if name in _READ_ONLY or name not in document:
            continue
        if name in _JSON_FIELDS:
            values[name] = body.json_dictionary(document, name)
        elif name == 'workflow_id':
            values[name] = body.optional_uuid(document, name)
        else:
            values[name] = body.optional_text(document, name)
    scope = values.get('scope')
    if scope is not None and scope not in SCOPES:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute scope. Value: '{scope}'. Value "
            f'should be one of: {", ".join(SCOPES)}')
    return {name: value for name, value in values.items()
            if value is not None or name in _JSON_FIELDS}
