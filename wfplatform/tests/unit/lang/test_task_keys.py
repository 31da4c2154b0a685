"""with-items, target, tags, on-skip and the advanced publish form of clauses."""

import json
import textwrap

import testtools

from wfplatform import lang
from wfplatform.lang import specs
from wfplatform.tests.unit.lang.test_parser import parse_one
from wfplatform.tests.unit.lang.test_parser_errors import errors_of
from wfplatform.tests.unit.lang.test_parser_errors import workflow
from wfplatform.tests.unit.lang.test_policies import errors_with
from wfplatform.tests.unit.lang.test_policies import task_with


class WithItemsTest(testtools.TestCase):

    def test_expression_source(self):
        task = task_with('with-items: vm in <% $.vms %>')
        self.assertEqual((specs.WithItems('vm', '<% $.vms %>'),), task.with_items)
        task = task_with('with-items: "vm in {{ _.vms }}"')
        self.assertEqual((specs.WithItems('vm', '{{ _.vms }}'),), task.with_items)

    def test_literal_list(self):
        task = task_with('with-items: x in [1, 2, "three"]')
        self.assertEqual((specs.WithItems('x', [1, 2, 'three']),), task.with_items)
        task = task_with('with-items: name in [alice, bob]')
        self.assertEqual((specs.WithItems('name', ['alice', 'bob']),),
                         task.with_items)

    def test_several_variables_in_written_order(self):
        task = task_with("""\
with-items:
  - vm_name in <% $.names %>
  - ip in [10.0.0.1, 10.0.0.2]
  - flavor-id in <% $.flavors %>""")
        self.assertEqual(
            (specs.WithItems('vm_name', '<% $.names %>'),
             specs.WithItems('ip', ['10.0.0.1', '10.0.0.2']),
             specs.WithItems('flavor-id', '<% $.flavors %>')), task.with_items)

    def test_none_by_default(self):
        self.assertEqual((), task_with('action: std.noop').with_items)

    def test_bad_forms(self):
        self.assertEqual(
            [(6, 'wf.tasks.t1.with-items[0]',
              "must be 'var in <% $.list %>' or 'var in [1, 2]', not string "
              "'<% $.vms %>'"),
             (7, 'wf.tasks.t1.with-items[1]',
              "'1x' is not a valid variable name: it starts with a letter or _ and "
              'holds letters, digits, _ and -'),
             (8, 'wf.tasks.t1.with-items[2]',
              "the items after 'in' must be an expression or a list in brackets, "
              "not '$.vms'"),
             (9, 'wf.tasks.t1.with-items[3]',
              "must be 'var in <% $.list %>' or 'var in [1, 2]', not a mapping"),
             (11, 'wf.tasks.t1.with-items[5]', "variable 'a' is iterated twice")],
            errors_with("""\
with-items:
  - <% $.vms %>
  - 1x in <% $.xs %>
  - vm in $.vms
  - {d: <% $.x %>}
  - a in [1]
  - a in [2]"""))

    def test_unparsable_literal_and_empty_list(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.with-items',
              "the list after 'in' is not valid: expected the node content, but "
              "found ']'")],
            errors_with('with-items: x in [1, {]'))
        self.assertEqual(
            [(5, 'wf.tasks.t1.with-items',
              "must list at least one 'var in <% $.list %>' or 'var in [1, 2]'")],
            errors_with('with-items: []'))

    def test_expression_syntax_is_checked(self):
        [(line, path, message)] = errors_with('with-items: x in <% $.xs + %>')
        self.assertEqual((5, 'wf.tasks.t1.with-items'), (line, path))
        self.assertIn('Invalid YAQL expression', message)


class TargetAndTagsTest(testtools.TestCase):

    def test_values(self):
        task = task_with("""\
target: <% $.host %>
tags: [deploy, slow]""")
        self.assertEqual('<% $.host %>', task.target)
        self.assertEqual(('deploy', 'slow'), task.tags)
        self.assertEqual('worker-1', task_with('target: worker-1').target)

    def test_bad_values(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.target', "must be a non-empty string, not number "
                                       "'3'"),
             (6, 'wf.tasks.t1.tags', 'tags must be unique'),
             (9, 'wf.tasks.t2.tags', 'must be a list of strings, not string '
                                     "'deploy'")],
            errors_of(workflow("""\
                t1:
                  target: 3
                  tags: [a, a]
                t2:
                  action: std.noop
                  tags: deploy
            """)))


class OnSkipTest(testtools.TestCase):

    def test_on_skip_and_publish_on_skip(self):
        workflow_spec = parse_one(workflow("""\
            t1:
              on-skip: [t2, fail msg=skipped]
              publish-on-skip:
                skipped: true
            t2: {}
        """))
        task = workflow_spec.tasks['t1']
        self.assertEqual((specs.Transition('t2'),
                          specs.Transition('fail', None, {'msg': 'skipped'})),
                         task.on_skip)
        self.assertEqual(specs.Publish(branch={'skipped': True}),
                         task.publish_on_skip)
        self.assertIn(specs.Transition('t2'), task.transitions)
        self.assertEqual(('t1',), workflow_spec.start_task_names())

    def test_on_skip_targets_are_checked(self):
        self.assertEqual(
            [(5, 'wf.tasks.task1.on-skip',
              "unknown task 'tsk1' (did you mean 'task1'?); a transition leads to "
              'a task of this workflow or to one of the engine commands fail, '
              'noop, pause, succeed')],
            errors_of(workflow('task1:\n  on-skip: tsk1\n')))


