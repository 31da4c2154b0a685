"""Finished execution trees the expiration policy deletes.

A tree is a top-level execution with everything that shares its
``root_execution_id``: its sub-workflow executions, their tasks and action
executions. It is deleted with three statements through indexed columns, not
row by row; deleting each kind explicitly also works where the database does
not cascade (SQLite without ``PRAGMA foreign_keys``).
"""

import datetime
from typing import Collection

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_EXECUTION = models.WorkflowExecution


def _last_change() -> sa.ColumnElement[datetime.datetime]:
    return sa.func.coalesce(_EXECUTION.updated_at, _EXECUTION.created_at)


def _finished_roots(states: Collection[str]) -> list[sa.ColumnElement[bool]]:
    return [_EXECUTION.task_execution_id.is_(None),
            _EXECUTION.state.in_(sorted(states))]


def changed_before(session: orm.Session, before: datetime.datetime,
                   states: Collection[str], limit: int | None) -> list[str]:
    """Top-level executions in ``states`` changed before ``before``, oldest first."""
    statement = (sa.select(_EXECUTION.id)
                 .where(*_finished_roots(states), _last_change() < before)
                 .order_by(_last_change(), _EXECUTION.id).limit(limit))
    return list(session.scalars(statement))


def beyond_newest(session: orm.Session, keep: int, states: Collection[str],
                  limit: int | None) -> list[str]:
    """Top-level executions in ``states`` after each project's ``keep`` newest."""
    rank = sa.func.row_number().over(
        partition_by=_EXECUTION.project_id,
        order_by=(_last_change().desc(), _EXECUTION.id.desc())).label('rank')
    ranked = (sa.select(_EXECUTION.id, _last_change().label('changed'), rank)
              .where(*_finished_roots(states)).subquery())
    statement = (sa.select(ranked.c.id).where(ranked.c.rank > keep)
                 .order_by(ranked.c.changed, ranked.c.id).limit(limit))
    return list(session.scalars(statement))


def delete_trees(session: orm.Session, root_ids: Collection[str],
                 states: Collection[str]) -> list[str]:
    """Delete the trees of those roots still in ``states``; returns their ids.

    The roots' rows are locked first, in id order, as the engine locks a
    root: an engine still working on a tree finishes before it goes, and two
    processes deleting the same trees delete each once.
    """
    if not root_ids:
        return []
    locking = (sa.select(_EXECUTION.id)
               .where(_EXECUTION.id.in_(sorted(root_ids)),
                      *_finished_roots(states))
               .order_by(_EXECUTION.id))
    if common.supports_row_locks(session):
        locking = locking.with_for_update()
    found = list(session.scalars(locking))
    if not found:
        return []
    executions = (sa.select(_EXECUTION.id)
                  .where(_EXECUTION.root_execution_id.in_(found)))
    tasks = (sa.select(models.TaskExecution.id)
             .where(models.TaskExecution.workflow_execution_id.in_(executions)))
    # Through the indexed parent columns, children first.
    for statement in (
            sa.delete(models.ActionExecution)
            .where(models.ActionExecution.task_execution_id.in_(tasks)),
            sa.delete(models.TaskExecution)
            .where(models.TaskExecution.workflow_execution_id.in_(executions)),
            sa.delete(_EXECUTION).where(_EXECUTION.root_execution_id.in_(found))):
        session.execute(statement.execution_options(synchronize_session=False))
    return found
