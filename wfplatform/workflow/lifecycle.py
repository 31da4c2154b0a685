"""A task's life, whatever the workflow type: start, policies, items, outcome.

A task starts (perhaps paused by ``pause-before`` or delayed by ``wait-before``),
runs one action or sub-workflow, or one per item of ``with-items`` (at most
``concurrency`` at a time), and concludes: ``fail-on`` may turn a success into an
error, ``publish`` is evaluated, ``retry`` may run it again, ``wait-after`` may
hold the outcome back, and ``timeout`` may end it early. What happens after a
task concludes (transitions, requirements) belongs to the workflow type, which
passes its ``After`` function in.
"""

import dataclasses
import numbers
from typing import Any, Callable, Mapping

from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import ending
from wfplatform.workflow import field_size
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

After = Callable[[wf_view.WorkflowView, wf_view.TaskView, Mapping[str, Any]],
                 list[cmd.Command]]
"""What a workflow type does with a concluded task: ``(view, task, globals)``."""

_DELAYED_FOR = 'delayed_for'


class _StartError(Exception):
    """The task cannot start; the message says why, naming the task and key."""


def start(view: wf_view.WorkflowView, name: str,
          in_context: Mapping[str, Any]) -> cmd.StartTask:
    """The command that creates task ``name`` and sets it going."""
    task_spec = view.spec.tasks[name]
    base = cmd.StartTask(name, f'{name}:{view.visits(name)}', in_context,
                         type='WORKFLOW' if task_spec.workflow else 'ACTION')
    policies = _Policies(view, name, in_context)
    try:
        if policies.flag(task_spec.pause_before, 'pause-before'):
            return dataclasses.replace(base, state=states.IDLE,
                                       runtime={'paused_before': True})
        wait = policies.seconds(task_spec.wait_before, 'wait-before')
    except _StartError as error:
        return dataclasses.replace(base, error=str(error))
    if wait:
        return dataclasses.replace(base, state=states.DELAYED,
                                   runtime={_DELAYED_FOR: cmd.WAIT_BEFORE},
                                   timers=(cmd.Timer(cmd.WAIT_BEFORE, wait),))
    try:
        runs, runtime, timers = _first_runs(view, name, in_context)
    except _StartError as error:
        return dataclasses.replace(base, error=str(error))
    no_items = 'items' in runtime and not runs
    return dataclasses.replace(base, runs=runs, runtime=runtime, timers=timers,
                               no_items=no_items)


def start_commands(view: wf_view.WorkflowView, name: str,
                   in_context: Mapping[str, Any]) -> list[cmd.Command]:
    """:func:`start`, and a pause of the workflow if ``pause-before`` holds."""
    command = start(view, name, in_context)
    if command.state == states.IDLE:
        return [command, cmd.PauseWorkflow(
            f'Workflow paused before task {name!r} (pause-before)')]
    return [command]


def paused_before(task: wf_view.TaskView) -> bool:
    """True for a task ``pause-before`` holds until the workflow resumes."""
    return task.state == states.IDLE and bool(task.runtime.get('paused_before'))


def resume(view: wf_view.WorkflowView, task: wf_view.TaskView,
           after: After) -> list[cmd.Command]:
    """Start a task ``pause-before`` held, now that the workflow runs again."""
    runtime = {k: v for k, v in task.runtime.items() if k != 'paused_before'}
    policies = _Policies(view, task.name, task.in_context)
    try:
        wait = policies.seconds(view.spec.tasks[task.name].wait_before,
                                'wait-before')
    except _StartError as error:
        return conclude(view, task, False, None, str(error), after, policies=False)
    return _delay_or_rerun(view, dataclasses.replace(task, runtime=runtime),
                           cmd.WAIT_BEFORE, wait, after)


def on_task_finished(view: wf_view.WorkflowView, event: cmd.TaskFinished,
                     after: After) -> list[cmd.Command]:
    task = view.task_by_id(event.task_execution_id)
    if task is None or task.state != states.RUNNING:
        return []
    if 'items' in task.runtime:
        if event.item_index is not None:
            return _item_finished(view, task, event, after)
        if task.runtime['items']['count']:
            return []
    if event.cancelled:
        return cancelled(view, task, event.error)
    return conclude(view, task, event.success, event.result, event.error, after)


