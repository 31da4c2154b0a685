"""The engine's operations: the only writer of execution state.

Each operation is one transaction that takes the root execution's row lock first,
loads the execution, feeds one event to the kernel, applies the commands and writes
the outbox; after the commit the outbox is flushed. Nothing polls: an action's
result arrives by RPC (or directly from the local executor) and moves the
execution on at once.
"""

import collections
import threading
from typing import Any

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import uuidutils

from wfplatform import context as wf_context
from wfplatform.db import database as db_database
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import environments
from wfplatform.db.repositories import scheduled_jobs
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_definitions
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import adhoc
from wfplatform.engine import control
from wfplatform.engine import dispatcher as engine_dispatcher
from wfplatform.engine import outbox as engine_outbox
from wfplatform.engine import views
from wfplatform import exceptions
from wfplatform.executor import runner as action_runner
from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.notifier import notifier
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import field_size
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

LOG = logging.getLogger(__name__)


class Engine:
    def __init__(self, database: db_database.Database,
                 dispatcher: engine_dispatcher.Dispatcher,
                 outbox: engine_outbox.Outbox) -> None:
        self._database = database
        self._dispatcher = dispatcher
        self._outbox = outbox
        self._queues: dict[str, _ResultQueue] = {}
        self._queues_lock = threading.Lock()

    def start_workflow(self, context: Any, *, workflow_identifier: str,
                       namespace: str = '', workflow_input: dict[str, Any],
                       description: str = '', params: dict[str, Any],
                       execution_id: str | None = None,
                       source_execution_id: str | None = None) -> dict[str, Any]:
        """Create an execution and start its first tasks; returns its record.

        A given ``execution_id`` makes this idempotent: the second request gets the
        execution the first one created.
        """
        execution_id = execution_id or uuidutils.generate_uuid()

        def operation(session: Any) -> tuple[dict[str, Any], list[Any]]:
            existing = _find_execution(session, execution_id)
            if existing is not None:
                return existing, []
            tx = self._create_execution(
                session, context, execution_id, workflow_identifier, namespace,
                workflow_input, description, params, source_execution_id)
            self._dispatcher.notify(tx)
            if tx.view.state == states.RUNNING:
                self._dispatcher.run(tx, cmd.WorkflowStarted())
            self._dispatcher.close(tx)
            return tx.record, tx.messages

        try:
            record, messages = self._database.run_in_transaction(operation)
        except exceptions.Duplicate:
            record, messages = self._database.run_in_transaction(
                lambda session: workflow_executions.get(session, execution_id)), []
        self._outbox.flush(messages)
        return _primitive(record)

    def on_action_complete(self, context: Any, action_execution_id: str,
                           result: dict[str, Any]) -> None:
        """Record an action's result and move its workflow on; repeats are no-ops.

        Results of one root execution are queued in this process and applied in
        batches, one transaction per batch: threads never wait on the root's
        row lock holding a database connection, and the execution is loaded
        once per batch instead of once per result (with-items, parallel
        branches).
        """
        root_id = result.get(action_runner.ROOT_HINT)
        if root_id is None:
            messages = self._database.run_in_transaction(
                lambda session: self._apply_result(
                    session, context, action_execution_id, result, None, {}))
            self._outbox.flush(messages)
            return
        queue = self._queue(root_id)
        queue.pending.append((context, action_execution_id, result))
        while True:
            with queue.lock:
                batch = [queue.pending.popleft()
                         for _ in range(min(len(queue.pending), _BATCH_SIZE))]
                if not batch:
                    self._forget_queue(root_id, queue)
                    return
                self._apply_batch(root_id, batch)

    def _queue(self, root_id: str) -> '_ResultQueue':
        with self._queues_lock:
            return self._queues.setdefault(root_id, _ResultQueue())

    def _forget_queue(self, root_id: str, queue: '_ResultQueue') -> None:
        with self._queues_lock:
            if not queue.pending and self._queues.get(root_id) is queue:
                del self._queues[root_id]

    def _apply_batch(self, root_id: str,
                     batch: list[tuple[Any, str, dict[str, Any]]]) -> None:
        def operation(session: Any) -> list[engine_outbox.Message]:
            root = workflow_executions.get_for_update(session, root_id)
            family: dict[str, engine_dispatcher.Transaction] = {}
            messages: list[engine_outbox.Message] = []
            for context, action_execution_id, result in batch:
                messages += self._apply_result(session, context,
                                               action_execution_id, result, root,
                                               family)
            return _unique(messages)

        try:
            messages = self._database.run_in_transaction(operation)
        except Exception:
            if len(batch) == 1:
                raise
            LOG.exception('Applying %d results of execution %s together failed; '
                          'applying them one by one', len(batch), root_id)
            for item in batch:
                self._apply_batch(root_id, [item])
            return
        self._outbox.flush(messages)

    def _apply_result(self, session: Any, context: Any, action_execution_id: str,
                      result: dict[str, Any], root: dict[str, Any] | None,
                      family: dict[str, engine_dispatcher.Transaction]
                      ) -> list[engine_outbox.Message]:
        """Apply one result; ``root`` is the root execution, already locked."""
        action = action_executions.get(session, action_execution_id)
        if root is None and action['root_execution_id'] is not None:
            root = workflow_executions.get_for_update(session,
                                                      action['root_execution_id'])
            action = action_executions.get(session, action_execution_id)
        if states.is_completed(action['state']):
            LOG.debug('Result for action execution %s already applied',
                      action_execution_id)
            return []
        success = 'error' not in result
        value = result.get('output') if success else result.get('error')
        outputs = (action.get('runtime_context') or {}).get('outputs')
        if success and outputs:
            try:
                value = adhoc.transform(outputs, value)
            except adhoc.AdhocError as error:
                success, value = False, str(error)
        if success:
            too_large = field_size.problem('ActionExecution', 'output', value)
            if too_large is not None:
                success, value = False, too_large
        action_executions.update(
            session, action_execution_id,
            state=states.SUCCESS if success else states.ERROR,
            output={'result': value})
        if action['task_execution_id'] is None:
            return []
        tx = self._load(session, context, action['task_execution_id'], root, family)
        item_index = (action.get('runtime_context') or {}).get('index')
        self._dispatcher.run(tx, cmd.TaskFinished(
            action['task_execution_id'], success=success,
            result=value if success else None,
            error=None if success else _error_text(value), item_index=item_index))
        self._dispatcher.close(tx)
        return tx.messages

    def on_timer(self, job: dict[str, Any]) -> None:
        """Run a due timer job once: it is deleted in the transaction it acts in."""
        payload = job['payload']
        context = wf_context.RequestContext.from_dict(payload['context'])

        def operation(session: Any) -> list[engine_outbox.Message]:
            root = workflow_executions.get_for_update(
                session, payload['root_execution_id'])
            if not scheduled_jobs.delete(session, job['id']):
                return []
            tx = self._load(session, context, payload['task_execution_id'], root)
            self._dispatcher.run(tx, cmd.TimerFired(payload['task_execution_id'],
                                                    payload['purpose']))
            self._dispatcher.close(tx)
            return tx.messages

        try:
            messages = self._database.run_in_transaction(operation)
        except exceptions.NotFound:
            LOG.debug('Timer %s is for an execution that is gone', job['id'])
            self._database.run_in_transaction(
                lambda session: scheduled_jobs.delete(session, job['id']))
            return
        self._outbox.flush(messages)

    def update_execution(self, context: Any, execution_id: str, *,
                         state: str | None = None, state_info: str | None = None,
                         description: str | None = None,
                         env: dict[str, Any] | None = None) -> dict[str, Any]:
        """Change an execution as a user asks; returns its record.

        ``state`` PAUSED pauses it and what it runs (actions in flight finish,
        transitions wait), RUNNING resumes them, SUCCESS, ERROR or CANCELLED
        end it and cancel what is unfinished below it (see
        :mod:`wfplatform.engine.control`). ``env`` is merged into
        ``params.env`` first, so a resume sees it.
        """
        def operation(session: Any) -> tuple[dict[str, Any], list[Any]]:
            located = control.locate(session, workflow_executions, execution_id,
                                     _project_scope(context), 'WorkflowExecution')
            family = control.Family(session, context, self._dispatcher,
                                    located['root_execution_id'] or execution_id)
            if description is not None:
                workflow_executions.update(session, execution_id,
                                           description=description)
            if env is not None:
                family.update_env(execution_id, env)
            if state is not None:
                family.change_state(execution_id, state, state_info)
            messages = family.messages()
            return workflow_executions.get(session, execution_id), messages

        record, messages = self._database.run_in_transaction(operation)
        self._outbox.flush(messages)
        return _primitive(record)

    def update_task(self, context: Any, task_execution_id: str, *, state: str,
                    reset: bool = True,
                    env: dict[str, Any] | None = None) -> dict[str, Any]:
        """Skip (SKIPPED) or rerun (RUNNING) a failed task; returns its record.

        Its workflow, if it failed, runs again, and so do the parents its
        failure failed. ``env`` is merged into the workflow's ``params.env``
        first. ``reset`` false (rerun only the failed items of a with-items
        task) is refused: every item runs again.
        """
        if state not in (states.SKIPPED, states.RUNNING):
            raise exceptions.InvalidInput(
                f'Invalid task state {state}: a task can only be rerun (RUNNING) '
                'or skipped (SKIPPED).')

        def operation(session: Any) -> tuple[dict[str, Any], list[Any]]:
            located = control.locate(session, task_executions, task_execution_id,
                                     _project_scope(context), 'Task execution')
            family = control.Family(session, context, self._dispatcher,
                                    located['root_execution_id'])
            task = task_executions.get(session, task_execution_id)
            if env is not None:
                family.update_env(task['workflow_execution_id'], env)
            if state == states.SKIPPED:
                family.skip(task)
            else:
                _check_reset(family.dispatcher.spec(
                    family.records[task['workflow_execution_id']]), task, reset)
                family.rerun(task)
            messages = family.messages()
            return task_executions.get(session, task_execution_id), messages

        record, messages = self._database.run_in_transaction(operation)
        self._outbox.flush(messages)
        return _primitive(record)

    def record_executor(self, action_execution_ids: list[str],
                        executor_host: str) -> None:
        """Note that ``executor_host`` (a member id) holds these actions.

        Only RUNNING rows change, in one statement and without the root lock:
        the column is read only by :meth:`on_executor_lost`.
        """
        self._database.run_in_transaction(
            lambda session: action_executions.set_executor_host(
                session, action_execution_ids, executor_host))

    def executor_hosts(self) -> set[str]:
        """The executors (member ids) holding at least one RUNNING action."""
        return self._database.run_in_transaction(
            action_executions.running_executor_hosts, read_only=True)

    def on_executor_lost(self, executor_host: str, *,
                         executor_topic: str) -> dict[str, int]:
        """Re-run or fail the RUNNING actions a lost executor held.

        An action whose task allows it (``safe-rerun: true``) is sent again
        with the same action execution id, so whichever result comes first is
        applied and any other ignored. Any other action completes as an error
        saying the executor was lost; its task then fails or retries as its
        policies say. Returns ``{'rerun': n, 'failed': m}``.
        """
        lost = self._database.run_in_transaction(
            lambda session: action_executions.list_running_on(session,
                                                              executor_host),
            read_only=True)
        counts = {'rerun': 0, 'failed': 0}
        for action in lost:
            runtime = action.get('runtime_context') or {}
            if runtime.get('safe_rerun') and action['task_execution_id']:
                if self._rerun_lost(action, executor_host, executor_topic):
                    counts['rerun'] += 1
                continue
            LOG.warning('Executor %s was lost while running action %s '
                        '[action_execution_id=%s]', executor_host, action['name'],
                        action['id'])
            error = {'error': f'Executor {executor_host} was lost while running '
                              f'action {action["name"]}'}
            if action['root_execution_id'] is not None:
                error[action_runner.ROOT_HINT] = action['root_execution_id']
            self.on_action_complete(_lost_action_context(action), action['id'],
                                    error)
            counts['failed'] += 1
        return counts

    def _rerun_lost(self, action: dict[str, Any], executor_host: str,
                    executor_topic: str) -> bool:
        """Send a lost action again (root lock first); False if it moved on."""
        def operation(session: Any) -> list[engine_outbox.Message]:
            if action['root_execution_id'] is not None:
                workflow_executions.get_for_update(session,
                                                   action['root_execution_id'])
            current = action_executions.get(session, action['id'])
            if (current['state'] != states.RUNNING
                    or current['executor_host'] != executor_host):
                return []
            action_executions.update(session, action['id'], executor_host=None)
            task = task_executions.get(session, current['task_execution_id'])
            runtime = current.get('runtime_context') or {}
            request = action_runner.ActionRequest(
                action_execution_id=current['id'],
                action_name=str(runtime.get('base') or current['name']),
                action_input=dict(runtime.get('base_input', current['input'])
                                  or {}),
                task_execution_id=task['id'],
                workflow_execution_id=task['workflow_execution_id'],
                workflow_name=current['workflow_name'],
                root_execution_id=current['root_execution_id'])
            return [engine_outbox.add(
                session, topic=executor_topic, server=runtime.get('target'),
                method=engine_dispatcher.RUN_ACTION,
                payload={'context': _lost_action_context(current).to_dict(),
                         'request': request.to_dict()})]

        messages = self._database.run_in_transaction(operation)
        if messages:
            LOG.warning('Executor %s was lost while running action %s; running '
                        'it again (safe-rerun) [action_execution_id=%s]',
                        executor_host, action['name'], action['id'])
        self._outbox.flush(messages)
        return bool(messages)

    def _load(self, session: Any, context: Any, task_execution_id: str,
              root: dict[str, Any] | None,
              family: dict[str, engine_dispatcher.Transaction] | None = None
              ) -> engine_dispatcher.Transaction:
        """The execution of this task: every task in summary, this one in full.

        ``root`` is the locked root execution, reused when the task belongs to
        it; an execution already in ``family`` is reused as it is.
        """
        task = task_executions.get(session, task_execution_id)
        if family and task['workflow_execution_id'] in family:
            tx = family[task['workflow_execution_id']]
            tx.view = views.with_loaded(tx.view, [task])
            return tx
        record = root
        if record is None or record['id'] != task['workflow_execution_id']:
            record = workflow_executions.get(session, task['workflow_execution_id'])
        return self._dispatcher.load(session, context, record, family,
                                     loaded_task=task)

    def _create_execution(self, session: Any, context: Any, execution_id: str,
                          workflow_identifier: str, namespace: str,
                          workflow_input: dict[str, Any], description: str,
                          params: dict[str, Any],
                          source_execution_id: str | None
                          ) -> engine_dispatcher.Transaction:
        definition = workflow_definitions.get(
            session, workflow_identifier, namespace=namespace,
            project_id=context.project_id)
        spec = specs.WorkflowSpec.from_dict(definition['spec'])
        resolved_input = data.resolve_input(spec, workflow_input)
        data.check_params(spec, params)
        for field, value in (('input', resolved_input), ('params', params)):
            too_large = field_size.problem('WorkflowExecution', field, value)
            if too_large is not None:
                raise exceptions.InvalidInput(too_large)
        params = self._resolve_env(session, context, params)
        if 'notify' in params:
            notifier.check_publishers(params['notify'])
        view = wf_view.WorkflowView(id=execution_id, name=spec.name, spec=spec,
                                    state=states.RUNNING, input=resolved_input,
                                    params=params)
        state, state_info, initial_context = states.RUNNING, None, {}
        try:
            initial_context = data.initial_context(
                spec, resolved_input, wf_view.ExpressionRuntime(view))
        except expressions.ExpressionError as error:
            state, state_info = states.ERROR, f'Failed to evaluate vars: {error}'
        record = workflow_executions.create(
            session, id=execution_id, name=spec.name, workflow_id=definition['id'],
            workflow_namespace=definition['namespace'], description=description,
            spec=definition['spec'], state=state, state_info=state_info,
            input=resolved_input, output={} if state_info else None,
            params=params, context=initial_context, runtime_context={},
            root_execution_id=execution_id,
            source_execution_id=source_execution_id,
            project_id=context.project_id)
        LOG.info('Workflow %s started [execution_id=%s]', spec.name, execution_id)
        return self._dispatcher.load(session, context, record)

    def _resolve_env(self, session: Any, context: Any,
                     params: dict[str, Any]) -> dict[str, Any]:
        """``params.env`` inlined and evaluated, as Mistral does.

        The env may name a stored environment. Unless ``evaluate_env`` is false,
        expressions in its values are evaluated once, now, with the env itself
        as ``$`` and as ``env()``.
        """
        env = params.get('env')
        if env is None:
            return params
        if isinstance(env, str):
            stored = environments.get(session, env, project_id=context.project_id)
            env = stored.get('variables') or {}
        if not isinstance(env, dict):
            raise exceptions.InvalidInput(
                f'params.env must be an object or an environment name, got {env!r}')
        evaluate_env = params.get('evaluate_env', True)
        if not isinstance(evaluate_env, bool):
            raise exceptions.InvalidInput(
                f'params.evaluate_env must be true or false, got {evaluate_env!r}')
        if evaluate_env:
            try:
                env = expressions.evaluate(
                    env, env, expressions.StaticRuntime(env_data=env))
            except expressions.ExpressionError as error:
                raise exceptions.InvalidInput(
                    f'params.env: failed to evaluate an expression: {error}'
                ) from None
        return {**params, 'env': env}


