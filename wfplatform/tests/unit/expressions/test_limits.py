"""Resource-exhaustion payloads end in ExpressionError quickly and cheaply."""

import time

import testtools

from wfplatform import expressions
from wfplatform.expressions import limits

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
