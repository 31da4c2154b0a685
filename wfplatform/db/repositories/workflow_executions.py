"""Workflow executions. The root execution's row is the engine's lock.

Every engine operation first calls :func:`get_for_update` on the root execution, so
all changes to one execution tree are serialised in one lock order.
"""

from typing import Any

from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.WorkflowExecution
_KIND = 'WorkflowExecution'


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert an execution and return it.

    A top-level one (no ``task_execution_id``) is its own root unless
    ``root_execution_id`` says otherwise.
    """
    values = {'id': uuidutils.generate_uuid(), **values}
    if values.get('task_execution_id') is None:
        values.setdefault('root_execution_id', values['id'])
    return common.insert(session, _MODEL, values,
                         f'{_KIND} already exists {common.describe(id=values["id"])}')


def get(session: orm.Session, id: str, *,
        project_id: str | None = None) -> common.Row:
    """The execution, if ``project_id`` may see it (any when None)."""
    return models.to_dict(common.find_by_id(session, _MODEL, id, kind=_KIND,
                                            project_id=project_id))


def get_for_update(session: orm.Session, id: str) -> common.Row:
    """The execution, its row locked until the transaction ends.

    PostgreSQL and MySQL lock the row; on SQLite the write transaction already
    holds the database's write lock (BEGIN IMMEDIATE), which serialises as well.
    """
    return models.to_dict(common.find_by_id(session, _MODEL, id, kind=_KIND,
                                            for_update=True))


def list_for_task(session: orm.Session, task_execution_id: str) -> common.Rows:
    """The sub-workflow executions one task started, oldest first."""
    statement = (sa.select(_MODEL)
                 .where(_MODEL.task_execution_id == task_execution_id)
                 .order_by(_MODEL.created_at, _MODEL.id))
    rows = common.keep_loaded(session, session.scalars(statement).all())
    return [models.to_dict(row) for row in rows]


def find(session: orm.Session, id: str) -> common.Row | None:
    """The execution with this id, or None."""
    row = session.get(_MODEL, id)
    return models.to_dict(row) if row is not None else None


def update(session: orm.Session, id: str, **values: Any) -> common.Row:
    """Write ``values`` into the execution and return it as stored."""
    row = common.find_by_id(session, _MODEL, id, kind=_KIND)
    return common.update_row(session, row, values)


def delete(session: orm.Session, id: str, *, project_id: str | None = None) -> None:
    """Delete the execution (its tasks and their actions cascade)."""
    row = common.find_by_id(session, _MODEL, id, kind=_KIND, project_id=project_id)
    common.check_modifiable(row, project_id, _KIND, common.describe(id=id))
    session.delete(row)
    session.flush()


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)
