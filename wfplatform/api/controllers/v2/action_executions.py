"""``/v2/action_executions`` and ``/v2/tasks/<id>/action_executions``: read, list.

Each action execution shows its task's name; a page reads the names of all its
tasks in one extra query, never one per row.
"""

from typing import Any, Mapping, Sequence

import pecan
from pecan import rest
from sqlalchemy import orm

from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import action_executions as action_execution_types
from wfplatform.api.types import common as wire
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common as repository
from wfplatform.db.repositories import task_executions

COLLECTION = listing.Collection(
    name='action_executions', fields=action_execution_types.FIELDS,
    list_fields=action_execution_types.LIST_FIELDS,
    filters=action_execution_types.FILTERS, output_fields=('output',))


def _list(fixed: dict[str, str] | None = None) -> dict[str, Any]:
    request = common.list_request(COLLECTION, fixed)
    wires = common.read(lambda session: _to_wire(
        session, action_executions.list(session, request.query)))
    return common.page(COLLECTION, wires, request)


def _to_wire(session: orm.Session,
             records: Sequence[Mapping[str, Any]]) -> list[wire.WireObject]:
    task_names = _task_names(
        session, action_execution_types.task_execution_ids(list(records)))
    return [action_execution_types.to_wire(record, task_names) for record in records]


def _task_names(session: orm.Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = repository.ListQuery(
        project_id=None, filters=(repository.Filter('id', 'in', ids),),
        fields=('name',))
    return {row['id']: row['name'] for row in task_executions.list(session, query)}


class TaskActionExecutionsController(rest.RestController):
    """The action executions of one task (none if it does not exist, as Mistral)."""

    @pecan.expose('json')
    def get_all(self, task_id: str) -> dict[str, Any]:
        return _list({'task_execution_id': task_id})


class ActionExecutionsController(rest.RestController):
    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        return _list()

    @pecan.expose('json')
    def get_one(self, id: str) -> dict[str, Any]:
        project_id = common.project_scope()
        return common.read(lambda session: _to_wire(
            session, [action_executions.get(session, id, project_id=project_id)]))[0]
