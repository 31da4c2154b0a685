"""``/v2``: its own address, and the resource collections beneath it."""

from typing import Any

import pecan

from wfplatform.api.controllers.v2 import action_executions
from wfplatform.api.controllers.v2 import actions
from wfplatform.api.controllers.v2 import alarm_triggers
from wfplatform.api.controllers.v2 import cron_triggers
from wfplatform.api.controllers.v2 import environments
from wfplatform.api.controllers.v2 import event_triggers
from wfplatform.api.controllers.v2 import executions
from wfplatform.api.controllers.v2 import openapi
from wfplatform.api.controllers.v2 import services
from wfplatform.api.controllers.v2 import tasks
from wfplatform.api.controllers.v2 import workbooks
from wfplatform.api.controllers.v2 import workflows


class V2Controller:
    workflows = workflows.WorkflowsController()
    actions = actions.ActionsController()
    executions = executions.ExecutionsController()
    tasks = tasks.TasksController()
    action_executions = action_executions.ActionExecutionsController()
    event_triggers = event_triggers.EventTriggersController()
    cron_triggers = cron_triggers.CronTriggersController()
    alarm_triggers = alarm_triggers.AlarmTriggersController()
    workbooks = workbooks.WorkbooksController()
    environments = environments.EnvironmentsController()
    services = services.ServicesController()

    @pecan.expose(generic=True, template='json')
    def index(self) -> None:
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self) -> dict[str, Any]:
        return {'uri': f'{pecan.request.application_url}/v2'}


pecan.route(V2Controller, 'openapi.json', openapi.OpenAPIController())
