"""Runs a workflow through the pure kernel with scripted action results.

It stands in for the engine: it applies commands to an in-memory view and answers
each started action from a script, in the order the actions were started. No
database, no RPC, no mocks.
"""

import collections
import dataclasses
import itertools
from typing import Any, Callable

from wfplatform import lang
from wfplatform import workflow
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

Outcome = tuple[bool, Any]
"""(success, output or error) for one action run."""


def echo_outcome(task_name: str, action: str | None,
                 action_input: dict[str, Any]) -> Outcome:
    """Default script: std.fail fails, everything else echoes its ``output``."""
    if action == 'std.fail':
        return False, 'Fail action expected exception.'
    return True, action_input.get('output')


@dataclasses.dataclass
class Run:
    view: wf_view.WorkflowView
    started: list[str] = dataclasses.field(default_factory=list)
    inputs: dict[str, list[dict[str, Any]]] = dataclasses.field(
        default_factory=lambda: collections.defaultdict(list))
    output: Any = None
    state_info: str | None = None

    @property
    def state(self) -> str:
        return self.view.state

    def task(self, name: str) -> wf_view.TaskView:
        task = self.view.latest_task(name)
        assert task is not None, f'task {name} never ran'
        return task


def run(definition: str, workflow_input: dict[str, Any] | None = None,
        script: Callable[[str, str | None, dict[str, Any]], Outcome] = echo_outcome,
        params: dict[str, Any] | None = None, max_steps: int = 1000) -> Run:
    spec = lang.parse_workflows(definition)[0]
    resolved = data.resolve_input(spec, workflow_input)
    view = wf_view.WorkflowView(id='wf-1', name=spec.name, spec=spec,
                                state=states.RUNNING, input=resolved,
                                params=params or {})
    view = dataclasses.replace(view, context=data.initial_context(
        spec, resolved, wf_view.ExpressionRuntime(view)))
    simulation = Run(view)
    ids = (f'task-{n}' for n in itertools.count(1))
    pending: collections.deque[tuple[str, cmd.Event]] = collections.deque()
    events: collections.deque[cmd.Event] = collections.deque([cmd.WorkflowStarted()])
    for _ in range(max_steps):
        if not events and pending:
            events.append(pending.popleft()[1])
        if not events:
            return simulation
        for command in workflow.next_commands(simulation.view, events.popleft()):
            _apply(simulation, command, ids, events, pending, script)
    raise AssertionError(f'workflow did not finish in {max_steps} steps')


def _apply(simulation: Run, command: cmd.Command, ids: Any,
           events: collections.deque, pending: collections.deque,
           script: Callable[..., Outcome]) -> None:
    if isinstance(command, cmd.StartTask):
        task_id = next(ids)
        simulation.view = simulation.view.add_task(wf_view.TaskView(
            task_id, command.name, states.RUNNING, command.in_context))
        simulation.started.append(command.name)
        simulation.inputs[command.name].append(dict(command.action_input))
        if command.error is not None:
            events.append(cmd.TaskFinished(task_id, False, error=command.error))
            return
        success, value = script(command.name, command.action,
                                dict(command.action_input))
        pending.append((task_id, cmd.TaskFinished(
            task_id, success, value if success else None,
            None if success else value)))
    elif isinstance(command, cmd.FinishTask):
        task = simulation.view.task_by_id(command.task_execution_id)
        states.check_transition(states.TASK_TRANSITIONS, task.state, command.state)
        simulation.view = simulation.view.replace_task(dataclasses.replace(
            task, state=command.state, result=command.result,
            published=command.published, state_info=command.state_info,
            next_tasks=command.next_tasks))
    else:
        new_state = {cmd.CompleteWorkflow: states.SUCCESS,
                     cmd.FailWorkflow: states.ERROR,
                     cmd.PauseWorkflow: states.PAUSED}[type(command)]
        states.check_transition(states.WORKFLOW_TRANSITIONS, simulation.view.state,
                                new_state)
        simulation.view = dataclasses.replace(simulation.view, state=new_state)
        simulation.output = getattr(command, 'output', None)
        simulation.state_info = getattr(command, 'state_info', None)
