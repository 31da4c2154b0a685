"""Actions run alone (``POST /v2/action_executions``), without a new engine call.

The API records the action execution (no task) and a ``run_action`` outbox message
in one transaction, then hands the message to a :class:`Sender`, which sends it
and deletes its row. The executor reports the result to the engine's
``on_action_complete`` like any other; for an action without a task the engine
only records it. The request waits for that by reading the row again.

Who sends depends on where the API runs:

* with the engine in the same process: the engine's own outbox, so the action
  reaches the local executor or the executor services as the engine's do;
* with ``[executor] type = remote``: an outbox sending with an executor RPC
  client, built by :func:`executor_sender`;
* otherwise (local executor in another process) nobody: the engine's outbox
  sweep sends the message after ``[engine] outbox_resend_after``.

If the API dies between commit and send, the sweep sends it as well.
"""

import dataclasses
import time
from typing import Any, Protocol

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_utils import uuidutils
from sqlalchemy import orm

from wfplatform.actions import registry as action_registry
from wfplatform.api.types import action_executions as action_execution_types
from wfplatform import context as wf_context
from wfplatform.db import database as db_database
from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import action_executions
from wfplatform.engine import adhoc
from wfplatform.engine import dispatcher as engine_dispatcher
from wfplatform.engine import outbox as engine_outbox
from wfplatform import exceptions
from wfplatform.executor import runner as action_runner
from wfplatform.rpc import executor as executor_rpc
from wfplatform.workflow import states


class Sender(Protocol):
    def flush(self, messages: list[engine_outbox.Message]) -> None:
        """Send messages whose transaction has committed, then delete their rows."""


@dataclasses.dataclass(frozen=True)
class ActionRuns:
    """What the API needs to run actions alone.

    ``registry`` checks the input of installed actions before anything is
    recorded (None: the executor checks it); ``sender`` as the module says
    (None: the engine's sweep); ``max_wait`` is ``[api] action_execution_wait``.
    """

    executor_topic: str
    max_wait: float
    registry: action_registry.ActionRegistry | None = None
    sender: Sender | None = None
    poll_interval: float = 0.05


@dataclasses.dataclass(frozen=True)
class Started:
    """A recorded run: its row, the message to send, and what the request does."""

    record: dict[str, Any]
    message: engine_outbox.Message
    waits: bool
    keeps: bool


def start(session: orm.Session, context: Any, runs: ActionRuns,
          request: action_execution_types.RunRequest) -> Started:
    """Record the action execution and its outbox message (caller commits).

    ``InvalidInput`` (400) for an unknown action, bad input, or ``run_sync``
    on an asynchronous action, with Mistral's messages where it has them.
    """
    action, action_input, outputs = _resolve(session, context, request)
    is_sync = _is_sync(runs.registry, action, action_input)
    if request.run_sync and not is_sync:
        raise exceptions.InvalidInput(
            'Action does not support synchronous execution.')
    action_execution_id = uuidutils.generate_uuid()
    runtime: dict[str, Any] = {'target': request.target,
                               'save_result': request.keeps(is_sync)}
    if outputs is not None:
        runtime.update(base=action, base_input=action_input, outputs=outputs)
    record = action_executions.create(
        session, id=action_execution_id, name=request.name,
        workflow_namespace=request.namespace, description=request.description,
        state=states.RUNNING, accepted=True, is_sync=is_sync,
        input=request.input, runtime_context=runtime,
        project_id=context.project_id)
    run = action_runner.ActionRequest(
        action_execution_id=action_execution_id, action_name=action,
        action_input=action_input)
    message = engine_outbox.add(
        session, topic=runs.executor_topic, method=engine_dispatcher.RUN_ACTION,
        server=request.target,
        payload={'context': context.to_dict(), 'request': run.to_dict()})
    return Started(record, message, request.waits(is_sync), request.keeps(is_sync))


def _resolve(session: orm.Session, context: Any,
             request: action_execution_types.RunRequest
             ) -> tuple[str, dict[str, Any], list[Any] | None]:
    """The system action to run, its input, and ad-hoc ``output`` expressions."""
    found = False
    for namespace in dict.fromkeys((request.namespace, '')):
        try:
            action_definitions.get(session, request.name, namespace=namespace,
                                   project_id=context.project_id)
            found = True
            break
        except exceptions.NotFound:
            continue
    if not found:
        raise exceptions.InvalidInput(
            f'Failed to find action [action_name={request.name}]')
    try:
        expanded = adhoc.expand(session, request.name, request.input,
                                namespace=request.namespace,
                                project_id=context.project_id, system=set())
    except adhoc.AdhocError as error:
        raise exceptions.InvalidInput(str(error)) from None
    if expanded is None:
        return request.name, dict(request.input), None
    return expanded.action, dict(expanded.input), list(expanded.outputs)


def _is_sync(registry: action_registry.ActionRegistry | None, name: str,
             action_input: dict[str, Any]) -> bool:
    """Whether the action returns its result (checking its input on the way).

    An action this process does not have installed (only the executors do) is
    taken as synchronous and its input is left for the executor to check.
    """
    if registry is None:
        return True
    try:
        action = registry.create(name, action_input)
    except exceptions.NotFound:
        return True
    except exceptions.ActionError as error:
        raise exceptions.Forbidden(str(error)) from None
    return bool(action.is_sync())


def wait(database: db_database.Database, action_execution_id: str,
         seconds: float, poll_interval: float) -> dict[str, Any]:
    """The action execution once completed, or as it is after ``seconds``.

    Polls with a growing interval (up to half a second): the result is written
    by an engine, possibly in another process, so there is nothing to wait on.
    """
    deadline = time.monotonic() + seconds
    interval = poll_interval
    while True:
        record = database.run_in_transaction(
            lambda session: action_executions.get(session, action_execution_id),
            read_only=True)
        remaining = deadline - time.monotonic()
        if states.is_completed(record['state']) or remaining <= 0:
            return record
        time.sleep(min(interval, remaining))
        interval = min(interval * 2, 0.5)


def forget(session: orm.Session, action_execution_id: str) -> None:
    """Delete an action execution whose result was not to be saved."""
    action_executions.delete(session, action_execution_id)


def executor_sender(conf: cfg.ConfigOpts, transport: messaging.Transport,
                    database: db_database.Database) -> engine_outbox.Outbox:
    """An outbox that sends ``run_action`` messages with an executor RPC client."""
    client = executor_rpc.ExecutorClient(transport, conf)

    def send(message: engine_outbox.Message) -> None:
        context = wf_context.RequestContext.from_dict(message.payload['context'])
        client.run_action(context, message.payload['request'], message.server)

    return engine_outbox.Outbox(database, send, conf.engine.outbox_sweep_interval,
                                conf.engine.outbox_resend_after)
