"""The direct-workflow controller: which task runs after which.

Given a snapshot of one execution and one event, it returns the commands that move
the execution on. It does no I/O; expressions are evaluated here, so a bad
expression becomes a task or workflow error with a message, never an exception.
"""

import dataclasses
from typing import Any, Iterable, Mapping, Sequence

from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view


def next_commands(view: wf_view.WorkflowView, event: cmd.Event) -> list[cmd.Command]:
    if isinstance(event, cmd.WorkflowStarted):
        return _start_workflow(view)
    return _finish_task(view, event)


def _start_workflow(view: wf_view.WorkflowView) -> list[cmd.Command]:
    starts = [_start_task(view, name, view.context)
              for name in view.spec.start_task_names()]
    return list(starts) if starts else [_completion(view)]


def _start_task(view: wf_view.WorkflowView, name: str,
                in_context: Mapping[str, Any]) -> cmd.StartTask:
    task_spec = view.spec.tasks[name]
    key = f'{name}:{view.visits(name)}'
    runtime = wf_view.ExpressionRuntime(view, current_task=name)
    try:
        action_input = expressions.evaluate(task_spec.input, in_context, runtime)
    except expressions.ExpressionError as error:
        return cmd.StartTask(name, key, in_context, task_spec.action,
                             error=f'Failed to evaluate the input of task '
                                   f'{name!r}: {error}')
    if not isinstance(action_input, dict):
        return cmd.StartTask(name, key, in_context, task_spec.action,
                             error=f'The input of task {name!r} must be a '
                                   f'dictionary, got {action_input!r}')
    return cmd.StartTask(name, key, in_context, task_spec.action, action_input)


def _finish_task(view: wf_view.WorkflowView,
                 event: cmd.TaskFinished) -> list[cmd.Command]:
    task = view.task_by_id(event.task_execution_id)
    if task is None or states.is_completed(task.state):
        return []
    finished = _evaluate_outcome(view, task, event)
    try:
        chosen = _chosen_transitions(view, finished)
    except expressions.ExpressionError as error:
        info = f'Failed to evaluate a transition of task {task.name!r}: {error}'
        failed = dataclasses.replace(finished, state=states.ERROR, state_info=info)
        return [_finish_command(failed), _failure(view.replace_task(failed), info)]
    finished = dataclasses.replace(
        finished, next_tasks=tuple(t.target for t in chosen))
    view = view.replace_task(finished)
    commands: list[cmd.Command] = [_finish_command(finished)]
    if view.state != states.RUNNING:
        return commands
    return commands + _follow(view, finished, chosen)


def _evaluate_outcome(view: wf_view.WorkflowView, task: wf_view.TaskView,
                      event: cmd.TaskFinished) -> wf_view.TaskView:
    """The task with its new state, result and published data."""
    state = states.SUCCESS if event.success else states.ERROR
    result = event.result if event.success else event.error
    finished = dataclasses.replace(task, state=state, result=result,
                                   state_info=None if event.success else event.error)
    task_spec = view.spec.tasks[task.name]
    publish = task_spec.publish if event.success else task_spec.publish_on_error
    runtime = wf_view.ExpressionRuntime(view, task.name, override=finished)
    try:
        published = expressions.evaluate(dict(publish.branch), dict(task.in_context),
                                         runtime)
    except expressions.ExpressionError as error:
        return dataclasses.replace(
            finished, state=states.ERROR,
            state_info=f'Failed to evaluate what task {task.name!r} publishes: '
                       f'{error}')
    return dataclasses.replace(finished, published=published)


def _chosen_transitions(view: wf_view.WorkflowView,
                        task: wf_view.TaskView) -> list[specs.Transition]:
    """Transitions whose condition holds, without repeating a target."""
    task_spec = view.spec.tasks[task.name]
    clauses = task_spec.on_success if task.state == states.SUCCESS else \
        task_spec.on_error
    runtime = wf_view.ExpressionRuntime(view, task.name, override=task)
    context = task.out_context
    chosen: dict[str, specs.Transition] = {}
    for transition in clauses + task_spec.on_complete:
        if transition.target in chosen:
            continue
        if transition.condition is None or expressions.evaluate(
                transition.condition, context, runtime):
            chosen[transition.target] = transition
    return list(chosen.values())


def _follow(view: wf_view.WorkflowView, task: wf_view.TaskView,
            chosen: Sequence[specs.Transition]) -> list[cmd.Command]:
    """Commands for the chosen transitions, then completion if nothing is left."""
    commands: list[cmd.Command] = []
    for transition in chosen:
        if transition.is_engine_command:
            command = _engine_command(view, task, transition)
            if command is not None:
                return commands + [command]
        else:
            commands.append(_start_task(view, transition.target, task.out_context))
    if not commands and not view.active_tasks():
        commands.append(_completion(view))
    return commands


def _engine_command(view: wf_view.WorkflowView, task: wf_view.TaskView,
                    transition: specs.Transition) -> cmd.Command | None:
    runtime = wf_view.ExpressionRuntime(view, task.name)
    try:
        message = expressions.evaluate(transition.params.get('msg'),
                                       task.out_context, runtime)
    except expressions.ExpressionError as error:
        message = f'Failed to evaluate msg of {transition.target!r}: {error}'
    if transition.target == 'fail':
        return _failure(view, message or f"Workflow failed by the 'fail' command "
                                         f"in task {task.name!r}")
    if transition.target == 'succeed':
        return _success(view)
    if transition.target == 'pause':
        return cmd.PauseWorkflow(message)
    return None


def _completion(view: wf_view.WorkflowView) -> cmd.Command:
    """How the workflow ends once no task is in flight."""
    unhandled = [t for t in view.tasks
                 if t.state == states.ERROR and not t.next_tasks]
    if unhandled:
        return _failure(view, _failure_summary(unhandled))
    return _success(view)


def _success(view: wf_view.WorkflowView) -> cmd.Command:
    runtime = wf_view.ExpressionRuntime(view)
    try:
        output = data.evaluate_output(view.spec.output, data.final_context(view),
                                      runtime)
    except expressions.ExpressionError as error:
        return _failure(view, f'Failed to evaluate the workflow output: {error}')
    return cmd.CompleteWorkflow(output)


def _failure(view: wf_view.WorkflowView, state_info: str) -> cmd.FailWorkflow:
    runtime = wf_view.ExpressionRuntime(view)
    try:
        output = data.evaluate_output(view.spec.output_on_error,
                                      data.final_context(view), runtime)
    except expressions.ExpressionError as error:
        state_info += f'\nFailed to evaluate output-on-error: {error}'
        output = {}
    return cmd.FailWorkflow(state_info, output)


def _failure_summary(tasks: Iterable[wf_view.TaskView]) -> str:
    tasks = list(tasks)
    lines = [f"Failure caused by error in tasks: {', '.join(t.name for t in tasks)}",
             '']
    lines += [f'  {t.name} [task_ex_id={t.id}] -> {t.state_info}' for t in tasks]
    return '\n'.join(lines)


def _finish_command(task: wf_view.TaskView) -> cmd.FinishTask:
    return cmd.FinishTask(task.id, task.state, task.result, dict(task.published),
                          task.state_info, task.next_tasks)
