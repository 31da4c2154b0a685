"""The scenario corpus run by real api, engine and executor processes.

Every scenario that needs no scripted action results (no ``actions:`` key) runs on
one PostgreSQL + RabbitMQ cluster, with the real standard actions answering. Each
scenario's definition is uploaded into a namespace of its own, so workflows named
alike never clash; all executions are started at once and then checked one by one
against the same expectations as in the kernel runner
(``wfplatform/tests/unit/workflow/test_scenarios.py``), except that:

* ``order``, and the runs of each task in ``inputs``, are compared exactly only
  when at most one task was ever in flight (:func:`scenario.is_sequential` on
  the kernel's run), as multisets otherwise: real branches finish in any order;
* ``inputs`` are read from the task's action executions; those of a task that
  runs a sub-workflow are not checked (the child's stored input has its
  defaults filled in), nor is ``finished``.

The cluster starts once (about ten seconds); a failure lists every scenario that
differed, and the service logs are attached.
"""

import json
import time
from typing import Any

import testtools

from wfplatform import exceptions
from wfplatform import lang
from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests.unit.workflow import scenario
from wfplatform.tests import waiting
from wfplatform.workflow import states

MINIMUM_UNSCRIPTED = 60
"""The subset must not shrink unnoticed (a format change could empty it)."""

SETTLE_TIMEOUT = 60
"""Seconds for all executions, started together, to settle."""


class ScenarioCorpusTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster('postgresql'))

    def test_unscripted_scenarios_behave_as_in_the_kernel(self):
        chosen = [loaded for loaded in map(scenario.load, scenario.discover())
                  if not loaded.needs_script]
        self.assertGreaterEqual(len(chosen), MINIMUM_UNSCRIPTED)
        started = [self._start(index, loaded) for index, loaded in enumerate(chosen)]
        deadline = time.monotonic() + SETTLE_TIMEOUT
        failures = []
        for loaded, (execution_id, refusal) in zip(chosen, started):
            try:
                problems = self._check(loaded, execution_id, refusal, deadline)
            except Exception as error:
                problems = [f'{type(error).__name__}: {error}']
            if problems:
                failures.append(scenario.failure_report(loaded, problems))
        if failures:
            self.fail(f'{len(failures)} of {len(chosen)} scenarios differ on the '
                      'engine:\n\n' + '\n\n'.join(failures))

    def _check(self, loaded: scenario.Scenario, execution_id: str | None,
               refusal: scenario.Observed | None, deadline: float) -> list[str]:
        observed = refusal or self._observe(
            execution_id, max(1.0, deadline - time.monotonic()))
        _, run = scenario.run_in_kernel(loaded)
        exact = run is None or scenario.is_sequential(run)
        return scenario.mismatches(loaded, observed, exact_order=exact)

    def _start(self, index: int, loaded: scenario.Scenario
               ) -> tuple[str | None, scenario.Observed | None]:
        """Upload and start one scenario: (execution id, or how it was refused)."""
        namespace = f'scenario-{index}'
        status, body = self.cluster.request(
            'POST', f'/v2/workflows?namespace={namespace}', loaded.workflow,
            'text/plain')
        self.assertEqual(201, status, f'{loaded.name}: upload failed: {body}')
        status, body = self.cluster.request('POST', '/v2/executions', {
            'workflow_name': lang.parse_workflows(loaded.workflow)[0].name,
            'workflow_namespace': namespace, 'input': dict(loaded.input),
            'params': dict(loaded.params)})
        if status == 201:
            return body['id'], None
        return None, scenario.Observed(
            error=(_error_name(loaded, status), str(body and body['faultstring'])))

    def _observe(self, execution_id: str, timeout: float) -> scenario.Observed:
        execution, tasks = waiting.wait_for(
            lambda: self._settled(execution_id), timeout,
            f'execution {execution_id} and its tasks to settle')
        latest = {task['name']: task for task in tasks}
        output = execution.get('output')
        return scenario.Observed(
            state=execution['state'], order=[task['name'] for task in tasks],
            tasks={name: task['state'] for name, task in latest.items()},
            output=None if output is None else json.loads(output),
            state_info=execution['state_info'],
            published={name: json.loads(task['published'] or '{}')
                       for name, task in latest.items()},
            inputs=self._inputs(tasks),
            hidden_inputs=frozenset(task['name'] for task in tasks
                                    if task['type'] == 'WORKFLOW'),
            task_state_info={name: task['state_info']
                             for name, task in latest.items()})

    def _settled(self, execution_id: str
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """The execution and its tasks (by creation) once nothing moves.

        A finished execution must have every task finished too; a paused one
        may keep tasks parked (waiting, paused, delayed) but none running.
        """
        _, execution = self.cluster.request('GET', f'/v2/executions/{execution_id}')
        if execution['state'] in (states.IDLE, states.RUNNING):
            return None
        _, body = self.cluster.request(
            'GET', f'/v2/executions/{execution_id}/tasks')
        tasks = body['tasks']
        if execution['state'] == states.PAUSED:
            settled = all(task['state'] != states.RUNNING for task in tasks)
        else:
            settled = all(states.is_completed(task['state']) for task in tasks)
        return (execution, tasks) if settled else None

    def _inputs(self, tasks: list[dict[str, Any]]) -> dict[str, list[Any]]:
        """Each action task's action inputs, run by run."""
        inputs: dict[str, list[Any]] = {}
        for task in tasks:
            if task['type'] == 'WORKFLOW':
                continue
            _, body = self.cluster.request(
                'GET', f'/v2/action_executions?task_execution_id={task["id"]}')
            inputs.setdefault(task['name'], []).extend(
                json.loads(action['input']) for action in body['action_executions'])
        return inputs


def _error_name(loaded: scenario.Scenario, status: int) -> str:
    """The expected error's class name if the status is its HTTP code."""
    expected = loaded.expect.get('error')
    if expected and getattr(exceptions, expected).http_code == status:
        return expected
    return f'HTTP {status}'
