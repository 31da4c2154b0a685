"""Environments on the wire, and the bodies of create and update requests.

``variables`` travels as JSON text (Mistral's ``jsontype``; python-mistralclient
decodes it itself); a request may send an object or such text. As in Mistral,
a body may carry only ``name``, ``description``, ``variables`` and ``scope``.
"""

from typing import Any, Mapping

from oslo_utils import uuidutils

from wfplatform.api import body
from wfplatform.api.types import common
from wfplatform import exceptions

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('description'),
    common.Field('variables', encode=common.json_text),
    common.Field('scope'),
    common.Field('project_id'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every field of an environment on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'description', 'variables', 'scope', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""

SCOPES = ('private', 'public')

WRITABLE = ('name', 'description', 'variables', 'scope')
"""The keys a create or update body may hold."""

MAX_NAME_LENGTH = 255


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One environment; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


def parse_create(document: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a new environment: ``name`` required, ``variables`` {}."""
    values = _checked(document)
    if 'name' not in values:
        raise exceptions.InvalidInput(
            'Name of the environment is not provided (field "name").')
    return {'variables': {}, 'scope': 'private', **values}


def parse_update(document: Mapping[str, Any],
                 name: str | None) -> tuple[str, dict[str, Any]]:
    """The environment a PUT names and the columns it changes.

    The name comes from the path or, as python-mistralclient sends it, from the
    body; when both are given they must agree (an environment is not renamed).
    """
    values = _checked(document)
    body_name = values.pop('name', None)
    if name is not None and body_name is not None and body_name != name:
        raise exceptions.InvalidInput(
            f"The name in the body '{body_name}' differs from the environment "
            f"'{name}' of the URL; an environment cannot be renamed.")
    name = name if name is not None else body_name
    if name is None:
        raise exceptions.InvalidInput(
            'Name of the environment is not provided (field "name").')
    return name, values


def _checked(document: Mapping[str, Any]) -> dict[str, Any]:
    """The keys present in ``document``, each checked; unknown keys refused."""
    unknown = sorted(key for key in document if key not in WRITABLE)
    if unknown:
        raise exceptions.InvalidInput(
            'Please, check your environment definition. Only: '
            f'{", ".join(WRITABLE)} are allowed as definition keys; got: '
            f'{", ".join(unknown)}')
    values: dict[str, Any] = {}
    if 'name' in document:
        values['name'] = _name(document)
    if 'description' in document:
        values['description'] = body.optional_text(document, 'description')
    if 'variables' in document:
        values['variables'] = body.json_dictionary(document, 'variables')
    if document.get('scope') is not None:
        values['scope'] = _scope(document)
    return values


def _name(document: Mapping[str, Any]) -> str:
    name = body.optional_text(document, 'name')
    if not name or not name.strip():
        raise exceptions.InvalidInput(
            'Invalid input for field/attribute name: the name of the environment '
            'must be a non-empty string.')
    if len(name) > MAX_NAME_LENGTH:
        raise exceptions.InvalidInput(
            'Invalid input for field/attribute name: longer than '
            f'{MAX_NAME_LENGTH} characters.')
    if uuidutils.is_uuid_like(name):
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute name. Value: '{name}'. An "
            'environment name must not look like a UUID; UUIDs identify '
            'environments by id.')
    return name


def _scope(document: Mapping[str, Any]) -> str:
    scope = body.optional_text(document, 'scope')
    if scope not in SCOPES:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute scope. Value: '{scope}'. Value "
            f'should be one of: {", ".join(SCOPES)}')
    return str(scope)
