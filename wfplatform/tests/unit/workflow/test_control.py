"""What a user's requests do in the kernel: pause, stop, rerun, cancelled runs."""

import testtools

from wfplatform import lang
from wfplatform.tests.unit.workflow import simulator
from wfplatform import workflow
from wfplatform.workflow import commands as cmd
from wfplatform.workflow import states
from wfplatform.workflow import view as wf_view

CHAIN = """
version: '2.0'
wf:
  input:
    - word: hi
  output:
    last: <% $.last %>
  output-on-error:
    why: failed
  tasks:
    flaky:
      action: std.echo output=<% $.word %>
      publish:
        first: <% task().result %>
      on-success: last
    last:
      action: std.echo output=done
      publish:
        last: <% $.first %>
"""

PARALLEL = """
version: '2.0'
wf:
  tasks:
    one:
      workflow: sub
    two:
      action: std.noop
sub:
  tasks:
    inner:
      action: std.noop
"""


def _failing(times: int, name: str = 'flaky') -> simulator.Script:
    """Fails task ``name`` the first ``times`` times, then echoes."""
    calls = {'count': 0}

    def script(task_name, action, action_input):
        if task_name == name:
            calls['count'] += 1
            if calls['count'] <= times:
                return False, f'failure {calls["count"]}'
        return simulator.echo_outcome(task_name, action, action_input)
    return script


def _view(definition: str, state: str = states.RUNNING,
          tasks: tuple[wf_view.TaskView, ...] = ()) -> wf_view.WorkflowView:
    spec = lang.parse_workflows(definition)[0]
    return wf_view.WorkflowView(id='wf-1', name=spec.name, spec=spec, state=state,
                                input={'word': 'hi'}, context={'word': 'hi'},
                                tasks=tasks)


class RerunTest(testtools.TestCase):
    def test_a_rerun_task_that_succeeds_lets_the_workflow_go_on(self):
        failed = simulator.run(CHAIN, script=_failing(1))
        self.assertEqual(states.ERROR, failed.state)
        result = simulator.run(CHAIN, script=_failing(1), rerun=('flaky',))
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual({'last': 'hi'}, result.output)
        self.assertEqual([{'output': 'hi'}] * 2, result.inputs['flaky'])
        self.assertEqual(['flaky', 'last'], result.started)
        self.assertEqual(1, result.task('flaky').runtime['retry_no'])

    def test_a_rerun_task_that_fails_again_fails_the_workflow_again(self):
        result = simulator.run(CHAIN, script=_failing(2), rerun=('flaky',))
        self.assertEqual(states.ERROR, result.state)
        self.assertEqual('failure 2', result.task('flaky').state_info)
        self.assertEqual({'why': 'failed'}, result.output)

    def test_the_retry_policy_counts_afresh_after_a_rerun(self):
        definition = CHAIN.replace(
            '      on-success: last',
            '      on-success: last\n      retry:\n        count: 1\n        delay: 0')
        failed = simulator.run(definition, script=_failing(2))
        self.assertEqual(states.ERROR, failed.state)
        self.assertEqual(2, len(failed.inputs['flaky']))
        result = simulator.run(definition, script=_failing(3), rerun=('flaky',))
        self.assertEqual(states.SUCCESS, result.state)
        self.assertEqual(4, len(result.inputs['flaky']))

    def test_only_a_failed_task_is_rerun(self):
        task = wf_view.TaskView('t-1', 'flaky', states.SUCCESS)
        self.assertEqual([], workflow.next_commands(
            _view(CHAIN, tasks=(task,)), cmd.TaskRerun('t-1')))

    def test_a_rerun_runs_in_a_new_round(self):
        task = wf_view.TaskView('t-1', 'flaky', states.ERROR, {'word': 'yo'},
                                runtime={'retry_no': 2, 'pending': ['x']})
        update, run = workflow.next_commands(_view(CHAIN, tasks=(task,)),
                                             cmd.TaskRerun('t-1'))
        self.assertEqual(states.RUNNING, update.state)
        self.assertEqual({'retry_no': 3, 'retry_from': 3}, update.runtime)
        self.assertEqual(({'output': 'yo'},), tuple(r.input for r in run.runs))

    def test_a_task_needs_its_data_to_be_rerun(self):
        task = wf_view.TaskView('t-1', 'flaky', states.ERROR, loaded=False)
        self.assertRaises(wf_view.MissingTaskData, workflow.next_commands,
                          _view(CHAIN, tasks=(task,)), cmd.TaskRerun('t-1'))


