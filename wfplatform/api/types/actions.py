"""Action definitions on the wire (``GET /v2/actions``)."""

from typing import Any, Mapping

from wfplatform.api.types import common

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('namespace'),
    common.Field('is_system'),
    common.Field('input'),
    common.Field('description'),
    common.Field('tags', encode=common.as_list),
    common.Field('definition'),
    common.Field('scope'),
    common.Field('project_id'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every field of an action on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'namespace', 'is_system', 'input', 'description', 'tags', 'definition',
    'scope', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One action; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)
