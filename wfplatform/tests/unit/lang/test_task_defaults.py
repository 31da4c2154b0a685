"""task-defaults: merged into each task, the task's own keys winning."""

import testtools

from wfplatform.lang import specs
from wfplatform.tests.unit.lang.test_parser import parse_one
from wfplatform.tests.unit.lang.test_parser_errors import errors_of
from wfplatform.tests.unit.lang.test_parser_errors import workflow


class PolicyDefaultsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.workflow = parse_one(workflow("""\
            inherits: {}
            overrides:
              retry: {count: 9, delay: 0}
              timeout: 5
              pause-before: false
              keep-result: true
        """, extra="""\
            task-defaults:
              retry: count=2 delay=10
              wait-before: 1
              wait-after: 2
              timeout: 60
              pause-before: true
              concurrency: 3
              fail-on: <% $.failed %>
              keep-result: false
              safe-rerun: true
        """))

    def test_every_policy_is_inherited(self):
        task = self.workflow.tasks['inherits']
        self.assertEqual(
            (specs.Retry(2, 10), 1, 2, 60, True, 3, '<% $.failed %>', False, True),
            (task.retry, task.wait_before, task.wait_after, task.timeout,
             task.pause_before, task.concurrency, task.fail_on, task.keep_result,
             task.safe_rerun))

    def test_the_task_own_values_win_even_when_they_are_the_defaults(self):
        task = self.workflow.tasks['overrides']
        self.assertEqual((specs.Retry(9, 0), 5, False, True),
                         (task.retry, task.timeout, task.pause_before,
                          task.keep_result))
        self.assertEqual(1, task.wait_before)


class ClauseDefaultsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.workflow = parse_one(workflow("""\
            start:
              on-success: work
            work:
              on-error: [cleanup]
            silent:
              on-success:
                publish: {branch: {x: 1}}
            handle_error: {}
            cleanup: {}
            log: {}
        """, extra="""\
            task-defaults:
              on-error:
                - handle_error
                - fail: <% $.fatal %>
              on-success: {next: log}
              on-complete: [log, cleanup]
        """))

    def test_default_clause_applies_where_the_task_has_none(self):
        start = self.workflow.tasks['start']
        self.assertEqual((specs.Transition('work'),), start.on_success)
        self.assertEqual((specs.Transition('handle_error'),
                          specs.Transition('fail', '<% $.fatal %>')), start.on_error)
        self.assertEqual((specs.Transition('log'), specs.Transition('cleanup')),
                         start.on_complete)

    def test_the_task_own_clause_wins(self):
        work = self.workflow.tasks['work']
        self.assertEqual((specs.Transition('cleanup'),), work.on_error)
        self.assertEqual((specs.Transition('log'),), work.on_success)

    def test_a_clause_that_only_publishes_still_takes_the_default_next(self):
        # Mistral applies the default when the task's clause has no 'next'.
        silent = self.workflow.tasks['silent']
        self.assertEqual((specs.Transition('log'),), silent.on_success)
        self.assertEqual(specs.Publish(branch={'x': 1}), silent.publish)

    def test_transitions_to_the_task_itself_are_removed(self):
        tasks = self.workflow.tasks
        self.assertEqual((specs.Transition('fail', '<% $.fatal %>'),),
                         tasks['handle_error'].on_error)
        self.assertEqual((specs.Transition('cleanup'),), tasks['log'].on_complete)
        self.assertEqual((), tasks['log'].on_success)
        self.assertEqual((specs.Transition('log'),), tasks['cleanup'].on_complete)

    def test_start_tasks_count_default_transitions(self):
        self.assertEqual(('start', 'silent'), self.workflow.start_task_names())


class GraphChecksWithDefaultsTest(testtools.TestCase):

    def test_join_counts_default_transitions(self):
        text = workflow("""\
            a: {}
            b: {}
            merge:
              join: 2
        """, extra="""\
            task-defaults:
              on-complete: merge
        """)
        self.assertEqual([], errors_of(text))
        self.assertEqual(('a', 'b'), parse_one(text).start_task_names())

    def test_no_start_task_because_of_defaults(self):
        self.assertEqual(
            [(5, 'wf.tasks', 'no task to start with: every task is the target of '
                             'a transition')],
            errors_of(workflow("""\
                a: {}
                b: {}
            """, extra="""\
                task-defaults:
                  on-success: [a, b]
            """)))


class TaskDefaultsErrorTest(testtools.TestCase):

    def test_values_are_checked_like_task_keys(self):
        self.assertEqual(
            [(4, 'wf.task-defaults.retry',
              "retry needs 'count' and 'delay' (as in Mistral); missing: delay"),
             (5, 'wf.task-defaults.timeout',
              "must be a number of seconds (0 or more) or an expression, not "
              "string 'long'"),
             (6, 'wf.task-defaults.on-error',
              "unknown task 'handel' (did you mean 'handle'?); a transition leads "
              'to a task of this workflow or to one of the engine commands fail, '
              'noop, pause, succeed')],
            errors_of(workflow("""\
                t1: {}
                handle: {}
            """, extra="""\
                task-defaults:
                  retry: {count: 2}
                  timeout: long
                  on-error: handel
            """)))

    def test_keys_a_default_cannot_set(self):
        found = errors_of(workflow("""\
            t1: {}
        """, extra="""\
            task-defaults:
              join: all
              with-items: x in [1]
              requires: t1
              on-success:
                publish: {branch: {a: 1}}
        """))
        self.assertEqual(
            [(4, 'wf.task-defaults.join'), (5, 'wf.task-defaults.with-items'),
             (6, 'wf.task-defaults.requires'),
             (8, 'wf.task-defaults.on-success.publish')],
            [(line, path) for line, path, _ in found])
        self.assertTrue(found[0][2].startswith("unknown key 'join'; allowed keys "
                                               'are: concurrency, fail-on, '))
        self.assertEqual(
            "'requires' is for reverse workflows (type: reverse); in a direct "
            'workflow a task leads to the next ones with on-success, on-error, '
            'on-complete and on-skip', found[2][2])
        self.assertEqual('task-defaults cannot publish (Mistral ignores it here); '
                         'publish from the tasks', found[3][2])

    def test_must_be_a_mapping(self):
        self.assertEqual(
            [(3, 'wf.task-defaults', "must be a mapping, not string 'retry'")],
            errors_of(workflow('t1: {}', extra='task-defaults: retry')))

    def test_misspelt_key(self):
        [(line, path, message)] = errors_of(workflow(
            't1: {}', extra='task-defaults: {timout: 1}'))
        self.assertEqual((3, 'wf.task-defaults.timout'), (line, path))
        self.assertIn("(did you mean 'timeout'?)", message)