class PauseAndStopTest(testtools.TestCase):
    def test_pause_pauses_a_running_workflow_only(self):
        self.assertEqual([cmd.PauseWorkflow('why')], workflow.next_commands(
            _view(CHAIN), cmd.PauseRequested('why')))
        self.assertEqual([], workflow.next_commands(
            _view(CHAIN, states.PAUSED), cmd.PauseRequested()))

    def test_cancel_cancels_the_unfinished_tasks_then_the_workflow(self):
        done = wf_view.TaskView('t-1', 'flaky', states.SUCCESS, next_tasks=('last',))
        running = wf_view.TaskView('t-2', 'last', states.RUNNING)
        commands = workflow.next_commands(
            _view(CHAIN, tasks=(done, running)),
            cmd.StopRequested(states.CANCELLED))
        self.assertEqual([cmd.FinishTask('t-2', states.CANCELLED,
                                         state_info='Cancelled by the user'),
                          cmd.CancelWorkflow('Cancelled by the user')], commands)

    def test_forced_success_evaluates_the_output(self):
        done = wf_view.TaskView('t-1', 'flaky', states.SUCCESS, {'word': 'hi'},
                                published={'first': 'hi'}, next_tasks=('last',))
        running = wf_view.TaskView('t-2', 'last', states.RUNNING,
                                   {'word': 'hi', 'first': 'hi', 'last': 'x'})
        *cancels, end = workflow.next_commands(
            _view(CHAIN, tasks=(done, running)),
            cmd.StopRequested(states.SUCCESS, 'enough'))
        self.assertEqual(['t-2'], [c.task_execution_id for c in cancels])
        self.assertEqual('enough', cancels[0].state_info)
        self.assertEqual(cmd.CompleteWorkflow({'last': 'x'}), end)

    def test_forced_error_evaluates_output_on_error(self):
        end = workflow.next_commands(_view(CHAIN),
                                     cmd.StopRequested(states.ERROR, 'bad'))
        self.assertEqual([cmd.FailWorkflow('bad', {'why': 'failed'})], end)

    def test_a_finished_workflow_is_not_stopped_again(self):
        self.assertEqual([], workflow.next_commands(
            _view(CHAIN, states.SUCCESS), cmd.StopRequested(states.CANCELLED)))


class CancelledRunTest(testtools.TestCase):
    def test_a_cancelled_sub_workflow_cancels_its_task_and_workflow(self):
        task = wf_view.TaskView('t-1', 'one', states.RUNNING, type='WORKFLOW')
        commands = workflow.next_commands(
            _view(PARALLEL, tasks=(task,)),
            cmd.TaskFinished('t-1', False, error='stopped', cancelled=True))
        self.assertEqual([cmd.FinishTask('t-1', states.CANCELLED,
                                         state_info='stopped'),
                          cmd.CancelWorkflow('Cancelled tasks: one')], commands)

    def test_the_workflow_waits_for_other_tasks_then_is_cancelled(self):
        one = wf_view.TaskView('t-1', 'one', states.RUNNING, type='WORKFLOW')
        two = wf_view.TaskView('t-2', 'two', states.RUNNING)
        view = _view(PARALLEL, tasks=(one, two))
        [finish] = workflow.next_commands(
            view, cmd.TaskFinished('t-1', False, cancelled=True))
        self.assertEqual(states.CANCELLED, finish.state)
        view = view.replace_task(wf_view.TaskView('t-1', 'one', states.CANCELLED))
        commands = workflow.next_commands(view, cmd.TaskFinished('t-2', True))
        self.assertEqual(cmd.CancelWorkflow('Cancelled tasks: one'), commands[-1])

    def test_a_cancelled_item_cancels_a_with_items_task_once_all_are_done(self):
        definition = PARALLEL.replace('      workflow: sub',
                                      '      with-items: x in [1, 2]\n'
                                      '      workflow: sub')
        items = {'count': 2, 'next': 2, 'done': 0, 'failed': 0}
        one = wf_view.TaskView('t-1', 'one', states.RUNNING, type='WORKFLOW',
                               runtime={'items': items})
        view = _view(definition, tasks=(one,))
        [update] = workflow.next_commands(view, cmd.TaskFinished(
            't-1', False, item_index=0, cancelled=True))
        self.assertEqual(1, update.runtime['items']['cancelled'])
        one = wf_view.TaskView('t-1', 'one', states.RUNNING, type='WORKFLOW',
                               runtime=update.runtime,
                               item_results=((False, 'x'), (True, {})))
        finish, end = workflow.next_commands(
            view.replace_task(one), cmd.TaskFinished('t-1', True, item_index=1))
        self.assertEqual(states.CANCELLED, finish.state)
        self.assertIn('1 of 2 items', finish.state_info)
        self.assertEqual(cmd.CancelWorkflow('Cancelled tasks: one'), end)
