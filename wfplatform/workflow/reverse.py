"""The reverse-workflow controller: run what the target task requires, then it.

A reverse workflow names, for each task, the tasks it ``requires``. An execution
is started with ``task_name`` (the target; without one, every task is a target):
the tasks it needs, directly or not, run as soon as all their requirements have
succeeded, independent ones in parallel, and the target last. A failed task
fails the workflow once nothing else is in flight (reverse tasks have no
``on-error``).
"""

import dataclasses
from typing import Any, Mapping

from wfplatform.workflow import commands as cmd
from wfplatform.workflow import ending
from wfplatform.workflow import lifecycle
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view


def start(view: wf_view.WorkflowView) -> list[cmd.Command]:
    needed = needed_tasks(view)
    if isinstance(needed, str):
        return [ending.failure(view, needed)]
    commands: list[cmd.Command] = []
    for name in needed:
        if not view.spec.tasks[name].requires:
            commands += lifecycle.start_commands(view, name, view.context)
    return commands if commands else [ending.completion(view)]


def after(view: wf_view.WorkflowView, finished: wf_view.TaskView,
          globals_: Mapping[str, Any]) -> list[cmd.Command]:
    """A task concluded: start every needed task whose requirements now hold."""
    view = dataclasses.replace(
        view, global_context={**view.global_context, **globals_})
    view = view.replace_task(finished)
    ready: list[str] = []
    if finished.state == states.SUCCESS:
        needed = needed_tasks(view)
        ready = [name for name in needed if not isinstance(needed, str)
                 and finished.name in view.spec.tasks[name].requires
                 and view.latest_task(name) is None
                 and _requirements_met(view, name)]
    finished = dataclasses.replace(finished, next_tasks=tuple(ready))
    view = view.replace_task(finished)
    if view.state != states.RUNNING:
        return [lifecycle.finish_command(finished, globals_, pending=tuple(ready))]
    commands: list[cmd.Command] = [lifecycle.finish_command(finished, globals_)]
    return commands + _start_ready(view, ready)


def refollow(view: wf_view.WorkflowView,
             task: wf_view.TaskView) -> list[cmd.Command]:
    """Start what a task enabled while the workflow was paused."""
    commands: list[cmd.Command] = [lifecycle.without_pending(task)]
    return commands + _start_ready(view, list(lifecycle.pending(task)))


def _start_ready(view: wf_view.WorkflowView,
                 ready: list[str]) -> list[cmd.Command]:
    commands: list[cmd.Command] = []
    for name in ready:
        context: dict[str, Any] = dict(view.context)
        for required in view.spec.tasks[name].requires:
            task = view.latest_task(required)
            assert task is not None, 'requirements were checked'
            context.update(task.require_loaded().out_context)
        commands += lifecycle.start_commands(view, name, context)
        if any(map(ending.ends_workflow, commands)):
            return commands
    if not any(map(ending.starts_work, commands)) and not view.active_tasks():
        commands.append(ending.completion(view))
    return commands


def needed_tasks(view: wf_view.WorkflowView) -> list[str] | str:
    """The target and everything it requires, in written order; or why not."""
    target = view.params.get('task_name')
    tasks = view.spec.tasks
    if target is None:
        return list(tasks)
    if target not in tasks:
        return (f"task_name {target!r} is not a task of workflow "
                f"{view.spec.name!r}")
    needed = {target}
    frontier = [target]
    while frontier:
        for required in tasks[frontier.pop()].requires:
            if required not in needed:
                needed.add(required)
                frontier.append(required)
    return [name for name in tasks if name in needed]


def _requirements_met(view: wf_view.WorkflowView, name: str) -> bool:
    for required in view.spec.tasks[name].requires:
        task = view.latest_task(required)
        if task is None or task.state != states.SUCCESS:
            return False
    return True
