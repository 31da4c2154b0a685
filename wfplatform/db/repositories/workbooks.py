"""Workbooks, named by id or by (name, namespace) within a project.

A workbook's workflows and actions are rows of their own tables with
``workbook_name`` set (see :func:`members`); keeping them in step with the
workbook is the caller's business, in the same transaction.
"""

import dataclasses
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.Workbook
_KIND = 'Workbook'


@dataclasses.dataclass(frozen=True)
class Members:
    """The workflow definitions and ad-hoc actions stored for one workbook."""

    workflows: common.Rows
    actions: common.Rows


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert a workbook.

    ``Duplicate`` if the project already has one with that name in that namespace.
    """
    identity = common.describe(name=values.get('name'),
                               namespace=values.get('namespace', ''))
    return common.insert(session, _MODEL, values, f'{_KIND} already exists {identity}')


def get(session: orm.Session, identifier: str, *, namespace: str = '',
        project_id: str | None = None) -> common.Row:
    """The workbook with this id, or with this name in ``namespace``.

    Visible: the caller's own and public ones (any when ``project_id`` is None);
    the caller's own wins over a public namesake.
    """
    return models.to_dict(_find(session, identifier, namespace, project_id))


def update(session: orm.Session, identifier: str, *, namespace: str = '',
           project_id: str | None = None, **values: Any) -> common.Row:
    """Change a workbook the caller owns and return it as stored.

    ``Forbidden`` for another project's public workbook.
    """
    row = _find(session, identifier, namespace, project_id)
    identity = common.identify(identifier, namespace)
    common.check_modifiable(row, project_id, _KIND, identity)
    return common.update_row(session, row, values, f'{_KIND} already exists {identity}')


def delete(session: orm.Session, identifier: str, *, namespace: str = '',
           project_id: str | None = None) -> common.Row:
    """Delete a workbook the caller owns (same rules as :func:`update`).

    Returns the deleted row; its members are left to the caller.
    """
    row = _find(session, identifier, namespace, project_id)
    common.check_modifiable(row, project_id, _KIND,
                            common.identify(identifier, namespace))
    record = models.to_dict(row)
    session.delete(row)
    session.flush()
    return record


def members(session: orm.Session, workbook: common.Row) -> Members:
    """The workflows and actions of ``workbook`` (same name, namespace, project)."""
    def rows(model: type[models.WorkflowDefinition] | type[models.ActionDefinition]
             ) -> common.Rows:
        statement = sa.select(*model.__table__.columns).where(
            model.workbook_name == workbook['name'],
            model.namespace == workbook['namespace'],
            model.project_id == workbook['project_id']).order_by(model.created_at)
        return [dict(row._mapping) for row in session.execute(statement)]

    return Members(rows(models.WorkflowDefinition), rows(models.ActionDefinition))


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def _find(session: orm.Session, identifier: str, namespace: str,
          project_id: str | None) -> models.Workbook:
    return common.find_named(session, _MODEL, identifier, kind=_KIND,
                             project_id=project_id, namespace=namespace)
