"""Policies, with-items, joins, sub-workflows and reverse workflows in the kernel."""

import testtools

from wfplatform import exceptions
from wfplatform.tests.unit.workflow import simulator
from wfplatform.workflow import states


def _script(outcomes):
    """A script answering each task from its list of outcomes, then echoing."""
    remaining = {name: list(values) for name, values in outcomes.items()}

    def script(task_name, action, action_input):
        if remaining.get(task_name):
            return remaining[task_name].pop(0)
        return simulator.echo_outcome(task_name, action, action_input)
    return script


WITH_ITEMS = """
version: '2.0'
wf:
  input:
    - names: [a, b, c, d]
  tasks:
    greet:
      with-items: name in <% $.names %>
      concurrency: <% $.concurrency %>
      action: std.echo output="hi <% $.name %>"
      publish:
        greetings: <% task().result %>
  vars:
    concurrency: 2
  output:
    greetings: <% $.greetings %>
"""


class WithItemsTest(testtools.TestCase):
    def test_results_are_in_item_order(self):
        delays = {'hi a': 3, 'hi b': 1, 'hi c': 2, 'hi d': 0}

        def script(task_name, action, action_input):
            return True, action_input['output'], delays[action_input['output']]
        result = simulator.run(WITH_ITEMS, script=script)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['hi a', 'hi b', 'hi c', 'hi d'],
                         result.output['greetings'])

    def test_concurrency_limits_items_in_flight(self):
        sent = []

        def script(task_name, action, action_input):
            sent.append(action_input['output'])
            return True, action_input['output'], 1
        result = simulator.run(WITH_ITEMS, script=script)
        self.assertEqual(states.SUCCESS, result.state)
        # two in flight at a time: 4 items of one second take two seconds
        self.assertEqual(2.0, result.clock)
        self.assertEqual(['hi a', 'hi b', 'hi c', 'hi d'], sent)

    def test_a_failed_item_fails_the_task_and_stops_releasing(self):
        def script(task_name, action, action_input):
            if action_input['output'] == 'hi a':
                return False, 'boom'
            return True, action_input['output'], 5
        result = simulator.run(WITH_ITEMS, script=script)
        self.assertEqual(states.ERROR, result.state)
        self.assertEqual(2, len(result.inputs['greet']))
        self.assertIn('1 of 4 items', result.task('greet').state_info)
        self.assertIn('item 0: boom', result.task('greet').state_info)

    def test_zipped_lists_and_empty_lists(self):
        definition = """
version: '2.0'
wf:
  input: [xs, ys]
  tasks:
    pair:
      with-items:
        - x in <% $.xs %>
        - y in <% $.ys %>
      action: std.echo output="<% $.x %><% $.y %>"
  output:
    pairs: <% task(pair).result %>
"""
        result = simulator.run(definition, {'xs': [1, 2], 'ys': ['a', 'b']})
        self.assertEqual(['1a', '2b'], result.output['pairs'])
        result = simulator.run(definition, {'xs': [], 'ys': []})
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual([], result.output['pairs'])
        result = simulator.run(definition, {'xs': [1], 'ys': []})
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('same length', result.task('pair').state_info)

    def test_items_that_are_not_a_list_fail_the_task(self):
        definition = WITH_ITEMS.replace('<% $.names %>', '<% 42 %>')
        result = simulator.run(definition)
        self.assertEqual(states.ERROR, result.state)
        self.assertIn("'name' must be a list", result.task('greet').state_info)


RETRY = """
version: '2.0'
wf:
  tasks:
    flaky:
      action: std.echo output=ok
      retry:
        count: 3
        delay: 2
        break-on: <% task().result = 'fatal' %>
      on-error: handle
    handle:
      action: std.noop
"""


class RetryTest(testtools.TestCase):
    def test_retries_until_success_with_delay(self):
        script = _script({'flaky': [(False, 'e1'), (False, 'e2')]})
        result = simulator.run(RETRY, script=script)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(states.SUCCESS, result.task('flaky').state)
        self.assertEqual(3, len(result.inputs['flaky']))
        self.assertEqual(4.0, result.clock)
        self.assertEqual(['flaky'], result.started)

    def test_gives_up_after_count_retries(self):
        script = _script({'flaky': [(False, 'e')] * 10})
        result = simulator.run(RETRY, script=script)
        self.assertEqual(4, len(result.inputs['flaky']))
        self.assertEqual(states.ERROR, result.task('flaky').state)
        self.assertEqual(['flaky', 'handle'], result.started)

    def test_break_on_stops_retrying(self):
        script = _script({'flaky': [(False, 'e'), (False, 'fatal')]})
        result = simulator.run(RETRY, script=script)
        self.assertEqual(2, len(result.inputs['flaky']))
        self.assertEqual(states.ERROR, result.task('flaky').state)

    def test_continue_on_repeats_a_success(self):
        definition = """
version: '2.0'
wf:
  tasks:
    poll:
      action: std.echo output=x
      retry: count=5 delay=0 continue-on=<% task().result != 'ready' %>
"""
        script = _script({'poll': [(True, 'wait'), (True, 'wait'),
                                   (True, 'ready')]})
        result = simulator.run(definition, script=script)
        self.assertEqual(3, len(result.inputs['poll']))
        self.assertEqual('ready', result.task('poll').result)

    def test_bad_retry_count_fails_the_task_with_a_message(self):
        definition = RETRY.replace('count: 3', "count: <% 'many' %>")
        result = simulator.run(definition, script=_script({'flaky': [(False, 'e')]}))
        self.assertIn('retry.count', result.task('flaky').state_info)


