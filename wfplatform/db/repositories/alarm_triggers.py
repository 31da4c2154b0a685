"""Alarm triggers: which workflow an Aodh alarm's webhook starts."""

from typing import Any

from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.AlarmTrigger
_KIND = 'Alarm trigger'


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert an alarm trigger; ``Duplicate`` if the project has one of that name."""
    identity = common.describe(name=values.get('name'))
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, id: str, *, project_id: str | None = None) -> common.Row:
    """The trigger with this id: the caller's own or a public one."""
    return models.to_dict(_find(session, id, project_id))


def find_for_firing(session: orm.Session, id: str) -> common.Row | None:
    """The trigger with this id in any project, or None: what the webhook checks."""
    row = session.get(_MODEL, id)
    return None if row is None else models.to_dict(row)


def delete(session: orm.Session, id: str, *, project_id: str | None = None) -> None:
    row = _find(session, id, project_id)
    common.check_modifiable(row, project_id, _KIND, common.describe(id=id))
    session.delete(row)
    session.flush()


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def _find(session: orm.Session, id: str,
          project_id: str | None) -> models.AlarmTrigger:
    row: models.AlarmTrigger = common.find_by_id(session, _MODEL, id, kind=_KIND,
                                                 project_id=project_id)
    return row
