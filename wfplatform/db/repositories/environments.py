"""Environments: named variables a workflow execution can be started with."""

from typing import Any

from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.Environment
_KIND = 'Environment'


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert an environment; ``Duplicate`` if the project has one of that name."""
    identity = common.describe(name=values.get('name'))
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, name_or_id: str, *,
        project_id: str | None = None) -> common.Row:
    """The environment with this name or id: the caller's own or a public one."""
    return models.to_dict(_find(session, name_or_id, project_id))


def update(session: orm.Session, name_or_id: str, *, project_id: str | None = None,
           **values: Any) -> common.Row:
    """Change an environment the caller owns and return it.

    ``Forbidden`` for another project's public one.
    """
    row = _find(session, name_or_id, project_id)
    identity = common.identify(name_or_id)
    common.check_modifiable(row, project_id, _KIND, identity)
    return common.update_row(session, row, values, f'{_KIND} already exists {identity}')


def delete(session: orm.Session, name_or_id: str, *,
           project_id: str | None = None) -> None:
    row = _find(session, name_or_id, project_id)
    common.check_modifiable(row, project_id, _KIND, common.identify(name_or_id))
    session.delete(row)
    session.flush()


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def _find(session: orm.Session, name_or_id: str,
          project_id: str | None) -> models.Environment:
    return common.find_named(session, _MODEL, name_or_id, kind=_KIND,
                             project_id=project_id)
