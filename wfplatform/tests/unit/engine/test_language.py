"""The whole language through the real engine, scheduler and local executor.

The kernel's own tests prove the rules; these prove the engine carries them out:
items recorded and released, timers stored and fired, sub-workflows created and
reported back, globals persisted, all in the engine's transactions.
"""

import time

import testtools

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import scheduled_jobs
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.tests.fixtures import engine as engine_fixtures

DEFINITIONS = """
version: '2.0'
items:
  input:
    - xs
    - limit: 2
  tasks:
    each:
      with-items: x in <% $.xs %>
      concurrency: <% $.limit %>
      action: std.echo output=<% $.x * 10 %>
      publish:
        values: <% task().result %>
  output:
    values: <% $.values %>

flaky:
  tasks:
    try:
      action: std.fail
      retry:
        count: 2
        delay: 1
      on-error: after
    after:
      wait-before: 1
      action: std.echo output=<% task(try).state %>
      publish:
        seen: <% task().result %>
  output:
    seen: <% $.seen %>

slow:
  tasks:
    nap:
      action: std.sleep seconds=5
      timeout: 1
  output: {}

parent:
  input: [n]
  tasks:
    call:
      with-items: k in <% range($.n) %>
      workflow: child
      input:
        k: <% $.k %>
      publish:
        squares: <% task().result.select($.square) %>
    shared:
      action: std.noop
      on-success:
        publish:
          global:
            marker: set-globally
        next: reader
    reader:
      action: std.echo output=<% $.marker %>
      publish:
        marker_seen: <% task().result %>
  output:
    squares: <% $.squares %>
    marker_seen: <% $.marker_seen %>

child:
  input: [k]
  tasks:
    nested:
      workflow: grandchild
      input:
        v: <% $.k %>
      publish:
        square: <% task().result.square %>
  output:
    square: <% $.square %>

grandchild:
  input: [v]
  tasks:
    square:
      action: std.echo output=<% $.v * $.v %>
      publish:
        square: <% task().result %>
  output:
    square: <% $.square %>

build:
  type: reverse
  tasks:
    fetch:
      action: std.echo output=src
      publish: {src: <% task().result %>}
    compile:
      requires: fetch
      action: std.echo output="<% $.src %>.bin"
      publish: {binary: <% task().result %>}
    unrelated:
      action: std.fail
  output:
    binary: <% $.binary %>
"""


class LanguageThroughEngineTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.fixture.define(DEFINITIONS)

    def _run(self, name, workflow_input=None, **kwargs):
        started = self.fixture.start(name, workflow_input, **kwargs)
        return self.fixture.wait_finished(started['id'])

    def test_with_items_under_concurrency(self):
        done = self._run('items', {'xs': list(range(7))})
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'values': [0, 10, 20, 30, 40, 50, 60]}, done['output'])
        with self.fixture.database.transaction() as session:
            task = self.fixture.tasks(done['id'])[0]
            actions = action_executions.list_for_task(session, task['id'])
        self.assertEqual(7, len(actions))
        self.assertEqual(list(range(7)), sorted(
            a['runtime_context']['index'] for a in actions))

    def test_retry_and_wait_before_use_the_scheduler(self):
        begun = time.monotonic()
        done = self._run('flaky')
        elapsed = time.monotonic() - begun
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'seen': 'ERROR'}, done['output'])
        with self.fixture.database.transaction() as session:
            tasks = self.fixture.tasks(done['id'])
            attempts = action_executions.list_for_task(session, tasks[0]['id'])
            leftover = scheduled_jobs.claim_due(session, 'probe',
                                                _far_future(), 10, 1)
        self.assertEqual(3, len(attempts))
        self.assertEqual([], leftover)
        self.assertGreaterEqual(elapsed, 3)

    def test_timeout_fails_the_task(self):
        done = self._run('slow')
        self.assertEqual('ERROR', done['state'])
        self.assertIn('timed out', done['state_info'])

    def test_nested_sub_workflows_over_items_and_global_publish(self):
        done = self._run('parent', {'n': 4})
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'squares': [0, 1, 4, 9], 'marker_seen': 'set-globally'},
                         done['output'])
        with self.fixture.database.transaction() as session:
            call = [t for t in self.fixture.tasks(done['id'])
                    if t['name'] == 'call'][0]
            children = workflow_executions.list_for_task(session, call['id'])
        self.assertEqual(4, len(children))
        self.assertEqual({done['id']}, {c['root_execution_id'] for c in children})
        self.assertEqual({'SUCCESS'}, {c['state'] for c in children})

    def test_reverse_workflow_runs_what_the_target_needs(self):
        done = self._run('build', params={'task_name': 'compile'})
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'binary': 'src.bin'}, done['output'])
        self.assertEqual(['fetch', 'compile'],
                         [t['name'] for t in self.fixture.tasks(done['id'])])


