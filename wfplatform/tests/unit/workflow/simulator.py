"""Runs a workflow through the pure kernel with scripted action results.

It stands in for the engine: it applies commands to an in-memory view, answers
each started action from a script, fires timers on a virtual clock and runs
sub-workflows (other workflows of the same definition) the same way. No
database, no RPC, no mocks, no sleeping.
"""

import collections
import dataclasses
import heapq
import itertools
from typing import Any, Callable

from wfplatform import exceptions
from wfplatform import lang
from wfplatform import workflow
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import data
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

Outcome = tuple[Any, ...]
"""(success, output or error) or (success, output or error, delay in seconds)."""

Script = Callable[[str, str | None, dict[str, Any]], Outcome]


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
    finished: list[str] = dataclasses.field(default_factory=list)
    """Task names in the order they reached a final state."""
    timeline: list[tuple[float, str]] = dataclasses.field(default_factory=list)
    """(virtual time, 'start <task>' / 'finish <task> <STATE>') in order."""
    children: list['Run'] = dataclasses.field(default_factory=list)
    clock: float = 0.0

    @property
    def state(self) -> str:
        return self.view.state

    def task(self, name: str) -> wf_view.TaskView:
        task = self.view.latest_task(name)
        assert task is not None, f'task {name} never ran'
        return task


def run(definition: str, workflow_input: dict[str, Any] | None = None,
        script: Script = echo_outcome, params: dict[str, Any] | None = None,
        max_steps: int = 100000, resume: bool = False,
        skip: tuple[str, ...] = (), rerun: tuple[str, ...] = ()) -> Run:
    """Run the first workflow of ``definition`` to its end.

    With ``resume`` a paused workflow is resumed (as often as it pauses); when
    the workflow fails, each failed task named in ``skip`` is skipped (once),
    and each named in ``rerun`` is run again (once per mention), as a user
    would through the API, and the workflow goes on.
    """
    workflows = {spec.name: spec for spec in lang.parse_workflows(definition)}
    first = next(iter(workflows.values()))
    return _Simulation(workflows, script, max_steps, resume, skip,
                       rerun).execute(first, workflow_input, params or {})


class _Simulation:
    def __init__(self, workflows: dict[str, lang.WorkflowSpec], script: Script,
                 max_steps: int, resume: bool, skip: tuple[str, ...] = (),
                 rerun: tuple[str, ...] = ()) -> None:
        self._workflows = workflows
        self.skip = list(skip)
        self.rerun = list(rerun)
        self._script = script
        self._max_steps = max_steps
        self._resume = resume
        self._ids = (f'task-{n}' for n in itertools.count(1))

    def execute(self, spec: lang.WorkflowSpec, workflow_input: Any,
                params: dict[str, Any], depth: int = 0) -> Run:
        resolved = data.resolve_input(spec, workflow_input)
        data.check_params(spec, params)
        view = wf_view.WorkflowView(id=f'wf-{depth}', name=spec.name, spec=spec,
                                    state=states.RUNNING, input=resolved,
                                    params=params)
        view = dataclasses.replace(view, context=data.initial_context(
            spec, resolved, wf_view.ExpressionRuntime(view)))
        simulation = _Execution(self, Run(view), depth)
        simulation.loop()
        return simulation.run

    def workflow(self, name: str) -> lang.WorkflowSpec | None:
        return self._workflows.get(name)


