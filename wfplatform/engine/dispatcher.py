"""Applies the kernel's commands to the database, inside the caller's transaction.

The dispatcher is the only place that turns commands into rows: task, action and
sub-workflow executions, workflow state, timers (scheduled jobs) and outbox
messages for the executors and notifiers. Commands are applied in the order the
kernel gave them; a command may produce new events (a task that failed as it
started, a sub-workflow that started or ended), which are fed back to the kernel
of their own execution in the same transaction.
"""

import collections
import dataclasses
import datetime
from typing import Any, Iterable
import uuid

from oslo_log import log as logging
from oslo_utils import timeutils
from sqlalchemy import orm

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import scheduled_jobs
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_definitions
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import adhoc
from wfplatform.engine import outbox
from wfplatform.engine import views
from wfplatform import exceptions
from wfplatform.executor import runner
from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.notifier import notifier
from wfplatform import workflow
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

LOG = logging.getLogger(__name__)

RUN_ACTION = 'run_action'
NOTIFY = 'notify'
TASK_TIMER = 'task_timer'
"""Scheduled job type of the kernel's timers (waits, retries, timeouts)."""

_RUN_IDS = uuid.UUID('6d1f3c1e-9a53-4c1b-8f0e-2f4a7d2b9c11')
"""Namespace of run ids: a task's run ``(round, item)`` always gets the same id,
so creating it is idempotent and a held item is found by id when released."""


@dataclasses.dataclass
class Transaction:
    """The state of one engine operation while its transaction is open.

    An operation may touch several executions of one root (a sub-workflow
    that ends moves its parent on); ``family`` holds each one's state once, and
    all of them share the messages and notification events.
    """

    session: orm.Session
    context: Any
    view: wf_view.WorkflowView
    record: dict[str, Any]
    messages: list[outbox.Message] = dataclasses.field(default_factory=list)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    family: dict[str, 'Transaction'] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.family.setdefault(self.view.id, self)

    def relative(self, view: wf_view.WorkflowView,
                 record: dict[str, Any]) -> 'Transaction':
        return Transaction(self.session, self.context, view, record, self.messages,
                           self.events, self.family)


