"""Resource-exhaustion payloads end in ExpressionError quickly and cheaply."""

import concurrent.futures
import time

import testtools

from wfplatform import expressions
from wfplatform.expressions import limits
from wfplatform.expressions import yaql_evaluator

PAYLOADS = (
    '<% range(1000000000) %>',
    '<% range(1000000000).len() %>',
    '<% list(range(1000000000)) %>',
    '<% sequence().len() %>',
    '<% "x" * 1000000000 %>',
    '<% list(1) * 1000000000 %>',
    "{{ range(10 ** 9) | list }}",
    "{{ 'x' * 10 ** 10 }}",
    "{{ [1] * 10 ** 10 }}",
    "{{ 2 ** 10000000 }}",
    "{{ 'x'.ljust(10 ** 10) }}",
    "{{ 'x' | center(10 ** 10) }}",
    "{{ 'x' | indent(10 ** 10, true) }}",
    "{{ '%999999999999s' % 1 }}",
    "{{ '%*s' % (10 ** 10, 1) }}",
    "{{ '{:999999999999}'.format(1) }}",
    "{{ '{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}'.format('x' * 10 ** 7) }}",
    "{{ '%999999999999s' | format(1) }}",
    "{{ 'a' | replace('a', 'x' * 100000) | replace('x', 'y' * 1000) }}",
    "{{ 'aaaa'.replace('a', 'x' * 10 ** 7) }}",
    "{{ ('x' * 1000000).join(range(100000)) }}",
    "{{ (['x' * 1000000] * 100) | join }}",
    "{{ ['x' * 1000000] * 100 }}",
    "x {{ ['x' * 1000000] * 100 }}",
    "{{ [1] | batch(10 ** 9, 0) | list }}",
    "{{ lipsum(10 ** 6) }}",
    '{% set a = "x" * 1000000 %}' + '{% set a = a ~ a %}' * 30 + '{{ a }}',
    '{% set ns = namespace(s="xx") %}{% for i in range(64) %}'
    '{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
    '{% for i in range(100000) %}{% for j in range(100) %}'
    '{{ "x" * 100 }}{% endfor %}{% endfor %}',
    '{% macro grow(s) %}{{ grow(s ~ s) }}{% endmacro %}{{ grow("x") }}',
)


class ResourceLimitTest(testtools.TestCase):

    def test_payloads_fail_fast(self):
        for payload in PAYLOADS:
            started = time.monotonic()
            self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                              payload, {})
            self.assertLess(time.monotonic() - started, 2.0, payload)

    def test_error_says_which_limit(self):
        error = self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                                  "{{ 'x' * 10 ** 10 }}", {})
        self.assertIn('exceeds the limit', str(error))
        error = self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                                  '<% range(1000000000) %>', {})
        self.assertIn(f'Collection length exceeds {limits.MAX_ITEMS} elements',
                      str(error))

    def test_reasonable_sizes_still_work(self):
        data = {'items': list(range(10000)), 'text': 'x' * 100000}
        self.assertEqual(10000, len(expressions.evaluate('<% $.items %>', data)))
        self.assertEqual(10000, expressions.evaluate(
            '<% $.items.select($ * 2).len() %>', data))
        self.assertEqual(200000, len(expressions.evaluate(
            '{{ _.text ~ _.text }}', data)))
        self.assertEqual('x' * 20, expressions.evaluate("{{ 'x' * 20 }}", data))
        self.assertEqual(1024, expressions.evaluate('{{ 2 ** 10 }}', data))
        self.assertEqual('   7', expressions.evaluate("{{ '%4d' % 7 }}", data))

    def test_shared_references_are_measured_as_text(self):
        self.assertRaises(limits.LimitExceeded, limits.to_plain,
                          [['x' * 1000000] * 1000])
        self.assertRaises(limits.LimitExceeded, limits.text_size,
                          [['x' * 1000000] * 1000])

    def test_to_plain(self):
        self.assertEqual({'a': [1, [2]], 'b': 'text'},
                         limits.to_plain({'a': (1, (2,)), 'b': 'text'}))
        self.assertEqual([0, 1], limits.to_plain(iter(range(2))))


SLOW = (
    '<% range(100000).select(range(100000).select($).len()).len() %>',
    '<% range(100000).select(range(100000).where($ > 5).len()).sum() %>',
    '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}'
    '{% endfor %}',
    '{% macro m(n) %}{% for j in range(n) %}{% endfor %}{% endmacro %}'
    '{% for i in range(100000) %}{{ m(100000) }}{% endfor %}',
    '{% set ns = namespace(n=0) %}{% for i in range(100000) %}'
    '{% for j in range(100000) %}{% set ns.n = ns.n + 1 %}{% endfor %}{% endfor %}',
)

LIMIT = 0.3
"""Seconds the tests allow an evaluation, so that each stops quickly."""

MARGIN = 0.5
"""How late a stop may come: between two checks and for the error message."""


class TimeLimitTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(limits.configure, max_seconds=limits.max_seconds())
        limits.configure(max_seconds=LIMIT)

    def assertStopsInTime(self, value, runtime=None):
        started = time.monotonic()
        error = self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                                  value, {}, runtime)
        elapsed = time.monotonic() - started
        self.assertIn(f'exceeded the time limit of {LIMIT:g} s', str(error))
        self.assertGreaterEqual(elapsed, LIMIT)
        self.assertLess(elapsed, LIMIT + MARGIN, value)
        return error

    def test_long_loops_stop_at_the_deadline(self):
        for payload in SLOW:
            self.assertStopsInTime(payload)

    def test_one_deadline_for_all_expressions_of_a_value(self):
        quick = ['<% range(100).select(range(1000).len()).len() %>',
                 '{% for i in range(100000) %}{% endfor %}']
        self.assertEqual([100, ''], expressions.evaluate(quick, {}))
        self.assertStopsInTime({'items': quick * 200})

    def test_works_in_worker_threads(self):
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(self.assertStopsInTime, payload)
                       for payload in SLOW[:2]]
            for future in futures:
                future.result()

    def test_quick_expressions_are_unaffected(self):
        limits.configure(max_seconds=5)
        data = {'numbers': list(range(2000))}
        self.assertEqual(2000, expressions.evaluate(
            '<% $.numbers.select($ * 2).len() %>', data))
        self.assertEqual(2000, len(expressions.evaluate(
            '{% for i in _.numbers %}x{% endfor %}', data)))

    def test_the_limit_applies_to_evaluations_started_later(self):
        limits.configure(max_seconds=1000)
        deadline = limits.Deadline.start()
        self.assertEqual(1000, deadline.seconds)
        limits.configure(max_seconds=LIMIT)
        self.assertEqual(1000, deadline.seconds)
        self.assertEqual(LIMIT, limits.Deadline.start().seconds)

    def test_configure_refuses_nonsense(self):
        self.assertRaises(ValueError, limits.configure, max_seconds=0)
        self.assertRaises(ValueError, limits.configure, max_seconds=-1)
        limits.configure()
        self.assertEqual(LIMIT, limits.max_seconds())

    def test_explicit_deadline(self):
        context = yaql_evaluator.create_context(
            {}, expressions.StaticRuntime(), limits.Deadline.start(0))
        error = self.assertRaises(expressions.ExpressionError,
                                  yaql_evaluator.evaluate_expression, '1 + 1',
                                  context)
        self.assertIn('time limit', str(error))
