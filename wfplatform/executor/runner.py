"""Runs actions in a thread pool and reports each result.

The same runner serves the remote executor service and the ``local`` executor
inside the engine; only the ``report`` callable differs (an RPC cast back to the
engine, or a direct call).
"""

import dataclasses
import threading
from typing import Any, Callable

import futurist
from oslo_log import log as logging
from oslo_serialization import jsonutils

from wfplatform.actions import base
from wfplatform.actions import registry as action_registry
from wfplatform import egress
from wfplatform import exceptions
from wfplatform.executor import holdings as holdings_module

LOG = logging.getLogger(__name__)

Report = Callable[[Any, str, dict[str, Any]], None]
"""``report(context, action_execution_id, result)`` with ``{'output'|'error': …}``."""


@dataclasses.dataclass(frozen=True)
class ActionRequest:
    """What an executor needs to run one action execution."""

    action_execution_id: str
    action_name: str
    action_input: dict[str, Any]
    task_execution_id: str | None = None
    workflow_execution_id: str | None = None
    workflow_name: str | None = None
    root_execution_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


ROOT_HINT = 'root_execution_id'
"""Key of a result that names the action's root execution, so the engine can
queue results by root before it opens a transaction."""


class ActionRunner:
    def __init__(self, registry: action_registry.ActionRegistry, report: Report,
                 workers: int,
                 egress_policy: egress.EgressPolicy | None = None,
                 holdings: holdings_module.Holdings | None = None) -> None:
        """``egress_policy`` (``[egress]``) is what ``std.http`` may reach.

        ``holdings``, if given, is told of every action from acceptance until
        its result is reported (see :mod:`wfplatform.executor.holdings`).
        """
        self._holdings = holdings
        self._registry = registry
        self._egress_policy = egress_policy
        self._report = report
        self._pool = futurist.ThreadPoolExecutor(max_workers=workers)
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, context: Any, request: ActionRequest) -> None:
        """Queue an action; refused with :class:`ServiceUnavailable` once shutting down.

        The caller keeps what it could not hand over (the engine's outbox keeps
        the message for its sweep).
        """
        with self._lock:
            if self._closed:
                raise exceptions.ServiceUnavailable(
                    f'The action runner is shutting down; action execution '
                    f'{request.action_execution_id} was not started')
            if self._holdings is not None:
                self._holdings.accepted(request.action_execution_id)
            self._pool.submit(self._run_and_report, context, request)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking actions; with ``wait``, finish those already running.

        New submissions are refused before the pool shuts down: futurist's
        ``shutdown`` holds the lock its ``submit`` needs, so a running action
        whose report starts the next one would otherwise wait forever.
        """
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait)

    def _run_and_report(self, context: Any, request: ActionRequest) -> None:
        try:
            self._run_and_report_once(context, request)
        finally:
            if self._holdings is not None:
                self._holdings.released(request.action_execution_id)

    def _run_and_report_once(self, context: Any, request: ActionRequest) -> None:
        result = run_action(self._registry, context, request, self._egress_policy)
        if result is None:
            return
        if request.root_execution_id is not None:
            result[ROOT_HINT] = request.root_execution_id
        try:
            self._report(context, request.action_execution_id, result)
        except Exception:
            LOG.exception('Could not report the result of action execution %s '
                          '[execution_id=%s]', request.action_execution_id,
                          request.workflow_execution_id)


def run_action(registry: action_registry.ActionRegistry, context: Any,
               request: ActionRequest,
               egress_policy: egress.EgressPolicy | None = None
               ) -> dict[str, Any] | None:
    """Run one action; return ``{'output': …}`` or ``{'error': …}``, never raise.

    None when the action is asynchronous and started: its result comes later
    through ``PUT /v2/action_executions/{id}``, so there is nothing to report.
    """
    LOG.debug('Running action %s [action_execution_id=%s, execution_id=%s]',
              request.action_name, request.action_execution_id,
              request.workflow_execution_id)
    try:
        action = registry.create(request.action_name, request.action_input)
        outcome = action.run(_action_context(registry, context, request,
                                             egress_policy))
        if not action.is_sync():
            LOG.debug('Action %s is asynchronous; its result comes by callback '
                      '[action_execution_id=%s]', request.action_name,
                      request.action_execution_id)
            return None
    except exceptions.WfplatformError as error:
        return {'error': str(error)}
    except Exception as error:
        LOG.warning('Action %s raised [action_execution_id=%s, execution_id=%s]: %s',
                    request.action_name, request.action_execution_id,
                    request.workflow_execution_id, error)
        return {'error': f'{type(error).__name__}: {error}'}
    if isinstance(outcome, base.Result):
        if outcome.is_error():
            return {'error': jsonutils.to_primitive(outcome.error,
                                                    convert_instances=True)}
        outcome = outcome.data
    return {'output': jsonutils.to_primitive(outcome, convert_instances=True)}


def _action_context(registry: action_registry.ActionRegistry, context: Any,
                    request: ActionRequest,
                    egress_policy: egress.EgressPolicy | None = None
                    ) -> base.ActionContext:
    return base.ActionContext(
        egress=egress_policy,
        action_execution_id=request.action_execution_id,
        task_execution_id=request.task_execution_id,
        workflow_execution_id=request.workflow_execution_id,
        workflow_name=request.workflow_name,
        project_id=getattr(context, 'project_id', None),
        user_id=getattr(context, 'user_id', None),
        auth_token=getattr(context, 'auth_token', None),
        service_catalog=getattr(context, 'service_catalog', None),
        region_name=getattr(context, 'region_name', None),
        callback_url=registry.policy.callback_url(request.action_execution_id),
        user_name=getattr(context, 'user_name', None),
        project_name=getattr(context, 'project_name', None))