class Dispatcher:
    def __init__(self, executor_topic: str, notifier_topic: str,
                 default_publishers: list[dict[str, Any]]) -> None:
        self._executor_topic = executor_topic
        self._notifier_topic = notifier_topic
        self._default_publishers = default_publishers
        self._specs = views.SpecCache()
        self._system_actions: set[str] = set()

    # Loading

    def spec(self, record: dict[str, Any]) -> specs.WorkflowSpec:
        return self._specs.get(record['id'], record['spec'])

    def load(self, session: orm.Session, context: Any, record: dict[str, Any],
             family: dict[str, Transaction] | None = None,
             loaded_task: dict[str, Any] | None = None) -> Transaction:
        """The execution of ``record``: every task in summary, one in full.

        Within one operation (``family``) an execution is loaded once: later
        calls get the same state, which the commands applied so far changed.
        """
        if family is not None and record['id'] in family:
            return family[record['id']]
        summaries = task_executions.list_summaries(session, record['id'])
        view = views.workflow_view(record, self.spec(record),
                                   tuple(views.task_summary(t) for t in summaries))
        if loaded_task is not None:
            view = views.with_loaded(view, [loaded_task])
        relative = next(iter(family.values()), None) if family else None
        if relative is not None:
            tx = relative.relative(view, record)
        else:
            tx = Transaction(session, context, view, record,
                             family=family if family is not None else {})
        tx.family[record['id']] = tx
        return tx

    # Notifications

    def notify(self, tx: Transaction, task: wf_view.TaskView | None = None) -> None:
        """Note the event for the workflow's (or ``task``'s) new state, if asked."""
        events = notifier.TASK_EVENTS if task else notifier.WORKFLOW_EVENTS
        source = task or tx.view
        event_type = events.get(source.state)
        if event_type is None or not self._publishers(tx):
            return
        tx.events.append({
            'event': event_type, 'type': 'task' if task else 'workflow',
            'id': source.id, 'name': source.name, 'state': source.state,
            'state_info': task.state_info if task else tx.record['state_info'],
            'workflow_execution_id': tx.view.id, 'workflow_name': tx.view.name,
            'root_execution_id': tx.record['root_execution_id'],
            'project_id': tx.record['project_id'],
            'timestamp': timeutils.utcnow().isoformat()})

    def close(self, tx: Transaction) -> None:
        """Queue the noted events as one message, so they are published in order.

        Events travel through the outbox: they are sent exactly when the state
        changes they report have committed.
        """
        if tx.events:
            tx.messages.append(outbox.add(
                tx.session, topic=self._notifier_topic, method=NOTIFY,
                payload={'context': tx.context.to_dict(), 'events': list(tx.events),
                         'publishers': self._publishers(tx)}))
            tx.events.clear()

    def _publishers(self, tx: Transaction) -> list[dict[str, Any]]:
        return self._default_publishers + list(tx.view.params.get('notify') or [])

    # Running the kernel

    def run(self, tx: Transaction, event: cmd.Event) -> None:
        """Feed ``event`` (and whatever follows from it) through the kernel."""
        pending: collections.deque[tuple[Transaction, cmd.Event]] = (
            collections.deque([(tx, event)]))
        while pending:
            current, current_event = pending.popleft()
            for command in self._next_commands(current, current_event):
                pending.extend(self._apply(current, command))

    def _next_commands(self, tx: Transaction,
                       event: cmd.Event) -> list[cmd.Command]:
        """Ask the kernel, loading the data it says it needs, then ask again."""
        while True:
            try:
                return workflow.next_commands(tx.view, event)
            except wf_view.MissingTaskData as missing:
                records = task_executions.get_many(tx.session, missing.task_ids)
                if len(records) != len(set(missing.task_ids)):
                    raise RuntimeError(f'task executions {missing.task_ids} of '
                                       f'execution {tx.view.id} vanished') from None
                tx.view = views.with_loaded(tx.view, records)
            except wf_view.MissingItemResults as missing:
                task = tx.view.task_by_id(missing.task_id)
                assert task is not None, 'the kernel asks only for tasks it has'
                tx.view = tx.view.replace_task(dataclasses.replace(
                    task, item_results=self._item_results(tx.session, task)))

    def _item_results(self, session: orm.Session, task: wf_view.TaskView
                      ) -> tuple[tuple[bool, Any], ...]:
        """(success, result or error) of each finished item of the current round."""
        round_ = task.runtime.get('retry_no', 0)
        results: dict[int, tuple[bool, Any]] = {}
        if task.type == 'WORKFLOW':
            for child in workflow_executions.list_for_task(session, task.id):
                runtime = child.get('runtime_context') or {}
                if runtime.get('round', 0) == round_ and \
                        states.is_completed(child['state']):
                    ok = child['state'] == states.SUCCESS
                    results[runtime['index']] = (
                        ok, child['output'] if ok else child['state_info'])
        else:
            for action in action_executions.list_for_task(session, task.id):
                runtime = action.get('runtime_context') or {}
                if runtime.get('round', 0) == round_ and \
                        states.is_completed(action['state']):
                    results[runtime['index']] = (
                        action['state'] == states.SUCCESS,
                        (action.get('output') or {}).get('result'))
        return tuple(results[index] for index in sorted(results))

    def _apply(self, tx: Transaction,
               command: cmd.Command) -> list[tuple[Transaction, cmd.Event]]:
        if isinstance(command, cmd.StartTask):
            return self._start_task(tx, command)
        if isinstance(command, cmd.UpdateTask):
            return self._update_task(tx, command)
        if isinstance(command, cmd.FinishTask):
            self._finish_task(tx, command)
            return []
        if isinstance(command, cmd.CompleteWorkflow):
            return self._set_workflow_state(tx, states.SUCCESS, None, command.output)
        if isinstance(command, cmd.FailWorkflow):
            return self._set_workflow_state(tx, states.ERROR, command.state_info,
                                            command.output)
        if isinstance(command, cmd.CancelWorkflow):
            return self._set_workflow_state(tx, states.CANCELLED,
                                            command.state_info, None)
        return self._set_workflow_state(tx, states.PAUSED, command.state_info, None)

    # Tasks

    def _start_task(self, tx: Transaction, command: cmd.StartTask
                    ) -> list[tuple[Transaction, cmd.Event]]:
        record = tx.record
        task = task_executions.create(
            tx.session, name=command.name, unique_key=f'{tx.view.id}:{command.key}',
            type=command.type, workflow_execution_id=record['id'],
            root_execution_id=record['root_execution_id'],
            workflow_name=record['name'], workflow_id=record['workflow_id'],
            workflow_namespace=record['workflow_namespace'],
            state=command.state, in_context=dict(command.in_context),
            runtime_context=dict(command.runtime),
            started_at=timeutils.utcnow(), project_id=record['project_id'])
        view_task = wf_view.TaskView(
            id=task['id'], name=command.name, state=command.state,
            in_context=command.in_context, type=command.type,
            runtime=command.runtime)
        tx.view = tx.view.add_task(view_task)
        LOG.debug('Task %s is %s [task_ex_id=%s, execution_id=%s]', command.name,
                  command.state, task['id'], record['id'])
        self.notify(tx, view_task)
        if command.error is not None:
            return [(tx, cmd.TaskFinished(task['id'], success=False,
                                          error=command.error))]
        if command.no_items:
            return [(tx, cmd.TaskFinished(task['id'], success=True, result=[]))]
        return self._start_runs(tx, view_task, command.runs, command.timers)

    def _update_task(self, tx: Transaction, command: cmd.UpdateTask
                     ) -> list[tuple[Transaction, cmd.Event]]:
        task = tx.view.task_by_id(command.task_execution_id)
        assert task is not None, 'the kernel updates only tasks it was shown'
        values: dict[str, Any] = {}
        changed = command.state is not None and command.state != task.state
        if changed:
            assert command.state is not None
            states.check_transition(states.TASK_TRANSITIONS, task.state,
                                    command.state)
            values['state'] = command.state
            values['state_info'] = command.state_info
        if command.in_context is not None:
            values['in_context'] = dict(command.in_context)
        if command.runtime is not None:
            values['runtime_context'] = {**command.runtime,
                                         'next_tasks': list(task.next_tasks)}
        if values:
            task_executions.update(tx.session, task.id, **values)
        updated = dataclasses.replace(
            task, state=command.state or task.state,
            in_context=task.in_context if command.in_context is None
            else command.in_context,
            runtime=task.runtime if command.runtime is None else command.runtime,
            item_results=None)
        tx.view = tx.view.replace_task(updated)
        if changed:
            self.notify(tx, updated)
        follow_ups = self._start_runs(tx, updated, command.runs, command.timers)
        for index in command.release:
            follow_ups += self._release(tx, updated, index)
        return follow_ups

    def _finish_task(self, tx: Transaction, command: cmd.FinishTask) -> None:
        task = tx.view.task_by_id(command.task_execution_id)
        assert task is not None, 'the kernel finishes only tasks it was shown'
        states.check_transition(states.TASK_TRANSITIONS, task.state, command.state)
        runtime = dict(task.runtime)
        if command.pending:
            runtime['pending'] = list(command.pending)
        task_executions.update(
            tx.session, command.task_execution_id, state=command.state,
            state_info=command.state_info, result=command.result,
            published=dict(command.published), processed=True,
            runtime_context={**runtime, 'next_tasks': list(command.next_tasks)},
            finished_at=timeutils.utcnow())
        finished = dataclasses.replace(
            task, state=command.state, result=command.result,
            published=command.published, state_info=command.state_info,
            next_tasks=command.next_tasks, runtime=runtime)
        tx.view = tx.view.replace_task(finished)
        if command.global_published:
            globals_ = {**tx.view.global_context, **command.global_published}
            runtime_context = {**(tx.record.get('runtime_context') or {}),
                               'globals': globals_}
            tx.record = workflow_executions.update(
                tx.session, tx.view.id, runtime_context=runtime_context)
            tx.view = dataclasses.replace(tx.view, global_context=globals_)
        self.notify(tx, finished)
        LOG.debug('Task %s is %s [task_ex_id=%s, execution_id=%s]', task.name,
                  command.state, task.id, tx.view.id)

    # Runs: actions and sub-workflows

    def _start_runs(self, tx: Transaction, task: wf_view.TaskView,
                    runs: Iterable[cmd.Run], timers: Iterable[cmd.Timer]
                    ) -> list[tuple[Transaction, cmd.Event]]:
        for timer in timers:
            scheduled_jobs.create(
                tx.session, job_type=TASK_TIMER,
                run_after=timeutils.utcnow() + datetime.timedelta(
                    seconds=timer.delay),
                payload={'task_execution_id': task.id, 'purpose': timer.purpose,
                         'root_execution_id': tx.record['root_execution_id'],
                         'context': tx.context.to_dict()})
        follow_ups: list[tuple[Transaction, cmd.Event]] = []
        round_ = task.runtime.get('retry_no', 0)
        for run in runs:
            run_id = str(uuid.uuid5(_RUN_IDS, f'{task.id}:{round_}:{run.index}'))
            runtime = {'index': run.index, 'round': round_}
            if run.workflow is not None:
                follow_ups += self._start_sub_workflow(tx, task, run, run_id,
                                                       runtime)
            else:
                follow_ups += self._start_action(tx, task, run, run_id, runtime)
        return follow_ups

    def _start_action(self, tx: Transaction, task: wf_view.TaskView, run: cmd.Run,
                      run_id: str, runtime: dict[str, Any]
                      ) -> list[tuple[Transaction, cmd.Event]]:
        """Record the action execution and send it (unless held).

        An ad-hoc action is recorded under its own name and input and sent as
        the system action behind it; a bad one fails the task at once.
        """
        record = tx.record
        action, action_input = run.action or '', dict(run.input)
        try:
            expanded = adhoc.expand(
                tx.session, action, action_input,
                namespace=record['workflow_namespace'],
                project_id=tx.context.project_id, system=self._system_actions,
                workbook=_workbook_of(tx.view.name))
        except adhoc.AdhocError as error:
            return [(tx, cmd.TaskFinished(task.id, False, error=str(error),
                                          item_index=run.index))]
        if expanded is not None:
            runtime = {**runtime, 'base': expanded.action,
                       'base_input': expanded.input,
                       'outputs': list(expanded.outputs)}
            action, action_input = expanded.action, expanded.input
        action_executions.create(
            tx.session, id=run_id, name=run.action or '',
            task_execution_id=task.id,
            root_execution_id=record['root_execution_id'],
            workflow_name=record['name'],
            workflow_namespace=record['workflow_namespace'],
            state=states.IDLE if run.held else states.RUNNING,
            accepted=not run.held, input=dict(run.input),
            runtime_context={**runtime, 'target': run.target,
                             'safe_rerun': run.safe_rerun},
            project_id=record['project_id'])
        if not run.held:
            self._send_action(tx, task, run_id, action, action_input,
                              run.target)
        return []

    def _send_action(self, tx: Transaction, task: wf_view.TaskView, run_id: str,
                     action: str, action_input: Any, target: Any = None) -> None:
        """Queue the action for the executors; ``target`` picks their host.

        A target becomes the message's RPC server, so only an executor whose
        ``[executor] host`` equals it receives the action; with none there,
        the message waits in that executor's queue (the task's ``timeout``
        is the remedy).
        """
        request = runner.ActionRequest(
            action_execution_id=run_id, action_name=action,
            action_input=dict(action_input), task_execution_id=task.id,
            workflow_execution_id=tx.view.id, workflow_name=tx.view.name,
            root_execution_id=tx.record['root_execution_id'])
        tx.messages.append(outbox.add(
            tx.session, topic=self._executor_topic, method=RUN_ACTION,
            server=str(target) if target not in (None, '') else None,
            payload={'context': tx.context.to_dict(), 'request': request.to_dict()}))

    def _release(self, tx: Transaction, task: wf_view.TaskView,
                 index: int) -> list[tuple[Transaction, cmd.Event]]:
        """Send the held run of item ``index``."""
        round_ = task.runtime.get('retry_no', 0)
        run_id = str(uuid.uuid5(_RUN_IDS, f'{task.id}:{round_}:{index}'))
        action = action_executions.find(tx.session, run_id)
        if action is not None:
            action_executions.update(tx.session, run_id, state=states.RUNNING,
                                     accepted=True)
            runtime = action.get('runtime_context') or {}
            self._send_action(tx, task, run_id,
                              str(runtime.get('base') or action['name']),
                              runtime.get('base_input', action['input']),
                              runtime.get('target'))
            return []
        child = workflow_executions.find(tx.session, run_id)
        assert child is not None, f'held run {run_id} of task {task.id} is missing'
        child = workflow_executions.update(tx.session, run_id,
                                           state=states.RUNNING)
        child_tx = self.load(tx.session, tx.context, child, tx.family)
        return [(child_tx, cmd.WorkflowStarted())]

    def _start_sub_workflow(self, tx: Transaction, task: wf_view.TaskView,
                            run: cmd.Run, run_id: str, runtime: dict[str, Any]
                            ) -> list[tuple[Transaction, cmd.Event]]:
        """Create the sub-workflow execution and start it (unless held)."""
        def failed(message: str) -> list[tuple[Transaction, cmd.Event]]:
            return [(tx, cmd.TaskFinished(task.id, False, error=message,
                                          item_index=run.index))]
        definition = self._find_workflow(tx, run.workflow or '')
        if definition is None:
            return failed(f"Workflow not found [name={run.workflow}, "
                          f"namespace={tx.record['workflow_namespace']!r}]")
        spec = specs.WorkflowSpec.from_dict(definition['spec'])
        try:
            child_input = data.resolve_input(spec, dict(run.input))
        except exceptions.InvalidInput as error:
            return failed(str(error))
        params = {key: tx.view.params[key] for key in ('env', 'notify')
                  if key in tx.view.params}
        probe = wf_view.WorkflowView(id=run_id, name=spec.name, spec=spec,
                                     state=states.RUNNING, input=child_input,
                                     params=params)
        state, state_info, context = (states.IDLE if run.held else states.RUNNING,
                                      None, {})
        try:
            context = data.initial_context(spec, child_input,
                                           wf_view.ExpressionRuntime(probe))
        except expressions.ExpressionError as error:
            return failed(f'Failed to evaluate vars of workflow {spec.name!r}: '
                          f'{error}')
        record = workflow_executions.create(
            tx.session, id=run_id, name=spec.name, workflow_id=definition['id'],
            workflow_namespace=definition['namespace'], description='',
            spec=definition['spec'], state=state, state_info=state_info,
            input=child_input, params=params, context=context,
            runtime_context=runtime, task_execution_id=task.id,
            root_execution_id=tx.record['root_execution_id'],
            project_id=tx.record['project_id'])
        child_tx = tx.relative(views.workflow_view(record, self.spec(record), ()),
                               record)
        tx.family[run_id] = child_tx
        LOG.info('Sub-workflow %s started by task %s [execution_id=%s]',
                 spec.name, task.name, run_id)
        if run.held:
            return []
        self.notify(child_tx)
        return [(child_tx, cmd.WorkflowStarted())]

    def _find_workflow(self, tx: Transaction, name: str) -> dict[str, Any] | None:
        """A sub-workflow by name, looked up as Mistral does.

        The caller's workbook first, then its namespace, then the default one.
        """
        namespace = tx.record['workflow_namespace']
        candidates = []
        workbook = _workbook_of(tx.view.name)
        if workbook and '.' not in name:
            candidates.append((f'{workbook}.{name}', namespace))
        candidates += [(name, namespace), (name, '')]
        for candidate, candidate_namespace in candidates:
            try:
                return workflow_definitions.get(
                    tx.session, candidate, namespace=candidate_namespace,
                    project_id=tx.context.project_id)
            except exceptions.NotFound:
                continue
        return None

    # Workflows

    def _set_workflow_state(self, tx: Transaction, state: str,
                            state_info: str | None, output: Any
                            ) -> list[tuple[Transaction, cmd.Event]]:
        if tx.view.state == state:
            return []
        states.check_transition(states.WORKFLOW_TRANSITIONS, tx.view.state, state)
        values: dict[str, Any] = {'state': state, 'state_info': state_info}
        if state != states.PAUSED:
            values['output'] = output if output is not None else {}
        tx.record = workflow_executions.update(tx.session, tx.view.id, **values)
        tx.view = dataclasses.replace(tx.view, state=state)
        self.notify(tx)
        LOG.info('Workflow %s is %s [execution_id=%s]%s', tx.view.name, state,
                 tx.view.id, f': {state_info}' if state_info else '')
        parent_task_id = tx.record.get('task_execution_id')
        if parent_task_id is None or state == states.PAUSED:
            return []
        return [self._report_to_parent(tx, parent_task_id, state, output,
                                       state_info)]

    def _report_to_parent(self, tx: Transaction, parent_task_id: str, state: str,
                          output: Any, state_info: str | None
                          ) -> tuple[Transaction, cmd.Event]:
        """A sub-workflow ended: its parent task's action is done."""
        parent_task = task_executions.get(tx.session, parent_task_id)
        parent = tx.family.get(parent_task['workflow_execution_id'])
        if parent is None:
            parent_record = workflow_executions.get(
                tx.session, parent_task['workflow_execution_id'])
            parent = self.load(tx.session, tx.context, parent_record, tx.family,
                               loaded_task=parent_task)
        index = (tx.record.get('runtime_context') or {}).get('index')
        if state == states.SUCCESS:
            event = cmd.TaskFinished(parent_task_id, True, result=output or {},
                                     item_index=index)
        else:
            event = cmd.TaskFinished(parent_task_id, False, item_index=index,
                                     error=state_info or f'Workflow {tx.view.name} '
                                                         f'ended in {state}',
                                     cancelled=state == states.CANCELLED)
        return parent, event


def _workbook_of(workflow_name: str) -> str | None:
    """The workbook a workflow came from (``<workbook>.<workflow>``), if any."""
    return workflow_name.rsplit('.', 1)[0] if '.' in workflow_name else None
