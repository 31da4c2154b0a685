"""Following an execution to its end: ``execution create --wait``.

The follower polls the execution, then its tasks, and writes a line to the
progress stream (standard error, so standard output stays the command's
``-f json`` result) for each change it sees: the execution's state and each
task's. Reading the execution before the tasks means that once the execution is
seen finished, the tasks read after it are final too, so the last lines are
never stale.

Exit codes, so scripts can tell a workflow that failed from a command that did:
``0`` SUCCESS, ``3`` ERROR, ``4`` CANCELLED, ``5`` still running when
``--timeout`` ran out (``1`` stays cliff's "the command failed", ``2``
argparse's "bad usage").
"""

import dataclasses
import time
from typing import Any, Callable, TextIO

from wfplatform.cli.osc import client as http

EXIT_CODES = {'SUCCESS': 0, 'ERROR': 3, 'CANCELLED': 4}
"""Exit code per final state of the execution."""

TIMED_OUT = 5
"""Exit code when the wait ran out before the execution finished."""

_TASK_FIELDS = 'name,state,state_info'


@dataclasses.dataclass
class Follower:
    """Polls one execution until it is final or ``timeout`` seconds pass.

    ``timeout`` 0 waits for ever. ``clock`` and ``sleep`` are parameters so
    tests drive time themselves.
    """

    client: http.Client
    execution_id: str
    stream: TextIO
    interval: float = 1.0
    timeout: float = 0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.task_states: dict[str, str] = {}
        self.state: str | None = None

    def run(self) -> tuple[dict[str, Any], int]:
        """The execution as last read, and the exit code it means."""
        started = self.clock()
        while True:
            execution = self.poll(started)
            if execution['state'] in EXIT_CODES:
                return execution, EXIT_CODES[execution['state']]
            if self.timeout and self.clock() - started >= self.timeout:
                self.write(started, f'still {execution["state"]} after '
                                    f'{self.timeout:g} s; stopped waiting')
                return execution, TIMED_OUT
            self.sleep(self.interval)

    def poll(self, started: float) -> dict[str, Any]:
        """Read the execution then its tasks; report what changed."""
        execution = self.client.get(f'/executions/{self.execution_id}')
        tasks = list(self.client.list_all(f'/executions/{self.execution_id}/tasks',
                                          'tasks', {'fields': _TASK_FIELDS}))
        for task in tasks:
            if self.task_states.get(task['id']) != task['state']:
                self.task_states[task['id']] = task['state']
                self.write(started, _task_line(task))
        if execution['state'] != self.state:
            self.state = execution['state']
            self.write(started, _execution_line(execution))
        return execution

    def write(self, started: float, text: str) -> None:
        self.stream.write(f'[{self.clock() - started:7.1f}s] {text}\n')
        self.stream.flush()


def _task_line(task: dict[str, Any]) -> str:
    line = f'task {task["name"]}: {task["state"]}'
    if task['state'] == 'ERROR' and task.get('state_info'):
        line += f' ({_first_line(task["state_info"])})'
    return line


def _execution_line(execution: dict[str, Any]) -> str:
    line = f'execution {execution["id"]} ({execution.get("workflow_name")}): ' \
           f'{execution["state"]}'
    if execution['state'] in ('ERROR', 'CANCELLED') and execution.get('state_info'):
        line += f' ({_first_line(execution["state_info"])})'
    return line


def _first_line(text: str, width: int = 200) -> str:
    first = str(text).strip().splitlines()[0] if str(text).strip() else ''
    return first if len(first) <= width else first[:width - 1] + '…'
