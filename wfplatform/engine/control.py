"""A user's control of executions: pause, resume, stop, skip and rerun.

A request acts on an execution tree (a root and its sub-workflows): pausing or
cancelling an execution also pauses or cancels what it started, and rerunning a
task inside a failed sub-workflow reopens the parents that failed with it. This
module decides which executions and tasks a request touches, checks that it is
allowed, and in which order the kernel sees the events; what each execution does
then is the kernel's (``PauseRequested``, ``StopRequested``, ``WorkflowResumed``,
``TaskSkipped``, ``TaskRerun``), applied by the dispatcher. Everything runs in
the engine's transaction, under the root execution's lock.
"""

import dataclasses
from typing import Any, Mapping

from sqlalchemy import orm

from wfplatform.db.repositories import common
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import dispatcher as engine_dispatcher
from wfplatform import exceptions
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import states

USER_STATES = (states.RUNNING, states.PAUSED, states.SUCCESS, states.ERROR,
               states.CANCELLED)
"""States a user may ask an execution to go to (RUNNING resumes)."""

ENV_STATES = (states.IDLE, states.PAUSED, states.ERROR)
"""States in which an execution's env may change (Mistral's rule)."""


def locate(session: orm.Session, repository: Any, record_id: str,
           project_id: str | None, kind: str) -> common.Row:
    """The root execution of a workflow or task execution, read before the lock.

    ``repository`` is ``workflow_executions`` or ``task_executions``. Only the
    column that never changes is read, and as a plain row, so the session holds
    nothing that the locked reads after it could see stale.
    """
    rows = repository.list(session, common.ListQuery(
        project_id=project_id, filters=(common.Filter('id', 'eq', record_id),),
        fields=('root_execution_id',)))
    if not rows:
        raise exceptions.NotFound(f'{kind} not found [id={record_id}]')
    return rows[0]