def cancelled(view: wf_view.WorkflowView, task: wf_view.TaskView,
              state_info: str | None) -> list[cmd.Command]:
    """The task's sub-workflow was cancelled: so is the task, as in Mistral.

    Its transitions are not followed; once nothing else is in flight the
    workflow ends CANCELLED (see :func:`ending.completion`).
    """
    finished = dataclasses.replace(task, state=states.CANCELLED,
                                   state_info=state_info, next_tasks=())
    view = view.replace_task(finished)
    commands: list[cmd.Command] = [finish_command(finished, {})]
    if view.state == states.RUNNING and not view.active_tasks():
        commands.append(ending.completion(view))
    return commands


def on_timer(view: wf_view.WorkflowView, event: cmd.TimerFired,
             after: After) -> list[cmd.Command]:
    task = view.task_by_id(event.task_execution_id)
    if task is None or states.is_completed(task.state):
        return []
    if event.purpose == cmd.TIMEOUT:
        if task.state not in (states.RUNNING, states.DELAYED):
            return []
        seconds = task.runtime.get('timeout')
        return conclude(view, task, False, None,
                        f'Task {task.name!r} timed out after {seconds} seconds '
                        '(timeout policy)', after, policies=False)
    if task.state != states.DELAYED or \
            task.runtime.get(_DELAYED_FOR) != event.purpose:
        return []
    runtime = {k: v for k, v in task.runtime.items()
               if k not in (_DELAYED_FOR, 'outcome')}
    if event.purpose == cmd.WAIT_AFTER:
        success, result, error = task.runtime['outcome']
        return conclude(view, dataclasses.replace(task, runtime=runtime), success,
                        result, error, after, policies=False)
    return _rerun(view, dataclasses.replace(task, runtime=runtime), after,
                  with_timeout=event.purpose == cmd.WAIT_BEFORE)


def conclude(view: wf_view.WorkflowView, task: wf_view.TaskView, success: bool,
             result: Any, error: str | None, after: After, *,
             policies: bool = True) -> list[cmd.Command]:
    """The task's action (or items, or sub-workflow) ended: apply its policies.

    Without ``policies`` the outcome is final (a timeout, or the end of a
    ``wait-after``): no ``fail-on``, ``retry`` or ``wait-after`` any more.
    """
    task_spec = view.spec.tasks[task.name]
    finished, globals_ = outcome(view, task, success, result, error)
    if not policies:
        return after(view, finished, globals_)
    checks = _Policies(view, task.name, finished.out_context, override=finished)
    try:
        if finished.state == states.SUCCESS and task_spec.fail_on is not None \
                and checks.flag(task_spec.fail_on, 'fail-on'):
            finished, globals_ = outcome(
                view, task, False, result,
                f'Task {task.name!r} failed by its fail-on policy')
            checks = _Policies(view, task.name, finished.out_context,
                               override=finished)
        retry = _retry(view, task, finished, checks, after)
        if retry is not None:
            return retry
        wait = checks.seconds(task_spec.wait_after, 'wait-after')
    except _StartError as problem:
        finished, globals_ = outcome(view, task, False, None, str(problem))
        return after(view, finished, globals_)
    if wait:
        held = [finished.state == states.SUCCESS, result, finished.state_info]
        return [cmd.UpdateTask(task.id, state=states.DELAYED,
                               runtime={**task.runtime, _DELAYED_FOR: cmd.WAIT_AFTER,
                                        'outcome': held},
                               timers=(cmd.Timer(cmd.WAIT_AFTER, wait),))]
    return after(view, finished, globals_)


def finish_command(task: wf_view.TaskView, globals_: Mapping[str, Any],
                   pending: tuple[str, ...] = ()) -> cmd.FinishTask:
    return cmd.FinishTask(task.id, task.state, task.result, dict(task.published),
                          task.state_info, task.next_tasks, dict(globals_),
                          pending)


def pending(task: wf_view.TaskView) -> tuple[str, ...]:
    """The transitions of a concluded task that wait for the workflow to resume."""
    if not states.is_completed(task.state):
        return ()
    return tuple(task.runtime.get('pending') or ())


def without_pending(task: wf_view.TaskView) -> cmd.UpdateTask:
    """The command that marks a task's pending transitions as taken."""
    return cmd.UpdateTask(task.id, runtime={k: v for k, v in task.runtime.items()
                                            if k != 'pending'})


