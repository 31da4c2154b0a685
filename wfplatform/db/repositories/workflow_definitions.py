"""Workflow definitions, named by id or by (name, namespace) within a project."""

from typing import Any

from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.WorkflowDefinition
_KIND = 'Workflow'


def create(session: orm.Session, **values: Any) -> dict[str, Any]:
    """Insert a workflow definition.

    ``Duplicate`` if the project already has one with that name in that namespace.
    """
    identity = common.describe(name=values.get('name'),
                               namespace=values.get('namespace', ''))
    return common.insert(session, _MODEL, values,
                         f'{_KIND} already exists {identity}')


def get(session: orm.Session, identifier: str, *, namespace: str = '',
        project_id: str | None = None) -> dict[str, Any]:
    """The workflow with this id, or with this name in ``namespace``.

    Visible: the caller's own and public ones (any when ``project_id`` is None); a
    name shared by the caller's own and a public workflow means the caller's own.
    """
    return models.to_dict(_find(session, identifier, namespace, project_id))


def update(session: orm.Session, identifier: str, *, namespace: str = '',
           project_id: str | None = None, **values: Any) -> dict[str, Any]:
    """Change a workflow the caller owns and return it as stored.

    ``Forbidden`` for system workflows and other projects' public ones.
    """
    row = _find(session, identifier, namespace, project_id)
    identity = common.identify(identifier, namespace)
    common.check_modifiable(row, project_id, _KIND, identity)
    return common.update_row(session, row, values,
                             f'{_KIND} already exists {identity}')


def delete(session: orm.Session, identifier: str, *, namespace: str = '',
           project_id: str | None = None) -> None:
    """Delete a workflow the caller owns (same rules as :func:`update`)."""
    row = _find(session, identifier, namespace, project_id)
    common.check_modifiable(row, project_id, _KIND,
                            common.identify(identifier, namespace))
    session.delete(row)
    session.flush()


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def _find(session: orm.Session, identifier: str, namespace: str,
          project_id: str | None) -> models.WorkflowDefinition:
    return common.find_named(session, _MODEL, identifier, kind=_KIND,
                             project_id=project_id, namespace=namespace)
