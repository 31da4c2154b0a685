"""``/v2/event_triggers``: create, read, list, update and delete event triggers.

A trigger names a workflow by id; creating one (or pointing it at another
workflow) needs that workflow to exist and be visible to the caller. The event
engines pick up changes by themselves (see ``wfplatform.triggers.event_engine``),
so nothing here talks to them.
"""

import dataclasses
from typing import Any

import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import event_triggers as trigger_types
from wfplatform.db.repositories import event_triggers
from wfplatform.db.repositories import workflow_definitions

COLLECTION = listing.Collection(
    name='event_triggers', fields=trigger_types.FIELDS,
    list_fields=trigger_types.FIELD_NAMES, filters=trigger_types.FILTERS)


class EventTriggersController(rest.RestController):

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: event_triggers.list(session, request.query))
        return common.page(COLLECTION, map(trigger_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, id: str) -> dict[str, Any]:
        project_id = common.context().project_id
        record = common.read(lambda session: event_triggers.get(
            session, id, project_id=project_id))
        return trigger_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create a trigger: 201; 404 if its workflow is not visible, 409 if taken."""
        request = trigger_types.parse_create(body.json_object(pecan.request))
        project_id = common.context().project_id

        def create(session: orm.Session) -> dict[str, Any]:
            _check_workflow(session, request.workflow_id, project_id)
            return event_triggers.create(session, project_id=project_id,
                                         **dataclasses.asdict(request))

        record = common.write(create)
        pecan.response.status = 201
        return trigger_types.to_wire(record)

    @pecan.expose('json')
    def put(self, id: str | None = None) -> dict[str, Any]:
        """Change a trigger's workflow, its input and params, name or scope.

        ``exchange``, ``topic`` and ``event`` are fixed (400), as in Mistral.
        """
        trigger_id = _required(id)
        values = trigger_types.parse_update(body.json_object(pecan.request))
        project_id = common.context().project_id

        def update(session: orm.Session) -> dict[str, Any]:
            if 'workflow_id' in values:
                _check_workflow(session, values['workflow_id'], project_id)
            return event_triggers.update(session, trigger_id, project_id=project_id,
                                         **values)

        return trigger_types.to_wire(common.write(update))

    @pecan.expose(content_type='application/json')
    def delete(self, id: str | None = None) -> None:
        trigger_id, project_id = _required(id), common.context().project_id
        common.write(lambda session: event_triggers.delete(
            session, trigger_id, project_id=project_id))
        pecan.response.status = 204


def _required(id: str | None) -> str:
    """The trigger id of the path; PUT or DELETE on the collection is 405."""
    if id is None:
        raise webob_exc.HTTPMethodNotAllowed()
    return id


def _check_workflow(session: orm.Session, workflow_id: str,
                    project_id: str | None) -> None:
    """``NotFound`` (404) naming the workflow unless the caller may see it."""
    workflow_definitions.get(session, workflow_id, project_id=project_id)
