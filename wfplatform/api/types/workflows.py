"""Workflow definitions on the wire, and the stored values of an uploaded document.

A workflow appears as Mistral 23 shows it: ``input`` is the signature as text
(``"name, count=1"``, defaults printed the Python way, as Mistral does) and
``interface`` holds the inputs and output names as a JSON string.
"""

from typing import Any, Mapping, Sequence

import yaml

from wfplatform.api.types import common
from wfplatform.lang import specs


def _interface(spec: Mapping[str, Any] | None) -> str | None:
    """``{"input": ["a", {"b": 1}], "output": ["c"]}`` as JSON text."""
    spec = spec or {}
    inputs = [{param['name']: param.get('default')} if param.get('has_default')
              else param['name'] for param in spec.get('input') or ()]
    output = spec.get('output')
    return common.json_text({
        'input': inputs,
        'output': list(output) if isinstance(output, Mapping) else []})


FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('namespace'),
    common.Field('input'),
    common.Field('interface', 'spec', _interface),
    common.Field('definition'),
    common.Field('tags', encode=common.as_list),
    common.Field('scope'),
    common.Field('project_id'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every field of a workflow on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'namespace', 'input', 'definition', 'tags', 'scope', 'created_at',
    'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""

SCOPES = ('private', 'public')


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One workflow; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


def stored_values(spec: specs.WorkflowSpec, definition: str, *, scope: str,
                  namespace: str) -> dict[str, Any]:
    """The columns of one workflow of an uploaded document."""
    return {
        'name': spec.name,
        'namespace': namespace,
        'definition': definition,
        'spec': spec.to_dict(),
        'input': input_text(spec),
        'tags': list(spec.tags),
        'scope': scope,
    }


def definitions(text: str, workflow_specs: Sequence[specs.WorkflowSpec]) -> list[str]:
    """The definition text stored for each workflow of a document.

    A document with one workflow is stored as written; from a document with several,
    each workflow gets ``version`` plus its own section, as Mistral stores them.
    """
    if len(workflow_specs) == 1:
        return [text]
    document = yaml.safe_load(text)
    return [yaml.safe_dump({'version': document.get('version'),
                            spec.name: document.get(spec.name)},
                           sort_keys=False, default_flow_style=False)
            for spec in workflow_specs]


def input_text(spec: specs.WorkflowSpec) -> str:
    """``"a, b=1"``: Mistral prints each default with ``str()``, not as JSON."""
    return ', '.join(f'{param.name}={param.default}' if param.has_default
                     else param.name for param in spec.input)