def skip(view: wf_view.WorkflowView, event: cmd.TaskSkipped,
         after: After) -> list[cmd.Command]:
    """A failed task is skipped: it publishes ``publish-on-skip``, goes on-skip."""
    task = view.task_by_id(event.task_execution_id)
    if task is None or task.state != states.ERROR:
        return []
    task = task.require_loaded()
    task_spec = view.spec.tasks[task.name]
    runtime = wf_view.ExpressionRuntime(view, task.name, override=task)
    context = view.data_context(task.in_context)
    publish = task_spec.publish_on_skip
    try:
        branch = expressions.evaluate(dict(publish.branch), context, runtime)
        globals_ = expressions.evaluate(
            {**publish.global_vars, **publish.atomic}, context, runtime)
    except expressions.ExpressionError as problem:
        branch, globals_ = {}, {}
        skipped_info: str | None = (
            f'Skipped; failed to evaluate what task {task.name!r} publishes on '
            f'skip: {problem}')
    else:
        skipped_info = task.state_info
    skipped = dataclasses.replace(task, state=states.SKIPPED, published=branch,
                                  state_info=skipped_info, next_tasks=())
    return after(view, skipped, globals_)


def rerun(view: wf_view.WorkflowView, event: cmd.TaskRerun,
          after: After) -> list[cmd.Command]:
    """Run a failed task again from its start, as the user asked.

    The rerun is a new round (``retry_no`` goes on counting, so its runs get
    new ids); its ``retry`` policy counts afresh from there. ``wait-before``
    is not waited again; ``timeout`` is.
    """
    task = view.task_by_id(event.task_execution_id)
    if task is None or task.state != states.ERROR:
        return []
    task = task.require_loaded()
    round_ = int(task.runtime.get('retry_no', 0)) + 1
    runtime = {key: value for key, value in task.runtime.items()
               if key not in ('pending', 'outcome', 'items', _DELAYED_FOR)}
    runtime.update(retry_no=round_, retry_from=round_)
    reopened = dataclasses.replace(task, state=states.RUNNING, state_info=None,
                                   runtime=runtime, next_tasks=())
    reopen = cmd.UpdateTask(task.id, state=states.RUNNING, runtime=runtime)
    return [reopen] + _rerun(view.replace_task(reopened), reopened, after,
                             with_timeout=True)


def outcome(view: wf_view.WorkflowView, task: wf_view.TaskView, success: bool,
            result: Any, error: str | None
            ) -> tuple[wf_view.TaskView, dict[str, Any]]:
    """The task in its final state with what it publishes (branch, global).

    A failed task's result is its error, unless the failure keeps a result
    (``fail-on`` fails a task whose action did return one).
    """
    task_spec = view.spec.tasks[task.name]
    finished = dataclasses.replace(
        task, state=states.SUCCESS if success else states.ERROR,
        result=result if success or result is not None else error,
        state_info=None if success else error)
    publish = task_spec.publish if success else task_spec.publish_on_error
    runtime = wf_view.ExpressionRuntime(view, task.name, override=finished)
    context = view.data_context(task.in_context)
    try:
        branch = expressions.evaluate(
            {**task_spec.publish_on_complete.branch, **publish.branch}, context,
            runtime)
        globals_ = expressions.evaluate(
            {**task_spec.publish_on_complete.global_vars,
             **task_spec.publish_on_complete.atomic,
             **publish.global_vars, **publish.atomic}, context, runtime)
    except expressions.ExpressionError as problem:
        return dataclasses.replace(
            finished, state=states.ERROR,
            state_info=f'Failed to evaluate what task {task.name!r} publishes: '
                       f'{problem}'), {}
    too_large = (field_size.problem('TaskExecution', 'published', branch)
                 or field_size.problem('WorkflowExecution', 'published',
                                       globals_))
    if too_large is not None:
        return dataclasses.replace(finished, state=states.ERROR,
                                   result=None, state_info=too_large), {}
    if not _evaluated_flag(task_spec.keep_result, context, runtime):
        finished = dataclasses.replace(finished, result=None if success
                                       else finished.result)
    return dataclasses.replace(finished, published=branch), globals_


def _evaluated_flag(value: Any, context: Mapping[str, Any],
                    runtime: expressions.Runtime) -> bool:
    try:
        return bool(expressions.evaluate(value, context, runtime))
    except expressions.ExpressionError:
        return True


