"""``/v2/tasks`` and ``/v2/executions/<id>/tasks``: read and list task executions."""

from typing import Any

import pecan
from pecan import rest

from wfplatform.api.controllers.v2 import action_executions
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import tasks as task_types
from wfplatform.db.repositories import task_executions

COLLECTION = listing.Collection(
    name='tasks', fields=task_types.FIELDS, list_fields=task_types.LIST_FIELDS,
    filters=task_types.FILTERS)


def _list(fixed: dict[str, str] | None = None) -> dict[str, Any]:
    request = common.list_request(COLLECTION, fixed)
    records = common.read(lambda session: task_executions.list(session, request.query))
    return common.page(COLLECTION, map(task_types.to_wire, records), request)


class ExecutionTasksController(rest.RestController):
    """The tasks of one workflow execution (none if it does not exist, as Mistral)."""

    @pecan.expose('json')
    def get_all(self, execution_id: str) -> dict[str, Any]:
        return _list({'workflow_execution_id': execution_id})


class TasksController(rest.RestController):
    action_executions = action_executions.TaskActionExecutionsController()

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        return _list()

    @pecan.expose('json')
    def get_one(self, id: str) -> dict[str, Any]:
        """One task, with its ``result``."""
        project_id = common.project_scope()
        record = common.read(lambda session: task_executions.get(
            session, id, project_id=project_id))
        return task_types.to_wire(record)
