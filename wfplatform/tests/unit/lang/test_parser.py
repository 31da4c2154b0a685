"""Valid definitions of every supported form parse to the expected specs."""

import json
import textwrap

import testtools

from wfplatform import lang
from wfplatform.lang import specs


def parse_one(text: str) -> specs.WorkflowSpec:
    workflows = lang.parse_workflows(textwrap.dedent(text))
    assert len(workflows) == 1, workflows
    return workflows[0]


FULL = """
    version: '2.0'

    my_wf:
      description: Everything this version supports
      type: direct
      tags: [deploy, nightly]
      input:
        - name
        - count: 3
        - options: {verbose: true}
      output:
        greeting: <% $.greeting %>
      output-on-error:
        reason: "{{ _.error }}"
      vars:
        limit: 10
      tasks:
        greet:
          description: Say hello
          action: std.echo output="Hello, <% $.name %>" times=2 loud=true
          input:
            times: 3
          publish:
            greeting: <% task().result %>
          publish-on-error:
            error: <% task().state_info %>
          on-success:
            - check: <% $.count > 1 %>
            - report
          on-error: fail msg="greeting failed"
          on-complete: [audit]
        check:
          workflow: sub_wf level=2
          on-success: join_here
        report:
          on-success: join_here
        join_here:
          join: all
          action: std.noop
        audit:
          action: std.echo
          input: <% $.audit_input %>
"""


class ValidWorkflowTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.workflow = parse_one(FULL)

    def test_workflow_fields(self):
        workflow = self.workflow
        self.assertEqual('my_wf', workflow.name)
        self.assertEqual('direct', workflow.type)
        self.assertEqual('Everything this version supports', workflow.description)
        self.assertEqual(('deploy', 'nightly'), workflow.tags)
        self.assertEqual({'greeting': '<% $.greeting %>'}, workflow.output)
        self.assertEqual({'reason': '{{ _.error }}'}, workflow.output_on_error)
        self.assertEqual({'limit': 10}, workflow.vars)

    def test_input_names_and_defaults(self):
        self.assertEqual(
            (specs.InputParam('name'),
             specs.InputParam('count', True, 3),
             specs.InputParam('options', True, {'verbose': True})),
            self.workflow.input)
        self.assertEqual('name, count=3, options={"verbose": true}',
                         self.workflow.input_signature())

    def test_tasks_keep_written_order(self):
        self.assertEqual(['greet', 'check', 'report', 'join_here', 'audit'],
                         list(self.workflow.tasks))

    def test_inline_action_input_merged_explicit_wins(self):
        greet = self.workflow.tasks['greet']
        self.assertEqual('std.echo', greet.action)
        self.assertIsNone(greet.workflow)
        self.assertEqual({'output': 'Hello, <% $.name %>', 'times': 3, 'loud': True},
                         greet.input)
        self.assertEqual('Say hello', greet.description)

    def test_publish(self):
        greet = self.workflow.tasks['greet']
        self.assertEqual({'greeting': '<% task().result %>'}, greet.publish.branch)
        self.assertEqual({'error': '<% task().state_info %>'},
                         greet.publish_on_error.branch)

    def test_transitions(self):
        greet = self.workflow.tasks['greet']
        self.assertEqual((specs.Transition('check', '<% $.count > 1 %>'),
                          specs.Transition('report')), greet.on_success)
        self.assertEqual((specs.Transition('fail', None,
                                           {'msg': 'greeting failed'}),),
                         greet.on_error)
        self.assertEqual((specs.Transition('audit'),), greet.on_complete)

    def test_subworkflow_with_inline_input(self):
        check = self.workflow.tasks['check']
        self.assertEqual('sub_wf', check.workflow)
        self.assertIsNone(check.action)
        self.assertEqual({'level': 2}, check.input)

    def test_task_without_action_runs_std_noop(self):
        self.assertEqual('std.noop', self.workflow.tasks['report'].action)

    def test_join_and_expression_input(self):
        self.assertEqual('all', self.workflow.tasks['join_here'].join)
        self.assertEqual('<% $.audit_input %>', self.workflow.tasks['audit'].input)

    def test_start_tasks(self):
        self.assertEqual(('greet',), self.workflow.start_task_names())

    def test_round_trip_through_dict(self):
        data = self.workflow.to_dict()
        self.assertEqual(self.workflow, specs.WorkflowSpec.from_dict(data))

    def test_round_trip_through_json(self):
        text = json.dumps(self.workflow.to_dict())
        self.assertEqual(self.workflow,
                         specs.WorkflowSpec.from_dict(json.loads(text)))


