"""``execution create --wait``: progress on stderr, the outcome as exit code."""

import io
import json

import testtools

from wfplatform.cli.osc import follow
from wfplatform.cli.osc.v2 import executions
from wfplatform.tests.unit.cli import fakes

ID = '6f1c1c5e-7a43-4f39-9d4c-0d7b1a1f0a11'


def execution(state, **extra):
    return {'id': ID, 'workflow_name': 'hello', 'state': state, **extra}


def tasks(*states):
    return {'tasks': [{'id': f't{i}', 'name': name, 'state': state}
                      for i, (name, state) in enumerate(states)]}


def cluster(execution_states, task_pages):
    return fakes.FakeClient({
        ('POST', '/executions'): execution('RUNNING'),
        ('GET', f'/executions/{ID}'): [execution(s) if isinstance(s, str) else s
                                       for s in execution_states],
        ('GET', f'/executions/{ID}/tasks'): task_pages})


class Clock:
    """Time that moves only when the follower sleeps."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FollowerTest(testtools.TestCase):
    def follower(self, client, **kwargs):
        clock = Clock()
        stream = io.StringIO()
        return follow.Follower(client, ID, stream, clock=clock, sleep=clock.sleep,
                               **kwargs), stream, clock

    def test_each_change_is_written_once_then_the_exit_code(self):
        client = cluster(
            ['RUNNING', 'RUNNING', 'RUNNING', 'SUCCESS'],
            [tasks(('greet', 'RUNNING')), tasks(('greet', 'RUNNING')),
             tasks(('greet', 'SUCCESS'), ('shout', 'RUNNING')),
             tasks(('greet', 'SUCCESS'), ('shout', 'SUCCESS'))])
        follower, stream, clock = self.follower(client, interval=0.5)
        final, code = follower.run()
        self.assertEqual((0, 'SUCCESS'), (code, final['state']))
        self.assertEqual([0.5, 0.5, 0.5], clock.sleeps)
        self.assertEqual(
            ['[    0.0s] task greet: RUNNING',
             f'[    0.0s] execution {ID} (hello): RUNNING',
             '[    1.0s] task greet: SUCCESS',
             '[    1.0s] task shout: RUNNING',
             '[    1.5s] task shout: SUCCESS',
             f'[    1.5s] execution {ID} (hello): SUCCESS'],
            stream.getvalue().splitlines())

    def test_error_and_cancelled_are_non_zero_with_the_reason(self):
        failed = execution('ERROR', state_info='Failure caused by error in tasks: '
                                               'boom\n\n  details')
        client = cluster([failed], [{'tasks': [
            {'id': 't', 'name': 'boom', 'state': 'ERROR',
             'state_info': 'Fail action expected exception.'}]}])
        follower, stream, _ = self.follower(client)
        self.assertEqual(follow.EXIT_CODES['ERROR'], follower.run()[1])
        self.assertEqual(3, follow.EXIT_CODES['ERROR'])
        self.assertIn('task boom: ERROR (Fail action expected exception.)',
                      stream.getvalue())
        self.assertIn('(hello): ERROR (Failure caused by error in tasks: boom)\n',
                      stream.getvalue())
        client = cluster(['CANCELLED'], [tasks()])
        self.assertEqual(4, self.follower(client)[0].run()[1])

    def test_a_paused_execution_is_waited_for_until_the_timeout(self):
        client = cluster(['PAUSED'], [tasks(('greet', 'PAUSED'))])
        follower, stream, clock = self.follower(client, interval=2, timeout=5)
        final, code = follower.run()
        self.assertEqual((follow.TIMED_OUT, 'PAUSED'), (code, final['state']))
        self.assertEqual([2, 2, 2], clock.sleeps)
        self.assertTrue(stream.getvalue().endswith(
            '[    6.0s] still PAUSED after 5 s; stopped waiting\n'))

    def test_tasks_are_read_page_after_page(self):
        client = cluster(['SUCCESS'], [
            {'tasks': [{'id': 'a', 'name': 'a', 'state': 'SUCCESS'}],
             'next': 'http://x/v2/executions/…'},
            {'tasks': [{'id': 'b', 'name': 'b', 'state': 'SUCCESS'}]}])
        follower, stream, _ = self.follower(client)
        follower.run()
        self.assertIn('task b: SUCCESS', stream.getvalue())
        pages = [params for method, path, _, _, params in client.requests
                 if path.endswith('/tasks')]
        self.assertEqual([{'fields': 'name,state,state_info'},
                          {'fields': 'name,state,state_info', 'marker': 'a'}], pages)


class CreateWaitTest(testtools.TestCase):
    """The command's exit code is the execution's outcome; output on stdout."""

    def run_create(self, client, *argv):
        cmd, app, parsed = fakes.command(executions.CreateExecution, client,
                                         ['hello', '--wait', '--poll-interval', '0',
                                          '-f', 'json', *argv])
        code = cmd.run(parsed)
        return code, json.loads(app.stdout.getvalue()), app.stderr.getvalue()

    def test_success_exits_zero(self):
        client = cluster(['RUNNING', 'SUCCESS'],
                         [tasks(('greet', 'RUNNING')), tasks(('greet', 'SUCCESS'))])
        code, shown, progress = self.run_create(client)
        self.assertEqual(0, code)
        self.assertEqual('SUCCESS', shown['state'])
        self.assertIn('task greet: SUCCESS', progress)

    def test_error_exits_three(self):
        client = cluster(['ERROR'], [tasks(('boom', 'ERROR'))])
        code, shown, progress = self.run_create(client)
        self.assertEqual((3, 'ERROR'), (code, shown['state']))
        self.assertIn('task boom: ERROR', progress)

    def test_cancelled_exits_four_and_timeout_five(self):
        self.assertEqual(4, self.run_create(cluster(['CANCELLED'], [tasks()]))[0])
        code, shown, _ = self.run_create(cluster(['RUNNING'], [tasks()]),
                                         '--timeout', '0.000001')
        self.assertEqual((5, 'RUNNING'), (code, shown['state']))

    def test_without_wait_the_new_execution_is_shown_and_not_followed(self):
        client = cluster([], [])
        code, stdout, stderr = fakes.run(executions.CreateExecution, client,
                                         ['hello', '-f', 'json'])
        self.assertEqual((0, 'RUNNING', ''),
                         (code, json.loads(stdout)['state'], stderr))
        self.assertEqual(['POST'], [r[0] for r in client.requests])
