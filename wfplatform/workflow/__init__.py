"""The kernel: pure workflow logic, fed snapshots and events, returning commands.

It imports nothing from the database, RPC, API or configuration layers, so it runs
and is tested without any of them.
"""

from typing import Any

from wfplatform.workflow import commands
from wfplatform.workflow import direct
from wfplatform.workflow import ending
from wfplatform.workflow import lifecycle
from wfplatform.workflow import reverse
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view


def next_commands(view: wf_view.WorkflowView,
                  event: commands.Event) -> list[commands.Command]:
    """The commands that move the execution on after ``event``."""
    controller = reverse if view.spec.type == 'reverse' else direct
    if isinstance(event, commands.WorkflowStarted):
        return controller.start(view)
    if isinstance(event, commands.WorkflowResumed):
        return _resume(view, controller)
    if isinstance(event, commands.TaskSkipped):
        return lifecycle.skip(view, event, controller.after)
    if isinstance(event, commands.TaskRerun):
        return lifecycle.rerun(view, event, controller.after)
    if isinstance(event, commands.PauseRequested):
        return _pause(view, event)
    if isinstance(event, commands.StopRequested):
        return ending.stop(view, event)
    if isinstance(event, commands.TimerFired):
        return lifecycle.on_timer(view, event, controller.after)
    return lifecycle.on_task_finished(view, event, controller.after)


def _resume(view: wf_view.WorkflowView, controller: Any) -> list[commands.Command]:
    """Go on where the pause stopped; end the workflow if nothing is left.

    Tasks ``pause-before`` held start, and the transitions of tasks that ended
    while the workflow was paused are taken.
    """
    result: list[commands.Command] = []
    for task in view.tasks:
        if lifecycle.paused_before(task):
            result += lifecycle.resume(view, task.require_loaded(),
                                       controller.after)
        elif lifecycle.pending(task):
            result += controller.refollow(view, task.require_loaded())
        if any(map(ending.ends_workflow, result)):
            return result
    if not any(map(ending.starts_work, result)) and not view.active_tasks():
        result.append(ending.completion(view))
    return result


def _pause(view: wf_view.WorkflowView,
           event: commands.PauseRequested) -> list[commands.Command]:
    """Only a RUNNING workflow pauses; what is in flight goes on and waits."""
    if view.state != states.RUNNING:
        return []
    return [commands.PauseWorkflow(event.state_info)]
