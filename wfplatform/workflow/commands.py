"""What flows into the kernel (events) and what comes out (commands).

Events and commands are small frozen dataclasses. The engine feeds one event at a
time to :func:`wfplatform.workflow.next_commands`, applies the commands in order
inside one transaction, and feeds back any event a command produces (a task that
fails as it starts, for instance).
"""

import dataclasses
from typing import Any, Mapping


@dataclasses.dataclass(frozen=True)
class WorkflowStarted:
    """The execution was created and is RUNNING: start its first tasks."""


@dataclasses.dataclass(frozen=True)
class TaskFinished:
    """A task's action (or sub-workflow) ended, well or badly."""

    task_execution_id: str
    success: bool
    result: Any = None
    error: str | None = None


Event = WorkflowStarted | TaskFinished


@dataclasses.dataclass(frozen=True)
class StartTask:
    """Create a task execution and run its action with ``action_input``.

    ``key`` is unique within the workflow execution (task name and visit number),
    which makes creating the task idempotent. When the task's input could not be
    evaluated, ``error`` says why and the task is created already in ERROR.
    """

    name: str
    key: str
    in_context: Mapping[str, Any]
    action: str | None = None
    action_input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class FinishTask:
    """Record a task's final state, result and published data.

    ``next_tasks`` names what its transitions chose (tasks and engine commands):
    a task with none is a leaf whose context feeds the workflow's output, and an
    ERROR task with some counts as handled.
    """

    task_execution_id: str
    state: str
    result: Any = None
    published: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    state_info: str | None = None
    next_tasks: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class CompleteWorkflow:
    output: Any = None


@dataclasses.dataclass(frozen=True)
class FailWorkflow:
    state_info: str
    output: Any = None


@dataclasses.dataclass(frozen=True)
class PauseWorkflow:
    state_info: str | None = None


Command = StartTask | FinishTask | CompleteWorkflow | FailWorkflow | PauseWorkflow
