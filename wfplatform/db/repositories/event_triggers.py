"""Event triggers: which notifications start which workflow, named by id only."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.EventTrigger
_KIND = 'Event trigger'


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert an event trigger.

    ``Duplicate`` if the project already has one for that workflow and event on
    that exchange and topic.
    """
    identity = common.describe(**{key: values.get(key) for key in (
        'exchange', 'topic', 'event', 'workflow_id')})
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, id: str, *, project_id: str | None = None) -> common.Row:
    """The trigger with this id: the caller's own or a public one."""
    return models.to_dict(_find(session, id, project_id))


def update(session: orm.Session, id: str, *, project_id: str | None = None,
           **values: Any) -> common.Row:
    """Change a trigger the caller owns and return it.

    ``Forbidden`` for another project's public one.
    """
    row = _find(session, id, project_id)
    identity = common.describe(id=id)
    common.check_modifiable(row, project_id, _KIND, identity)
    return common.update_row(session, row, values, f'{_KIND} already exists {identity}')


def delete(session: orm.Session, id: str, *, project_id: str | None = None) -> None:
    row = _find(session, id, project_id)
    common.check_modifiable(row, project_id, _KIND, common.describe(id=id))
    session.delete(row)
    session.flush()


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def list_all(session: orm.Session) -> common.Rows:
    """Every trigger of every project, oldest first: what the event engine serves."""
    statement = sa.select(*_MODEL.__table__.columns).order_by(_MODEL.created_at,
                                                              _MODEL.id)
    return [dict(row._mapping) for row in session.execute(statement)]


def _find(session: orm.Session, id: str,
          project_id: str | None) -> models.EventTrigger:
    row: models.EventTrigger = common.find_by_id(session, _MODEL, id, kind=_KIND,
                                                 project_id=project_id)
    return row
