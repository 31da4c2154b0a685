"""Action definitions: ad-hoc actions users create and the installed system actions.

System actions (``is_system``) mirror the action plugins installed with pip; they
are public, owned by :data:`wfplatform.config.DEFAULT_PROJECT_ID`, and kept in step
with the installed plugins by :func:`populate_actions` (at ``db-manage populate``
and at engine start).
"""

import dataclasses
from typing import Any, Iterable, Mapping, Protocol

import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform import config
from wfplatform.db import models
from wfplatform.db.repositories import common

_MODEL = models.ActionDefinition
_KIND = 'Action'


class ActionDescriptor(Protocol):
    """What populate needs of an installed action (``actions.registry``)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str | None: ...

    @property
    def input_signature(self) -> str: ...

    @property
    def class_path(self) -> str: ...


@dataclasses.dataclass(frozen=True)
class PopulateSummary:
    """Names of system actions populate added, changed and removed."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]


def create(session: orm.Session, **values: Any) -> common.Row:
    """Insert an action definition.

    ``Duplicate`` if the project already has one with that name in that namespace.
    """
    return common.insert(session, _MODEL, values,
                         f'{_KIND} already exists {_identity(values)}')


def get(session: orm.Session, name: str, *, namespace: str = '',
        project_id: str | None = None) -> common.Row:
    """Return the action named ``name`` (or with that id) visible to the caller.

    Visible are the caller's own, public and system ones (any when ``project_id``
    is None); the caller's own wins over a public namesake.
    """
    return models.to_dict(_find(session, name, namespace, project_id))


def update(session: orm.Session, identifier: str, *, namespace: str = '',
           project_id: str | None = None, **values: Any) -> common.Row:
    """Change the ad-hoc action with this name (or id) the caller owns; return it.

    ``values`` may rename it. ``Forbidden`` for system actions and other
    projects' public ones.
    """
    row = _find(session, identifier, namespace, project_id)
    identity = common.identify(identifier, namespace)
    common.check_modifiable(row, project_id, _KIND, identity)
    return common.update_row(session, row, values,
                             f'{_KIND} already exists {identity}')


def delete(session: orm.Session, name: str, *, namespace: str = '',
           project_id: str | None = None) -> None:
    """Delete an ad-hoc action the caller owns (same rules as :func:`update`)."""
    row = _find(session, name, namespace, project_id)
    common.check_modifiable(row, project_id, _KIND,
                            common.describe(name=name, namespace=namespace))
    session.delete(row)
    session.flush()


def upsert_system(session: orm.Session, **values: Any) -> common.Row:
    """Insert or update the system action with this name, namespace and project.

    Namespace defaults to ``''`` and project to the default project; system
    actions are always public.
    """
    values = _system_values(values)
    row = session.scalars(sa.select(_MODEL).where(
        _MODEL.name == values['name'], _MODEL.namespace == values['namespace'],
        _MODEL.project_id == values['project_id'])).first()
    if row is None:
        return common.insert(session, _MODEL, values,
                             f'{_KIND} already exists {_identity(values)}')
    return common.update_row(session, row, values)


def delete_system_except(session: orm.Session, names: Iterable[str]) -> int:
    """Delete every system action whose name is not in ``names``; returns how many.

    Ad-hoc (non-system) actions are never touched.
    """
    statement = sa.delete(_MODEL).where(_MODEL.is_system.is_(True))
    keep = common.ids(names)
    if keep:
        statement = statement.where(_MODEL.name.not_in(keep))
    result = session.execute(statement,
                             execution_options={'synchronize_session': False})
    return int(getattr(result, 'rowcount', 0))


def populate_actions(
        session: orm.Session,
        descriptors: Mapping[str, ActionDescriptor] | Iterable[ActionDescriptor],
) -> PopulateSummary:
    """Make the system actions exactly the installed ones; idempotent.

    ``descriptors`` is ``actions.registry.discover()`` (a mapping by name) or its
    values. One query reads the current system actions; only new or changed ones
    are written, so a second run with the same plugins writes nothing.
    """
    if isinstance(descriptors, Mapping):
        descriptors = descriptors.values()
    descriptors = tuple(descriptors)
    existing = {row.name: row for row in session.scalars(
        sa.select(_MODEL).where(_MODEL.is_system.is_(True),
                                _MODEL.namespace == '',
                                _MODEL.project_id == config.DEFAULT_PROJECT_ID))}
    added, updated = [], []
    for descriptor in descriptors:
        values = _descriptor_values(descriptor)
        row = existing.get(descriptor.name)
        if row is None:
            upsert_system(session, **values)
            added.append(descriptor.name)
        elif any(getattr(row, key) != value for key, value in values.items()):
            common.update_row(session, row, values)
            updated.append(descriptor.name)
    installed = {descriptor.name for descriptor in descriptors}
    removed = sorted(name for name in existing if name not in installed)
    if removed:
        delete_system_except(session, installed)
    return PopulateSummary(tuple(sorted(added)), tuple(sorted(updated)),
                           tuple(removed))


def list(session: orm.Session, query: common.ListQuery) -> common.Rows:
    return common.list_rows(session, _MODEL, query)


def _descriptor_values(descriptor: ActionDescriptor) -> dict[str, Any]:
    return _system_values({
        'name': descriptor.name,
        'description': descriptor.description,
        'input': descriptor.input_signature,
        'action_class': descriptor.class_path,
    })


def _system_values(values: dict[str, Any]) -> dict[str, Any]:
    return {'namespace': '', 'project_id': config.DEFAULT_PROJECT_ID, **values,
            'is_system': True, 'scope': common.PUBLIC_SCOPE}


def _find(session: orm.Session, name: str, namespace: str,
          project_id: str | None) -> models.ActionDefinition:
    return common.find_named(session, _MODEL, name, kind=_KIND,
                             project_id=project_id, namespace=namespace)


def _identity(values: Mapping[str, Any]) -> str:
    return common.describe(name=values.get('name'),
                           namespace=values.get('namespace', ''))
