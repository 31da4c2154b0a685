"""System workflows: the installed library's, public and read-only.

They are rows of ``workflow_definitions`` with ``is_system`` set, owned by
:data:`wfplatform.config.DEFAULT_PROJECT_ID`, in namespace ``''``.
:func:`populate_workflows` keeps them in step with the installed documents (at
``db-manage populate`` and at engine start); users read and run them, and cannot
change or delete them (:func:`workflow_definitions.update` refuses).
"""

import dataclasses
import json
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform import config
from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.WorkflowDefinition
_KIND = 'Workflow'

_COMPARED = ('definition', 'spec', 'input', 'tags')
"""Columns whose change makes populate rewrite a system workflow."""

_TRIGGERS = (models.CronTrigger, models.EventTrigger, models.AlarmTrigger)


@dataclasses.dataclass(frozen=True)
class PopulateSummary:
    """Names of system workflows populate added, changed, removed and kept.

    ``kept`` are uninstalled ones that triggers still start: removing them would
    make the triggers fire into nothing, so they stay until the triggers go.
    """

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...] = ()


def populate_workflows(session: orm.Session,
                       workflows: Iterable[Mapping[str, Any]]) -> PopulateSummary:
    """Make the system workflows exactly ``workflows``; idempotent.

    Each item holds the stored columns of one workflow (``name``, ``definition``,
    ``spec``, ``input``, ``tags``, …). Existing rows are updated in place, so
    their ids, and the triggers that name them, survive an upgrade. A second run
    with the same documents writes nothing.
    """
    existing = {row.name: row for row in session.scalars(
        sa.select(_MODEL).where(_MODEL.is_system.is_(True),
                                _MODEL.namespace == '',
                                _MODEL.project_id == config.DEFAULT_PROJECT_ID))}
    added, updated = [], []
    installed = set()
    for item in workflows:
        values = _system_values(item)
        installed.add(values['name'])
        row = existing.get(values['name'])
        if row is None:
            common.insert(session, _MODEL, values,
                          f'{_KIND} already exists '
                          f'{common.describe(name=values["name"], namespace="")}')
            added.append(values['name'])
        elif any(_plain(getattr(row, key)) != _plain(values.get(key))
                 for key in _COMPARED):
            common.update_row(session, row, values)
            updated.append(values['name'])
    removed, kept = _remove_uninstalled(
        session, [row for name, row in existing.items() if name not in installed])
    return PopulateSummary(tuple(sorted(added)), tuple(sorted(updated)),
                           tuple(removed), tuple(kept))


def _remove_uninstalled(session: orm.Session, rows: list[models.WorkflowDefinition]
                        ) -> tuple[list[str], list[str]]:
    removed, kept = [], []
    for row in sorted(rows, key=lambda row: row.name):
        if _has_triggers(session, row.id):
            kept.append(row.name)
            continue
        session.delete(row)
        removed.append(row.name)
    session.flush()
    return removed, kept


def _has_triggers(session: orm.Session, workflow_id: str) -> bool:
    return any(session.scalars(sa.select(model.id).where(
        model.workflow_id == workflow_id).limit(1)).first() is not None
        for model in _TRIGGERS)


def _plain(value: Any) -> Any:
    """``value`` as it reads back from a JSON column (tuples become lists)."""
    return json.loads(json.dumps(value))


def _system_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {**values, 'namespace': '', 'project_id': config.DEFAULT_PROJECT_ID,
            'is_system': True, 'scope': common.PUBLIC_SCOPE}