def _far_future():
    import datetime
    return datetime.datetime(2999, 1, 1)


ADHOC = """
version: '2.0'
greet:
  base: std.echo output="Hello, <% $.name %><% $.punctuation %>"
  input:
    - name
    - punctuation: '!'
  output: <% $.toUpper() %>
shout_twice:
  base: greet name=<% $.who %>
  input: [who]
  output: <% $ + ' ' + $ %>
loop_a:
  base: loop_b
loop_b:
  base: loop_a
"""

ADHOC_WORKFLOW = """
version: '2.0'
uses_adhoc:
  tasks:
    plain:
      action: greet name=Ann
      publish: {plain: <% task().result %>}
      on-success: chained
    chained:
      action: shout_twice who=Bob
      publish: {chained: <% task().result %>}
      on-success: items
    items:
      with-items: n in [x, y]
      concurrency: 1
      action: greet name=<% $.n %> punctuation='?'
      publish: {items: <% task().result %>}
  output:
    plain: <% $.plain %>
    chained: <% $.chained %>
    items: <% $.items %>

bad_adhoc:
  tasks:
    wrong_input:
      action: greet nme=typo
      on-error: cycle
    cycle:
      action: loop_a
"""


class AdhocActionTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.fixture.define_actions(ADHOC)
        self.fixture.define(ADHOC_WORKFLOW)

    def test_adhoc_actions_run_their_base_and_transform_the_output(self):
        started = self.fixture.start('uses_adhoc')
        done = self.fixture.wait_finished(started['id'])
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'plain': 'HELLO, ANN!',
                          'chained': 'HELLO, BOB! HELLO, BOB!',
                          'items': ['HELLO, X?', 'HELLO, Y?']}, done['output'])
        with self.fixture.database.transaction() as session:
            plain = self.fixture.tasks(done['id'])[0]
            action = action_executions.list_for_task(session, plain['id'])[0]
        self.assertEqual('greet', action['name'])
        self.assertEqual({'name': 'Ann'}, action['input'])

    def test_bad_input_and_cycles_fail_the_task_with_a_reason(self):
        started = self.fixture.start('bad_adhoc')
        done = self.fixture.wait_finished(started['id'])
        self.assertEqual('ERROR', done['state'])
        tasks = {t['name']: t for t in self.fixture.tasks(done['id'])}
        self.assertIn("unexpected=['nme']", tasks['wrong_input']['state_info'])
        self.assertIn('cycle of bases: loop_a -> loop_b -> loop_a',
                      tasks['cycle']['state_info'])


ENV_WORKFLOW = """
version: '2.0'
uses_env:
  tasks:
    read:
      action: std.echo output=<% env().url %>
  output:
    url: <% task(read).result %>
"""


class EnvTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.fixture.define(ENV_WORKFLOW)

    def _url(self, params):
        started = self.fixture.start('uses_env', params=params)
        done = self.fixture.wait_finished(started['id'])
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        return done['output']['url']

    def test_env_expressions_are_evaluated_unless_asked_not_to(self):
        env = {'host': 'h1', 'url': 'http://<% $.host %>/'}
        self.assertEqual('http://h1/', self._url({'env': env}))
        self.assertEqual('http://<% $.host %>/',
                         self._url({'env': env, 'evaluate_env': False}))

    def test_bad_env_is_refused_naming_it(self):
        error = self.assertRaises(
            exceptions.InvalidInput, self.fixture.start, 'uses_env',
            params={'env': {'url': '<% $.nothing.here() %>'}})
        self.assertIn('params.env', str(error))
        error = self.assertRaises(
            exceptions.InvalidInput, self.fixture.start, 'uses_env',
            params={'env': {}, 'evaluate_env': 'yes'})
        self.assertIn('params.evaluate_env', str(error))


class ReverseStartTest(testtools.TestCase):
    def test_unknown_task_name_is_refused_before_anything_starts(self):
        fixture = self.useFixture(engine_fixtures.EngineFixture())
        fixture.define(DEFINITIONS)
        error = self.assertRaises(exceptions.InvalidInput, fixture.start, 'build',
                                  params={'task_name': 'deploy'})
        self.assertIn("params.task_name 'deploy'", str(error))
        self.assertIn('fetch, compile, unrelated', str(error))