_BATCH_SIZE = 200
"""Most results of one root execution applied in one transaction."""


class _ResultQueue:
    """Results of one root execution waiting to be applied, and who applies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: collections.deque[tuple[Any, str, dict[str, Any]]] = (
            collections.deque())


def _unique(messages: list[engine_outbox.Message]) -> list[engine_outbox.Message]:
    """Messages in order without repeats (a batch's executions share a list)."""
    return list({message.id: message for message in messages}.values())


def _project_scope(context: Any) -> str | None:
    """The project a user's request may touch; None (every one) for an admin."""
    return None if context.is_admin else context.project_id


def _check_reset(spec: specs.WorkflowSpec, task: dict[str, Any],
                 reset: bool) -> None:
    """Mistral's rule for ``reset``, and what wfplatform does not do yet."""
    if reset:
        return
    if not spec.tasks[task['name']].with_items:
        raise exceptions.InvalidInput(
            'Only with-items task has the option to not reset.')
    raise exceptions.InvalidInput(
        'Rerunning only the failed items of a with-items task (reset false) is '
        'not supported; rerun with reset true to run every item again.')


def _lost_action_context(action: dict[str, Any]) -> Any:
    """The context an action of a lost executor continues with.

    The caller's original context (and its token) went with the message; what
    is left is the project the action belongs to.
    """
    return wf_context.RequestContext(project_id=action['project_id'],
                                     is_admin=True)


def _find_execution(session: Any, execution_id: str) -> dict[str, Any] | None:
    try:
        return workflow_executions.get(session, execution_id)
    except exceptions.NotFound:
        return None


def _error_text(value: Any) -> str:
    return value if isinstance(value, str) else jsonutils.dumps(value)


def _primitive(record: dict[str, Any]) -> dict[str, Any]:
    """A record safe to send over RPC (timestamps become strings)."""
    return jsonutils.to_primitive(record, convert_datetime=True)
