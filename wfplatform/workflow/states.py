"""Workflow and task states as Mistral defines them, and the transitions allowed.

The tables are the whole state machine: :func:`check_transition` is its one check.
"""

from wfplatform import exceptions

IDLE = 'IDLE'
WAITING = 'WAITING'
RUNNING = 'RUNNING'
DELAYED = 'DELAYED'
PAUSED = 'PAUSED'
SUCCESS = 'SUCCESS'
ERROR = 'ERROR'
CANCELLED = 'CANCELLED'
SKIPPED = 'SKIPPED'

DESCRIPTIONS = {
    IDLE: 'Created, not started yet.',
    WAITING: 'Waiting for the tasks it joins on.',
    RUNNING: 'Running now: an action or sub-workflow is in flight.',
    DELAYED: 'Will run again later (a retry or a wait policy).',
    PAUSED: 'Stopped on request; resumes where it left off.',
    SUCCESS: 'Finished; the result is final.',
    ERROR: 'Failed; state_info says why. Can be rerun.',
    CANCELLED: 'Stopped for good on request.',
    SKIPPED: 'A failed task the user chose to skip; the workflow went on.',
}

WORKFLOW_TRANSITIONS: dict[str, frozenset[str]] = {
    IDLE: frozenset({RUNNING, ERROR, CANCELLED}),
    RUNNING: frozenset({PAUSED, SUCCESS, ERROR, CANCELLED}),
    PAUSED: frozenset({RUNNING, ERROR, CANCELLED}),
    SUCCESS: frozenset(),
    ERROR: frozenset({RUNNING}),
    CANCELLED: frozenset({RUNNING}),
}

TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    IDLE: frozenset({RUNNING, DELAYED, ERROR, CANCELLED}),
    WAITING: frozenset({RUNNING, DELAYED, IDLE, SUCCESS, ERROR, CANCELLED}),
    RUNNING: frozenset({PAUSED, DELAYED, SUCCESS, ERROR, CANCELLED}),
    DELAYED: frozenset({RUNNING, SUCCESS, ERROR, CANCELLED}),
    PAUSED: frozenset({RUNNING, ERROR, CANCELLED}),
    SUCCESS: frozenset(),
    ERROR: frozenset({RUNNING, SKIPPED}),
    CANCELLED: frozenset({RUNNING}),
    SKIPPED: frozenset(),
}

COMPLETED = frozenset({SUCCESS, ERROR, CANCELLED, SKIPPED})
"""States in which a task or workflow has nothing left in flight."""


def is_completed(state: str) -> bool:
    return state in COMPLETED


def check_transition(table: dict[str, frozenset[str]], current: str,
                     new: str) -> None:
    """Raise :class:`InvalidStateTransition` unless ``current → new`` is allowed."""
    if new not in table.get(current, frozenset()):
        raise exceptions.InvalidStateTransition(
            f'Can not change state from {current} to {new}')
