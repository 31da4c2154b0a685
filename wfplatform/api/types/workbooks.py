"""Workbooks on the wire, and the rows an uploaded workbook becomes.

A workbook is stored as itself plus one workflow definition per workflow and one
ad-hoc action per action, named ``<workbook>.<name>``, in the workbook's
namespace and scope, each with ``workbook_name`` set. Each of those gets its own
section of the workbook as its definition (``version`` plus itself), so it reads
like a document of its own.
"""

import dataclasses
from typing import Any, Mapping

import yaml

from wfplatform.api.types import actions as action_types
from wfplatform.api.types import common
from wfplatform.api.types import workflows as workflow_types
from wfplatform.lang import specs

FIELDS = (
    common.Field('id'),
    common.Field('name'),
    common.Field('namespace'),
    common.Field('definition'),
    common.Field('tags', encode=common.as_list),
    common.Field('scope'),
    common.Field('project_id'),
    common.Field('created_at', encode=common.timestamp),
    common.Field('updated_at', encode=common.timestamp),
)
"""Every field of a workbook on the wire, in Mistral's order."""

FIELD_NAMES = tuple(field.name for field in FIELDS)

FILTERS = {name: name for name in (
    'name', 'namespace', 'definition', 'tags', 'scope', 'created_at', 'updated_at')}
"""Filtering query parameters (each is a column of the same name)."""


@dataclasses.dataclass(frozen=True)
class StoredWorkbook:
    """The columns of a workbook's row, of its workflows' and of its actions'."""

    workbook: dict[str, Any]
    workflows: tuple[dict[str, Any], ...]
    actions: tuple[dict[str, Any], ...]


def to_wire(record: Mapping[str, Any]) -> common.WireObject:
    """One workbook; fields whose columns were not read are left out."""
    return common.build(record, FIELDS)


def stored_values(spec: specs.WorkbookSpec, text: str, *, scope: str,
                  namespace: str) -> StoredWorkbook:
    """What ``text``, parsed as ``spec``, stores (``project_id`` aside)."""
    document = yaml.safe_load(text)
    version = document.get('version')
    workflow_bodies = document.get('workflows') or {}
    action_bodies = document.get('actions') or {}
    workflows = tuple(
        _workflow_values(spec.name, workflow, action_types.section(
            version, workflow.name, workflow_bodies.get(workflow.name)),
            scope=scope, namespace=namespace)
        for workflow in spec.workflows)
    actions = tuple(
        action_types.stored_values(action, action_types.section(
            version, action.name, action_bodies.get(action.name)),
            scope=scope, namespace=namespace, workbook_name=spec.name)
        for action in spec.actions)
    workbook = {
        'name': spec.name,
        'namespace': namespace,
        'definition': text,
        'spec': _spec_dict(spec),
        'tags': list(spec.tags),
        'scope': scope,
    }
    return StoredWorkbook(workbook, workflows, actions)


def _workflow_values(workbook_name: str, spec: specs.WorkflowSpec, definition: str,
                     *, scope: str, namespace: str) -> dict[str, Any]:
    """A workbook's workflow is stored, spec included, under its full name.

    The engine names an execution after its spec, so an execution of ``main`` in
    workbook ``deploy`` is ``deploy.main``, as in Mistral.
    """
    spec = dataclasses.replace(spec, name=f'{workbook_name}.{spec.name}')
    values = workflow_types.stored_values(spec, definition, scope=scope,
                                          namespace=namespace)
    return {**values, 'workbook_name': workbook_name}


def _spec_dict(spec: specs.WorkbookSpec) -> dict[str, Any]:
    return {
        'name': spec.name,
        'description': spec.description,
        'tags': list(spec.tags),
        'workflows': [workflow.to_dict() for workflow in spec.workflows],
        'actions': [action.to_dict() for action in spec.actions],
    }