def _retry(view: wf_view.WorkflowView, task: wf_view.TaskView,
           finished: wf_view.TaskView, checks: '_Policies',
           after: After) -> list[cmd.Command] | None:
    """The commands that run the task again, or None when it is not retried.

    An error is retried until ``count`` retries were made or ``break-on`` holds;
    a success only while ``continue-on`` holds (Mistral's rules).
    """
    policy = view.spec.tasks[task.name].retry
    if policy is None:
        return None
    count = checks.count(policy.count, 'retry.count')
    retry_no = int(task.runtime.get('retry_no', 0))
    if retry_no - int(task.runtime.get('retry_from', 0)) >= count:
        return None
    if finished.state == states.SUCCESS:
        if policy.continue_on is None or not checks.flag(policy.continue_on,
                                                         'retry.continue-on'):
            return None
    elif policy.break_on is not None and checks.flag(policy.break_on,
                                                     'retry.break-on'):
        return None
    delay = checks.seconds(policy.delay, 'retry.delay')
    runtime = {**task.runtime, 'retry_no': retry_no + 1}
    return _delay_or_rerun(view, dataclasses.replace(task, runtime=runtime),
                           cmd.RETRY, delay, after)


def _delay_or_rerun(view: wf_view.WorkflowView, task: wf_view.TaskView,
                    purpose: str, delay: float,
                    after: After) -> list[cmd.Command]:
    """Run the task's action(s) after ``delay`` seconds (DELAYED until then).

    The end of a ``wait-before`` starts the task's ``timeout``; a retry keeps
    the one already running.
    """
    if delay:
        return [cmd.UpdateTask(task.id, state=states.DELAYED,
                               runtime={**task.runtime, _DELAYED_FOR: purpose},
                               timers=(cmd.Timer(purpose, delay),))]
    return _rerun(view, task, after, with_timeout=purpose == cmd.WAIT_BEFORE)


def _rerun(view: wf_view.WorkflowView, task: wf_view.TaskView, after: After, *,
           with_timeout: bool) -> list[cmd.Command]:
    """Run the task's action(s) again (a retry, or the end of a wait-before)."""
    try:
        runs, items_runtime, timers = _first_runs(view, task.name, task.in_context)
    except _StartError as error:
        return conclude(view, task, False, None, str(error), after, policies=False)
    runtime = {k: v for k, v in task.runtime.items() if k != 'items'}
    runtime.update(items_runtime)
    if 'items' in runtime and not runs:
        return conclude(view, dataclasses.replace(task, runtime=runtime), True,
                        [], None, after)
    return [cmd.UpdateTask(task.id, state=states.RUNNING, runtime=runtime,
                           runs=runs, timers=timers if with_timeout else ())]


def _item_finished(view: wf_view.WorkflowView, task: wf_view.TaskView,
                   event: cmd.TaskFinished, after: After) -> list[cmd.Command]:
    """One item is done: release the next held one, or conclude the task.

    After the first failed item no more items are released; the task concludes
    in ERROR once the items in flight are done.
    """
    items = dict(task.runtime['items'])
    items['done'] += 1
    items['failed'] += 0 if event.success else 1
    if event.cancelled:
        items['cancelled'] = items.get('cancelled', 0) + 1
    release: tuple[int, ...] = ()
    if not items['failed'] and items['next'] < items['count']:
        release = (items['next'],)
        items['next'] += 1
    runtime = {**task.runtime, 'items': items}
    if items['done'] < items['next']:
        return [cmd.UpdateTask(task.id, runtime=runtime, release=release)]
    results = task.require_item_results()
    task = dataclasses.replace(task, runtime=runtime)
    failures = [(index, value) for index, (ok, value) in enumerate(results)
                if not ok]
    if not failures and len(results) == items['count']:
        return conclude(view, task, True, [value for _, value in results], None,
                        after)
    lines = [f'  item {index}: {value}' for index, value in failures]
    not_run = items['count'] - items['next']
    summary = (f'{len(failures)} of {items["count"]} items of task '
               f'{task.name!r} failed' + (f', {not_run} not run' if not_run else '')
               + ':\n' + '\n'.join(lines))
    if items.get('cancelled'):
        return cancelled(view, task, f'{items["cancelled"]} of {items["count"]} '
                                     f'items of task {task.name!r} were cancelled')
    return conclude(view, task, False, None, summary, after)


