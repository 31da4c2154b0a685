"""Ready-made public workflows, installed as ``wfplatform.workflows`` entry points.

Each entry point names a YAML document shipped in a package, as
``package:file.yaml``, e.g.
``std.create_instance = wfplatform.library:create_instance.yaml``; a pip
package adds its own the same way, nothing here has to change. The
documents are read with :mod:`importlib.resources`, never imported. ``populate``
(and every engine at start) stores the workflows they define as public, read-only
system workflows (:mod:`wfplatform.db.repositories.system_workflows`).
"""

import dataclasses
from importlib import metadata
from importlib import resources
from typing import Any, Iterable

from wfplatform.api.types import workflows as workflow_types
from wfplatform import exceptions
from wfplatform import lang

NAMESPACE = 'wfplatform.workflows'


@dataclasses.dataclass(frozen=True)
class SystemWorkflow:
    """One workflow of an installed document, with the columns it is stored with."""

    name: str
    source: str
    """The entry point that installed it, e.g. ``std.create_instance``."""
    values: dict[str, Any]


def discover() -> list[SystemWorkflow]:
    """Every workflow of every installed ``wfplatform.workflows`` document.

    A document that cannot be read or is not a valid workflow, and a workflow
    name two documents define, raise ``InvalidInput`` naming the entry point: a
    broken package must not silently drop or replace workflows.
    """
    found: dict[str, SystemWorkflow] = {}
    for entry_point in sorted(metadata.entry_points(group=NAMESPACE),
                              key=lambda point: point.name):
        for workflow in load(entry_point.name, entry_point.value):
            if workflow.name in found:
                raise exceptions.InvalidInput(
                    f'System workflow {workflow.name} is defined by both '
                    f'{found[workflow.name].source} and {workflow.source}')
            found[workflow.name] = workflow
    return list(found.values())


def load(source: str, reference: str) -> list[SystemWorkflow]:
    """The workflows of the document ``reference`` (``package:file.yaml``) names."""
    package, _, resource = reference.partition(':')
    if not package or not resource:
        raise exceptions.InvalidInput(
            f'{NAMESPACE} entry point {source} must be "package:file.yaml", '
            f'not {reference!r}')
    try:
        text = resources.files(package).joinpath(resource.strip()).read_text(
            encoding='utf-8')
    except (ImportError, OSError) as error:
        raise exceptions.InvalidInput(
            f'{NAMESPACE} entry point {source}: cannot read {reference}: '
            f'{error}') from None
    return parse(source, text)


def parse(source: str, text: str) -> list[SystemWorkflow]:
    """The workflows of one document, as stored: public, in namespace ``''``."""
    try:
        specs = lang.parse_workflows(text)
    except exceptions.InvalidInput as error:
        raise exceptions.InvalidInput(
            f'{NAMESPACE} entry point {source} is not a valid workflow '
            f'document: {error}') from None
    definitions = workflow_types.definitions(text, specs)
    return [SystemWorkflow(spec.name, source, workflow_types.stored_values(
                spec, definition, scope='public', namespace=''))
            for spec, definition in zip(specs, definitions)]


def names(workflows: Iterable[SystemWorkflow]) -> list[str]:
    return sorted(workflow.name for workflow in workflows)
