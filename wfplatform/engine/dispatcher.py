"""Applies the kernel's commands to the database, inside the caller's transaction.

The dispatcher is the only place that turns commands into rows: task and action
executions, workflow state, and outbox messages for the executors. Commands are
applied in the order the kernel gave them; a command may produce a new event (a
task that failed as it started), which is fed back to the kernel in the same
transaction.
"""

import collections
import dataclasses
from typing import Any

from oslo_log import log as logging
from oslo_utils import timeutils
from sqlalchemy import orm

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import outbox
from wfplatform.engine import views
from wfplatform.executor import runner
from wfplatform.notifier import notifier
from wfplatform import workflow
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

LOG = logging.getLogger(__name__)

RUN_ACTION = 'run_action'
NOTIFY = 'notify'


@dataclasses.dataclass
class Transaction:
    """The state of one engine operation while its transaction is open."""

    session: orm.Session
    context: Any
    view: wf_view.WorkflowView
    record: dict[str, Any]
    messages: list[outbox.Message] = dataclasses.field(default_factory=list)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)


class Dispatcher:
    def __init__(self, executor_topic: str, notifier_topic: str,
                 default_publishers: list[dict[str, Any]]) -> None:
        self._executor_topic = executor_topic
        self._notifier_topic = notifier_topic
        self._default_publishers = default_publishers

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
                payload={'context': tx.context.to_dict(), 'events': tx.events,
                         'publishers': self._publishers(tx)}))
            tx.events = []

    def _publishers(self, tx: Transaction) -> list[dict[str, Any]]:
        return self._default_publishers + list(tx.view.params.get('notify') or [])

    def run(self, tx: Transaction, event: cmd.Event) -> None:
        """Feed ``event`` (and whatever follows from it) through the kernel."""
        events: collections.deque[cmd.Event] = collections.deque([event])
        while events:
            for command in self._next_commands(tx, events.popleft()):
                follow_up = self._apply(tx, command)
                if follow_up is not None:
                    events.append(follow_up)

    def _next_commands(self, tx: Transaction,
                       event: cmd.Event) -> list[cmd.Command]:
        """Ask the kernel, loading the task data it says it needs, then ask again."""
        while True:
            try:
                return workflow.next_commands(tx.view, event)
            except wf_view.MissingTaskData as missing:
                records = task_executions.get_many(tx.session, missing.task_ids)
                if len(records) != len(set(missing.task_ids)):
                    raise RuntimeError(f'task executions {missing.task_ids} of '
                                       f'execution {tx.view.id} vanished') from None
                tx.view = views.with_loaded(tx.view, records)

    def _apply(self, tx: Transaction, command: cmd.Command) -> cmd.Event | None:
        if isinstance(command, cmd.StartTask):
            return self._start_task(tx, command)
        if isinstance(command, cmd.FinishTask):
            self._finish_task(tx, command)
        elif isinstance(command, cmd.CompleteWorkflow):
            self._set_workflow_state(tx, states.SUCCESS, None, command.output)
        elif isinstance(command, cmd.FailWorkflow):
            self._set_workflow_state(tx, states.ERROR, command.state_info,
                                     command.output)
        elif isinstance(command, cmd.PauseWorkflow):
            self._set_workflow_state(tx, states.PAUSED, command.state_info, None)
        return None

    def _start_task(self, tx: Transaction, command: cmd.StartTask) -> cmd.Event | None:
        record = tx.record
        task = task_executions.create(
            tx.session, name=command.name, unique_key=f'{tx.view.id}:{command.key}',
            type='ACTION',
            workflow_execution_id=record['id'],
            root_execution_id=record['root_execution_id'],
            workflow_name=record['name'], workflow_id=record['workflow_id'],
            workflow_namespace=record['workflow_namespace'],
            state=states.RUNNING, in_context=dict(command.in_context),
            started_at=timeutils.utcnow(), project_id=record['project_id'])
        tx.view = tx.view.add_task(wf_view.TaskView(
            id=task['id'], name=command.name, state=states.RUNNING,
            in_context=command.in_context))
        LOG.debug('Task %s started [task_ex_id=%s, execution_id=%s]',
                  command.name, task['id'], record['id'])
        self.notify(tx, tx.view.tasks[-1])
        if command.error is not None:
            return cmd.TaskFinished(task['id'], success=False, error=command.error)
        self._run_action(tx, task, command)
        return None

    def _run_action(self, tx: Transaction, task: dict[str, Any],
                    command: cmd.StartTask) -> None:
        action = action_executions.create(
            tx.session, name=command.action, task_execution_id=task['id'],
            root_execution_id=task['root_execution_id'],
            workflow_name=task['workflow_name'],
            workflow_namespace=task['workflow_namespace'], state=states.RUNNING,
            accepted=True, input=dict(command.action_input),
            project_id=task['project_id'])
        request = runner.ActionRequest(
            action_execution_id=action['id'], action_name=command.action or '',
            action_input=dict(command.action_input), task_execution_id=task['id'],
            workflow_execution_id=task['workflow_execution_id'],
            workflow_name=task['workflow_name'])
        tx.messages.append(outbox.add(
            tx.session, topic=self._executor_topic, method=RUN_ACTION,
            payload={'context': tx.context.to_dict(), 'request': request.to_dict()}))

    def _finish_task(self, tx: Transaction, command: cmd.FinishTask) -> None:
        task = tx.view.task_by_id(command.task_execution_id)
        assert task is not None, 'the kernel finishes only tasks it was shown'
        states.check_transition(states.TASK_TRANSITIONS, task.state, command.state)
        task_executions.update(
            tx.session, command.task_execution_id, state=command.state,
            state_info=command.state_info, result=command.result,
            published=dict(command.published), processed=True,
            runtime_context={'next_tasks': list(command.next_tasks)},
            finished_at=timeutils.utcnow())
        finished = dataclasses.replace(
            task, state=command.state, result=command.result,
            published=command.published, state_info=command.state_info,
            next_tasks=command.next_tasks)
        tx.view = tx.view.replace_task(finished)
        self.notify(tx, finished)
        LOG.debug('Task %s is %s [task_ex_id=%s, execution_id=%s]', task.name,
                  command.state, task.id, tx.view.id)

    def _set_workflow_state(self, tx: Transaction, state: str,
                            state_info: str | None, output: Any) -> None:
        if tx.view.state == state:
            return
        states.check_transition(states.WORKFLOW_TRANSITIONS, tx.view.state, state)
        values: dict[str, Any] = {'state': state, 'state_info': state_info}
        if state != states.PAUSED:
            values['output'] = output if output is not None else {}
        tx.record = workflow_executions.update(tx.session, tx.view.id, **values)
        tx.view = dataclasses.replace(tx.view, state=state)
        self.notify(tx)
        LOG.info('Workflow %s is %s [execution_id=%s]%s', tx.view.name, state,
                 tx.view.id, f': {state_info}' if state_info else '')
