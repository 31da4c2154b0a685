"""The direct-workflow kernel, driven through the in-memory simulator."""

import dataclasses

import testtools

from wfplatform import exceptions
from wfplatform import expressions
from wfplatform.tests.unit.workflow import simulator
from wfplatform import workflow
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

CHAIN = """
version: '2.0'
chain:
  input:
    - name
    - greeting: Hello
  vars:
    punctuation: '!'
  output:
    message: <% $.message %>
    length: <% len($.message) %>
  tasks:
    compose:
      action: std.echo output="<% $.greeting %>, <% $.name %><% $.punctuation %>"
      publish:
        message: <% task().result %>
      on-success: shout
    shout:
      action: std.echo
      input:
        output: '{{ _.message | upper }}'
      publish:
        loud: '{{ task().result }}'
"""


class ChainTest(testtools.TestCase):
    def test_runs_in_order_and_publishes_output(self):
        result = simulator.run(CHAIN, {'name': 'world'})
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['compose', 'shout'], result.started)
        self.assertEqual({'message': 'Hello, world!', 'length': 13}, result.output)
        self.assertEqual({'output': 'HELLO, WORLD!'}, result.inputs['shout'][0])
        self.assertEqual({'loud': 'HELLO, WORLD!'}, result.task('shout').published)

    def test_input_default_can_be_overridden(self):
        result = simulator.run(CHAIN, {'name': 'Ann', 'greeting': 'Hi'})
        self.assertEqual('Hi, Ann!', result.output['message'])

    def test_next_task_sees_what_the_previous_published(self):
        result = simulator.run(CHAIN, {'name': 'x'})
        self.assertEqual('Hello, x!', result.task('shout').in_context['message'])

    def test_missing_and_unexpected_input_are_named(self):
        error = self.assertRaises(exceptions.InvalidInput, simulator.run, CHAIN,
                                  {'nme': 'typo'})
        self.assertIn("missing=['name']", str(error))
        self.assertIn("unexpected=['nme']", str(error))


ERRORS = """
version: '2.0'
errors:
  input:
    - handle: true
  tasks:
    risky:
      action: std.fail
      publish-on-error:
        reason: <% task().result %>
      on-error:
        - cleanup: <% $.handle %>
    cleanup:
      action: std.echo output=cleaned
"""


class ErrorHandlingTest(testtools.TestCase):
    def test_handled_error_lets_the_workflow_succeed(self):
        result = simulator.run(ERRORS)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['risky', 'cleanup'], result.started)
        self.assertEqual(states.ERROR, result.task('risky').state)
        self.assertEqual('Fail action expected exception.',
                         result.task('risky').published['reason'])

    def test_unhandled_error_fails_the_workflow_naming_the_task(self):
        result = simulator.run(ERRORS, {'handle': False})
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('Failure caused by error in tasks: risky', result.state_info)
        self.assertIn('Fail action expected exception.', result.state_info)
        self.assertEqual(['risky'], result.started)

    def test_output_on_error_is_evaluated_when_the_workflow_fails(self):
        definition = ERRORS.replace('  tasks:', '  output-on-error:\n'
                                    '    why: <% $.reason %>\n  tasks:')
        result = simulator.run(definition, {'handle': False})
        self.assertEqual({'why': 'Fail action expected exception.'}, result.output)


TRANSITIONS = """
version: '2.0'
transitions:
  input:
    - n
  tasks:
    first:
      action: std.echo output=<% $.n %>
      publish:
        value: <% task().result %>
      on-success:
        - big: <% $.value > 10 %>
        - small: '{{ _.value <= 10 }}'
      on-complete: always
    big:
      action: std.echo output=big
    small:
      action: std.echo output=small
    always:
      action: std.noop
"""


PARALLEL = """
version: '2.0'
parallel:
  output:
    a: <% $.a %>
    b: <% $.b %>
  tasks:
    left:
      action: std.echo output=1
      publish: {a: <% task().result %>}
    right:
      action: std.echo output=2
      publish: {b: <% task().result %>}
"""


class TransitionTest(testtools.TestCase):
    def test_yaql_condition(self):
        result = simulator.run(TRANSITIONS, {'n': 42})
        self.assertEqual(['first', 'big', 'always'], result.started)
        self.assertEqual(states.SUCCESS, result.state)

    def test_jinja_condition(self):
        result = simulator.run(TRANSITIONS, {'n': 3})
        self.assertEqual(['first', 'small', 'always'], result.started)

    def test_on_complete_runs_after_an_error_but_does_not_handle_it(self):
        definition = TRANSITIONS.replace('std.echo output=<% $.n %>', 'std.fail')
        result = simulator.run(definition, {'n': 1})
        self.assertEqual(['first', 'always'], result.started)
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('error in tasks: first', result.state_info)

    def test_parallel_branches_and_the_last_leaf_context_in_output(self):
        result = simulator.run(PARALLEL)
        self.assertEqual(['left', 'right'], result.started)
        self.assertEqual({'a': 1, 'b': 2}, result.output)

    def test_a_loop_runs_until_its_condition_stops_it(self):
        definition = """
version: '2.0'
loop:
  vars:
    count: 0
  output:
    count: <% $.count %>
  tasks:
    begin:
      action: std.noop
      on-success: step
    step:
      action: std.noop
      publish:
        count: <% $.count + 1 %>
      on-success:
        - step: <% $.count < 3 %>
"""
        result = simulator.run(definition)
        self.assertEqual(['begin'] + ['step'] * 3, result.started)
        self.assertEqual({'count': 3}, result.output)


