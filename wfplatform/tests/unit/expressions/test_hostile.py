"""Known sandbox escapes and exhaustion payloads, and the engine they leave unharmed.

Each payload must end in :class:`ExpressionError` itself (no other exception
type), with a one-line message that names the expression but not the data, in
bounded time. Then a few of them run through the workflow kernel: the task that
uses one fails, the workflow fails, and the next workflow runs normally.
"""

import concurrent.futures
import time

import testtools
import yaml

from wfplatform import expressions
from wfplatform.expressions import limits
from wfplatform.tests.unit.workflow import simulator
from wfplatform.workflow import states

SECRET = 'TOKEN-s3cr3t'
DATA = {'password': SECRET, 'server': {'id': 'abc'}, 'numbers': [1, 2]}

JINJA_ESCAPES = (
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ ().__class__.__base__.__subclasses__() }}',
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c }}{% endfor %}",
    '{{ cycler.__init__.__globals__ }}',
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    '{{ joiner.__init__.__globals__ }}',
    '{{ namespace.__init__.__globals__ }}',
    '{{ range.__globals__ }}',
    '{{ task.__globals__ }}',
    '{{ self._TemplateReference__context }}',
    'text {{ self._TemplateReference__context.cycler }}',
    '{{ self.__init__.__globals__ }}',
    '{{ lipsum.__globals__ }}',
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ __import__('os').system('id') }}",
    '{{ __builtins__ }}',
    "{{ config.__class__ }}",
    '{{ _.__class__ }}',
    "{{ _ | attr('__class__') }}",
    "{{ ''['__class__'] }}",
    "{{ _.server.__getitem__('id') }}",
    "{{ _.update({'password': 'x'}) }}",
    '{{ _.numbers.append(3) }}',
    "{{ '{0.__class__}'.format(_) }}",
    "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "{{ '{x.__class__.__mro__}'.format_map({'x': _}) }}",
    "{{ ('{0.__class__}' | attr('format'))(_) }}",
    "{{ '%s' | format(_.__class__) }}",
    "{{ '%s' % _.__class__ }}",
)

YAQL_ESCAPES = (
    '<% $.__class__ %>',
    "<% ''.__class__.__mro__ %>",
    '<% now().__class__ %>',
    '<% call(__import__, [os]) %>',
    "<% call('__import__', ['os']) %>",
    "<% '{0.__class__}'.format($) %>",
    "<% '{0.__class__}'.format(1) %>",
    "<% $['__class__'] %>",
    "<% getattr($, '__class__') %>",
    "<% eval('1') %>",
    '<% $#runtime %>',
    '<% sys.modules %>',
    '<% $.keys().__class__ %>',
    '<% def(f, $.__class__) %>',
)

EXHAUSTION = (
    '<% range(10000000000) %>',
    '<% range(10000000000).len() %>',
    '<% sequence().len() %>',
    '{{ range(10 ** 10) | list }}',
    '{% for i in range(10 ** 10) %}{% endfor %}',
    "<% 'a' * 10000000000 %>",
    "{{ 'a' * 10 ** 10 }}",
    '<% list(1) * 10000000000 %>',
    '{{ [1] * 10 ** 10 }}',
    '<% range(100000).selectMany(range(100000)).len() %>',
    '{{ 10 ** (10 ** 10) }}',
    '{{ (10 ** 10) ** (10 ** 10) }}',
    '<% pow(10, pow(10, 10)) %>',
    '<% shiftBitsLeft(1, 10000000000) %>',
    '<% range(40).aggregate($1 * $1, 3) %>',
    '{% set ns = namespace(x=3) %}{% for i in range(40) %}'
    '{% set ns.x = ns.x * ns.x %}{% endfor %}',
    "{{ '{0!r:>{1}}'.format(1, 10 ** 9) }}",
    "{{ '%(a)1000000000s' % {'a': 1} }}",
    "{{ '%(a)1000000000s' | format(a=1) }}",
    '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}',
    '{% macro a(n) %}{{ b(n) }}{% endmacro %}{% macro b(n) %}{{ a(n) }}'
    '{% endmacro %}{{ a(0) }}',
    '{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}',
)

SLOW = (
    '<% range(100000).select(range(100000).select($).len()).len() %>',
    '<% range(100000).select(range(100000).where($ > 5).len()).sum() %>',
    '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}'
    '{% endfor %}',
    '{% macro m() %}{% for j in range(100000) %}{% endfor %}{% endmacro %}'
    '{% for i in range(100000) %}{{ m() }}{% endfor %}',
)
"""Payloads that only the time limit stops."""

