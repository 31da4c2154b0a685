"""An execution tree in memory: Mistral's report and sub-execution list, deletion.

Every execution of one root, its tasks and their action executions share a
``root_execution_id``, so the whole tree is read in three indexed queries
(:func:`read`) and walked here without further I/O; Mistral instead opens a
transaction per task. The walks follow Mistral's (``execution_report.py``,
``sub_execution.py``): a sub-workflow sits at the depth of the task that started
it, ``max_depth`` below zero means no limit, and ``errors_only`` keeps only tasks
in ERROR (and what is under them).
"""

import collections
import dataclasses
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import orm

from wfplatform.api.types import common as wire
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common as repository
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform.workflow import states

Row = Mapping[str, Any]

_ENTRY_COLUMNS = ('id', 'name', 'created_at', 'updated_at', 'state', 'state_info')
EXECUTION_COLUMNS = _ENTRY_COLUMNS + ('task_execution_id',)
"""What the report and a deletion need of each execution."""
TASK_COLUMNS = _ENTRY_COLUMNS + ('type', 'workflow_execution_id', 'runtime_context')
ACTION_COLUMNS = _ENTRY_COLUMNS + ('task_execution_id',)

COUNTED_STATES = {
    states.RUNNING: 'running_tasks_count', states.SUCCESS: 'success_tasks_count',
    states.ERROR: 'error_tasks_count', states.IDLE: 'idle_tasks_count',
    states.PAUSED: 'paused_tasks_count',
}
"""Task states the report's statistics count, as Mistral's: others (WAITING,
DELAYED, SKIPPED, CANCELLED) count nowhere, not even in ``total_tasks_count``."""


@dataclasses.dataclass(frozen=True)
class Tree:
    """The executions of one root, each task's sub-workflows and actions."""

    executions: Mapping[str, Row]
    tasks_of: Mapping[str, Sequence[Row]]
    children_of: Mapping[str, Sequence[Row]]
    actions_of: Mapping[str, Sequence[Row]]


def read(session: orm.Session, root_id: str,
         execution_columns: Sequence[str] = EXECUTION_COLUMNS,
         with_actions: bool = True) -> Tree:
    """The tree under root ``root_id``, oldest first at every level."""
    def rows(module: Any, columns: Sequence[str]) -> list[Row]:
        return module.list(session, repository.ListQuery(
            filters=(repository.Filter('root_execution_id', 'eq', root_id),),
            fields=tuple(columns)))

    actions = rows(action_executions, ACTION_COLUMNS) if with_actions else []
    return build(rows(workflow_executions, tuple(execution_columns)
                      + ('task_execution_id',)),
                 rows(task_executions, TASK_COLUMNS), actions)


def build(executions: Iterable[Row], tasks: Iterable[Row],
          actions: Iterable[Row]) -> Tree:
    tasks_of: dict[str, list[Row]] = collections.defaultdict(list)
    children_of: dict[str, list[Row]] = collections.defaultdict(list)
    actions_of: dict[str, list[Row]] = collections.defaultdict(list)
    by_id = {}
    for execution in executions:
        by_id[execution['id']] = execution
        if execution.get('task_execution_id'):
            children_of[execution['task_execution_id']].append(execution)
    for task in tasks:
        tasks_of[task['workflow_execution_id']].append(task)
    for action in actions:
        actions_of[action['task_execution_id']].append(action)
    return Tree(by_id, tasks_of, children_of, actions_of)


def descendants(tree: Tree, execution_id: str) -> list[str]:
    """``execution_id`` and every execution below it, parents first."""
    found, pending = [], [execution_id]
    while pending:
        current = pending.pop(0)
        found.append(current)
        for task in tree.tasks_of.get(current, ()):
            pending += [child['id'] for child in tree.children_of.get(task['id'], ())]
    return found


@dataclasses.dataclass(frozen=True)
class Walk:
    """The options of a walk: ``max_depth`` below zero means no limit."""

    errors_only: bool = False
    max_depth: int = -1

    def too_deep(self, depth: int) -> bool:
        return 0 <= self.max_depth < depth

    def skips(self, task: Row) -> bool:
        return self.errors_only and task['state'] != states.ERROR


def report(tree: Tree, execution_id: str, walk: Walk,
           statistics_only: bool = False) -> dict[str, Any]:
    """``{"statistics": {...}, "root_workflow_execution": {...}}`` as Mistral's.

    ``statistics_only`` leaves the tree out; the statistics are the same.
    """
    statistics = dict.fromkeys(('total_tasks_count',) + tuple(
        COUNTED_STATES.values()), 0)
    root = _execution_entry(tree, tree.executions[execution_id], walk, 0,
                            statistics)
    if statistics_only:
        return {'statistics': statistics}
    return {'statistics': statistics, 'root_workflow_execution': root}


def _entry(row: Row) -> dict[str, Any]:
    return {'id': row['id'], 'name': row['name'],
            'created_at': wire.timestamp(row['created_at']),
            'updated_at': wire.timestamp(row['updated_at']),
            'state': row['state'], 'state_info': row['state_info']}


def _execution_entry(tree: Tree, execution: Row, walk: Walk, depth: int,
                     statistics: dict[str, int]) -> dict[str, Any]:
    entry = _entry(execution)
    if walk.too_deep(depth):
        return entry
    entry['task_executions'] = [
        _task_entry(tree, task, walk, depth + 1, statistics)
        for task in tree.tasks_of.get(execution['id'], ()) if not walk.skips(task)]
    return entry


def _task_entry(tree: Tree, task: Row, walk: Walk, depth: int,
                statistics: dict[str, int]) -> dict[str, Any]:
    counter = COUNTED_STATES.get(task['state'])
    if counter is not None:
        statistics[counter] += 1
        statistics['total_tasks_count'] += 1
    entry = _entry(task)
    entry['type'] = task['type']
    retry = (task.get('runtime_context') or {}).get('retry_task_policy')
    if retry is not None:
        entry['retry_count'] = retry.get('retry_no', 0)
    entry['action_executions'] = [
        {**_entry(action), 'last_heartbeat': None}
        for action in tree.actions_of.get(task['id'], ())]
    entry['workflow_executions'] = [
        _execution_entry(tree, child, walk, depth, statistics)
        for child in tree.children_of.get(task['id'], ())]
    return entry


def sub_executions(tree: Tree, execution_id: str, walk: Walk,
                   depth: int = 0) -> list[Row]:
    """``execution_id`` itself, then the executions under it, depth first."""
    if walk.too_deep(depth):
        return []
    found = [tree.executions[execution_id]]
    for task in tree.tasks_of.get(execution_id, ()):
        found += task_sub_executions(tree, task, walk, depth + 1)
    return found


def task_sub_executions(tree: Tree, task: Row, walk: Walk,
                        depth: int = 0) -> list[Row]:
    """The executions a task started and those under them (none if skipped)."""
    if walk.skips(task):
        return []
    found: list[Row] = []
    for child in tree.children_of.get(task['id'], ()):
        found += sub_executions(tree, child['id'], walk, depth)
    return found