class EngineCommandTest(testtools.TestCase):
    def _definition(self, command):
        return f"""
version: '2.0'
commands:
  tasks:
    first:
      action: std.echo output=7
      publish: {{value: <% task().result %>}}
      on-success: {command}
      on-error: never
    never:
      action: std.noop
"""

    def test_fail_with_a_message(self):
        result = simulator.run(self._definition('fail msg="value was <% $.value %>"'))
        self.assertEqual(states.ERROR, result.state)
        self.assertEqual('value was 7', result.state_info)

    def test_fail_without_a_message_names_the_task(self):
        result = simulator.run(self._definition('fail'))
        self.assertIn("'fail' command in task 'first'", result.state_info)

    def test_succeed(self):
        result = simulator.run(self._definition('succeed'))
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['first'], result.started)

    def test_pause(self):
        result = simulator.run(self._definition('pause'))
        self.assertEqual(states.PAUSED, result.state)

    def test_noop_ends_the_branch(self):
        result = simulator.run(self._definition('noop'))
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['first'], result.started)


class ExpressionFailureTest(testtools.TestCase):
    def test_bad_input_expression_fails_the_task_not_the_engine(self):
        definition = """
version: '2.0'
bad_input:
  tasks:
    first:
      action: std.echo output=<% $.missing.deeper.call() %>
"""
        result = simulator.run(definition)
        self.assertEqual(states.ERROR, result.state)
        self.assertEqual(states.ERROR, result.task('first').state)
        self.assertIn("Failed to evaluate the input of task 'first'",
                      result.task('first').state_info)

    def test_bad_publish_expression_fails_the_task(self):
        definition = """
version: '2.0'
bad_publish:
  tasks:
    first:
      action: std.echo output=1
      publish:
        x: <% $.nothing.call() %>
"""
        result = simulator.run(definition)
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('publishes', result.task('first').state_info)

    def test_bad_output_expression_fails_the_workflow(self):
        definition = """
version: '2.0'
bad_output:
  output:
    x: <% $.nothing.call() %>
  tasks:
    first:
      action: std.noop
"""
        result = simulator.run(definition)
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('workflow output', result.state_info)


class IdempotencyTest(testtools.TestCase):
    def test_a_repeated_finish_event_changes_nothing(self):
        result = simulator.run(CHAIN, {'name': 'x'})
        task = result.task('compose')
        repeated = cmd.TaskFinished(task.id, True, 'again')
        self.assertEqual([], workflow.next_commands(result.view, repeated))

    def test_an_unknown_task_is_ignored(self):
        result = simulator.run(CHAIN, {'name': 'x'})
        self.assertEqual([], workflow.next_commands(
            result.view, cmd.TaskFinished('no-such-task', True)))


class StatesTest(testtools.TestCase):
    def test_allowed_transitions(self):
        states.check_transition(states.WORKFLOW_TRANSITIONS, states.RUNNING,
                                states.SUCCESS)
        states.check_transition(states.TASK_TRANSITIONS, states.ERROR,
                                states.SKIPPED)

    def test_forbidden_transition_is_named(self):
        error = self.assertRaises(
            exceptions.InvalidStateTransition, states.check_transition,
            states.WORKFLOW_TRANSITIONS, states.SUCCESS, states.RUNNING)
        self.assertIn('SUCCESS to RUNNING', str(error))

    def test_every_state_is_described(self):
        for table in (states.WORKFLOW_TRANSITIONS, states.TASK_TRANSITIONS):
            for state, targets in table.items():
                self.assertIn(state, states.DESCRIPTIONS)
                self.assertEqual(set(), targets - set(states.DESCRIPTIONS))


class SummaryViewTest(testtools.TestCase):
    """Tasks held in summary: the kernel names the ones whose data it needs."""

    def _replay(self, result, finishing, summarised):
        """The view just before ``finishing`` ended, ``summarised`` without data."""
        tasks = []
        for task in result.view.tasks:
            if task.name == finishing:
                tasks.append(dataclasses.replace(task, state=states.RUNNING,
                                                 result=None, published={}))
                break
            if task.name in summarised:
                task = dataclasses.replace(task, in_context={}, result=None,
                                           published={}, loaded=False)
            tasks.append(task)
        view = dataclasses.replace(result.view, state=states.RUNNING,
                                   tasks=tuple(tasks))
        finished = result.task(finishing)
        return view, cmd.TaskFinished(finished.id, True, finished.result)

    def test_completion_needs_every_leaf(self):
        result = simulator.run(PARALLEL)
        view, event = self._replay(result, 'right', summarised=('left',))
        error = self.assertRaises(wf_view.MissingTaskData,
                                  workflow.next_commands, view, event)
        self.assertEqual((result.task('left').id,), error.task_ids)
        loaded, _ = self._replay(result, 'right', summarised=())
        self.assertEqual(cmd.CompleteWorkflow({'a': 1, 'b': 2}),
                         workflow.next_commands(loaded, event)[-1])

    def test_an_expression_naming_another_task_needs_its_data(self):
        definition = """
version: '2.0'
refs:
  tasks:
    first:
      action: std.echo output=1
      on-success: second
    second:
      action: std.echo output=2
      on-success: third
    third:
      action: std.echo output=<% task(first).result + task(second).result %>
"""
        result = simulator.run(definition)
        self.assertEqual([{'output': 3}], result.inputs['third'])
        view, event = self._replay(result, 'second', summarised=('first',))
        error = self.assertRaises(wf_view.MissingTaskData,
                                  workflow.next_commands, view, event)
        self.assertEqual((result.task('first').id,), error.task_ids)
        self.assertFalse(issubclass(wf_view.MissingTaskData,
                                    expressions.ExpressionError))