LIMIT = 0.5
"""Seconds an evaluation may take in these tests."""

BOUND = LIMIT + 1.0
"""Seconds within which every payload must have failed."""


class HostileTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(limits.configure, max_seconds=limits.max_seconds())
        limits.configure(max_seconds=LIMIT)

    def assertRefused(self, payload):
        started = time.monotonic()
        try:
            expressions.evaluate(payload, DATA)
        except expressions.ExpressionError as error:
            elapsed = time.monotonic() - started
            message = str(error)
            self.assertIs(expressions.ExpressionError, type(error), payload)
            self.assertTrue(message.startswith('Can not evaluate'), message)
            self.assertNotIn('\n', message)
            self.assertNotIn(SECRET, message)
            self.assertLess(elapsed, BOUND, payload)
            return message
        self.fail(f'{payload} was evaluated')


class EscapeTest(HostileTestCase):

    def test_jinja_escapes_are_refused(self):
        for payload in JINJA_ESCAPES:
            self.assertRefused(payload)

    def test_yaql_escapes_are_refused(self):
        for payload in YAQL_ESCAPES:
            self.assertRefused(payload)

    def test_sandbox_names_the_refused_attribute(self):
        message = self.assertRefused("{{ ''.__class__.__mro__ }}")
        self.assertIn("access to attribute '__class__' of 'str' object is unsafe",
                      message)


class ExhaustionTest(HostileTestCase):

    def test_size_limits_stop_payloads_at_once(self):
        for payload in EXHAUSTION:
            started = time.monotonic()
            self.assertRefused(payload)
            self.assertLess(time.monotonic() - started, LIMIT, payload)

    def test_time_limit_stops_the_rest(self):
        for payload in SLOW:
            message = self.assertRefused(payload)
            self.assertIn(f'exceeded the time limit of {LIMIT:g} s', message)

    def test_payloads_in_parallel_threads(self):
        payloads = SLOW + EXHAUSTION[:4] + JINJA_ESCAPES[:4]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            for future in [pool.submit(self.assertRefused, p) for p in payloads]:
                future.result()

    def test_jinja_power_is_left_associative(self):
        # 10 ** 10 ** 10 is (10 ** 10) ** 10 in Jinja2: large, but harmless.
        self.assertEqual(10 ** 100, expressions.evaluate('{{ 10 ** 10 ** 10 }}', {}))


def attack_definition(payload):
    return yaml.safe_dump({'version': '2.0', 'attacked': {
        'tasks': {'attack': {'action': 'std.echo', 'input': {'output': payload}}}}})


NORMAL = """
version: '2.0'
normal:
  input:
    - name
  output:
    greeting: <% $.greeting %>
  tasks:
    greet:
      action: std.echo output="Hello, <% $.name %>"
      publish:
        greeting: '{{ task().result }}'
"""

KERNEL_PAYLOADS = (
    '{{ cycler.__init__.__globals__ }}',
    "<% call('__import__', ['os']) %>",
    "{{ 'a' * 10 ** 10 }}",
    '<% pow(10, pow(10, 10)) %>',
    '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}',
) + SLOW[:1] + SLOW[2:3]


class KernelSurvivesTest(HostileTestCase):

    def test_task_fails_then_workflow_fails_then_next_workflow_runs(self):
        for payload in KERNEL_PAYLOADS:
            started = time.monotonic()
            attacked = simulator.run(attack_definition(payload))
            self.assertLess(time.monotonic() - started, BOUND, payload)
            self.assertEqual(states.ERROR, attacked.state, payload)
            task = attacked.task('attack')
            self.assertEqual(states.ERROR, task.state, payload)
            self.assertIn('Can not evaluate', task.state_info)
            self.assertNotIn('\n', task.state_info)
            self.assertTrue(attacked.state_info, payload)

            normal = simulator.run(NORMAL, {'name': 'world'})
            self.assertEqual(states.SUCCESS, normal.state)
            self.assertEqual({'greeting': 'Hello, world'}, normal.output)

    def test_time_limit_reaches_the_kernel(self):
        attacked = simulator.run(attack_definition(SLOW[0]))
        self.assertIn('exceeded the time limit', attacked.task('attack').state_info)