class WaitAndTimeoutTest(testtools.TestCase):
    def test_wait_before_and_after_delay_the_task(self):
        definition = """
version: '2.0'
wf:
  tasks:
    t1:
      wait-before: 3
      wait-after: 2
      action: std.noop
      on-success: t2
    t2:
      action: std.noop
"""
        result = simulator.run(definition)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual([(0.0, 'start t1'), (5.0, 'finish t1 SUCCESS'),
                          (5.0, 'start t2'), (5.0, 'finish t2 SUCCESS')],
                         result.timeline)

    def test_timeout_fails_a_slow_task(self):
        definition = """
version: '2.0'
wf:
  tasks:
    slow:
      timeout: 5
      action: std.noop
      on-error: report
    report:
      action: std.echo output=<% task(slow).state_info %>
"""
        slow = _script({'slow': [(True, 'late', 60)]})
        result = simulator.run(definition, script=slow)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(states.ERROR, result.task('slow').state)
        self.assertIn('timed out after 5.0 seconds',
                      result.task('report').result)
        fast = simulator.run(definition)
        self.assertEqual(['slow'], fast.started)


class FailOnAndKeepResultTest(testtools.TestCase):
    def test_fail_on_turns_a_success_into_an_error(self):
        definition = """
version: '2.0'
wf:
  tasks:
    check:
      action: std.echo output=<% $.status %>
      fail-on: <% task().result != 'ok' %>
      publish-on-error:
        bad: <% task().result %>
  input: [status]
"""
        self.assertEqual(states.SUCCESS,
                         simulator.run(definition, {'status': 'ok'}).state)
        result = simulator.run(definition, {'status': 'broken'})
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('fail-on', result.task('check').state_info)

    def test_keep_result_false_drops_the_result_but_publish_sees_it(self):
        definition = """
version: '2.0'
wf:
  tasks:
    big:
      action: std.echo output=payload
      keep-result: false
      publish:
        size: <% len(task().result) %>
"""
        result = simulator.run(definition)
        self.assertIsNone(result.task('big').result)
        self.assertEqual({'size': 7}, result.task('big').published)


JOIN = """
version: '2.0'
wf:
  tasks:
    a:
      action: std.echo output=a
      publish: {from_a: <% task().result %>}
      on-success: merge
      on-error: recover
    b:
      action: std.echo output=b
      publish: {from_b: <% task().result %>}
      on-success: merge
    recover:
      action: std.noop
    merge:
      join: JOIN
      action: std.echo output="<% $.from_a %>+<% $.from_b %>"
"""


class JoinTest(testtools.TestCase):
    def test_join_all_waits_for_every_branch_and_merges_contexts(self):
        script = _script({'a': [(True, 'a', 3)], 'b': [(True, 'b', 1)]})
        result = simulator.run(JOIN.replace('JOIN', 'all'), script=script)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['a', 'b', 'merge'], result.started)
        self.assertEqual('a+b', result.task('merge').result)
        self.assertEqual(1, result.started.count('merge'))

    def test_join_one_runs_once_after_the_first_arrival(self):
        script = _script({'a': [(True, 'a', 3)], 'b': [(True, 'b', 1)]})
        result = simulator.run(
            JOIN.replace('JOIN', 'one').replace(
                'output="<% $.from_a %>+<% $.from_b %>"', 'output=one'),
            script=script)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(1, result.started.count('merge'))
        self.assertLess(result.finished.index('merge'), result.finished.index('a'))

    def test_join_that_cannot_be_satisfied_fails_with_a_reason(self):
        script = _script({'a': [(False, 'broken', 1)]})
        result = simulator.run(JOIN.replace('JOIN', 'all'), script=script)
        self.assertEqual(states.ERROR, result.state)
        merge = result.task('merge')
        self.assertEqual(states.ERROR, merge.state)
        self.assertIn('a will not lead to it', merge.state_info)

    def test_join_count(self):
        script = _script({'a': [(False, 'broken', 1)]})
        definition = JOIN.replace('JOIN', '1').replace(
            'output="<% $.from_a %>+<% $.from_b %>"', 'output=n')
        result = simulator.run(definition, script=script)
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(states.SUCCESS, result.task('merge').state)


