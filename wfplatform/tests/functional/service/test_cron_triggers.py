"""Cron triggers end to end: two engine processes on PostgreSQL and RabbitMQ share
one trigger's firings, each due time starting exactly one execution, even when
one engine is killed and restarted while the trigger runs."""

import datetime
import json
import os
import re
import signal
from typing import Any

import testtools
from testtools import content as testtools_content

from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests import waiting
from wfplatform.triggers import cron

WORKFLOW = """
version: '2.0'
tick:
  input:
    - label
  tasks:
    say:
      action: std.echo output=<% $.label %>
"""

ENGINES = ('engine', 'engine,executor')

STARTED = re.compile(r'Cron trigger (\S+) started execution')


class CronTriggersTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # Both engines start together on a new database: both register the
        # system actions at once, which must not stop either of them.
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit', processes=ENGINES + ('api',),
            extra_config='[engine]\nscheduler_reclaim_after = 2\n'))
        [self.workflow] = self.cluster.upload(WORKFLOW)

    def create_trigger(self, name: str, count: int) -> dict[str, Any]:
        status, trigger = self.cluster.request('POST', '/v2/cron_triggers', {
            'name': name, 'pattern': '* * * * * *', 'remaining_executions': count,
            'workflow_name': 'tick', 'workflow_input': '{"label": "tick"}'})
        self.assertEqual(201, status, trigger)
        return trigger

    def executions(self) -> list[dict[str, Any]]:
        _, body = self.cluster.request('GET', '/v2/executions')
        return body['executions']

    def wait_executions(self, count: int, timeout: float) -> None:
        waiting.wait_for(lambda: len(self.executions()) >= count, timeout,
                         f'{count} executions')

    def wait_trigger_gone(self, trigger: dict[str, Any], timeout: float) -> None:
        path = f'/v2/cron_triggers/{trigger["id"]}'
        waiting.wait_for(lambda: self.cluster.request('GET', path)[0] == 404,
                         timeout, f'cron trigger {trigger["name"]} to be done')

    def started_per_engine(self) -> dict[str, int]:
        """How many starts each engine's log reports (repeats of one included).

        A restarted engine's log starts afresh.
        """
        counts = {}
        for services in ENGINES:
            with open(self.cluster.log_path(services)) as log:
                counts[services] = len(STARTED.findall(log.read()))
        self.addDetail('starts-per-engine', testtools_content.text_content(
            json.dumps(counts)))
        return counts

    def assert_one_execution_per_due_time(self, trigger: dict[str, Any],
                                          count: int, finished: bool = True
                                          ) -> None:
        """``count`` executions, distinct due times, ids derived from them.

        The trigger is gone once its last firing's first transaction commits;
        that firing's execution starts a moment later.
        """
        self.wait_executions(count, 10)
        executions = self.executions()
        if finished:
            executions = [self.cluster.wait_finished(execution['id'], 30)
                          for execution in executions]
            self.assertEqual(['SUCCESS'] * count, [e['state'] for e in executions])
        self.assertEqual(count, len(executions), executions)
        triggered_by = [json.loads(e['description'])['triggered_by']
                        for e in executions]
        self.assertEqual({trigger['id']}, {t['id'] for t in triggered_by})
        times = [t['execution_time'] for t in triggered_by]
        self.assertEqual(count, len(set(times)), times)
        expected_ids = {cron.execution_id(trigger['id'],
                                          datetime.datetime.fromisoformat(text))
                        for text in times}
        self.assertEqual(expected_ids, {e['id'] for e in executions})
        self.assertEqual([{'label': 'tick'}] * count,
                         [json.loads(e['input']) for e in executions])

    def test_five_firings_shared_by_two_engines(self):
        trigger = self.create_trigger('every-second', 5)
        self.wait_trigger_gone(trigger, 20)
        self.assert_one_execution_per_due_time(trigger, 5)
        self.assertEqual(5, sum(self.started_per_engine().values()))

    def test_an_engine_killed_and_restarted_loses_and_repeats_no_firing(self):
        trigger = self.create_trigger('survivor', 6)
        self.wait_executions(2, 20)
        index = [services for services, _ in self.cluster.processes].index('engine')
        os.kill(self.cluster.processes[index][1].pid, signal.SIGKILL)
        self.cluster.processes[index][1].wait(10)
        self.wait_executions(4, 20)
        restarted = self.cluster.start_process('engine')
        self.cluster.processes[index] = ('engine', restarted)
        self.cluster.wait_running('engine')
        self.wait_trigger_gone(trigger, 20)
        # Each due time started exactly one execution. Whether each execution
        # also finishes is not asserted: an engine killed while applying an
        # action's result loses that result until executor and result
        # recovery (the durability issue) exist.
        self.assert_one_execution_per_due_time(trigger, 6, finished=False)
        self.started_per_engine()