class Family:
    """The executions of one root, locked, and the dispatcher's view of them.

    Executions are read once (a tree has few); each one the kernel is fed for
    is loaded through the dispatcher into one shared transaction state.
    """

    def __init__(self, session: orm.Session, context: Any,
                 dispatcher: engine_dispatcher.Dispatcher, root_id: str) -> None:
        self.session = session
        self.context = context
        self.dispatcher = dispatcher
        workflow_executions.get_for_update(session, root_id)
        rows = workflow_executions.list(session, common.ListQuery(
            filters=(common.Filter('root_execution_id', 'eq', root_id),)))
        self.records = {row['id']: row for row in rows}
        task_ids = {row['task_execution_id'] for row in rows
                    if row['task_execution_id']}
        self.parent_tasks = {task['id']: task for task in
                             task_executions.get_many(session, task_ids)} \
            if task_ids else {}
        self.children: dict[str, list[str]] = {}
        for row in rows:
            parent = self.parent(row['id'])
            if parent is not None:
                self.children.setdefault(parent, []).append(row['id'])
        self.transactions: dict[str, engine_dispatcher.Transaction] = {}

    # The tree

    def state(self, execution_id: str) -> str:
        tx = self.transactions.get(execution_id)
        return tx.view.state if tx else self.records[execution_id]['state']

    def parent_task(self, execution_id: str) -> dict[str, Any] | None:
        task_id = self.records[execution_id]['task_execution_id']
        return self.parent_tasks.get(task_id) if task_id else None

    def parent(self, execution_id: str) -> str | None:
        task = self.parent_task(execution_id)
        return task['workflow_execution_id'] if task else None

    def ancestors(self, execution_id: str) -> list[str]:
        """The executions above this one, nearest first."""
        result = []
        parent = self.parent(execution_id)
        while parent is not None:
            result.append(parent)
            parent = self.parent(parent)
        return result

    def descendants(self, execution_id: str) -> list[str]:
        """The executions below this one, parents before their children."""
        result = list(self.children.get(execution_id, ()))
        for child in result:
            result += self.children.get(child, ())
        return result

    # Feeding the kernel

    def load(self, execution_id: str,
             loaded_task: dict[str, Any] | None = None
             ) -> engine_dispatcher.Transaction:
        tx = self.dispatcher.load(self.session, self.context,
                                  self.records[execution_id], self.transactions,
                                  loaded_task=loaded_task)
        self.transactions[execution_id] = tx
        return tx

    def feed(self, execution_id: str, event: cmd.Event,
             loaded_task: dict[str, Any] | None = None) -> None:
        self.dispatcher.run(self.load(execution_id, loaded_task), event)

    def reopen(self, execution_id: str, notification: str) -> None:
        """Set the execution RUNNING again (resume, rerun) and say so."""
        record = workflow_executions.update(self.session, execution_id,
                                            state=states.RUNNING, state_info=None)
        self.records[execution_id] = record
        tx = self.load(execution_id)
        tx.record = record
        tx.view = dataclasses.replace(tx.view, state=states.RUNNING)
        before = len(tx.events)
        self.dispatcher.notify(tx)
        for event in tx.events[before:]:
            event['event'] = notification

    def messages(self) -> list[Any]:
        """The outbox messages of everything fed, notifications queued last."""
        tx = next(iter(self.transactions.values()), None)
        if tx is None:
            return []
        self.dispatcher.close(tx)
        return tx.messages

    # What a user may ask

    def update_env(self, execution_id: str, env: Mapping[str, Any]) -> None:
        """Merge ``env`` into the execution's ``params.env``."""
        state = self.state(execution_id)
        if state not in ENV_STATES:
            raise exceptions.Conflict(
                'Updating env to workflow execution is only permitted if it is '
                f'in IDLE, PAUSED, or ERROR state; execution {execution_id} is '
                f'{state}.')
        params = dict(self.records[execution_id].get('params') or {})
        params['env'] = data.deep_merge(params.get('env') or {}, env)
        self.records[execution_id] = workflow_executions.update(
            self.session, execution_id, params=params)

    def change_state(self, execution_id: str, state: str,
                     state_info: str | None) -> None:
        if state == states.PAUSED:
            self._pause(execution_id, state_info)
        elif state == states.RUNNING:
            self._resume(execution_id)
        elif state in (states.SUCCESS, states.ERROR, states.CANCELLED):
            self._stop(execution_id, state, state_info)
        else:
            raise exceptions.InvalidInput(
                f"Cannot change state to {state}. Allowed states are: "
                f"{', '.join(USER_STATES)}")

    def _pause(self, execution_id: str, state_info: str | None) -> None:
        """Pause it, what it runs, and (as Mistral does) what runs it."""
        self._check(execution_id, states.PAUSED)
        chosen = (self.ancestors(execution_id) + [execution_id]
                  + self.descendants(execution_id))
        for current in chosen:
            if self.state(current) == states.RUNNING:
                self.feed(current, cmd.PauseRequested(state_info))

    def _resume(self, execution_id: str) -> None:
        """Resume it, what it runs (deepest first), then what runs it."""
        if self.state(execution_id) not in (states.PAUSED, states.RUNNING):
            raise exceptions.InvalidStateTransition(
                f'Can not resume execution {execution_id}: it is '
                f'{self.state(execution_id)}, not PAUSED (a failed execution '
                'runs again when one of its failed tasks is rerun)')
        chosen = (list(reversed(self.descendants(execution_id))) + [execution_id]
                  + self.ancestors(execution_id))
        for current in chosen:
            if self.state(current) == states.PAUSED:
                self.reopen(current, 'WORKFLOW_RESUMED')
                self.feed(current, cmd.WorkflowResumed())

    def _stop(self, execution_id: str, state: str,
              state_info: str | None) -> None:
        """End it in ``state``; whatever it still runs is cancelled."""
        if self.state(execution_id) == state:
            return
        self._check(execution_id, state)
        self.feed(execution_id, cmd.StopRequested(state, state_info))
        if state == states.SUCCESS and state_info and \
                self.state(execution_id) == states.SUCCESS:
            # The kernel's success carries no message; Mistral keeps the user's.
            workflow_executions.update(self.session, execution_id,
                                       state_info=state_info)
        for current in self.descendants(execution_id):
            if not states.is_completed(self.state(current)):
                self.feed(current, cmd.StopRequested(states.CANCELLED, state_info))

    def _check(self, execution_id: str, state: str) -> None:
        current = self.state(execution_id)
        if current != state:
            states.check_transition(states.WORKFLOW_TRANSITIONS, current, state)

    def skip(self, task: dict[str, Any]) -> None:
        """Skip a failed task: it goes ``on-skip``; its workflow runs again."""
        states.check_transition(states.TASK_TRANSITIONS, task['state'],
                                states.SKIPPED)
        self._reopen_for(task)
        self.feed(task['workflow_execution_id'],
                  cmd.TaskSkipped(task['id']), loaded_task=task)

    def rerun(self, task: dict[str, Any]) -> None:
        """Run a failed task again; its workflow (and parents) run again."""
        if task['state'] != states.ERROR:
            raise exceptions.InvalidStateTransition(
                f"The current task execution must be in ERROR for rerun; task "
                f"{task['name']!r} [id={task['id']}] is {task['state']}.")
        self._reopen_for(task)
        task = task_executions.update(self.session, task['id'], finished_at=None,
                                      processed=False)
        self.feed(task['workflow_execution_id'], cmd.TaskRerun(task['id']),
                  loaded_task=task)

    def _reopen_for(self, task: dict[str, Any]) -> None:
        """Set the failed executions above a task RUNNING again, as Mistral does.

        The task's workflow, and while a failed sub-workflow failed its parent
        task, that task and its workflow too. A parent task that still waits
        for other items (``with-items``) forgets this item's failure instead.
        """
        execution_id = task['workflow_execution_id']
        self._check_open(execution_id)
        chain: list[str] = []
        while self.state(execution_id) == states.ERROR:
            chain.append(execution_id)
            parent_task = self.parent_task(execution_id)
            if parent_task is None:
                break
            if parent_task['state'] not in (states.ERROR, states.RUNNING):
                raise exceptions.Conflict(
                    f"Task {parent_task['name']!r} [id={parent_task['id']}] "
                    f"that runs execution {execution_id} is "
                    f"{parent_task['state']}: its sub-workflow cannot run again")
            self._reopen_task(parent_task, execution_id)
            if parent_task['state'] == states.RUNNING:
                break
            execution_id = parent_task['workflow_execution_id']
            self._check_open(execution_id)
        for current in chain:
            self.reopen(current, 'WORKFLOW_RERUN')

    def _check_open(self, execution_id: str) -> None:
        state = self.state(execution_id)
        if state not in (states.RUNNING, states.ERROR):
            raise exceptions.Conflict(
                f'Workflow execution {execution_id} is {state}: only the tasks '
                'of a RUNNING or failed (ERROR) execution can be skipped or rerun')

    def _reopen_task(self, task: dict[str, Any], child_id: str) -> None:
        runtime = dict(task.get('runtime_context') or {})
        child_runtime = self.records[child_id].get('runtime_context') or {}
        items = runtime.get('items')
        if items and child_runtime.get('index') is not None and \
                child_runtime.get('round', 0) == runtime.get('retry_no', 0):
            runtime['items'] = {**items, 'done': items['done'] - 1,
                                'failed': max(items['failed'] - 1, 0)}
        values: dict[str, Any] = {'runtime_context': runtime}
        if task['state'] == states.ERROR:
            values.update(state=states.RUNNING, state_info=None, finished_at=None,
                          processed=False)
        self.parent_tasks[task['id']] = task_executions.update(
            self.session, task['id'], **values)
