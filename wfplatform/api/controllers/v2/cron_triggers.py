"""``/v2/cron_triggers``: create, read, list and delete cron triggers (no update).

Creating a trigger checks its timing, its workflow (visible to the caller) and
its input against the workflow's, stores it with the caller's project and user,
and schedules the job that fires it (see ``wfplatform.triggers.cron``) in the
same transaction; deleting one cancels that job. Engines fire the jobs, so
nothing here talks to them.
"""

from typing import Any

from oslo_utils import timeutils
import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import cron_triggers as trigger_types
from wfplatform.db.repositories import cron_triggers
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform.lang import specs
from wfplatform.triggers import cron
from wfplatform.workflow import data

COLLECTION = listing.Collection(
    name='cron_triggers', fields=trigger_types.FIELDS,
    list_fields=trigger_types.FIELD_NAMES, filters=trigger_types.FILTERS)


class CronTriggersController(rest.RestController):

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: cron_triggers.list(session, request.query))
        return common.page(COLLECTION, map(trigger_types.to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, identifier: str) -> dict[str, Any]:
        """The trigger with this name or id."""
        project_id = common.context().project_id
        record = common.read(lambda session: cron_triggers.get(
            session, identifier, project_id=project_id))
        return trigger_types.to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create a trigger: 201; 400 for bad timing or input, 404, 409 if taken."""
        request = trigger_types.parse_create(body.json_object(pecan.request))
        timing = cron.plan(request.pattern, request.first_execution_time,
                           request.remaining_executions, timeutils.utcnow())
        context = common.context()

        def create(session: orm.Session) -> dict[str, Any]:
            workflow = _workflow(session, request, context.project_id)
            record = cron_triggers.create(
                session, name=request.name, pattern=request.pattern,
                first_execution_time=request.first_execution_time,
                next_execution_time=timing.next_execution_time,
                remaining_executions=timing.remaining_executions,
                workflow_name=workflow['name'], workflow_id=workflow['id'],
                workflow_namespace=workflow['namespace'],
                workflow_input=dict(request.workflow_input),
                workflow_params=dict(request.workflow_params), scope='private',
                project_id=context.project_id, user_id=context.user_id)
            cron.schedule(session, record)
            return record

        record = common.write(create)
        pecan.response.status = 201
        return trigger_types.to_wire(record)

    @pecan.expose(content_type='application/json')
    def delete(self, identifier: str | None = None) -> None:
        """Delete a trigger by name or id and cancel its pending firing."""
        if identifier is None:
            raise webob_exc.HTTPMethodNotAllowed()
        project_id = common.context().project_id

        def delete(session: orm.Session) -> None:
            record = cron_triggers.delete(session, identifier, project_id=project_id)
            cron.unschedule(session, record)

        common.write(delete)
        pecan.response.status = 204


def _workflow(session: orm.Session, request: trigger_types.CronTriggerCreate,
              project_id: str | None) -> dict[str, Any]:
    """The trigger's workflow, with ``workflow_input`` checked against its input.

    ``NotFound`` (404) unless the caller may see it; ``InvalidInput`` naming
    what is missing or unexpected.
    """
    workflow = workflow_definitions.get(
        session, request.workflow_identifier, namespace=request.workflow_namespace,
        project_id=project_id)
    spec = specs.WorkflowSpec.from_dict(workflow['spec'])
    try:
        data.resolve_input(spec, request.workflow_input)
    except exceptions.InvalidInput as error:
        raise exceptions.InvalidInput(
            f'workflow_input does not match the input of workflow '
            f'{workflow["name"]}: {error}') from None
    return workflow