class _Execution:
    def __init__(self, owner: _Simulation, run: Run, depth: int) -> None:
        self.owner = owner
        self.run = run
        self.depth = depth
        self.queue: list[tuple[float, int, cmd.Event]] = []
        self.sequence = itertools.count()
        self.held: dict[tuple[str, int], cmd.Run] = {}
        self.item_results: dict[str, dict[int, tuple[bool, Any]]] = (
            collections.defaultdict(dict))

    def loop(self) -> None:
        self.feed(cmd.WorkflowStarted())
        for _ in range(self.owner._max_steps):
            if self.run.state == states.PAUSED and self.owner._resume \
                    and not self.queue:
                self.run.view = dataclasses.replace(self.run.view,
                                                    state=states.RUNNING)
                self.feed(cmd.WorkflowResumed())
                continue
            if not self.queue and self.run.state == states.ERROR \
                    and (self.skip_one() or self.rerun_one()):
                continue
            if not self.queue:
                return
            when, _, event = heapq.heappop(self.queue)
            self.run.clock = max(self.run.clock, when)
            self.feed(event)
        raise AssertionError(f'workflow did not finish in '
                             f'{self.owner._max_steps} steps')

    def skip_one(self) -> bool:
        """Skip the next failed task the caller asked to skip, if any."""
        return self._act_on_failed(self.owner.skip, cmd.TaskSkipped)

    def rerun_one(self) -> bool:
        """Rerun the next failed task the caller asked to rerun, if any."""
        return self._act_on_failed(self.owner.rerun, cmd.TaskRerun)

    def _act_on_failed(self, names: list[str], event: Any) -> bool:
        """As a user would: set the workflow running, feed ``event(task id)``."""
        for name in list(names):
            task = self.run.view.latest_task(name)
            if task is not None and task.state == states.ERROR:
                names.remove(name)
                self.run.view = dataclasses.replace(self.run.view,
                                                    state=states.RUNNING)
                self.feed(event(task.id))
                return True
        return False

    def later(self, delay: float, event: cmd.Event) -> None:
        heapq.heappush(self.queue, (self.run.clock + delay, next(self.sequence),
                                    event))

    def feed(self, event: cmd.Event) -> None:
        events = collections.deque([event])
        while events:
            current = events.popleft()
            for command in self.next_commands(current):
                follow_up = self.apply(command)
                if follow_up is not None:
                    events.append(follow_up)

    def next_commands(self, event: cmd.Event) -> list[cmd.Command]:
        while True:
            try:
                return workflow.next_commands(self.run.view, event)
            except wf_view.MissingItemResults as missing:
                results = self.item_results[missing.task_id]
                task = self.run.view.task_by_id(missing.task_id)
                assert task is not None
                self.run.view = self.run.view.replace_task(dataclasses.replace(
                    task, item_results=tuple(results[i] for i in sorted(results))))

    def apply(self, command: cmd.Command) -> cmd.Event | None:
        view = self.run.view
        if isinstance(command, cmd.StartTask):
            task_id = next(self.owner._ids)
            self.run.view = view.add_task(wf_view.TaskView(
                task_id, command.name, command.state, command.in_context,
                type=command.type, runtime=command.runtime))
            self.run.started.append(command.name)
            self.run.timeline.append((self.run.clock, f'start {command.name}'))
            if command.error is not None:
                return cmd.TaskFinished(task_id, False, error=command.error)
            if command.no_items:
                return cmd.TaskFinished(task_id, True, [])
            self.start_runs(task_id, command.name, command.runs, command.timers)
        elif isinstance(command, cmd.UpdateTask):
            task = view.task_by_id(command.task_execution_id)
            assert task is not None
            if command.state is not None and command.state != task.state:
                states.check_transition(states.TASK_TRANSITIONS, task.state,
                                        command.state)
            if command.runs:
                self.item_results.pop(task.id, None)
            self.run.view = view.replace_task(dataclasses.replace(
                task, state=command.state or task.state,
                in_context=task.in_context if command.in_context is None
                else command.in_context,
                runtime=task.runtime if command.runtime is None
                else command.runtime, item_results=None))
            self.start_runs(task.id, task.name, command.runs, command.timers)
            for index in command.release:
                self.send(task.id, task.name, self.held.pop((task.id, index)))
        elif isinstance(command, cmd.FinishTask):
            self.finish_task(command)
        else:
            self.finish_workflow(command)
        return None

    def start_runs(self, task_id: str, name: str, runs: tuple[cmd.Run, ...],
                   timers: tuple[cmd.Timer, ...]) -> None:
        for timer in timers:
            self.later(timer.delay, cmd.TimerFired(task_id, timer.purpose))
        for run in runs:
            if run.held:
                self.held[(task_id, run.index)] = run
            else:
                self.send(task_id, name, run)

    def send(self, task_id: str, name: str, run: cmd.Run) -> None:
        self.run.inputs[name].append(dict(run.input))
        if run.workflow is not None:
            success, value, delay = self.sub_workflow(run)
        else:
            outcome = self.owner._script(name, run.action, dict(run.input))
            success, value = outcome[0], outcome[1]
            delay = outcome[2] if len(outcome) > 2 else 0
        if run.index is not None:
            self.item_results[task_id][run.index] = (success, value)
        self.later(delay, cmd.TaskFinished(
            task_id, success, value if success else None,
            None if success else value, item_index=run.index))

    def sub_workflow(self, run: cmd.Run) -> tuple[bool, Any, float]:
        spec = self.owner.workflow(run.workflow or '')
        if spec is None:
            return False, f'Workflow not found [name={run.workflow}]', 0
        try:
            child = self.owner.execute(spec, dict(run.input),
                                       {'env': self.run.view.params.get('env')}
                                       if self.run.view.params.get('env') else {},
                                       self.depth + 1)
        except exceptions.InvalidInput as error:
            return False, str(error), 0
        self.run.children.append(child)
        if child.state == states.SUCCESS:
            return True, child.output, child.clock
        return False, child.state_info, child.clock

    def finish_task(self, command: cmd.FinishTask) -> None:
        view = self.run.view
        task = view.task_by_id(command.task_execution_id)
        assert task is not None
        states.check_transition(states.TASK_TRANSITIONS, task.state, command.state)
        view = dataclasses.replace(view, global_context={
            **view.global_context, **command.global_published})
        runtime = dict(task.runtime)
        if command.pending:
            runtime['pending'] = list(command.pending)
        self.run.view = view.replace_task(dataclasses.replace(
            task, state=command.state, result=command.result,
            published=command.published, state_info=command.state_info,
            next_tasks=command.next_tasks, runtime=runtime))
        self.run.finished.append(task.name)
        self.run.timeline.append((self.run.clock,
                                  f'finish {task.name} {command.state}'))

    def finish_workflow(self, command: cmd.Command) -> None:
        new_state = {cmd.CompleteWorkflow: states.SUCCESS,
                     cmd.FailWorkflow: states.ERROR,
                     cmd.PauseWorkflow: states.PAUSED,
                     cmd.CancelWorkflow: states.CANCELLED}[type(command)]
        if self.run.view.state == new_state:
            return
        states.check_transition(states.WORKFLOW_TRANSITIONS, self.run.view.state,
                                new_state)
        self.run.view = dataclasses.replace(self.run.view, state=new_state)
        self.run.state_info = getattr(command, 'state_info', None)
        if new_state != states.PAUSED:
            self.run.output = getattr(command, 'output', None)
