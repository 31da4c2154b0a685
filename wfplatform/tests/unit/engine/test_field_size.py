"""``[engine] execution_field_size_limit_kb``: too large data fails, clearly."""

import testtools

from wfplatform.db.repositories import action_executions
from wfplatform import exceptions
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.workflow import field_size

BIG = """
version: '2.0'
big:
  input:
    - size
    - publish_size: 1
  tasks:
    produce:
      action: std.echo output=<% 'x' * $.size %>
      publish:
        copied: <% 'y' * $.publish_size %>
      on-success: after
      on-error: cleanup
    after:
      action: std.noop
    cleanup:
      action: std.noop
"""


class FieldSizeTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.fixture.define(BIG)
        field_size.configure(2)
        self.addCleanup(field_size.configure, field_size.DEFAULT_LIMIT_KB)

    def run_big(self, **workflow_input):
        execution_id = self.fixture.start('big', workflow_input)['id']
        done = self.fixture.wait_finished(execution_id)
        return done, {t['name']: t for t in self.fixture.tasks(execution_id)}

    def test_data_under_the_limit_passes(self):
        done, tasks = self.run_big(size=1500, publish_size=1500)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual(['after', 'produce'], sorted(tasks))

    def test_a_too_large_action_result_fails_the_task(self):
        done, tasks = self.run_big(size=3000)
        produce = tasks['produce']
        self.assertEqual('ERROR', produce['state'])
        message = ('Field size limit exceeded [class=ActionExecution, '
                   'field=output, size=3KB, limit=2KB]')
        self.assertIn(message, produce['state_info'])
        self.assertIn('cleanup', tasks)  # on-error runs as for any failure
        with self.fixture.database.transaction() as session:
            action = action_executions.list_for_task(session, produce['id'])[0]
        self.assertEqual('ERROR', action['state'])
        self.assertEqual({'result': message}, action['output'])

    def test_too_large_published_data_fails_the_task(self):
        done, tasks = self.run_big(size=10, publish_size=4000)
        produce = tasks['produce']
        self.assertEqual('ERROR', produce['state'])
        self.assertEqual('Field size limit exceeded [class=TaskExecution, '
                         'field=published, size=4KB, limit=2KB]',
                         produce['state_info'])
        self.assertEqual({}, produce['published'])
        self.assertIn('cleanup', tasks)
        self.assertNotIn('after', tasks)

    def test_a_too_large_input_refuses_the_execution(self):
        error = self.assertRaises(exceptions.InvalidInput, self.fixture.start,
                                  'big', {'size': 'z' * 5000})
        self.assertEqual('Field size limit exceeded [class=WorkflowExecution, '
                         'field=input, size=5KB, limit=2KB]', str(error))

    def test_no_limit(self):
        field_size.configure(field_size.UNLIMITED)
        done, _ = self.run_big(size=5000, publish_size=5000)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])


class ProblemTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(field_size.configure, field_size.DEFAULT_LIMIT_KB)
        field_size.configure(1)

    def test_scalars_and_short_strings_are_not_measured(self):
        for value in (None, True, 10 ** 6, 1.5, 'x' * 170):
            self.assertIsNone(field_size.problem('K', 'f', value))

    def test_escaped_text_counts_as_stored(self):
        self.assertIsNotNone(field_size.problem('K', 'f', '\u00e9' * 200))

    def test_nested_data_counts(self):
        self.assertIsNotNone(field_size.problem('K', 'f', {'a': ['x' * 600] * 2}))

    def test_a_bad_limit_is_refused(self):
        self.assertRaises(ValueError, field_size.configure, -2)
