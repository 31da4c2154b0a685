"""``/v2/actions``: list action definitions and read one by name (or id)."""

from typing import Any

import pecan
from pecan import rest

from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import actions as action_types
from wfplatform.db.repositories import action_definitions

COLLECTION = listing.Collection(
    name='actions', fields=action_types.FIELDS, list_fields=action_types.FIELD_NAMES,
    filters=action_types.FILTERS)


class ActionsController(rest.RestController):
    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: action_definitions.list(session, request.query))
        return common.page(COLLECTION, map(action_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, name: str) -> dict[str, Any]:
        """An action by name in ``?namespace=`` (default ''), or by id."""
        namespace = str(pecan.request.GET.get('namespace', ''))
        project_id = common.context().project_id
        record = common.read(lambda session: action_definitions.get(
            session, name, namespace=namespace, project_id=project_id))
        return action_types.to_wire(record)
