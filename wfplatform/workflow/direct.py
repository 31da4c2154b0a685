"""The direct-workflow controller: which task runs after which.

Given a snapshot of one execution and one event, it returns the commands that move
the execution on. It does no I/O; expressions are evaluated here, so a bad
expression becomes a task or workflow error with a message, never an exception.

A task with ``join`` waits (WAITING) until enough of the tasks leading to it
have arrived; when too few of them can still arrive, it fails with a message
saying which did not.
"""

import collections
import dataclasses
from typing import Any, Mapping, Sequence

from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import ending
from wfplatform.workflow import lifecycle
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view


def start(view: wf_view.WorkflowView) -> list[cmd.Command]:
    commands: list[cmd.Command] = []
    for name in view.spec.start_task_names():
        commands += lifecycle.start_commands(view, name, view.context)
    return commands if commands else [ending.completion(view)]


def after(view: wf_view.WorkflowView, finished: wf_view.TaskView,
          globals_: Mapping[str, Any]) -> list[cmd.Command]:
    """A task concluded: record it, follow its transitions, settle joins."""
    commands, view = _conclude(view, finished, globals_, frozenset())
    if view.state != states.RUNNING or any(map(ending.ends_workflow, commands)):
        return commands
    settled, view = _settle_joins(view, _names_started(commands),
                                  _touched(commands))
    commands += settled
    if not any(map(ending.starts_work, commands)) and not view.active_tasks():
        commands.append(ending.completion(view))
    return commands


def _conclude(view: wf_view.WorkflowView, finished: wf_view.TaskView,
              globals_: Mapping[str, Any], starting: frozenset[str]
              ) -> tuple[list[cmd.Command], wf_view.WorkflowView]:
    """FinishTask for ``finished`` and the commands its transitions lead to."""
    view = dataclasses.replace(
        view, global_context={**view.global_context, **globals_})
    try:
        chosen = _chosen_transitions(view, finished)
    except expressions.ExpressionError as error:
        info = f'Failed to evaluate a transition of task {finished.name!r}: {error}'
        failed = dataclasses.replace(finished, state=states.ERROR, state_info=info)
        view = view.replace_task(failed)
        return [lifecycle.finish_command(failed, globals_),
                ending.failure(view, info)], view
    finished = dataclasses.replace(
        finished, next_tasks=tuple(t.target for t in chosen))
    view = view.replace_task(finished)
    if view.state != states.RUNNING:
        return [lifecycle.finish_command(finished, globals_,
                                         pending=finished.next_tasks)], view
    targets = [t.target for t in chosen]
    if 'pause' in targets:
        cut = targets.index('pause')
        commands: list[cmd.Command] = [lifecycle.finish_command(
            finished, globals_, pending=tuple(targets[cut + 1:]))]
        commands += _follow(view, finished, chosen[:cut + 1], starting)
        return commands, view
    commands = [lifecycle.finish_command(finished, globals_)]
    return commands + _follow(view, finished, chosen, starting), view


def refollow(view: wf_view.WorkflowView,
             task: wf_view.TaskView) -> list[cmd.Command]:
    """Take the transitions a task left pending when the workflow paused."""
    chosen = [specs.Transition(target) for target in lifecycle.pending(task)]
    commands: list[cmd.Command] = [lifecycle.without_pending(task)]
    return commands + _follow(view, task, chosen, frozenset())


def _chosen_transitions(view: wf_view.WorkflowView,
                        task: wf_view.TaskView) -> list[specs.Transition]:
    """Transitions whose condition holds, without repeating a target."""
    task_spec = view.spec.tasks[task.name]
    clauses = {states.SUCCESS: task_spec.on_success,
               states.SKIPPED: task_spec.on_skip}.get(task.state, task_spec.on_error)
    runtime = wf_view.ExpressionRuntime(view, task.name, override=task)
    context = view.data_context(task.out_context)
    chosen: dict[str, specs.Transition] = {}
    for transition in clauses + task_spec.on_complete:
        if transition.target in chosen:
            continue
        if transition.condition is None or expressions.evaluate(
                transition.condition, context, runtime):
            chosen[transition.target] = transition
    return list(chosen.values())


def _follow(view: wf_view.WorkflowView, task: wf_view.TaskView,
            chosen: Sequence[specs.Transition],
            starting: frozenset[str]) -> list[cmd.Command]:
    """Commands for the chosen transitions, in the order they are written."""
    commands: list[cmd.Command] = []
    for transition in chosen:
        if transition.is_engine_command:
            if transition.target != 'noop':
                return commands + [_engine_command(view, task, transition)]
        elif view.spec.tasks[transition.target].join is not None:
            commands += _arrive(view, transition.target,
                                starting | _names_started(commands))
        else:
            commands += lifecycle.start_commands(view, transition.target,
                                                 task.out_context)
    return commands


def _engine_command(view: wf_view.WorkflowView, task: wf_view.TaskView,
                    transition: specs.Transition) -> cmd.Command:
    runtime = wf_view.ExpressionRuntime(view, task.name)
    try:
        message = expressions.evaluate(transition.params.get('msg'),
                                       view.data_context(task.out_context),
                                       runtime)
    except expressions.ExpressionError as error:
        message = f'Failed to evaluate msg of {transition.target!r}: {error}'
    if transition.target == 'fail':
        return ending.failure(view, message or f"Workflow failed by the 'fail' "
                                               f"command in task {task.name!r}")
    if transition.target == 'succeed':
        return ending.success(view)
    assert transition.target == 'pause', f'no engine command {transition.target}'
    return cmd.PauseWorkflow(message or f"Workflow paused by the 'pause' command "
                                        f"in task {task.name!r}")


