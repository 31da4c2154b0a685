"""Alarm triggers on the wire, and the body of a create request.

``workflow_input`` and ``workflow_params`` travel as JSON text, like the other
triggers' (requests may send an object or such text); ``states`` is a list.
The secret never appears here: the controller adds ``url`` (and, once, at
creation, ``token``).
"""

import dataclasses
from typing import Any, Mapping

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions
from wfplatform.triggers import alarm

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('workflow_name'),
    common.Field('workflow_id'),
    common.Field('workflow_namespace'),
    common.Field('workflow_input', encode=common.json_text),
    common.Field('workflow_params', encode=common.json_text),
    common.Field('alarm_input'),
    common.Field('states'),
    common.Field('project_id'),
    common.Field('scope'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every stored field of an alarm trigger on the wire."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'workflow_name', 'workflow_id', 'workflow_namespace', 'alarm_input',
    'scope', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""

_READ_ONLY = ('id', 'project_id', 'created_at', 'updated_at', 'url', 'token')


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One alarm trigger; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


@dataclasses.dataclass(frozen=True)
class AlarmTriggerCreate:
    """What ``POST /v2/alarm_triggers`` asks for; ``workflow_id`` wins over a name."""

    name: str
    workflow_name: str | None = None
    workflow_id: str | None = None
    workflow_namespace: str = ''
    workflow_input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    workflow_params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    alarm_input: str = alarm.DEFAULT_ALARM_INPUT
    states: list[str] | None = None

    @property
    def workflow_identifier(self) -> str:
        return self.workflow_id or self.workflow_name or ''


def parse_create(document: Mapping[str, Any]) -> AlarmTriggerCreate:
    """Check a create body; ``InvalidInput`` names the attribute at fault."""
    body.check_attributes(document, FIELD_NAMES + ('url', 'token'), 'alarm_trigger')
    for attribute in _READ_ONLY:
        body.optional_text(document, attribute)
    name = body.optional_text(document, 'name')
    if not name:
        raise exceptions.InvalidInput(
            'Param name must be provided for creating alarm trigger.')
    workflow_id = body.optional_uuid(document, 'workflow_id')
    workflow_name = body.optional_text(document, 'workflow_name')
    if not (workflow_id or workflow_name):
        raise exceptions.InvalidInput(
            'Params workflow_name or workflow_id must be provided for creating '
            'alarm trigger.')
    scope = body.optional_text(document, 'scope') or 'private'
    if scope != 'private':
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute scope. Value: '{scope}'. Alarm "
            'triggers are private.')
    return AlarmTriggerCreate(
        name=name, workflow_name=workflow_name, workflow_id=workflow_id,
        workflow_namespace=body.optional_text(document, 'workflow_namespace') or '',
        workflow_input=body.json_dictionary(document, 'workflow_input'),
        workflow_params=body.json_dictionary(document, 'workflow_params'),
        alarm_input=(body.optional_text(document, 'alarm_input')
                     or alarm.DEFAULT_ALARM_INPUT),
        states=alarm.check_states(document.get('states')))
