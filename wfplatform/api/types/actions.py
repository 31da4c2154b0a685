"""Action definitions on the wire, and the stored values of uploaded ad-hoc actions.

An ad-hoc action's ``input`` is its signature as Mistral prints it
(``"name, greeting=\"Hi\""``: defaults as JSON), or null when it takes none.
"""

from typing import Any, Mapping, Sequence

import yaml

from wfplatform.api.types import common
from wfplatform.lang import specs

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


def stored_values(spec: specs.ActionSpec, definition: str, *, scope: str,
                  namespace: str, workbook_name: str | None = None
                  ) -> dict[str, Any]:
    """The columns of one ad-hoc action; in a workbook its name gets the prefix."""
    name = f'{workbook_name}.{spec.name}' if workbook_name else spec.name
    return {
        'name': name,
        'namespace': namespace,
        'definition': definition,
        'spec': {**spec.to_dict(), 'name': name},
        'input': spec.input_signature() or None,
        'description': spec.description,
        'tags': list(spec.tags),
        'is_system': False,
        'scope': scope,
        'workbook_name': workbook_name,
    }


def definitions(text: str, names: Sequence[str]) -> list[str]:
    """The definition text stored for each action of a document.

    As for workflows: one action keeps the text as written; of several, each gets
    ``version`` plus its own section.
    """
    if len(names) == 1:
        return [text]
    document = yaml.safe_load(text)
    return [section(document.get('version'), name, document.get(name))
            for name in names]


def section(version: Any, name: str, body: Any) -> str:
    """A document of its own for one workflow or action: version, then it."""
    return yaml.safe_dump({'version': version, name: body}, sort_keys=False,
                          default_flow_style=False)