def _arrive(view: wf_view.WorkflowView, name: str,
            starting: frozenset[str]) -> list[cmd.Command]:
    """A transition reached join task ``name``: create, wake or ignore it.

    A join task runs once: arrivals after it has started are ignored.
    """
    existing = view.latest_task(name)
    if existing is not None and existing.state != states.WAITING:
        return []
    status, context = _join_status(view, name, starting)
    if existing is not None:
        return _wake(view, existing, status, context)
    if status == 'satisfied':
        return lifecycle.start_commands(view, name, context)
    task_type = 'WORKFLOW' if view.spec.tasks[name].workflow else 'ACTION'
    key = f'{name}:{view.visits(name)}'
    if status == 'impossible':
        return [cmd.StartTask(name, key, {}, type=task_type, error=context['why'])]
    return [cmd.StartTask(name, key, context, state=states.WAITING, type=task_type)]


def _settle_joins(view: wf_view.WorkflowView, starting: frozenset[str],
                  touched: frozenset[str]
                  ) -> tuple[list[cmd.Command], wf_view.WorkflowView]:
    """Wake or fail joins the latest task made satisfiable or unsatisfiable.

    ``touched`` are the ids of tasks this event already changed. Returns the
    commands and the view with the joins that failed concluded.
    """
    commands: list[cmd.Command] = []
    for task in view.tasks:
        if task.state != states.WAITING or task.id in touched:
            continue
        status, context = _join_status(view, task.name, starting)
        if status == 'impossible':
            failed, _ = lifecycle.outcome(view, task, False, None, context['why'])
            concluded, view = _conclude(view, failed, {}, starting)
            commands += concluded
            starting = starting | _names_started(concluded)
        elif status == 'satisfied':
            commands += _wake(view, task, status, context)
    return commands, view


def _wake(view: wf_view.WorkflowView, task: wf_view.TaskView, status: str,
          context: dict[str, Any]) -> list[cmd.Command]:
    if status != 'satisfied':
        return []
    start_command = lifecycle.start(view, task.name, context)
    if start_command.error is not None or start_command.no_items:
        return lifecycle.conclude(
            view, dataclasses.replace(task, in_context=context, state=states.RUNNING,
                                      runtime=start_command.runtime),
            start_command.no_items, [] if start_command.no_items else None,
            start_command.error, after, policies=start_command.no_items)
    update = cmd.UpdateTask(task.id, state=start_command.state, in_context=context,
                            runtime=start_command.runtime, runs=start_command.runs,
                            timers=start_command.timers)
    if start_command.state == states.IDLE:
        return [update, cmd.PauseWorkflow(
            f'Workflow paused before task {task.name!r} (pause-before)')]
    return [update]


def _join_status(view: wf_view.WorkflowView, name: str, starting: frozenset[str]
                 ) -> tuple[str, dict[str, Any]]:
    """('satisfied', merged context), ('waiting', {}) or ('impossible', {why})."""
    join = view.spec.tasks[name].join
    inbound = [other.name for other in view.spec.tasks.values()
               if any(t.target == name for t in other.transitions)]
    required = len(inbound) if join == 'all' else 1 if join == 'one' else \
        int(join or 0)
    arrived = [task for task in view.tasks
               if task.name in inbound and name in task.next_tasks
               and states.is_completed(task.state)]
    arrived_names = list(dict.fromkeys(task.name for task in arrived))
    if len(arrived_names) >= required:
        context: dict[str, Any] = {}
        for task in arrived:
            context.update(task.require_loaded().out_context)
        return 'satisfied', context
    reachable = _reachable(view, name, starting)
    possible = [n for n in inbound if n in arrived_names or n in reachable]
    if len(possible) >= required:
        return 'waiting', {}
    missing = sorted(set(inbound) - set(possible))
    return 'impossible', {'why': (
        f'Task {name!r} cannot run: its join needs {required} of '
        f'{", ".join(inbound)} but {", ".join(missing)} will not lead to it')}


def _reachable(view: wf_view.WorkflowView, join_name: str,
               starting: frozenset[str]) -> set[str]:
    """Tasks that may still run: those in flight and all they can lead to."""
    edges = {task.name: [t.target for t in task.transitions
                         if not t.is_engine_command]
             for task in view.spec.tasks.values()}
    frontier = collections.deque(
        {t.name for t in view.active_tasks() if t.name != join_name} | starting)
    seen = set(frontier)
    while frontier:
        for target in edges.get(frontier.popleft(), ()):
            if target not in seen and target != join_name:
                seen.add(target)
                frontier.append(target)
    return seen


def _touched(commands: Sequence[cmd.Command]) -> frozenset[str]:
    return frozenset(c.task_execution_id for c in commands
                     if isinstance(c, (cmd.UpdateTask, cmd.FinishTask)))


def _names_started(commands: Sequence[cmd.Command]) -> frozenset[str]:
    return frozenset(c.name for c in commands if isinstance(c, cmd.StartTask))