def _first_runs(view: wf_view.WorkflowView, name: str, in_context: Mapping[str, Any]
                ) -> tuple[tuple[cmd.Run, ...], dict[str, Any],
                           tuple[cmd.Timer, ...]]:
    """The task's runs, its runtime data (items, timeout) and its timeout timer."""
    task_spec = view.spec.tasks[name]
    policies = _Policies(view, name, in_context)
    timeout = policies.seconds(task_spec.timeout, 'timeout')
    runtime: dict[str, Any] = {'timeout': timeout} if timeout else {}
    timers = (cmd.Timer(cmd.TIMEOUT, timeout),) if timeout else ()
    template = cmd.Run(
        action=policies.name(task_spec.action, 'action'),
        workflow=policies.name(task_spec.workflow, 'workflow'),
        target=policies.name(task_spec.target, 'target'),
        safe_rerun=policies.flag(task_spec.safe_rerun, 'safe-rerun'))
    if not task_spec.with_items:
        single = dataclasses.replace(template, input=policies.input(task_spec, {}))
        return (single,), runtime, timers
    items = policies.items(task_spec.with_items)
    concurrency = policies.count(task_spec.concurrency, 'concurrency') \
        if task_spec.concurrency is not None else 0
    released = min(concurrency, len(items)) if concurrency else len(items)
    runs = tuple(dataclasses.replace(template, input=policies.input(task_spec, item),
                                     index=index, held=index >= released)
                 for index, item in enumerate(items))
    runtime['items'] = {'count': len(items), 'next': released, 'done': 0,
                        'failed': 0}
    return runs, runtime, timers


@dataclasses.dataclass
class _Policies:
    """Evaluates a task's policy values (literals or expressions) and checks them.

    Every problem raises :class:`_StartError` with a message naming the task and
    the key, which becomes the task's ``state_info``.
    """

    view: wf_view.WorkflowView
    task_name: str
    in_context: Mapping[str, Any]
    override: wf_view.TaskView | None = None

    def __post_init__(self) -> None:
        self._context = self.view.data_context(self.in_context)
        self._runtime = wf_view.ExpressionRuntime(self.view, self.task_name,
                                                  override=self.override)

    def evaluate(self, value: Any, key: str,
                 extra: Mapping[str, Any] | None = None) -> Any:
        context = {**self._context, **extra} if extra else self._context
        try:
            return expressions.evaluate(value, context, self._runtime)
        except expressions.ExpressionError as error:
            raise _StartError(f'Failed to evaluate {key} of task '
                              f'{self.task_name!r}: {error}') from None

    def flag(self, value: Any, key: str) -> bool:
        return bool(self.evaluate(value, key))

    def seconds(self, value: Any, key: str) -> float:
        if value is None:
            return 0
        number = self.evaluate(value, key)
        if isinstance(number, str):
            number = _number(number)
        if not isinstance(number, numbers.Real) or isinstance(number, bool) \
                or number < 0:
            raise _StartError(f'{key} of task {self.task_name!r} must be a '
                              f'non-negative number of seconds, got {number!r}')
        return float(number)

    def count(self, value: Any, key: str) -> int:
        number = self.evaluate(value, key)
        if isinstance(number, str):
            number = _number(number)
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise _StartError(f'{key} of task {self.task_name!r} must be a '
                              f'non-negative integer, got {number!r}')
        return number

    def name(self, value: str | None, key: str) -> str | None:
        if value is None:
            return None
        name = self.evaluate(value, key)
        if not isinstance(name, str) or not name:
            raise _StartError(f'{key} of task {self.task_name!r} must evaluate '
                              f'to a name, got {name!r}')
        return name

    def input(self, task_spec: specs.TaskSpec,
              item: Mapping[str, Any]) -> dict[str, Any]:
        value = self.evaluate(task_spec.input, 'the input', item)
        if not isinstance(value, dict):
            raise _StartError(f'The input of task {self.task_name!r} must be a '
                              f'dictionary, got {value!r}')
        return value

    def items(self, with_items: tuple[specs.WithItems, ...]
              ) -> list[dict[str, Any]]:
        """Each item's variables: the zipped values of every ``with-items`` list."""
        lists = []
        for entry in with_items:
            values = self.evaluate(entry.source, 'with-items')
            if not isinstance(values, (list, tuple)):
                raise _StartError(
                    f"with-items of task {self.task_name!r}: '{entry.var}' must "
                    f'be a list, got {values!r}')
            lists.append(values)
        lengths = {len(values) for values in lists}
        if len(lengths) > 1:
            described = ', '.join(f'{entry.var}: {len(values)}'
                                  for entry, values in zip(with_items, lists))
            raise _StartError(f'with-items of task {self.task_name!r}: the lists '
                              f'must have the same length ({described})')
        return [{entry.var: value for entry, value in zip(with_items, row)}
                for row in zip(*lists)]


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text
