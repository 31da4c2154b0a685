"""What expression functions may ask about the execution they run in.

Expressions such as ``task(t1).result`` or ``env().url`` need execution state that is
not in the data context. The caller (the workflow kernel) passes an object
implementing :class:`Runtime` to every evaluation, so the evaluators stay pure and
nothing travels through globals or thread-locals.
"""

import dataclasses
from typing import Any, Mapping, Protocol


class RuntimeDataMissing(Exception):
    """A :class:`Runtime` has not loaded what an expression asked for.

    Not an evaluation error: the evaluators let it through unwrapped, so the
    caller can load the data and evaluate again.
    """


class Runtime(Protocol):
    """The execution state that ``task()``, ``global()`` and the like read."""

    @property
    def current_task(self) -> str | None:
        """Name of the task whose expressions are evaluated; None outside tasks."""

    def task(self, name: str) -> Mapping[str, Any] | None:
        """The latest execution of task ``name`` or None if it has not run.

        The mapping has the keys ``id``, ``name``, ``spec``, ``state``,
        ``state_info``, ``result`` and ``published``.
        """

    def execution(self) -> Mapping[str, Any]:
        """The workflow execution: ``id``, ``name``, ``input``, ``params``, …"""

    def env(self) -> Mapping[str, Any]:
        """The environment variables the execution was started with."""

    def tasks(self, workflow_execution_id: str | None = None,
              recursive: bool = False, state: str | None = None,
              flat: bool = False) -> list[Mapping[str, Any]]:
        """Task executions of a workflow execution (this one when None).

        Each as ``task()`` shows it, in creation order, optionally only those in
        ``state``. ``recursive`` adds the tasks of sub-workflows the runtime knows of;
        ``flat`` leaves out tasks that ran a sub-workflow.
        """

    def global_context(self) -> Mapping[str, Any]:
        """The workflow's global variables (advanced publish ``global``)."""


@dataclasses.dataclass(frozen=True)
class StaticRuntime:
    """A :class:`Runtime` over fixed data, for tests and simple callers."""

    current_task: str | None = None
    tasks_data: Mapping[str, Mapping[str, Any]] = dataclasses.field(
        default_factory=dict)
    execution_data: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    env_data: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    global_data: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def task(self, name: str) -> Mapping[str, Any] | None:
        return self.tasks_data.get(name)

    def execution(self) -> Mapping[str, Any]:
        return self.execution_data

    def env(self) -> Mapping[str, Any]:
        return self.env_data

    def tasks(self, workflow_execution_id: str | None = None,
              recursive: bool = False, state: str | None = None,
              flat: bool = False) -> list[Mapping[str, Any]]:
        return [task for task in self.tasks_data.values()
                if state is None or task.get('state') == state]

    def global_context(self) -> Mapping[str, Any]:
        return self.global_data
