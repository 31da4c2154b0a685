"""What flows into the kernel (events) and what comes out (commands).

Events and commands are small frozen dataclasses. The engine feeds one event at a
time to :func:`wfplatform.workflow.next_commands`, applies the commands in order
inside one transaction, and feeds back any event a command produces (a task that
fails as it starts, a sub-workflow that ends at once).
"""

import dataclasses
from typing import Any, Mapping

WAIT_BEFORE = 'wait_before'
RETRY = 'retry'
WAIT_AFTER = 'wait_after'
TIMEOUT = 'timeout'
TIMER_PURPOSES = frozenset({WAIT_BEFORE, RETRY, WAIT_AFTER, TIMEOUT})


@dataclasses.dataclass(frozen=True)
class WorkflowStarted:
    """The execution was created and is RUNNING: start its first tasks."""


@dataclasses.dataclass(frozen=True)
class WorkflowResumed:
    """A PAUSED execution is RUNNING again: start what the pause held back."""


@dataclasses.dataclass(frozen=True)
class TaskSkipped:
    """The user skipped a failed task: follow its ``on-skip`` instead."""

    task_execution_id: str


@dataclasses.dataclass(frozen=True)
class TaskRerun:
    """The user reruns a failed task: run its action(s) again, in a new round.

    The workflow is RUNNING again by the time this is fed.
    """

    task_execution_id: str


@dataclasses.dataclass(frozen=True)
class PauseRequested:
    """The user pauses the workflow: nothing new starts until it resumes.

    Actions in flight finish; their tasks conclude and their transitions wait.
    """

    state_info: str | None = None


@dataclasses.dataclass(frozen=True)
class StopRequested:
    """The user ends the workflow in ``state`` (SUCCESS, ERROR or CANCELLED).

    Its unfinished tasks are cancelled; results that arrive for them later are
    ignored.
    """

    state: str
    state_info: str | None = None


@dataclasses.dataclass(frozen=True)
class TaskFinished:
    """A task's action or sub-workflow ended, well or badly.

    ``item_index`` names the item of a ``with-items`` task the result is for.
    """

    task_execution_id: str
    success: bool
    result: Any = None
    error: str | None = None
    item_index: int | None = None
    cancelled: bool = False
    """The run was a sub-workflow that was cancelled: the task is cancelled."""


@dataclasses.dataclass(frozen=True)
class TimerFired:
    """A timer a command set for the task is due (see :class:`Timer`)."""

    task_execution_id: str
    purpose: str


Event = (WorkflowStarted | WorkflowResumed | TaskFinished | TaskSkipped | TaskRerun
         | TimerFired | PauseRequested | StopRequested)


@dataclasses.dataclass(frozen=True)
class Run:
    """One action or sub-workflow run of a task (one per item with ``with-items``).

    A ``held`` run is recorded now and sent when a later command releases its
    index (``concurrency``).
    """

    action: str | None = None
    workflow: str | None = None
    input: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    index: int | None = None
    target: str | None = None
    safe_rerun: bool = False
    held: bool = False


@dataclasses.dataclass(frozen=True)
class Timer:
    """Feed ``TimerFired(task, purpose)`` back after ``delay`` seconds."""

    purpose: str
    delay: float


@dataclasses.dataclass(frozen=True)
class StartTask:
    """Create a task execution in ``state``, start its ``runs``, set its ``timers``.

    ``key`` is unique within the workflow execution (task name and visit number),
    which makes creating the task idempotent. When the task could not start
    (its input or items did not evaluate), ``error`` says why and the task ends
    in ERROR at once; ``no_items`` ends it in SUCCESS with an empty result.
    """

    name: str
    key: str
    in_context: Mapping[str, Any]
    state: str = 'RUNNING'
    type: str = 'ACTION'
    runs: tuple[Run, ...] = ()
    timers: tuple[Timer, ...] = ()
    runtime: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    error: str | None = None
    no_items: bool = False


@dataclasses.dataclass(frozen=True)
class UpdateTask:
    """Change a task that goes on: its state, runtime data, runs and timers.

    ``release`` sends held runs by item index; None fields stay as they are.
    """

    task_execution_id: str
    state: str | None = None
    state_info: str | None = None
    in_context: Mapping[str, Any] | None = None
    runtime: Mapping[str, Any] | None = None
    runs: tuple[Run, ...] = ()
    release: tuple[int, ...] = ()
    timers: tuple[Timer, ...] = ()


@dataclasses.dataclass(frozen=True)
class FinishTask:
    """Record a task's final state, result and published data.

    ``next_tasks`` names what its transitions chose (tasks and engine commands):
    a task with none is a leaf whose context feeds the workflow's output, and an
    ERROR task with some counts as handled. ``global_published`` is merged into
    the workflow's global context. ``pending`` are the transitions to take
    when the workflow resumes: all of them for a task that ends while the
    workflow is paused, those after ``pause`` for a task that chose it.
    """

    task_execution_id: str
    state: str
    result: Any = None
    published: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    state_info: str | None = None
    next_tasks: tuple[str, ...] = ()
    global_published: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    pending: tuple[str, ...] = ()


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


@dataclasses.dataclass(frozen=True)
class CancelWorkflow:
    """End the workflow CANCELLED: the user asked, or one of its tasks was."""

    state_info: str | None = None


Command = (StartTask | UpdateTask | FinishTask | CompleteWorkflow | FailWorkflow
           | PauseWorkflow | CancelWorkflow)
