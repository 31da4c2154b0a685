"""What the kernel knows of an execution: a read-only snapshot.

The engine builds a :class:`WorkflowView` from the database rows of one workflow
execution and its tasks; the kernel never sees anything else.
"""

import dataclasses
from typing import Any, Mapping

from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.workflow import states


class MissingTaskData(expressions.RuntimeDataMissing):
    """The kernel needs the data of tasks the view holds only in summary.

    The engine loads most tasks without their data (contexts, results) because
    an event rarely needs them; when it does, the kernel raises this with the
    tasks' ids, and the engine loads them and feeds the same event again. The
    kernel stays pure and the engine's reads stay proportional to what is used.
    """

    def __init__(self, task_ids: tuple[str, ...]) -> None:
        super().__init__(f'data of tasks {", ".join(task_ids)} not loaded')
        self.task_ids = task_ids


class MissingItemResults(expressions.RuntimeDataMissing):
    """A ``with-items`` task is complete and the kernel needs every item's result.

    Item results stay with their action executions (or sub-workflows) until the
    task ends, so recording one item costs the same whatever the item count; the
    engine loads them all once, when this is raised, and feeds the event again.
    """

    def __init__(self, task_id: str) -> None:
        super().__init__(f'item results of task {task_id} not loaded')
        self.task_id = task_id


@dataclasses.dataclass(frozen=True)
class TaskView:
    """A task execution; without ``loaded`` only its summary fields are real."""

    id: str
    name: str
    state: str
    in_context: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    result: Any = None
    published: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    state_info: str | None = None
    next_tasks: tuple[str, ...] = ()
    loaded: bool = True
    type: str = 'ACTION'
    runtime: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    item_results: tuple[tuple[bool, Any], ...] | None = None

    def require_item_results(self) -> tuple[tuple[bool, Any], ...]:
        """(success, result or error) per item, in item order."""
        if self.item_results is None:
            raise MissingItemResults(self.id)
        return self.item_results

    def require_loaded(self) -> 'TaskView':
        if not self.loaded:
            raise MissingTaskData((self.id,))
        return self

    @property
    def out_context(self) -> dict[str, Any]:
        """The data context the task hands to the tasks after it."""
        return {**self.in_context, **self.published}

    def as_expression_value(self) -> dict[str, Any]:
        """The task as ``task(name)`` shows it inside expressions."""
        return {'id': self.id, 'name': self.name, 'state': self.state,
                'state_info': self.state_info, 'result': self.result,
                'published': dict(self.published)}


@dataclasses.dataclass(frozen=True)
class WorkflowView:
    id: str
    name: str
    spec: specs.WorkflowSpec
    state: str
    input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    context: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    tasks: tuple[TaskView, ...] = ()
    created_at: str | None = None
    global_context: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def task_by_id(self, task_execution_id: str) -> TaskView | None:
        return next((t for t in self.tasks if t.id == task_execution_id), None)

    def latest_task(self, name: str) -> TaskView | None:
        """The most recent execution of the task called ``name``."""
        return next((t for t in reversed(self.tasks) if t.name == name), None)

    def visits(self, name: str) -> int:
        return sum(1 for t in self.tasks if t.name == name)

    def active_tasks(self) -> tuple[TaskView, ...]:
        return tuple(t for t in self.tasks if not states.is_completed(t.state))

    def data_context(self, in_context: Mapping[str, Any]) -> dict[str, Any]:
        """What ``$`` shows a task: global variables under its own context."""
        return {**self.global_context, **in_context}

    def replace_task(self, task: TaskView) -> 'WorkflowView':
        tasks = tuple(task if t.id == task.id else t for t in self.tasks)
        return dataclasses.replace(self, tasks=tasks)

    def add_task(self, task: TaskView) -> 'WorkflowView':
        return dataclasses.replace(self, tasks=self.tasks + (task,))


@dataclasses.dataclass(frozen=True)
class ExpressionRuntime:
    """Gives expression functions (``task()``, ``execution()``, ``env()``) the view.

    ``override`` stands in for a task whose new state is not in the view yet, so
    ``task()`` inside its ``publish`` already sees its result.
    """

    view: WorkflowView
    current_task: str | None = None
    override: TaskView | None = None

    def task(self, name: str | None = None) -> Mapping[str, Any] | None:
        name = name or self.current_task
        if name is None:
            return None
        if self.override is not None and self.override.name == name:
            return self.override.as_expression_value()
        task = self.view.latest_task(name)
        return task.require_loaded().as_expression_value() if task else None

    def execution(self) -> Mapping[str, Any]:
        return {'id': self.view.id, 'name': self.view.name,
                'input': dict(self.view.input), 'params': dict(self.view.params),
                'created_at': self.view.created_at}

    def env(self) -> Mapping[str, Any]:
        return dict(self.view.params.get('env') or {})

    def tasks(self, workflow_execution_id: str | None = None,
              recursive: bool = False, state: str | None = None,
              flat: bool = False) -> list[Mapping[str, Any]]:
        """This execution's tasks, as ``task()`` shows each.

        A sub-workflow's own tasks are not in the view, so ``recursive`` adds
        nothing and ``flat`` only leaves out the tasks that ran a sub-workflow.
        """
        if workflow_execution_id not in (None, self.view.id):
            return []
        chosen = [t for t in self.view.tasks
                  if (state is None or t.state == state)
                  and not (flat and self.view.spec.tasks[t.name].workflow)]
        return [self._task_value(t) for t in chosen]

    def _task_value(self, task: TaskView) -> Mapping[str, Any]:
        if self.override is not None and self.override.id == task.id:
            return self.override.as_expression_value()
        return task.require_loaded().as_expression_value()

    def global_context(self) -> Mapping[str, Any]:
        return dict(self.view.global_context)
