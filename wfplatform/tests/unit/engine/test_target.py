"""A task's ``target`` becomes the RPC server of its action's message."""

import fixtures
import testtools

from wfplatform.db.repositories import action_executions
from wfplatform.engine import dispatcher as engine_dispatcher
from wfplatform.tests.fixtures import engine as engine_fixtures

TARGETED = """
version: '2.0'
targeted:
  input:
    - host
  tasks:
    one:
      action: std.echo output=1
      target: <% $.host %>
      on-success: items
    items:
      with-items: i in <% [1, 2, 3] %>
      concurrency: 1
      action: std.echo output=<% $.i %>
      target: <% $.host %>
      on-success: anywhere
    anywhere:
      action: std.echo output=3
"""

UNTARGETED = """
version: '2.0'
untargeted:
  tasks:
    one:
      action: std.echo output=1
"""


class TargetTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.fixture.define(TARGETED)
        self.sent = []
        outbox = self.fixture.engine._outbox
        flush = outbox.flush

        def spy(messages):
            self.sent += messages
            return flush(messages)

        self.useFixture(fixtures.MockPatchObject(outbox, 'flush', spy))

    def test_target_is_the_server_of_every_action_message(self):
        execution_id = self.fixture.start('targeted', {'host': 'host-b'})['id']
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        actions = [m for m in self.sent
                   if m.method == engine_dispatcher.RUN_ACTION]
        by_name = {}
        for message in actions:
            request = message.payload['request']
            by_name.setdefault(request['action_input']['output'], []).append(
                message.server)
        # "one" and the three items (released one by one) go to host-b; the
        # untargeted task goes to any executor.
        self.assertEqual(['host-b', 'host-b'], by_name[1])
        self.assertEqual(['host-b'], by_name[2])
        self.assertEqual([None, 'host-b'], sorted(by_name[3], key=str))
        tasks = {t['name']: t for t in self.fixture.tasks(execution_id)}
        with self.fixture.database.transaction() as session:
            recorded = action_executions.list_for_task(session,
                                                       tasks['one']['id'])
        self.assertEqual('host-b', recorded[0]['runtime_context']['target'])

    def test_no_target_means_any_executor(self):
        self.fixture.define(UNTARGETED)
        execution_id = self.fixture.start('untargeted')['id']
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({None}, {m.server for m in self.sent
                                  if m.method == engine_dispatcher.RUN_ACTION})
