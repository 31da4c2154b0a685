"""``/v2/action_executions`` and ``/v2/tasks/<id>/action_executions``.

Read and list; POST runs an action alone (see :mod:`wfplatform.api.action_runs`);
``PUT`` completes a running action (an asynchronous one, whose result comes by
callback); DELETE removes a finished one run alone, if ``[api]
allow_action_execution_deletion`` allows it. Each action execution shows its
task's name; a page reads the names of all its tasks in one extra query, never
one per row.
"""

import dataclasses
import json
from typing import Any, Mapping, Sequence

import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api import action_runs
from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import action_executions as action_execution_types
from wfplatform.api.types import common as wire
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common as repository
from wfplatform.db.repositories import task_executions
from wfplatform import exceptions
from wfplatform.executor import runner as action_runner
from wfplatform.workflow import states

COMPLETION_STATES = (states.SUCCESS, states.ERROR)
"""States a ``PUT`` may give an action execution, as in Mistral."""

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

    @pecan.expose('json')
    def post(self) -> wire.WireObject:
        """Run an action alone: 201 with its action execution.

        Waits for the result as Mistral does (``run_sync``, or a synchronous
        action not asked to ``save_result``), at most ``timeout`` seconds and
        never longer than ``[api] action_execution_wait``; then answers with
        the execution as it is (RUNNING if the result has not come). A result
        not to be saved is deleted once read, and the answer's ``id`` is null.
        """
        request = action_execution_types.parse_run(body.json_object(pecan.request))
        runs: action_runs.ActionRuns | None = pecan.request.action_runs
        if runs is None:
            raise exceptions.ServiceUnavailable(
                'This API server is not set up to run actions alone')
        context = common.context()
        started = common.write(
            lambda session: action_runs.start(session, context, runs, request))
        if runs.sender is not None:
            runs.sender.flush([started.message])
        record = started.record
        if started.waits:
            seconds = min(request.timeout or runs.max_wait, runs.max_wait)
            record = action_runs.wait(pecan.request.database, record['id'],
                                      seconds, runs.poll_interval)
        pecan.response.status = 201
        if started.keeps or not states.is_completed(record['state']):
            return action_execution_types.to_wire(record, {})
        common.write(lambda session: action_runs.forget(session, record['id']))
        return {**action_execution_types.to_wire(record, {}), 'id': None}

    @pecan.expose(content_type='application/json')
    def delete(self, id: str | None = None) -> None:
        """Delete a completed action execution run alone: 204.

        403 as in Mistral when ``[api] allow_action_execution_deletion`` is off,
        when it belongs to a task, or when it is not completed.
        """
        if id is None:
            raise webob_exc.HTTPMethodNotAllowed()
        if not pecan.request.allow_action_execution_deletion:
            raise exceptions.Forbidden('Action execution deletion is not allowed.')
        project_id = common.project_scope()

        def operation(session: orm.Session) -> None:
            record = action_executions.get(session, id, project_id=project_id)
            if record['task_execution_id']:
                raise exceptions.Forbidden(
                    'Only ad-hoc action execution can be deleted.')
            if not states.is_completed(record['state']):
                raise exceptions.Forbidden(
                    'Only completed action execution can be deleted.')
            action_executions.delete(session, id, project_id=project_id)

        common.write(operation)
        pecan.response.status = 204

    @pecan.expose('json')
    def put(self, id: str | None = None) -> dict[str, Any]:
        """Complete a running action: ``{"state": "SUCCESS"|"ERROR", "output": …}``.

        How an asynchronous action's result arrives (its ``callback_url``). The
        engine applies it after this returns, once, as any action result; the
        answer shows the action execution with the new state and output. 400
        for another state, 409 when the action already finished.
        """
        if id is None:
            raise webob_exc.HTTPMethodNotAllowed()
        completion = parse_completion(body.json_object(pecan.request))
        project_id = common.project_scope()

        def current(session: orm.Session) -> tuple[dict[str, Any], wire.WireObject]:
            record = action_executions.get(session, id, project_id=project_id)
            return record, _to_wire(session, [record])[0]

        record, shown = common.read(current)
        if states.is_completed(record['state']):
            raise exceptions.Conflict(
                f'Action execution {id} is already finished '
                f'[state={record["state"]}]')
        result = completion.result()
        if record.get('root_execution_id'):
            result[action_runner.ROOT_HINT] = record['root_execution_id']
        pecan.request.engine_client.on_action_complete(common.context(), id, result)
        shown.update(state=completion.state,
                     output=json.dumps({'result': completion.output}))
        return shown


@dataclasses.dataclass(frozen=True)
class Completion:
    """A checked ``PUT`` body: the final state and the action's output."""

    state: str
    output: Any

    def result(self) -> dict[str, Any]:
        """The result as the executor would report it."""
        if self.state == states.SUCCESS:
            return {'output': self.output}
        return {'error': self.output if self.output else 'Unknown error'}


def parse_completion(document: Mapping[str, Any]) -> Completion:
    """``state`` (SUCCESS or ERROR) and ``output`` (a value or its JSON text)."""
    body.check_attributes(document, action_execution_types.FIELD_NAMES + ('params',),
                          'action_ex')
    state = document.get('state')
    if state not in COMPLETION_STATES:
        raise exceptions.InvalidInput(
            f'Error. Expected one of {list(COMPLETION_STATES)}, actual: {state}')
    output = document.get('output')
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            pass
    return Completion(state=state, output=output)
