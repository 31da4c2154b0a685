"""How a workflow ends: success with its output, or failure with a summary."""

import dataclasses
from typing import Iterable

from wfplatform import expressions
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view


def completion(view: wf_view.WorkflowView) -> cmd.Command:
    """How the workflow ends once no task is in flight.

    A failed task is handled only when its ``on-error`` chose something (a task
    or an engine command); ``on-complete`` runs after a failure but does not
    handle it, as in Mistral. A cancelled task (its sub-workflow was
    cancelled) cancels the workflow once nothing else is in flight.
    """
    cancelled = sorted({t.name for t in view.tasks if t.state == states.CANCELLED})
    if cancelled:
        return cmd.CancelWorkflow(f'Cancelled tasks: {", ".join(cancelled)}')
    unhandled = [t for t in view.tasks
                 if t.state == states.ERROR and not handled(view, t)]
    if unhandled:
        return failure(view, failure_summary(unhandled))
    return success(view)


def handled(view: wf_view.WorkflowView, task: wf_view.TaskView) -> bool:
    on_error = {t.target for t in view.spec.tasks[task.name].on_error}
    return any(target in on_error for target in task.next_tasks)


def success(view: wf_view.WorkflowView) -> cmd.Command:
    runtime = wf_view.ExpressionRuntime(view)
    try:
        output = data.evaluate_output(view.spec.output, data.final_context(view),
                                      runtime)
    except expressions.ExpressionError as error:
        return failure(view, f'Failed to evaluate the workflow output: {error}')
    return cmd.CompleteWorkflow(output)


def failure(view: wf_view.WorkflowView, state_info: str) -> cmd.FailWorkflow:
    runtime = wf_view.ExpressionRuntime(view)
    try:
        output = data.evaluate_output(view.spec.output_on_error,
                                      data.final_context(view), runtime)
    except expressions.ExpressionError as error:
        state_info += f'\nFailed to evaluate output-on-error: {error}'
        output = {}
    return cmd.FailWorkflow(state_info, output)


def failure_summary(tasks: Iterable[wf_view.TaskView]) -> str:
    tasks = list(tasks)
    lines = [f"Failure caused by error in tasks: {', '.join(t.name for t in tasks)}",
             '']
    lines += [f'  {t.name} [task_ex_id={t.id}] -> {t.state_info}' for t in tasks]
    return '\n'.join(lines)


def ends_workflow(command: cmd.Command) -> bool:
    return isinstance(command, (cmd.CompleteWorkflow, cmd.FailWorkflow,
                                cmd.PauseWorkflow, cmd.CancelWorkflow))


def starts_work(command: cmd.Command) -> bool:
    """True for a command after which a task is still to conclude.

    A task that fails or ends as it starts concludes through a follow-up
    event, which decides then whether the workflow is over.
    """
    return isinstance(command, (cmd.StartTask, cmd.UpdateTask))


CANCELLED_BY_USER = 'Cancelled by the user'


def stop(view: wf_view.WorkflowView, event: cmd.StopRequested) -> list[cmd.Command]:
    """The user ends the workflow: its unfinished tasks are cancelled first.

    SUCCESS evaluates the output as a normal end does (an output that does not
    evaluate fails the workflow instead, saying why); ERROR evaluates
    ``output-on-error``. A workflow already finished is left as it is.
    """
    if states.is_completed(view.state):
        return []
    task_info = event.state_info or CANCELLED_BY_USER
    commands: list[cmd.Command] = []
    for task in view.active_tasks():
        commands.append(cmd.FinishTask(task.id, states.CANCELLED,
                                       state_info=task_info))
        view = view.replace_task(dataclasses.replace(
            task, state=states.CANCELLED, state_info=task_info, next_tasks=()))
    if event.state == states.SUCCESS:
        commands.append(success(view))
    elif event.state == states.ERROR:
        commands.append(failure(view, event.state_info or 'Failed by the user'))
    else:
        commands.append(cmd.CancelWorkflow(task_info))
    return commands
