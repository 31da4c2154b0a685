"""``/v2/workflows``: upload, update, read, list, delete and validate workflows.

Definitions arrive as raw YAML (``Content-Type: text/plain``); one document may
hold several workflows, which are all created (or updated) in one transaction.
Query parameters of POST and PUT, as Mistral's: ``scope`` (private|public),
``namespace`` and ``skip_validation``. The last is accepted for compatibility but
a definition is always validated: wfplatform never stores a workflow it could not
run. System workflows (the installed library's) can be read and run, not changed
or deleted: 400, as Mistral answers for system actions.
"""

from typing import Any

import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import workflows as workflow_types
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform import lang

COLLECTION = listing.Collection(
    name='workflows', fields=workflow_types.FIELDS,
    list_fields=workflow_types.FIELD_NAMES, filters=workflow_types.FILTERS)


class WorkflowValidationController(rest.RestController):
    """``POST /v2/workflows/validate``: check a definition without storing it."""

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        try:
            lang.parse_workflows(_definition())
        except exceptions.InvalidInput as error:
            return {'valid': False, 'error': str(error)}
        return {'valid': True, 'error': None}


class WorkflowsController(rest.RestController):
    validate = WorkflowValidationController()

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: workflow_definitions.list(session, request.query))
        return common.page(COLLECTION, map(workflow_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, identifier: str) -> dict[str, Any]:
        """A workflow by id, or by name in ``?namespace=`` (default namespace '')."""
        namespace, project_id = _namespace(), common.context().project_id
        record = common.read(lambda session: workflow_definitions.get(
            session, identifier, namespace=namespace, project_id=project_id))
        return workflow_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create every workflow of the document: 201 ``{"workflows": [...]}``."""
        values = _document_values()
        project_id = common.context().project_id
        records = common.write(lambda session: [
            workflow_definitions.create(session, project_id=project_id, **workflow)
            for workflow in values])
        pecan.response.status = 201
        return {'workflows': [workflow_types.to_wire(record) for record in records]}

    @pecan.expose('json')
    def put(self, identifier: str | None = None) -> dict[str, Any]:
        """Replace workflows by name, or the one with ``identifier`` (path or query).

        With an identifier the document must hold one workflow, which may rename
        it, and the response is that workflow alone; otherwise
        ``{"workflows": [...]}``.
        """
        values = _document_values()
        if identifier and len(values) > 1:
            raise exceptions.InvalidInput(
                'More than one workflows are not supported for update with '
                f'identifier. [identifier: {identifier}]')
        project_id = common.context().project_id

        def update(session: orm.Session) -> list[dict[str, Any]]:
            records = []
            for workflow in values:
                target = identifier or workflow['name']
                _check_not_system(session, target, workflow['namespace'],
                                  project_id, 'modify')
                records.append(workflow_definitions.update(
                    session, target, namespace=workflow['namespace'],
                    project_id=project_id,
                    **{key: value for key, value in workflow.items()
                       if key != 'namespace'}))
            return records

        records = common.write(update)
        wires = [workflow_types.to_wire(record) for record in records]
        return wires[0] if identifier else {'workflows': wires}

    @pecan.expose(content_type='application/json')
    def delete(self, identifier: str | None = None) -> None:
        if identifier is None:
            raise webob_exc.HTTPMethodNotAllowed()
        namespace, project_id = _namespace(), common.context().project_id

        def delete(session: orm.Session) -> None:
            _check_not_system(session, identifier, namespace, project_id, 'delete')
            workflow_definitions.delete(session, identifier, namespace=namespace,
                                        project_id=project_id)

        common.write(delete)
        pecan.response.status = 204


def _document_values() -> list[dict[str, Any]]:
    """The stored values of each workflow in the request's document."""
    scope = pecan.request.GET.get('scope', 'private')
    if scope not in workflow_types.SCOPES:
        raise exceptions.InvalidInput(
            'Scope must be one of the following: '
            f'{", ".join(workflow_types.SCOPES)}; actual: {scope}')
    text = _definition()
    specs = lang.parse_workflows(text)
    definitions = workflow_types.definitions(text, specs)
    return [workflow_types.stored_values(spec, definition, scope=scope,
                                         namespace=_namespace())
            for spec, definition in zip(specs, definitions)]


def _check_not_system(session: orm.Session, identifier: str, namespace: str,
                      project_id: str | None, verb: str) -> None:
    """``InvalidInput`` (400) for a system workflow, admins included.

    The message is Mistral's for system actions. ``NotFound`` if none.
    """
    record = workflow_definitions.get(session, identifier, namespace=namespace,
                                      project_id=project_id)
    if record['is_system']:
        raise exceptions.InvalidInput(
            f'Attempt to {verb} a system workflow: {record["name"]}')


def _definition() -> str:
    text = body.text(pecan.request)
    if not text.strip():
        raise exceptions.InvalidDefinition('The workflow definition is empty.')
    return text


def _namespace() -> str:
    return str(pecan.request.GET.get('namespace', ''))
