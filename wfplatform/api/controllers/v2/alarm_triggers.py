"""``/v2/alarm_triggers``: alarm webhooks for Aodh, and the webhook itself.

Create, read, list and delete work like the other triggers. Creating one
returns, once, a ``token`` and the ``url`` to give Aodh as the alarm's action;
only the token's SHA-256 is stored. Aodh then posts each state change to
``POST /v2/alarm_triggers/{id}/fire?token=…``; the body is checked, the
trigger's ``states`` decide whether it fires, and the workflow starts with the
alarm in its input under a execution id derived from the state change, so a
retried POST returns the execution the first one started.

An unknown trigger and a wrong or missing token get the same 404, so the URL
does not tell a guesser which triggers exist. With ``[pecan] auth_enable`` the
request needs a Keystone token as well (Aodh's ``trust+http`` notifier sends
one); the workflow always runs as the trigger's project and user.
"""

from typing import Any

import pecan
from pecan import rest
from sqlalchemy import orm
from webob import exc as webob_exc

from wfplatform.api import body
from wfplatform.api.controllers.v2 import common
from wfplatform.api import listing
from wfplatform.api.types import alarm_triggers as trigger_types
from wfplatform.api.types import executions as execution_types
from wfplatform import context as wf_context
from wfplatform.db.repositories import alarm_triggers
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform.lang import specs
from wfplatform.triggers import alarm
from wfplatform.workflow import data

COLLECTION = listing.Collection(
    name='alarm_triggers', fields=trigger_types.FIELDS,
    list_fields=trigger_types.FIELD_NAMES, filters=trigger_types.FILTERS)

REQUEST_ID_HEADER = 'X-OpenStack-Request-Id'


class AlarmTriggersController(rest.RestController):

    _custom_actions = {'fire': ['POST']}

    @pecan.expose('json')
    def get_all(self) -> dict[str, Any]:
        request = common.list_request(COLLECTION)
        records = common.read(
            lambda session: alarm_triggers.list(session, request.query))
        return common.page(COLLECTION, map(_to_wire, records), request)

    @pecan.expose('json')
    def get_one(self, id: str) -> dict[str, Any]:
        project_id = common.context().project_id
        record = common.read(lambda session: alarm_triggers.get(
            session, id, project_id=project_id))
        return _to_wire(record)

    @pecan.expose('json')
    def post(self) -> dict[str, Any]:
        """Create a trigger: 201 with its one-time ``token`` and ``url``."""
        request = trigger_types.parse_create(body.json_object(pecan.request))
        context = common.context()
        secret = alarm.new_secret()

        def create(session: orm.Session) -> dict[str, Any]:
            workflow = _workflow(session, request, context.project_id)
            return alarm_triggers.create(
                session, name=request.name, workflow_name=workflow['name'],
                workflow_id=workflow['id'], workflow_namespace=workflow['namespace'],
                workflow_input=dict(request.workflow_input),
                workflow_params=dict(request.workflow_params),
                alarm_input=request.alarm_input, states=request.states,
                secret_digest=alarm.digest(secret), scope='private',
                project_id=context.project_id, user_id=context.user_id)

        record = common.write(create)
        pecan.response.status = 201
        wire = _to_wire(record)
        wire['token'] = secret
        wire['url'] = f'{wire["url"]}?token={secret}'
        return wire

    @pecan.expose(content_type='application/json')
    def delete(self, id: str | None = None) -> None:
        if id is None:
            raise webob_exc.HTTPMethodNotAllowed()
        project_id = common.context().project_id
        common.write(lambda session: alarm_triggers.delete(
            session, id, project_id=project_id))
        pecan.response.status = 204

    @pecan.expose('json')
    def fire(self, id: str) -> dict[str, Any]:
        """Aodh's webhook: 201 with the execution, or 200 when ``states`` skip it."""
        trigger = common.read(
            lambda session: alarm_triggers.find_for_firing(session, id))
        if trigger is None or not alarm.secret_matches(
                pecan.request.GET.get('token'), trigger['secret_digest']):
            raise exceptions.NotFound(
                f'Alarm trigger not found, or the token does not match [id={id}]')
        try:
            document = pecan.request.json_body
        except ValueError:
            raise exceptions.InvalidInput('The alarm body is not valid JSON.') from None
        alarm_body = alarm.check_alarm(document)
        if not alarm.wanted(trigger, alarm_body):
            return {'execution': None, 'message': (
                f"Alarm state {alarm_body['current']} is not in the trigger's "
                f"states ({', '.join(trigger['states'])}); nothing started.")}
        record = pecan.request.engine_client.start_workflow(
            wf_context.RequestContext(project_id=trigger['project_id'],
                                      user_id=trigger['user_id'], is_admin=False),
            workflow_identifier=trigger['workflow_id'],
            workflow_input=alarm.workflow_input(trigger, alarm_body),
            description=alarm.description(trigger, alarm_body),
            params=dict(trigger['workflow_params'] or {}),
            execution_id=alarm.execution_id(
                trigger['id'], alarm_body,
                pecan.request.headers.get(REQUEST_ID_HEADER)))
        pecan.response.status = 201
        return {'execution': execution_types.to_wire(record)}


def _to_wire(record: dict[str, Any]) -> dict[str, Any]:
    wire = dict(trigger_types.to_wire(record))
    if 'id' in record:
        wire['url'] = (f'{pecan.request.application_url}/v2/alarm_triggers/'
                       f'{record["id"]}/fire')
    return wire


def _workflow(session: orm.Session, request: trigger_types.AlarmTriggerCreate,
              project_id: str | None) -> dict[str, Any]:
    """The trigger's workflow; its input must accept the alarm and ``workflow_input``.

    ``NotFound`` (404) unless the caller may see it; ``InvalidInput`` naming what
    is missing or unexpected.
    """
    workflow = workflow_definitions.get(
        session, request.workflow_identifier, namespace=request.workflow_namespace,
        project_id=project_id)
    spec = specs.WorkflowSpec.from_dict(workflow['spec'])
    try:
        data.resolve_input(spec, {**request.workflow_input, request.alarm_input: {}})
    except exceptions.InvalidInput as error:
        raise exceptions.InvalidInput(
            f'workflow_input and alarm_input ({request.alarm_input}) do not match '
            f'the input of workflow {workflow["name"]}: {error}') from None
    return workflow
