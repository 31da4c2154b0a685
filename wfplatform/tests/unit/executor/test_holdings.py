"""Executors tell the engine which actions they hold, once, after a while."""

import threading

import testtools

from wfplatform.actions import registry as action_registry
from wfplatform.executor import holdings as holdings_module
from wfplatform.executor import runner as action_runner


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class HoldingsTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.reports = []
        self.clock = Clock()
        self.holdings = holdings_module.Holdings(self.reports.append, 1.0,
                                                 self.clock)

    def test_short_actions_are_never_reported(self):
        self.holdings.accepted('a')
        self.clock.now += 0.9
        self.holdings.released('a')
        self.clock.now += 5
        self.assertEqual([], self.holdings.report_due())
        self.assertEqual([], self.reports)

    def test_long_actions_are_reported_once_in_one_batch(self):
        self.holdings.accepted('b')
        self.holdings.accepted('a')
        self.clock.now += 0.5
        self.holdings.accepted('c')
        self.assertEqual([], self.holdings.report_due())
        self.clock.now += 0.5
        self.assertEqual(['a', 'b'], self.holdings.report_due())
        self.clock.now += 0.5
        self.assertEqual(['c'], self.holdings.report_due())
        self.clock.now += 10
        self.assertEqual([], self.holdings.report_due())
        self.assertEqual([['a', 'b'], ['c']], self.reports)

    def test_zero_reports_at_once(self):
        holdings = holdings_module.Holdings(self.reports.append, 0.0, self.clock)
        holdings.accepted('a')
        self.assertEqual(['a'], holdings.report_due())
        self.assertEqual(0.05, holdings.interval)

    def test_a_failed_report_is_tried_again(self):
        def failing(ids):
            raise RuntimeError('broker down')
        holdings = holdings_module.Holdings(failing, 0.0, self.clock)
        holdings.accepted('a')
        self.assertRaises(RuntimeError, holdings.report_due)
        holdings._report = self.reports.append
        self.assertEqual(['a'], holdings.report_due())


class RunnerHoldsActionsTest(testtools.TestCase):
    def test_an_action_is_held_from_acceptance_until_its_result_is_sent(self):
        results = []
        release = threading.Event()
        holdings = holdings_module.Holdings(lambda ids: None, 0.0)

        def report(context, action_execution_id, result):
            results.append((action_execution_id, holdings.held()))
            release.set()

        runner = action_runner.ActionRunner(action_registry.ActionRegistry(),
                                            report, 2, holdings=holdings)
        self.addCleanup(runner.shutdown)
        runner.submit(None, action_runner.ActionRequest(
            action_execution_id='x', action_name='std.echo',
            action_input={'output': 1}))
        self.assertTrue(release.wait(10))
        runner.shutdown(wait=True)
        self.assertEqual([('x', ['x'])], results)
        self.assertEqual([], holdings.held())
