"""Cron triggers, named by id or by name within a project."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.CronTrigger
_KIND = 'Cron trigger'


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert a cron trigger; ``Duplicate`` if the project has one of that name."""
    identity = common.describe(name=values.get('name'))
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, identifier: str, *,
        project_id: str | None = None) -> common.Row:
    """The trigger with this id or name: the caller's own or a public one."""
    return models.to_dict(_find(session, identifier, project_id))


def get_for_update(session: orm.Session, id: str) -> common.Row | None:
    """The trigger with this id, its row locked until the transaction ends.

    None when it is gone (deleted by its owner, or after its last firing). Where
    the database has no row locks (SQLite) the write transaction serialises
    instead.
    """
    statement = (sa.select(_MODEL).where(_MODEL.id == id).with_for_update()
                 .execution_options(populate_existing=True))
    row = session.scalars(statement).first()
    if row is None:
        return None
    common.keep_loaded(session, [row])
    return models.to_dict(row)


def update(session: orm.Session, id: str, **values: Any) -> common.Row:
    """Change a trigger as its firing does (no visibility check: no caller)."""
    row = common.find_by_id(session, _MODEL, id, kind=_KIND)
    return common.update_row(session, row, values)


def delete(session: orm.Session, identifier: str, *,
           project_id: str | None = None) -> common.Row:
    """Delete a trigger the caller owns and return it as it was.

    ``Forbidden`` for another project's public one. The row is locked and read
    again first, so a firing that committed meanwhile is seen: the returned
    ``next_execution_time`` is the one whose job is still pending.
    """
    row = common.find_by_id(session, _MODEL, _find(session, identifier, project_id).id,
                            kind=_KIND, project_id=project_id, for_update=True)
    common.check_modifiable(row, project_id, _KIND, common.identify(identifier))
    record = models.to_dict(row)
    session.delete(row)
    session.flush()
    return record


def delete_by_id(session: orm.Session, id: str) -> bool:
    """Delete a trigger after its last firing; returns whether it existed."""
    result = session.execute(sa.delete(_MODEL).where(_MODEL.id == id))
    return bool(getattr(result, 'rowcount', 0))


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def _find(session: orm.Session, identifier: str,
          project_id: str | None) -> models.CronTrigger:
    return common.find_named(session, _MODEL, identifier, kind=_KIND,
                             project_id=project_id)
