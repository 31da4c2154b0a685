"""Action executions, for a task or run alone (``task_execution_id`` null).

Their id travels in every message about them, so a redelivered result finds the
row by id and is recognised.
"""

from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.ActionExecution
_KIND = 'ActionExecution'
_RUNNING = 'RUNNING'


def create(session: orm.Session, **values: Any) -> common.Row:
    identity = common.describe(id=values.get('id'))
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, id: str, *,
        project_id: str | None = None) -> common.Row:
    return models.to_dict(common.find_by_id(session, _MODEL, id, kind=_KIND,
                                            project_id=project_id))


def get_for_update(session: orm.Session, id: str) -> common.Row:
    """Return the action execution, its row locked until the transaction ends.

    See ``workflow_executions.get_for_update``.
    """
    return models.to_dict(common.find_by_id(session, _MODEL, id, kind=_KIND,
                                            for_update=True))


def find(session: orm.Session, id: str) -> common.Row | None:
    """The action execution with this id, or None."""
    row = session.get(_MODEL, id)
    return models.to_dict(row) if row is not None else None


def update(session: orm.Session, id: str, **values: Any) -> common.Row:
    row = common.find_by_id(session, _MODEL, id, kind=_KIND)
    return common.update_row(session, row, values)


def delete(session: orm.Session, id: str, *, project_id: str | None = None) -> None:
    """Delete the action execution, if ``project_id`` may see it (any when None)."""
    row = common.find_by_id(session, _MODEL, id, kind=_KIND, project_id=project_id)
    session.delete(row)
    session.flush()


def list_for_task(session: orm.Session, task_execution_id: str) -> common.Rows:
    """Every action execution of one task, oldest first, in one query."""
    statement = (sa.select(_MODEL)
                 .where(_MODEL.task_execution_id == task_execution_id)
                 .order_by(_MODEL.created_at, _MODEL.id))
    rows = common.keep_loaded(session, session.scalars(statement).all())
    return [models.to_dict(row) for row in rows]


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def set_executor_host(session: orm.Session, ids: Iterable[str],
                      executor_host: str | None) -> int:
    """Record which executor holds these RUNNING action executions.

    One statement; completed ones are left alone (their result came first).
    Returns how many rows changed.
    """
    statement = (sa.update(_MODEL)
                 .where(_MODEL.id.in_(sorted(ids)), _MODEL.state == _RUNNING)
                 .values(executor_host=executor_host)
                 .execution_options(synchronize_session=False))
    return int(getattr(session.execute(statement), 'rowcount', 0))


def running_executor_hosts(session: orm.Session) -> set[str]:
    """The executors (member ids) that hold at least one RUNNING action."""
    statement = (sa.select(_MODEL.executor_host).distinct()
                 .where(_MODEL.state == _RUNNING,
                        _MODEL.executor_host.is_not(None)))
    return {host for host in session.scalars(statement) if host}


def list_running_on(session: orm.Session, executor_host: str) -> common.Rows:
    """The RUNNING action executions ``executor_host`` holds, oldest first."""
    statement = (sa.select(_MODEL)
                 .where(_MODEL.state == _RUNNING,
                        _MODEL.executor_host == executor_host)
                 .order_by(_MODEL.created_at, _MODEL.id))
    return [models.to_dict(row) for row in session.scalars(statement).all()]
