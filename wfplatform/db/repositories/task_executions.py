"""Task executions; ``unique_key`` makes their creation idempotent."""

import builtins
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.TaskExecution
_KIND = 'Task execution'


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert a task execution.

    ``Duplicate`` if its ``unique_key`` exists, which aborts the transaction: look
    first with :func:`get_by_unique_key`.
    """
    identity = common.describe(unique_key=values.get('unique_key'))
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, id: str, *,
        project_id: str | None = None) -> common.Row:
    return models.to_dict(common.find_by_id(session, _MODEL, id, kind=_KIND,
                                            project_id=project_id))


def get_by_unique_key(session: orm.Session, key: str) -> common.Row | None:
    """The task execution with this unique key, or None."""
    row = session.scalars(sa.select(_MODEL).where(_MODEL.unique_key == key)).first()
    return None if row is None else models.to_dict(row)


def update(session: orm.Session, id: str, **values: Any) -> common.Row:
    """Write ``values`` into the task and return it as stored.

    Cheap after :func:`get_many` or :func:`create` in the same session: the row
    is not read again.
    """
    row = common.find_by_id(session, _MODEL, id, kind=_KIND)
    return common.update_row(session, row, values)


_SUMMARY_COLUMNS = (_MODEL.id, _MODEL.name, _MODEL.type, _MODEL.state,
                    _MODEL.state_info, _MODEL.runtime_context)


def list_summaries(session: orm.Session, workflow_execution_id: str) -> common.Rows:
    """Every task of one workflow execution without its data, oldest first.

    What the engine reads on each event: names, states and where each task led
    (``runtime_context``), not the contexts and results, which grow with the
    workflow and are read only for the tasks an event needs.
    """
    statement = (sa.select(*_SUMMARY_COLUMNS)
                 .where(_MODEL.workflow_execution_id == workflow_execution_id)
                 .order_by(_MODEL.created_at, _MODEL.id))
    return [dict(row._mapping) for row in session.execute(statement)]


def get_many(session: orm.Session, ids: Iterable[str]) -> common.Rows:
    """The task executions with these ids (in no particular order), in one query."""
    statement = sa.select(_MODEL).where(_MODEL.id.in_(builtins.list(ids)))
    rows = common.keep_loaded(session, session.scalars(statement).all())
    return [models.to_dict(row) for row in rows]


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)
