"""Workflow definitions, named by id or by (name, namespace) within a project."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common
from wfplatform import exceptions

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
    """Delete a workflow the caller owns (same rules as :func:`update`).

    ``InvalidInput`` while cron, event or alarm triggers of any project start it,
    as in Mistral: they would fire into nothing.
    """
    row = _find(session, identifier, namespace, project_id)
    common.check_modifiable(row, project_id, _KIND,
                            common.identify(identifier, namespace))
    _check_no_triggers(session, row.id, identifier)
    session.delete(row)
    session.flush()


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


_TRIGGERS = (('cron', models.CronTrigger), ('event', models.EventTrigger),
             ('alarm', models.AlarmTrigger))
"""Kinds of trigger that start a workflow, which then cannot be deleted."""


def _check_no_triggers(session: orm.Session, workflow_id: str,
                       identifier: str) -> None:
    """Refuse to delete a workflow that triggers start, naming them.

    Mistral's message, one kind of trigger at a time.
    """
    for kind, model in _TRIGGERS:
        trigger_ids = session.scalars(sa.select(model.id).where(
            model.workflow_id == workflow_id)).all()
        if trigger_ids:
            raise exceptions.InvalidInput(
                f"Can't delete workflow that has {kind} triggers associated. "
                f'[workflow_identifier={identifier}], '
                f'[{kind}_trigger_id(s)={", ".join(trigger_ids)}]')


def _find(session: orm.Session, identifier: str, namespace: str,
          project_id: str | None) -> models.WorkflowDefinition:
    return common.find_named(session, _MODEL, identifier, kind=_KIND,
                             project_id=project_id, namespace=namespace)
