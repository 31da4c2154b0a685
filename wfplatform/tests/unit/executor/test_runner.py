"""The action runner: every outcome becomes a result dict, reported once."""

import threading

import testtools

from wfplatform.actions import registry as action_registry
from wfplatform import exceptions
from wfplatform.executor import runner


def _request(name, action_input):
    return runner.ActionRequest(action_execution_id='a-1', action_name=name,
                                action_input=action_input)


class RunActionTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.registry = action_registry.ActionRegistry()

    def test_output(self):
        self.assertEqual({'output': 'hi'}, runner.run_action(
            self.registry, None, _request('std.echo', {'output': 'hi'})))

    def test_action_error(self):
        self.assertEqual({'error': 'Fail action expected exception.'},
                         runner.run_action(self.registry, None,
                                           _request('std.fail', {})))

    def test_error_result(self):
        self.assertEqual({'error': [1, 2]}, runner.run_action(
            self.registry, None, _request('std.fail', {'error_data': [1, 2]})))

    def test_unknown_action_and_bad_input_are_errors_not_exceptions(self):
        unknown = runner.run_action(self.registry, None, _request('no.such', {}))
        self.assertIn('Action not found [name=no.such]', unknown['error'])
        bad = runner.run_action(self.registry, None,
                                _request('std.echo', {'wrong': 1}))
        self.assertIn('wrong', bad['error'])


class ActionRunnerTest(testtools.TestCase):
    def test_result_is_reported_from_the_pool(self):
        reported = []
        done = threading.Event()

        def report(context, action_execution_id, result):
            reported.append((context, action_execution_id, result))
            done.set()

        pool = runner.ActionRunner(action_registry.ActionRegistry(), report, 2)
        self.addCleanup(pool.shutdown)
        pool.submit('ctx', _request('std.echo', {'output': 5}))
        self.assertTrue(done.wait(10), 'the result was never reported')
        self.assertEqual([('ctx', 'a-1', {'output': 5})], reported)

    def test_shutdown_while_a_report_submits_the_next_action_does_not_hang(self):
        outcomes = []
        first_running = threading.Event()
        pool = None

        def report(context, action_execution_id, result):
            try:
                pool.submit(None, _request('std.echo', {'output': 'next'}))
                outcomes.append('submitted')
            except exceptions.ServiceUnavailable as error:
                outcomes.append(str(error))

        class Slow:
            def __init__(self, registry):
                self._registry = registry
                self.policy = registry.policy

            def create(self, name, action_input):
                first_running.set()
                return self._registry.create('std.sleep', {'seconds': 0.3})

        pool = runner.ActionRunner(Slow(action_registry.ActionRegistry()), report, 2)
        pool.submit(None, _request('std.sleep', {}))
        self.assertTrue(first_running.wait(10))
        finished = threading.Thread(target=pool.shutdown)
        finished.start()
        finished.join(10)
        self.assertFalse(finished.is_alive(), 'shutdown hung')
        self.assertEqual(1, len(outcomes))
        self.assertIn('shutting down', outcomes[0])
