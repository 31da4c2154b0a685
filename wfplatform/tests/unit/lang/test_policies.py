"""Policy keys of a task: each valid form gives its spec, each bad one an error."""

import testtools

from wfplatform.lang import specs
from wfplatform.tests.unit.lang.test_parser import parse_one
from wfplatform.tests.unit.lang.test_parser_errors import errors_of
from wfplatform.tests.unit.lang.test_parser_errors import workflow


def task_with(keys: str) -> specs.TaskSpec:
    """Task ``t1`` of a workflow, with ``keys`` (YAML lines) as its definition."""
    return parse_one(workflow('t1:\n' + _indent(keys))).tasks['t1']


def errors_with(keys: str) -> list[tuple[int | None, str, str]]:
    """Errors of task ``t1`` defined by ``keys``; its first key is on line 5."""
    return errors_of(workflow('t1:\n' + _indent(keys)))


def _indent(keys: str) -> str:
    return ''.join(f'  {line}\n' for line in keys.strip('\n').split('\n'))


class RetryTest(testtools.TestCase):

    def test_mapping(self):
        task = task_with("""\
retry:
  count: 5
  delay: 10
  break-on: <% $.fatal %>
  continue-on: <% $.pending %>""")
        self.assertEqual(specs.Retry(5, 10, '<% $.fatal %>', '<% $.pending %>'),
                         task.retry)

    def test_inline_text(self):
        task = task_with('retry: count=3 delay=1 break-on=<% $.x > 1 %>')
        self.assertEqual(specs.Retry(3, 1, '<% $.x > 1 %>'), task.retry)

    def test_expressions_and_zero(self):
        task = task_with('retry: {count: <% $.tries %>, delay: 0}')
        self.assertEqual(specs.Retry('<% $.tries %>', 0), task.retry)
        task = task_with('retry: {count: "{{ _.tries }}", delay: "{{ _.pause }}"}')
        self.assertEqual(specs.Retry('{{ _.tries }}', '{{ _.pause }}'), task.retry)

    def test_no_retry_by_default(self):
        self.assertIsNone(task_with('action: std.noop').retry)

    def test_count_and_delay_are_required(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.retry',
              "retry needs 'count' and 'delay' (as in Mistral); missing: delay")],
            errors_with('retry: {count: 3}'))
        self.assertEqual(
            [(5, 'wf.tasks.t1.retry',
              "retry needs 'count' and 'delay' (as in Mistral); missing: count, "
              'delay')],
            errors_with('retry: break-on=<% $.x %>'))

    def test_bad_values(self):
        self.assertEqual(
            [(6, 'wf.tasks.t1.retry.count',
              "must be a whole number (0 or more) or an expression, not number "
              "'-1'"),
             (7, 'wf.tasks.t1.retry.delay',
              "must be a number of seconds (0 or more) or an expression, not string "
              "'soon'"),
             (8, 'wf.tasks.t1.retry.break-on',
              "must be an expression such as <% $.done %>, not boolean 'True'"),
             (9, 'wf.tasks.t1.retry.contine-on',
              "unknown key 'contine-on' (did you mean 'continue-on'?); retry takes "
              'count, delay, break-on, continue-on')],
            errors_with("""\
retry:
  count: -1
  delay: soon
  break-on: true
  contine-on: <% $.x %>"""))

    def test_bad_forms(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.retry',
              "must be a mapping with 'count' and 'delay' or the text "
              "'count=<n> delay=<seconds>', not number '3'")],
            errors_with('retry: 3'))
        self.assertEqual(
            [(5, 'wf.tasks.t1.retry',
              "invalid inline parameters: expected 'name=value' at 'three times'")],
            errors_with('retry: three times'))

    def test_expression_syntax_is_checked(self):
        [(line, path, message)] = errors_with('retry: {count: <% $.a + %>, delay: 1}')
        self.assertEqual((5, 'wf.tasks.t1.retry.count'), (line, path))
        self.assertIn('Invalid YAQL expression', message)


class DelayPoliciesTest(testtools.TestCase):

    def test_numbers_and_expressions(self):
        task = task_with("""\
wait-before: 2
wait-after: 0.5
timeout: <% $.limit %>""")
        self.assertEqual((2, 0.5, '<% $.limit %>'),
                         (task.wait_before, task.wait_after, task.timeout))

    def test_unset_by_default(self):
        task = task_with('action: std.noop')
        self.assertEqual((None, None, None),
                         (task.wait_before, task.wait_after, task.timeout))

    def test_bad_values(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.wait-before',
              "must be a number of seconds (0 or more) or an expression, not "
              "number '-1'"),
             (6, 'wf.tasks.t1.wait-after',
              "must be a number of seconds (0 or more) or an expression, not "
              "boolean 'True'"),
             (7, 'wf.tasks.t1.timeout',
              "must be a number of seconds (0 or more) or an expression, not "
              "string '10s'")],
            errors_with("""\
wait-before: -1
wait-after: true
timeout: 10s"""))


class ConcurrencyTest(testtools.TestCase):

    def test_positive_integer_or_expression(self):
        self.assertEqual(4, task_with('concurrency: 4').concurrency)
        self.assertEqual('<% $.width %>',
                         task_with('concurrency: <% $.width %>').concurrency)
        self.assertIsNone(task_with('action: std.noop').concurrency)

    def test_bad_values(self):
        for value, shown in (('0', "number '0'"), ('1.5', "number '1.5'"),
                             ('many', "string 'many'")):
            self.assertEqual(
                [(5, 'wf.tasks.t1.concurrency',
                  'must be a positive whole number or an expression, not '
                  f'{shown}')],
                errors_with(f'concurrency: {value}'))


class SwitchPoliciesTest(testtools.TestCase):

    def test_defaults(self):
        task = task_with('action: std.noop')
        self.assertEqual((False, None, True, False),
                         (task.pause_before, task.fail_on, task.keep_result,
                          task.safe_rerun))

    def test_booleans_and_expressions(self):
        task = task_with("""\
pause-before: true
fail-on: <% $.status != 200 %>
keep-result: false
safe-rerun: "{{ _.idempotent }}\"""")
        self.assertEqual(
            (True, '<% $.status != 200 %>', False, '{{ _.idempotent }}'),
            (task.pause_before, task.fail_on, task.keep_result, task.safe_rerun))

    def test_bad_values(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.pause-before',
              "must be true, false or an expression, not string 'yes please'"),
             (6, 'wf.tasks.t1.fail-on',
              "must be true, false or an expression, not string '$.status > 1'"),
             (7, 'wf.tasks.t1.keep-result',
              "must be true, false or an expression, not number '1'"),
             (8, 'wf.tasks.t1.safe-rerun',
              'must be true, false or an expression, not a list')],
            errors_with("""\
pause-before: yes please
fail-on: $.status > 1
keep-result: 1
safe-rerun: [true]"""))
