"""The kernel: pure workflow logic, fed snapshots and events, returning commands.

It imports nothing from the database, RPC, API or configuration layers, so it runs
and is tested without any of them.
"""

from wfplatform.workflow import commands
from wfplatform.workflow import direct
from wfplatform.workflow import ending
from wfplatform.workflow import lifecycle
from wfplatform.workflow import reverse
from wfplatform.workflow import view as wf_view


def next_commands(view: wf_view.WorkflowView,
                  event: commands.Event) -> list[commands.Command]:
    """The commands that move the execution on after ``event``."""
    controller = reverse if view.spec.type == 'reverse' else direct
    if isinstance(event, commands.WorkflowStarted):
        return controller.start(view)
    if isinstance(event, commands.WorkflowResumed):
        return _resume(view, controller.after)
    if isinstance(event, commands.TimerFired):
        return lifecycle.on_timer(view, event, controller.after)
    return lifecycle.on_task_finished(view, event, controller.after)


def _resume(view: wf_view.WorkflowView,
            after: lifecycle.After) -> list[commands.Command]:
    """Start the tasks ``pause-before`` held; end the workflow if none is left."""
    result: list[commands.Command] = []
    for task in view.tasks:
        if lifecycle.paused_before(task):
            result += lifecycle.resume(view, task, after)
    if not result and not view.active_tasks():
        result.append(ending.completion(view))
    return result
