"""``/v2/environments``: create, read, list, update and delete environments.

An environment is a named set of variables an execution can be started with
(``params.env`` names it). Bodies are JSON. As in Mistral, ``PUT`` goes to the
collection with the name in the body (python-mistralclient does this); ``PUT
/v2/environments/{name}`` works too.
"""

from typing import Any

import pecan
from pecan import rest
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import environments as environment_types
from wfplatform.db.repositories import environments

COLLECTION = listing.Collection(
    name='environments', fields=environment_types.FIELDS,
    list_fields=environment_types.FIELD_NAMES, filters=environment_types.FILTERS)


class EnvironmentsController(rest.RestController):

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: environments.list(session, request.query))
        return common.page(COLLECTION, map(environment_types.to_wire, records),
                           request)

    @pecan.expose('json')
    def get_one(self, name: str) -> dict[str, Any]:
        """An environment by name, or by id."""
        project_id = common.context().project_id
        record = common.read(lambda session: environments.get(
            session, name, project_id=project_id))
        return environment_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create an environment: 201; 409 if the project has one of that name."""
        values = environment_types.parse_create(body.json_object(pecan.request))
        project_id = common.context().project_id
        record = common.write(lambda session: environments.create(
            session, project_id=project_id, **values))
        pecan.response.status = 201
        return environment_types.to_wire(record)

    @pecan.expose('json')
    def put(self, name: str | None = None) -> dict[str, Any]:
        """Change the description, variables or scope of an environment."""
        name, values = environment_types.parse_update(
            body.json_object(pecan.request), name)
        project_id = common.context().project_id
        record = common.write(lambda session: environments.update(
            session, name, project_id=project_id, **values))
        return environment_types.to_wire(record)

    @pecan.expose(content_type='application/json')
    def delete(self, name: str | None = None) -> None:
        if name is None:
            raise webob_exc.HTTPMethodNotAllowed()
        project_id = common.context().project_id
        common.write(lambda session: environments.delete(
            session, name, project_id=project_id))
        pecan.response.status = 204
