"""``/v2/actions``: the installed system actions and the ad-hoc actions users write.

System actions come from the installed plugins and can only be read. Ad-hoc
actions arrive as raw YAML (``Content-Type: text/plain``, query parameters
``namespace`` and ``scope``); one document may define several, which are all
created (or updated) in one transaction and returned as ``{"actions": [...]}``.
As python-mistralclient addresses one action, its namespace may also be the
second path segment: ``/v2/actions/{name or id}/{namespace}``.
"""

from typing import Any

import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import actions as action_types
from wfplatform.db.repositories import action_definitions
from wfplatform import exceptions
from wfplatform import lang

COLLECTION = listing.Collection(
    name='actions', fields=action_types.FIELDS, list_fields=action_types.FIELD_NAMES,
    filters=action_types.FILTERS)


class ActionValidationController(rest.RestController):
    """``POST /v2/actions/validate``: check ad-hoc actions without storing them."""

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        try:
            lang.parse_actions(common.definition_text('action'))
        except exceptions.InvalidInput as error:
            return {'valid': False, 'error': str(error)}
        return {'valid': True}


class ActionsController(rest.RestController):
    validate = ActionValidationController()

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: action_definitions.list(session, request.query))
        return common.page(COLLECTION, map(action_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, name: str, *segments: str) -> dict[str, Any]:
        """An action by name in the namespace (default ''), or by id.

        Pecan routes only required arguments, so the optional namespace segment
        is taken as ``*segments``.
        """
        if len(segments) > 1:
            raise webob_exc.HTTPNotFound()
        namespace = _namespace(segments[0] if segments else None)
        project_id = common.context().project_id
        record = common.read(lambda session: action_definitions.get(
            session, name, namespace=namespace, project_id=project_id))
        return action_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create every action of the document: 201 ``{"actions": [...]}``.

        409 if a name is taken, by an action of the project or by a system action.
        """
        values = _document_values()
        project_id = common.context().project_id

        def create(session: orm.Session) -> list[dict[str, Any]]:
            for action in values:
                _check_not_system(session, action['name'], action['namespace'],
                                  project_id)
            return [action_definitions.create(session, project_id=project_id,
                                              **action)
                    for action in values]

        records = common.write(create)
        pecan.response.status = 201
        return {'actions': [action_types.to_wire(record) for record in records]}

    @pecan.expose('json')
    def put(self, identifier: str | None = None) -> dict[str, Any]:
        """Replace ad-hoc actions by name, or the one with ``identifier``.

        With an identifier the document must hold one action, which may rename
        it. The response is ``{"actions": [...]}`` either way, as in Mistral.
        System actions cannot be changed (400).
        """
        values = _document_values()
        if identifier and len(values) > 1:
            raise exceptions.InvalidInput(
                'More than one actions are not supported for update with '
                f'identifier. [identifier: {identifier}]')
        project_id = common.context().project_id

        def update(session: orm.Session) -> list[dict[str, Any]]:
            records = []
            for action in values:
                target = identifier or action['name']
                _check_adhoc(session, target, action['namespace'], project_id,
                             'modify')
                records.append(action_definitions.update(
                    session, target, namespace=action['namespace'],
                    project_id=project_id,
                    **{key: value for key, value in action.items()
                       if key != 'namespace'}))
            return records

        records = common.write(update)
        return {'actions': [action_types.to_wire(record) for record in records]}

    @pecan.expose(content_type='application/json')
    def delete(self, identifier: str | None = None,
               namespace: str | None = None) -> None:
        """Delete an ad-hoc action: 204; 400 for a system action, as in Mistral."""
        if identifier is None:
            raise webob_exc.HTTPMethodNotAllowed()
        namespace = _namespace(namespace)
        project_id = common.context().project_id

        def delete(session: orm.Session) -> None:
            _check_adhoc(session, identifier, namespace, project_id, 'delete')
            action_definitions.delete(session, identifier, namespace=namespace,
                                      project_id=project_id)

        common.write(delete)
        pecan.response.status = 204


def _document_values() -> list[dict[str, Any]]:
    """The stored values of each ad-hoc action in the request's document."""
    scope = common.scope()
    text = common.definition_text('action')
    specs = lang.parse_actions(text)
    definitions = action_types.definitions(text, [spec.name for spec in specs])
    return [action_types.stored_values(spec, definition, scope=scope,
                                       namespace=common.namespace())
            for spec, definition in zip(specs, definitions)]


def _namespace(path_namespace: str | None) -> str:
    """The namespace of the path's second segment, else of the query."""
    return path_namespace if path_namespace else common.namespace()


def _check_adhoc(session: orm.Session, identifier: str, namespace: str,
                 project_id: str, verb: str) -> None:
    """``InvalidInput`` (400) for a system action; ``NotFound`` if none."""
    record = action_definitions.get(session, identifier, namespace=namespace,
                                    project_id=project_id)
    if record['is_system']:
        raise exceptions.InvalidInput(
            f'Attempt to {verb} a system action: {record["name"]}')


def _check_not_system(session: orm.Session, name: str, namespace: str,
                      project_id: str) -> None:
    """An ad-hoc action may not take the name of a visible system action."""
    try:
        record = action_definitions.get(session, name, namespace=namespace,
                                        project_id=project_id)
    except exceptions.NotFound:
        return
    if record['is_system']:
        raise exceptions.Duplicate(
            f'Action already exists [name={name}, namespace={namespace}]: it is a '
            'system action')