class DocumentFormsTest(testtools.TestCase):

    def test_several_workflows_in_written_order(self):
        workflows = lang.parse_workflows(textwrap.dedent("""
            version: '2.0'
            second:
              tasks:
                only: {action: std.noop}
            first:
              tasks:
                only: {action: std.noop}
        """))
        self.assertEqual(['second', 'first'], [w.name for w in workflows])

    def test_version_as_number(self):
        workflow = parse_one("""
            version: 2.0
            wf:
              tasks:
                t1: {action: std.noop}
        """)
        self.assertEqual('wf', workflow.name)

    def test_defaults(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              tasks:
                t1:
                  action: std.echo
        """)
        self.assertEqual('direct', workflow.type)
        self.assertEqual((), workflow.input)
        self.assertEqual((), workflow.tags)
        self.assertIsNone(workflow.output)
        self.assertEqual({}, workflow.vars)
        task = workflow.tasks['t1']
        self.assertEqual({}, task.input)
        self.assertEqual((), task.transitions)
        self.assertIsNone(task.join)

    def test_output_may_be_an_expression(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              output: <% $.result %>
              tasks:
                t1: {action: std.noop}
        """)
        self.assertEqual('<% $.result %>', workflow.output)

    def test_transition_forms(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              tasks:
                t1:
                  on-success: t2
                  on-error: {t3: "{{ _.retry }}"}
                  on-complete:
                    - succeed msg=<% $.summary %>
                    - pause
                    - noop
                    - t3: <% $.again %>
                t2: {on-success: t3}
                t3:
                  join: 2
                  on-success: fail(msg="stop")
        """)
        t1 = workflow.tasks['t1']
        self.assertEqual((specs.Transition('t2'),), t1.on_success)
        self.assertEqual((specs.Transition('t3', '{{ _.retry }}'),), t1.on_error)
        self.assertEqual(
            (specs.Transition('succeed', None, {'msg': '<% $.summary %>'}),
             specs.Transition('pause'), specs.Transition('noop'),
             specs.Transition('t3', '<% $.again %>')), t1.on_complete)
        self.assertTrue(t1.on_complete[0].is_engine_command)
        t3 = workflow.tasks['t3']
        self.assertEqual(2, t3.join)
        self.assertEqual((specs.Transition('fail', None, {'msg': 'stop'}),),
                         t3.on_success)

    def test_join_one(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              tasks:
                a: {on-success: c}
                b: {on-success: c}
                c: {join: one}
        """)
        self.assertEqual('one', workflow.tasks['c'].join)

    def test_self_loop_is_allowed(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              tasks:
                start: {on-success: poll}
                poll:
                  on-success:
                    - poll: <% $.pending %>
        """)
        self.assertEqual('poll', workflow.tasks['poll'].on_success[0].target)

    def test_dynamic_action_name(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              tasks:
                t1:
                  action: <% $.action_name %> value=1
        """)
        task = workflow.tasks['t1']
        self.assertEqual('<% $.action_name %>', task.action)
        self.assertEqual({'value': 1}, task.input)

    def test_timestamps_stay_strings(self):
        workflow = parse_one("""
            version: '2.0'
            wf:
              vars:
                day: 2024-05-01
              tasks:
                t1: {action: std.noop}
        """)
        self.assertEqual({'day': '2024-05-01'}, workflow.vars)
        json.dumps(workflow.to_dict())

    def test_validate_returns_nothing_for_valid_text(self):
        self.assertEqual([], lang.validate_workflows(textwrap.dedent(FULL)))
