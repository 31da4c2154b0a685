"""``/v2/tasks`` and ``/v2/executions/<id>/tasks``: read and list task executions.

PUT reruns or skips a failed task through the engine; ``/<id>/executions`` lists
the sub-workflow executions a task started.
"""

from typing import Any

import pecan
from pecan import rest
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import action_executions
from wfplatform.api.controllers.v2 import common
from wfplatform.api.controllers.v2 import sub_executions
from wfplatform.api import listing
from wfplatform.api.types import tasks as task_types
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions

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
    executions = sub_executions.TaskSubExecutionsController()

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

    @pecan.expose('json')
    def put(self, id: str | None = None) -> dict[str, Any]:
        """Rerun (``state: RUNNING``, ``reset``, ``env``) or skip a failed task.

        200 with the task; 409 when it is not in ERROR.
        """
        if id is None:
            raise webob_exc.HTTPMethodNotAllowed()
        request = task_types.parse_update(body.json_object(pecan.request))
        project_id = common.project_scope()

        def current(session: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            task = task_executions.get(session, id, project_id=project_id)
            return task, workflow_executions.get(session,
                                                 task['workflow_execution_id'])

        task, execution = common.read(current)
        if request.name and request.name != task['name']:
            raise exceptions.InvalidInput('Task name does not match.')
        if request.workflow_name and request.workflow_name != execution['name']:
            raise exceptions.InvalidInput('Workflow name does not match.')
        record = pecan.request.engine_client.update_task(
            common.context(), id, state=request.state, reset=request.reset,
            env=dict(request.env) if request.env is not None else None)
        return task_types.to_wire(record)