class AdvancedPublishTest(testtools.TestCase):

    def test_every_clause(self):
        task = parse_one(workflow("""\
            t1:
              on-success:
                publish:
                  branch: {a: <% task().result %>}
                  global: {b: 2}
                  atomic: {c: 3}
                next:
                  - t2: <% $.a %>
              on-error:
                publish:
                  global: {error: <% task().state_info %>}
                next: fail
              on-complete:
                publish:
                  atomic: {done: true}
              on-skip:
                next: [t2]
                publish: {branch: {skipped: true}}
            t2: {}
        """)).tasks['t1']
        self.assertEqual(
            specs.Publish({'a': '<% task().result %>'}, {'b': 2}, {'c': 3}),
            task.publish)
        self.assertEqual((specs.Transition('t2', '<% $.a %>'),), task.on_success)
        self.assertEqual(
            specs.Publish(global_vars={'error': '<% task().state_info %>'}),
            task.publish_on_error)
        self.assertEqual((specs.Transition('fail'),), task.on_error)
        self.assertEqual(specs.Publish(atomic={'done': True}),
                         task.publish_on_complete)
        self.assertEqual((), task.on_complete)
        self.assertEqual(specs.Publish(branch={'skipped': True}),
                         task.publish_on_skip)
        self.assertEqual((specs.Transition('t2'),), task.on_skip)

    def test_next_alone_takes_every_simple_form(self):
        workflow_spec = parse_one(workflow("""\
            t1:
              on-success: {next: t2}
              on-error: {next: {t2: <% $.retry %>}}
              on-complete: {next: [t2, noop]}
            t2: {}
        """))
        task = workflow_spec.tasks['t1']
        self.assertEqual((specs.Transition('t2'),), task.on_success)
        self.assertEqual((specs.Transition('t2', '<% $.retry %>'),), task.on_error)
        self.assertEqual((specs.Transition('t2'), specs.Transition('noop')),
                         task.on_complete)
        self.assertFalse(task.publish)

    def test_plain_publish_and_clause_publish_merge_as_in_mistral(self):
        task = parse_one(workflow("""\
            t1:
              publish: {a: 1, b: 1}
              publish-on-error: {e: 1}
              on-success:
                publish: {branch: {b: 2}}
                next: t2
              on-error:
                next: t2
                publish: {global: {f: 2}}
            t2: {}
        """)).tasks['t1']
        self.assertEqual(specs.Publish(branch={'a': 1, 'b': 2}), task.publish)
        self.assertEqual(specs.Publish(branch={'e': 1}, global_vars={'f': 2}),
                         task.publish_on_error)

    def test_plain_publish_with_a_clause_without_publish_is_fine(self):
        task = parse_one(workflow("""\
            t1:
              publish: {a: 1}
              on-success: {next: t2}
              on-complete:
                publish: {branch: {c: 1}}
            t2: {}
        """)).tasks['t1']
        self.assertEqual(specs.Publish(branch={'a': 1}), task.publish)
        self.assertEqual(specs.Publish(branch={'c': 1}), task.publish_on_complete)

    def test_bad_advanced_forms(self):
        self.assertEqual(
            [(7, 'wf.tasks.t1.on-success.publish.brnch',
              "unknown scope 'brnch' (did you mean 'branch'?); variables published "
              'here go under branch, global or atomic'),
             (8, 'wf.tasks.t1.on-success.publish.global',
              'must be a mapping, not a list'),
             (9, 'wf.tasks.t1.on-success.nxt',
              "unknown key 'nxt' (did you mean 'next'?); a clause with 'publish' "
              "or 'next' takes only those"),
             (11, 'wf.tasks.t1.on-error.publish',
              'must have at least one of branch, global, atomic'),
             (12, 'wf.tasks.t1.on-error.next',
              "unknown task 't3'; a transition leads to a task of this workflow or "
              'to one of the engine commands fail, noop, pause, succeed'),
             (14, 'wf.tasks.t1.on-complete.publish.atomic.bad name',
              "variable name 'bad name' must not contain whitespace, '=' or "
              'parentheses')],
            errors_of(workflow("""\
                t1:
                  on-success:
                    publish:
                      brnch: {a: 1}
                      global: [b]
                    nxt: t2
                  on-error:
                    publish: {}
                    next: t3
                  on-complete:
                    publish: {atomic: {"bad name": 1}}
                t2: {}
            """)))


