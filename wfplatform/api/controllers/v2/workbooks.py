"""``/v2/workbooks``: upload, update, read, list, delete and validate workbooks.

A workbook arrives as raw YAML (``Content-Type: text/plain``) with the query
parameters ``namespace`` and ``scope``. Its workflows and actions are stored as
workflow definitions and ad-hoc actions named ``<workbook>.<name>``, in the same
transaction as the workbook. Unlike Mistral, an update also deletes the members
the new definition no longer has, and deleting a workbook deletes its members:
nothing outlives the workbook it came from. A member workflow that event
triggers start keeps its workbook from being deleted (400, as deleting the
workflow itself would be).
"""

from typing import Any

import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import workbooks as workbook_types
from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import workbooks
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform import lang

COLLECTION = listing.Collection(
    name='workbooks', fields=workbook_types.FIELDS,
    list_fields=workbook_types.FIELD_NAMES, filters=workbook_types.FILTERS)


class WorkbookValidationController(rest.RestController):
    """``POST /v2/workbooks/validate``: check a definition without storing it."""

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        try:
            lang.parse_workbook(common.definition_text('workbook'))
        except exceptions.InvalidInput as error:
            return {'valid': False, 'error': str(error)}
        return {'valid': True}


class WorkbooksController(rest.RestController):
    validate = WorkbookValidationController()

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(lambda session: workbooks.list(session, request.query))
        return common.page(COLLECTION, map(workbook_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, name: str) -> dict[str, Any]:
        """A workbook by name in ``?namespace=`` (default ''), or by id."""
        namespace, project_id = common.namespace(), common.context().project_id
        record = common.read(lambda session: workbooks.get(
            session, name, namespace=namespace, project_id=project_id))
        return workbook_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create the workbook and its members: 201; 409 if any name is taken."""
        stored = _stored_workbook()
        project_id = common.context().project_id

        def create(session: orm.Session) -> dict[str, Any]:
            record = workbooks.create(session, project_id=project_id,
                                      **stored.workbook)
            _store_members(session, record, stored, workbooks.Members([], []),
                           project_id)
            return record

        record = common.write(create)
        pecan.response.status = 201
        return workbook_types.to_wire(record)

    @pecan.expose('json')
    def put(self, name: str | None = None) -> dict[str, Any]:
        """Replace the workbook the definition names, and its members."""
        stored = _stored_workbook()
        workbook_name = stored.workbook['name']
        if name is not None and name != workbook_name:
            raise exceptions.InvalidInput(
                f"The definition names workbook '{workbook_name}', not '{name}'; "
                'a workbook cannot be renamed.')
        project_id = common.context().project_id

        def update(session: orm.Session) -> dict[str, Any]:
            record = workbooks.update(
                session, workbook_name, project_id=project_id,
                **stored.workbook)
            _store_members(session, record, stored,
                           workbooks.members(session, record), project_id)
            return record

        return workbook_types.to_wire(common.write(update))

    @pecan.expose(content_type='application/json')
    def delete(self, name: str | None = None) -> None:
        """Delete the workbook and its members: 204."""
        if name is None:
            raise webob_exc.HTTPMethodNotAllowed()
        namespace, project_id = common.namespace(), common.context().project_id

        def delete(session: orm.Session) -> None:
            record = workbooks.delete(session, name, namespace=namespace,
                                      project_id=project_id)
            _delete_members(session, workbooks.members(session, record),
                            project_id)

        common.write(delete)
        pecan.response.status = 204


def _stored_workbook() -> workbook_types.StoredWorkbook:
    scope = common.scope()
    text = common.definition_text('workbook')
    spec = lang.parse_workbook(text)
    return workbook_types.stored_values(spec, text, scope=scope,
                                        namespace=common.namespace())


def _store_members(session: orm.Session, workbook: dict[str, Any],
                   stored: workbook_types.StoredWorkbook,
                   existing: workbooks.Members, project_id: str) -> None:
    """Make the workbook's members exactly those of ``stored``.

    Members that are gone are deleted first (so a workflow started by event
    triggers refuses, 400), then the others updated in place (their ids stay) or
    created.
    """
    owner = workbook['project_id']
    workflows_by_name = {row['name']: row for row in existing.workflows}
    actions_by_name = {row['name']: row for row in existing.actions}
    wanted_workflows = {values['name'] for values in stored.workflows}
    wanted_actions = {values['name'] for values in stored.actions}
    _delete_members(session, workbooks.Members(
        [row for row in existing.workflows if row['name'] not in wanted_workflows],
        [row for row in existing.actions if row['name'] not in wanted_actions]),
        project_id)
    for values in stored.workflows:
        current = workflows_by_name.get(values['name'])
        if current is None:
            workflow_definitions.create(session, project_id=owner, **values)
        else:
            workflow_definitions.update(
                session, current['id'], project_id=project_id,
                **{key: value for key, value in values.items()
                   if key != 'namespace'})
    for values in stored.actions:
        current = actions_by_name.get(values['name'])
        if current is None:
            action_definitions.create(session, project_id=owner, **values)
        else:
            action_definitions.update(
                session, current['id'], project_id=project_id,
                **{key: value for key, value in values.items()
                   if key != 'namespace'})


def _delete_members(session: orm.Session, members: workbooks.Members,
                    project_id: str) -> None:
    for row in members.workflows:
        workflow_definitions.delete(session, row['id'], project_id=project_id)
    for row in members.actions:
        action_definitions.delete(session, row['id'], project_id=project_id)
