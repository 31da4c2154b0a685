"""``/v2/executions``: start a workflow, read and list executions and their tasks.

Every state change goes through the engine; reads go to the database directly.
PUT pauses, resumes, cancels or ends an execution, or changes its description or
env. DELETE removes a completed execution (any with ``force=true``) with its
tasks, action executions and sub-workflow executions. ``/<id>/report`` and
``/<id>/executions`` show the tree under an execution.
"""

from typing import Any

import pecan
from pecan import rest
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api.controllers.v2 import sub_executions
from wfplatform.api.controllers.v2 import tasks
from wfplatform.api import execution_tree
from wfplatform.api import listing
from wfplatform.api.types import executions as execution_types
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.workflow import data
from wfplatform.workflow import states

COLLECTION = listing.Collection(
    name='executions', fields=execution_types.FIELDS,
    list_fields=execution_types.LIST_FIELDS, filters=execution_types.FILTERS,
    output_fields=('output',), null_columns=execution_types.NULL_COLUMNS,
    not_null_when_filtered=execution_types.NOT_NULL_WHEN_FILTERED)


class ExecutionsController(rest.RestController):
    tasks = tasks.ExecutionTasksController()
    report = sub_executions.ExecutionReportController()
    executions = sub_executions.ExecutionSubExecutionsController()

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: workflow_executions.list(session, request.query))
        return common.page(COLLECTION, map(execution_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, id: str) -> dict[str, Any]:
        project_id = common.project_scope()
        record = common.read(lambda session: workflow_executions.get(
            session, id, project_id=project_id))
        return execution_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Start a workflow: 201 with the new execution.

        With ``id`` the call is idempotent (the engine returns the execution that
        id already names); with ``source_execution_id`` the source's workflow,
        input and params are the defaults, as in Mistral.
        """
        request = execution_types.parse_create(body.json_object(pecan.request))
        if request.source_execution_id:
            request = _based_on_source(request)
        if not request.workflow_identifier:
            raise exceptions.InvalidInput(
                'Workflow ID or workflow name must be provided. Workflow ID is '
                'recommended.')
        record = pecan.request.engine_client.start_workflow(
            common.context(), workflow_identifier=request.workflow_identifier,
            namespace=request.workflow_namespace, workflow_input=dict(request.input),
            description=request.description, params=dict(request.params),
            execution_id=request.id, source_execution_id=request.source_execution_id)
        pecan.response.status = 201
        return execution_types.to_wire(record)

    @pecan.expose('json')
    def put(self, id: str | None = None) -> dict[str, Any]:
        """Change one thing of an execution, as Mistral allows; 200 with it.

        ``state`` PAUSED, RUNNING (resume), SUCCESS, ERROR or CANCELLED (with
        ``state_info``), or ``description``, or ``params.env`` (alone or with
        a resume). A state the execution cannot go to from its own is a 409.
        """
        if id is None:
            raise webob_exc.HTTPMethodNotAllowed()
        request = execution_types.parse_update(body.json_object(pecan.request))
        project_id = common.project_scope()
        common.read(lambda session: workflow_executions.get(
            session, id, project_id=project_id))
        record = pecan.request.engine_client.update_execution(
            common.context(), id, state=request.state,
            state_info=request.state_info, description=request.description,
            env=dict(request.env) if request.env is not None else None)
        return execution_types.to_wire(record)

    @pecan.expose(content_type='application/json')
    def delete(self, id: str | None = None) -> None:
        """Delete an execution and everything under it: 204.

        Only a completed one unless ``force=true`` (403 otherwise, as Mistral).
        The root's row is locked first, as the engine locks it, so an engine
        working on the same tree finishes before the rows go.
        """
        if id is None:
            raise webob_exc.HTTPMethodNotAllowed()
        params = dict(pecan.request.GET.items())
        listing.check_names(params, ('force',))
        force = listing.boolean('force', params.get('force', ''))
        project_id = common.project_scope()

        def operation(session: Any) -> None:
            record = workflow_executions.get(session, id, project_id=project_id)
            workflow_executions.get_for_update(session, record['root_execution_id'])
            if not force and not states.is_completed(record['state']):
                raise exceptions.Forbidden(
                    f"Only completed executions can be deleted. Execution {id} "
                    f"is in {record['state']} state")
            tree = execution_tree.read(session, record['root_execution_id'],
                                       with_actions=False)
            for execution_id in reversed(execution_tree.descendants(tree, id)):
                workflow_executions.delete(
                    session, execution_id,
                    project_id=project_id if execution_id == id else None)

        common.write(operation)
        pecan.response.status = 204


def _based_on_source(
        request: execution_types.ExecutionCreate) -> execution_types.ExecutionCreate:
    """The request completed from the execution it is based on."""
    source_id, project_id = request.source_execution_id or '', common.project_scope()
    source = common.read(lambda session: workflow_executions.get(
        session, source_id, project_id=project_id))
    named = request.workflow_identifier is not None
    return execution_types.ExecutionCreate(
        workflow_id=request.workflow_id if named else source['workflow_id'],
        workflow_name=request.workflow_name if named else source['name'],
        workflow_namespace=(request.workflow_namespace if named
                            else source['workflow_namespace']),
        description=(f"{request.description} Based on the execution "
                     f"'{source_id}'").strip(),
        input=data.deep_merge(source['input'] or {}, request.input),
        params=data.deep_merge(source['params'] or {}, request.params),
        id=request.id, source_execution_id=source_id)
