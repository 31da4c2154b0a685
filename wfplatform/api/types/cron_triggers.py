"""Cron triggers on the wire, and the body of a create request.

``workflow_input`` and ``workflow_params`` travel as JSON text (Mistral's
``jsontype``); requests may send an object or such text. Times are
``YYYY-MM-DD HH:MM:SS`` UTC; ``first_execution_time`` is sent as
``YYYY-MM-DD HH:MM`` (Mistral's format), or with seconds.
"""

import dataclasses
import datetime
from typing import Any, Mapping

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('workflow_name'),
    common.Field('workflow_id'),
    common.Field('workflow_namespace'),
    common.Field('workflow_input', encode=common.json_text),
    common.Field('workflow_params', encode=common.json_text),
    common.Field('project_id'),
    common.Field('scope'),
    common.Field('pattern'),
    common.Field('remaining_executions'),
    common.Field('first_execution_time', encode=common.timestamp),
    common.Field('next_execution_time', encode=common.timestamp),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every field of a cron trigger on the wire, in Mistral's order.

``workflow_namespace`` is wfplatform's addition."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'workflow_name', 'workflow_id', 'workflow_namespace', 'workflow_input',
    'workflow_params', 'scope', 'pattern', 'remaining_executions',
    'first_execution_time', 'next_execution_time', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""

SCOPES = ('private', 'public')

TIME_FORMATS = ('%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S')
"""How ``first_execution_time`` may be written: Mistral's format, or with seconds."""

_READ_ONLY = ('id', 'project_id', 'next_execution_time', 'created_at',
              'updated_at')


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One cron trigger; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


@dataclasses.dataclass(frozen=True)
class CronTriggerCreate:
    """What ``POST /v2/cron_triggers`` asks for.

    ``workflow_id`` wins over ``workflow_name`` when both are given, as in
    Mistral. ``scope`` is checked but every trigger is private, as in Mistral.
    """

    name: str
    workflow_name: str | None = None
    workflow_id: str | None = None
    workflow_namespace: str = ''
    workflow_input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    workflow_params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    pattern: str | None = None
    first_execution_time: datetime.datetime | None = None
    remaining_executions: int | None = None
    scope: str = 'private'

    @property
    def workflow_identifier(self) -> str:
        return self.workflow_id or self.workflow_name or ''


def parse_create(document: Mapping[str, Any]) -> CronTriggerCreate:
    """Check a create body; read-only attributes are checked for type, then ignored.

    Null stands for absent (python-mistralclient sends ``"pattern": null``).
    ``InvalidInput`` names the attribute at fault.
    """
    body.check_attributes(document, FIELD_NAMES, 'cron_trigger')
    for attribute in _READ_ONLY:
        body.optional_text(document, attribute)
    name = body.optional_text(document, 'name')
    if not name:
        raise exceptions.InvalidInput(
            'Param name must be provided for creating cron trigger.')
    workflow_id = body.optional_uuid(document, 'workflow_id')
    workflow_name = body.optional_text(document, 'workflow_name')
    if not (workflow_id or workflow_name):
        raise exceptions.InvalidInput(
            'Params workflow_name or workflow_id must be provided for creating '
            'cron trigger.')
    return CronTriggerCreate(
        name=name, workflow_name=workflow_name, workflow_id=workflow_id,
        workflow_namespace=body.optional_text(document, 'workflow_namespace') or '',
        workflow_input=body.json_dictionary(document, 'workflow_input'),
        workflow_params=body.json_dictionary(document, 'workflow_params'),
        pattern=body.optional_text(document, 'pattern') or None,
        first_execution_time=_time(document, 'first_execution_time'),
        remaining_executions=_count(document, 'remaining_executions'),
        scope=_scope(document))


def _time(document: Mapping[str, Any], name: str) -> datetime.datetime | None:
    text = body.optional_text(document, name)
    if not text:
        return None
    for time_format in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), time_format)
        except ValueError:
            continue
    raise exceptions.InvalidInput(
        f"Invalid input for field/attribute {name}. Value: '{text}'. Expected a "
        "UTC time like '2030-01-31 12:00' (YYYY-MM-DD HH:MM).")


def _count(document: Mapping[str, Any], name: str) -> int | None:
    value = document.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute {name}. Value: '{value}'. "
            'Wrong type. Expected an integer.')
    if value < 1:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute {name}. Value: '{value}'. "
            'Value should be greater or equal to 1')
    return value


def _scope(document: Mapping[str, Any]) -> str:
    scope = body.optional_text(document, 'scope') or 'private'
    if scope not in SCOPES:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute scope. Value: '{scope}'. Value "
            f'should be one of: {", ".join(SCOPES)}')
    return scope
