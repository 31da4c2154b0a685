"""Reverse workflows: requires, what they refuse, and requirement cycles."""

import textwrap

import testtools

from wfplatform.lang import checks
from wfplatform.tests.unit.lang.test_parser import parse_one
from wfplatform.tests.unit.lang.test_parser_errors import errors_of
from wfplatform.tests.unit.lang.test_parser_errors import workflow


def reverse(tasks: str, extra: str = '') -> str:
    """A reverse workflow ``wf``; its first task is on line 5 (without ``extra``)."""
    return workflow(tasks, extra='type: reverse\n' + textwrap.dedent(extra))


class ReverseWorkflowTest(testtools.TestCase):

    def test_requires_forms(self):
        workflow_spec = parse_one(reverse("""\
            boot: {}
            install:
              requires: boot
            test:
              requires: [install, boot]
        """))
        self.assertEqual('reverse', workflow_spec.type)
        tasks = workflow_spec.tasks
        self.assertEqual((), tasks['boot'].requires)
        self.assertEqual(('boot',), tasks['install'].requires)
        self.assertEqual(('install', 'boot'), tasks['test'].requires)

    def test_default_requires_are_added_without_the_task_itself(self):
        tasks = parse_one(reverse("""\
            setup: {}
            build:
              requires: [fetch]
            test:
              requires: [setup, build]
            fetch: {}
        """, extra="""\
            task-defaults:
              requires: [setup]
              retry: count=1 delay=1
        """)).tasks
        self.assertEqual((), tasks['setup'].requires)
        self.assertEqual(('fetch', 'setup'), tasks['build'].requires)
        self.assertEqual(('setup', 'build'), tasks['test'].requires)
        self.assertEqual(('setup',), tasks['fetch'].requires)
        self.assertEqual(1, tasks['build'].retry.count)

    def test_unknown_duplicate_and_self_requirements(self):
        self.assertEqual(
            [(6, 'wf.tasks.install.requires[0]',
              "unknown task 'bot' (did you mean 'boot'?); requires names tasks of "
              'this workflow'),
             (6, 'wf.tasks.install.requires[2]', "task 'boot' is required twice"),
             (6, 'wf.tasks.install.requires[3]', 'a task cannot require itself'),
             (7, 'wf.tasks.other.requires', 'must be a non-empty string, not '
                                            "number '3'"),
             (8, 'wf.tasks.empty.requires', 'must list at least one task')],
            errors_of(reverse("""\
                boot: {}
                install: {requires: [bot, boot, boot, install]}
                other: {requires: 3}
                empty: {requires: []}
            """)))

    def test_direct_keys_are_refused(self):
        found = errors_of(reverse("""\
            a: {}
            b:
              on-success: a
              on-skip: a
              join: all
        """, extra="""\
            task-defaults:
              on-error: a
        """))
        self.assertEqual(
            [(5, 'wf.task-defaults.on-error'), (9, 'wf.tasks.b.on-success'),
             (10, 'wf.tasks.b.on-skip'), (11, 'wf.tasks.b.join')],
            [(line, path) for line, path, _ in found])
        self.assertEqual(
            "'on-success' is for direct workflows; in a reverse workflow each task "
            "names the tasks it needs with 'requires'", found[1][2])

    def test_requires_is_refused_in_direct_workflows(self):
        self.assertEqual(
            [(5, 'wf.tasks.b.requires',
              "'requires' is for reverse workflows (type: reverse); in a direct "
              'workflow a task leads to the next ones with on-success, on-error, '
              'on-complete and on-skip')],
            errors_of(workflow('b:\n  requires: b\n')))

    def test_unknown_key_lists_the_keys_of_the_type(self):
        [(_, _, message)] = errors_of(reverse('a: {requirs: b}\nb: {}\n'))
        self.assertIn("(did you mean 'requires'?)", message)
        self.assertNotIn('on-success', message)

    def test_no_start_task_check(self):
        self.assertEqual([], errors_of(reverse("""\
            a: {requires: b}
            b: {}
        """)))


class CycleTest(testtools.TestCase):

    def test_cycle_is_reported_once_with_its_tasks(self):
        self.assertEqual(
            [(5, 'wf.tasks.a.requires',
              'tasks require each other in a cycle: a -> c -> b -> a (each '
              'requires the next), so none of them can ever run')],
            errors_of(reverse("""\
                a: {requires: c}
                b: {requires: a}
                c: {requires: [b, d]}
                d: {}
            """)))

    def test_several_cycles(self):
        found = errors_of(reverse("""\
            a: {requires: b}
            b: {requires: a}
            c: {requires: d}
            d: {requires: [c, a]}
        """))
        self.assertEqual(
            [(5, 'wf.tasks.a.requires', 'a -> b -> a'),
             (7, 'wf.tasks.c.requires', 'c -> d -> c')],
            [(line, path, message.split(': ')[1].split(' (')[0])
             for line, path, message in found])

    def test_cycle_through_default_requires(self):
        [(line, path, message)] = errors_of(reverse("""\
            a: {requires: b}
            b: {}
        """, extra="""\
            task-defaults:
              requires: a
        """))
        self.assertEqual((7, 'wf.tasks.a.requires'), (line, path))
        self.assertIn('a -> b -> a', message)


class FindCyclesTest(testtools.TestCase):

    def test_acyclic(self):
        self.assertEqual([], checks.find_cycles({'a': ['b', 'c'], 'b': ['c'],
                                                 'c': []}))

    def test_self_loop_and_unknown_nodes(self):
        self.assertEqual([('a',)], checks.find_cycles({'a': ['a', 'zzz']}))

    def test_rotated_to_the_first_listed_node(self):
        self.assertEqual([('c', 'a', 'b')],
                         checks.find_cycles({'c': ['a'], 'b': ['c'], 'a': ['b']}))

    def test_long_chain_does_not_recurse(self):
        edges = {f't{i}': [f't{i + 1}'] for i in range(5000)}
        edges['t5000'] = ['t0']
        [cycle] = checks.find_cycles(edges)
        self.assertEqual(5001, len(cycle))
        self.assertEqual('t0', cycle[0])