EVERY_KEY = """
    version: '2.0'
    every_key:
      type: direct
      description: Uses every task key
      tags: [all]
      input: [hosts]
      vars: {limit: 2}
      task-defaults:
        on-error: [report]
        retry: {count: 1, delay: 5}
        timeout: 600
        wait-before: 1
        concurrency: 2
        safe-rerun: true
      tasks:
        deploy:
          description: Deploy each host
          workflow: deploy_host level=2
          input: {verbose: true}
          with-items:
            - host in <% $.hosts %>
            - slot in [1, 2]
          concurrency: <% $.limit %>
          retry: count=3 delay=<% $.delay %> continue-on=<% $.pending %>
          wait-after: 0.5
          pause-before: <% $.careful %>
          fail-on: <% $.broken %>
          keep-result: false
          target: <% $.worker %>
          tags: [deploy]
          on-success:
            publish:
              branch: {deployed: <% task().result %>}
              global: {count: <% len(task().result) %>}
              atomic: {total: 1}
            next: [check]
          publish-on-error: {error: <% task().state_info %>}
          on-complete: [audit]
          on-skip: {next: audit, publish: {atomic: {skipped: true}}}
        check:
          action: std.echo output=ok
          join: all
          on-success: audit
        audit:
          join: one
        report:
          action: std.echo output=failed
"""


class EveryKeyTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.workflow = parse_one(EVERY_KEY)

    def test_deploy_task(self):
        deploy = self.workflow.tasks['deploy']
        self.assertEqual(specs.TaskSpec(
            name='deploy', workflow='deploy_host',
            input={'level': 2, 'verbose': True},
            publish=specs.Publish({'deployed': '<% task().result %>'},
                                  {'count': '<% len(task().result) %>'},
                                  {'total': 1}),
            publish_on_error=specs.Publish({'error': '<% task().state_info %>'}),
            publish_on_skip=specs.Publish(atomic={'skipped': True}),
            on_success=(specs.Transition('check'),),
            on_error=(specs.Transition('report'),),
            on_complete=(specs.Transition('audit'),),
            on_skip=(specs.Transition('audit'),),
            with_items=(specs.WithItems('host', '<% $.hosts %>'),
                        specs.WithItems('slot', [1, 2])),
            concurrency='<% $.limit %>',
            retry=specs.Retry(3, '<% $.delay %>', None, '<% $.pending %>'),
            wait_before=1, wait_after=0.5, timeout=600,
            pause_before='<% $.careful %>', fail_on='<% $.broken %>',
            keep_result=False, safe_rerun=True, target='<% $.worker %>',
            description='Deploy each host', tags=('deploy',)), deploy)

    def test_publish_on_skip_merges_with_on_skip_publish(self):
        text = EVERY_KEY.replace('          on-skip:',
                                 '          publish-on-skip: {plain: 1}\n'
                                 '          on-skip:')
        task = lang.parse_workflows(textwrap.dedent(text))[0].tasks['deploy']
        self.assertEqual(specs.Publish(branch={'plain': 1},
                                       atomic={'skipped': True}),
                         task.publish_on_skip)

    def test_round_trip_through_dict_and_json(self):
        workflow_spec = self.workflow
        self.assertEqual(
            workflow_spec, specs.WorkflowSpec.from_dict(workflow_spec.to_dict()))
        text = json.dumps(workflow_spec.to_dict())
        self.assertEqual(workflow_spec,
                         specs.WorkflowSpec.from_dict(json.loads(text)))


class AllErrorsAtOnceTest(testtools.TestCase):

    def test_errors_of_every_new_key_together(self):
        found = errors_of(workflow("""\
            t1:
              with-items: nope
              concurrency: 0
              retry: {count: 1}
              wait-before: -1
              wait-after: x
              timeout: []
              pause-before: 2
              fail-on: 3
              keep-result: maybe
              safe-rerun: {}
              target: ''
              requires: t2
              on-skip: t9
              publish-on-skip: [x]
              tags: [1]
            t2: {}
        """, extra="""\
            task-defaults:
              retry: 1
              requries: t2
        """))
        self.assertEqual(
            [(4, 'wf.task-defaults.retry'), (5, 'wf.task-defaults.requries'),
             (8, 'wf.tasks.t1.with-items'), (9, 'wf.tasks.t1.concurrency'),
             (10, 'wf.tasks.t1.retry'), (11, 'wf.tasks.t1.wait-before'),
             (12, 'wf.tasks.t1.wait-after'), (13, 'wf.tasks.t1.timeout'),
             (14, 'wf.tasks.t1.pause-before'), (15, 'wf.tasks.t1.fail-on'),
             (16, 'wf.tasks.t1.keep-result'), (17, 'wf.tasks.t1.safe-rerun'),
             (18, 'wf.tasks.t1.target'), (19, 'wf.tasks.t1.requires'),
             (20, 'wf.tasks.t1.on-skip'), (21, 'wf.tasks.t1.publish-on-skip'),
             (22, 'wf.tasks.t1.tags[0]')],
            [(line, path) for line, path, _ in found])
