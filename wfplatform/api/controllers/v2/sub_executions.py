"""An execution's tree: ``/v2/executions/<id>/report``, ``.../executions`` and
``/v2/tasks/<id>/executions``.

Each reads the whole tree of the execution's root in one read-only transaction
(see :mod:`wfplatform.api.execution_tree`) and answers in Mistral's format.
"""

from typing import Any, Callable

import pecan
from pecan import rest
from sqlalchemy import orm

from wfplatform.api.controllers.v2 import common
from wfplatform.api import execution_tree
from wfplatform.api import listing
from wfplatform.api.types import common as wire
from wfplatform.api.types import executions as execution_types
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions

_WALK_PARAMETERS = ('errors_only', 'max_depth')


def _walk(params: dict[str, str], extra: tuple[str, ...]) -> execution_tree.Walk:
    listing.check_names(params, _WALK_PARAMETERS + extra)
    return execution_tree.Walk(
        errors_only=listing.boolean('errors_only', params.get('errors_only', '')),
        max_depth=listing.integer('max_depth', params.get('max_depth', '-1')))


def _execution_columns(include_output: bool) -> tuple[str, ...]:
    wanted = execution_types.LIST_FIELDS + (('output',) if include_output else ())
    return wire.columns(execution_types.FIELDS, wanted)


def _listed(rows: list[Any], include_output: bool) -> dict[str, Any]:
    """The executions as Mistral lists them: ``output`` only when asked for."""
    fields = execution_types.LIST_FIELDS + (('output',) if include_output else ())
    return {'executions': [wire.project(execution_types.to_wire(row), fields)
                           for row in rows]}


def _in_tree(execution_id: str, columns: tuple[str, ...] = (
        execution_tree.EXECUTION_COLUMNS), with_actions: bool = True
             ) -> Callable[[orm.Session], execution_tree.Tree]:
    """Reads the tree holding the execution the caller may see (404 if none)."""
    project_id = common.project_scope()

    def operation(session: orm.Session) -> execution_tree.Tree:
        execution = workflow_executions.get(session, execution_id,
                                            project_id=project_id)
        return execution_tree.read(session, execution['root_execution_id'],
                                   columns, with_actions)
    return operation


class ExecutionReportController(rest.RestController):
    """``GET /v2/executions/<id>/report``: the tree with task statistics."""

    @pecan.expose('json')
    def get_all(self, execution_id: str) -> dict[str, Any]:
        params = dict(pecan.request.GET.items())
        walk = _walk(params, ('statistics_only',))
        statistics_only = listing.boolean('statistics_only',
                                          params.get('statistics_only', ''))
        tree = common.read(_in_tree(execution_id))
        return execution_tree.report(tree, execution_id, walk, statistics_only)


class ExecutionSubExecutionsController(rest.RestController):
    """``GET /v2/executions/<id>/executions``: it and the executions under it."""

    @pecan.expose('json')
    def get_all(self, execution_id: str) -> dict[str, Any]:
        params = dict(pecan.request.GET.items())
        walk = _walk(params, ('include_output',))
        include_output = listing.boolean('include_output',
                                         params.get('include_output', ''))
        tree = common.read(_in_tree(execution_id, _execution_columns(include_output),
                                    with_actions=False))
        return _listed(execution_tree.sub_executions(tree, execution_id, walk),
                       include_output)


class TaskSubExecutionsController(rest.RestController):
    """``GET /v2/tasks/<id>/executions``: the executions a task started, and below."""

    @pecan.expose('json')
    def get_all(self, task_id: str) -> dict[str, Any]:
        params = dict(pecan.request.GET.items())
        walk = _walk(params, ('include_output',))
        include_output = listing.boolean('include_output',
                                         params.get('include_output', ''))
        project_id = common.project_scope()
        columns = _execution_columns(include_output)

        def operation(session: orm.Session) -> tuple[Any, execution_tree.Tree]:
            task = task_executions.get(session, task_id, project_id=project_id)
            return task, execution_tree.read(session, task['root_execution_id'],
                                             columns, with_actions=False)

        task, tree = common.read(operation)
        return _listed(execution_tree.task_sub_executions(tree, task, walk),
                       include_output)