class GlobalPublishTest(testtools.TestCase):
    def test_global_variables_reach_other_branches_and_the_output(self):
        definition = """
version: '2.0'
wf:
  tasks:
    setter:
      action: std.echo output=shared
      on-success:
        publish:
          branch: {mine: <% task().result %>}
          global: {everyone: <% task().result %>}
        next: reader
    other:
      action: std.echo output=<% global(everyone) %>
      wait-before: 1
    reader:
      action: std.echo output=<% $.everyone %>
  output:
    seen_by_other: <% task(other).result %>
    seen_by_reader: <% task(reader).result %>
"""
        result = simulator.run(definition)
        self.assertEqual(states.SUCCESS, result.state, result.state_info)
        self.assertEqual({'seen_by_other': 'shared', 'seen_by_reader': 'shared'},
                         result.output)


SUBWORKFLOW = """
version: '2.0'
parent:
  input: [n]
  tasks:
    call:
      workflow: child
      input:
        x: <% $.n %>
      publish:
        doubled: <% task().result.y %>
  output:
    doubled: <% $.doubled %>
child:
  input: [x]
  tasks:
    double:
      action: std.echo output=<% $.x * 2 %>
      publish:
        y: <% task().result %>
  output:
    y: <% $.y %>
"""


class SubWorkflowTest(testtools.TestCase):
    def test_sub_workflow_output_is_the_task_result(self):
        result = simulator.run(SUBWORKFLOW, {'n': 21})
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual({'doubled': 42}, result.output)
        self.assertEqual([{'x': 21}], result.inputs['call'])

    def test_failed_sub_workflow_fails_the_task(self):
        definition = SUBWORKFLOW.replace('action: std.echo output=<% $.x * 2 %>',
                                         'action: std.fail')
        result = simulator.run(definition, {'n': 1})
        self.assertEqual(states.ERROR, result.state)
        self.assertIn('double', result.task('call').state_info)

    def test_sub_workflow_over_items(self):
        definition = SUBWORKFLOW.replace(
            '    call:\n      workflow: child',
            '    call:\n      with-items: n in <% [1, 2, 3] %>\n'
            '      workflow: child').replace(
            'doubled: <% task().result.y %>',
            'doubled: <% task().result.select($.y) %>')
        result = simulator.run(definition, {'n': 0})
        self.assertEqual({'doubled': [2, 4, 6]}, result.output)


REVERSE = """
version: '2.0'
build:
  type: reverse
  tasks:
    fetch:
      action: std.echo output=src
      publish: {src: <% task().result %>}
    configure:
      action: std.echo output=cfg
      publish: {cfg: <% task().result %>}
    compile:
      requires: [fetch, configure]
      action: std.echo output="<% $.src %>+<% $.cfg %>"
      publish: {binary: <% task().result %>}
    test:
      requires: compile
      action: std.noop
    docs:
      requires: fetch
      action: std.noop
  output:
    binary: <% $.binary %>
"""


class ReverseTest(testtools.TestCase):
    def test_runs_only_what_the_target_requires(self):
        result = simulator.run(REVERSE, params={'task_name': 'compile'})
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(['fetch', 'configure', 'compile'], result.started)
        self.assertEqual({'binary': 'src+cfg'}, result.output)

    def test_without_a_target_every_task_runs(self):
        result = simulator.run(REVERSE)
        self.assertEqual(sorted(['fetch', 'configure', 'compile', 'test', 'docs']),
                         sorted(result.started))

    def test_a_failed_requirement_fails_the_workflow(self):
        result = simulator.run(REVERSE, params={'task_name': 'test'},
                               script=_script({'configure': [(False, 'no')]}))
        self.assertEqual(states.ERROR, result.state)
        self.assertNotIn('compile', result.started)
        self.assertIn('configure', result.state_info)

    def test_unknown_target_is_refused_at_start(self):
        error = self.assertRaises(exceptions.InvalidInput, simulator.run, REVERSE,
                                  params={'task_name': 'deploy'})
        self.assertIn("'deploy' is not a task", str(error))


class PauseBeforeTest(testtools.TestCase):
    DEFINITION = """
version: '2.0'
wf:
  tasks:
    first:
      action: std.noop
      on-success: careful
    careful:
      pause-before: true
      action: std.echo output=done
"""

    def test_pauses_then_runs_on_resume(self):
        paused = simulator.run(self.DEFINITION)
        self.assertEqual(states.PAUSED, paused.state)
        self.assertEqual(states.IDLE, paused.task('careful').state)
        self.assertEqual([], paused.inputs['careful'])
        resumed = simulator.run(self.DEFINITION, resume=True)
        self.assertEqual(states.SUCCESS, resumed.state)
        self.assertEqual('done', resumed.task('careful').result)
