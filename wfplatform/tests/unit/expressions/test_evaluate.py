"""evaluate(): walking data, raw values versus text, and the error contract."""

import testtools

from wfplatform import exceptions
from wfplatform import expressions

DATA = {'name': 'vm1', 'count': 3, 'numbers': [1, 2, 3], 'server': {'id': 'abc'},
        'empty': None, 'secret': 'TOKEN-123'}


class EvaluateTest(testtools.TestCase):

    def test_plain_values_pass_through(self):
        for value in ('plain text', 42, 1.5, True, None, '{not jinja}', '100%'):
            self.assertEqual(value, expressions.evaluate(value, DATA))

    def test_single_expression_keeps_its_type(self):
        self.assertEqual([1, 2, 3], expressions.evaluate('<% $.numbers %>', DATA))
        self.assertEqual([1, 2, 3], expressions.evaluate('{{ _.numbers }}', DATA))
        self.assertEqual(3, expressions.evaluate('<% $.count %>', DATA))
        self.assertEqual(3, expressions.evaluate('{{ _.count }}', DATA))
        self.assertEqual({'id': 'abc'}, expressions.evaluate('<% $.server %>', DATA))
        self.assertIsNone(expressions.evaluate('<% $.empty %>', DATA))
        self.assertIs(True, expressions.evaluate('{{ _.count > 2 }}', DATA))

    def test_expression_inside_text_is_rendered(self):
        self.assertEqual('vm1 has 3 items',
                         expressions.evaluate('<% $.name %> has <% $.count %> items',
                                              DATA))
        self.assertEqual('vm1 has 3 items',
                         expressions.evaluate('{{ _.name }} has {{ _.count }} items',
                                              DATA))
        self.assertEqual('list: [1, 2, 3]',
                         expressions.evaluate('list: <% $.numbers %>', DATA))
        self.assertEqual(' 3', expressions.evaluate(' <% $.count %>', DATA))

    def test_two_expressions_make_text(self):
        self.assertEqual('33', expressions.evaluate('<% $.count %><% $.count %>',
                                                    DATA))
        self.assertEqual('33', expressions.evaluate('{{ _.count }}{{ _.count }}',
                                                    DATA))

    def test_jinja_statements_render_text(self):
        template = '{% for i in _.numbers %}[{{ i }}]{% endfor %}'
        self.assertEqual('[1][2][3]', expressions.evaluate(template, DATA))
        self.assertEqual('yes', expressions.evaluate(
            '{% if _.count > 2 %}yes{% else %}no{% endif %}', DATA))

    def test_nested_structures(self):
        value = {'a': ['<% $.name %>', {'b': '{{ _.count * 2 }}'}, 7],
                 'c': ('<% $.numbers.len() %>', 'x'),
                 '<% $.name %>': 'keys are not evaluated'}
        self.assertEqual(
            {'a': ['vm1', {'b': 6}, 7], 'c': [3, 'x'],
             '<% $.name %>': 'keys are not evaluated'},
            expressions.evaluate(value, DATA))

    def test_input_is_not_changed(self):
        value = {'a': ['<% $.name %>']}
        expressions.evaluate(value, DATA)
        self.assertEqual({'a': ['<% $.name %>']}, value)

    def test_multiline_expressions(self):
        self.assertEqual(4, expressions.evaluate('<% $.count\n + 1 %>', DATA))
        self.assertEqual(4, expressions.evaluate('{{ _.count\n + 1 }}', DATA))

    def test_jinja_whitespace_control_still_single_expression(self):
        self.assertEqual([1, 2, 3], expressions.evaluate('{{- _.numbers -}}', DATA))

    def test_results_are_plain_data(self):
        result = expressions.evaluate(
            {'a': '<% dict(x => [1, 2]).set(y, list(3, 4)) %>',
             'b': '{{ _.numbers | map("string") }}', 'c': '<% set(1, 2) %>'}, DATA)
        self.assertEqual({'a': {'x': [1, 2], 'y': [3, 4]}, 'b': ['1', '2', '3'],
                          'c': [1, 2]}, result)
        self.assertIs(dict, type(result['a']))
        self.assertIs(list, type(result['a']['y']))

    def test_mixed_languages_are_refused(self):
        error = self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                                  '<% $.name %> {{ _.name }}', DATA)
        self.assertIn('YAQL and Jinja expressions can not be mixed', str(error))

    def test_error_is_a_wfplatform_error_naming_the_expression(self):
        error = self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                                  {'x': ['<% $.server.id.missing %>']}, DATA)
        self.assertIsInstance(error, exceptions.WfplatformError)
        self.assertIn('Can not evaluate YAQL expression '
                      '[expression=$.server.id.missing, error=', str(error))

    def test_errors_do_not_leak_the_context(self):
        for expression in ('<% 1 / 0 %>', '{{ 1 / 0 }}', 'x {{ 1 / 0 }}',
                           '<% $.missing %>', '{{ _.missing }}'):
            error = self.assertRaises(expressions.ExpressionError,
                                      expressions.evaluate, expression, DATA)
            self.assertNotIn('TOKEN-123', str(error))

    def test_original_error_is_chained(self):
        error = self.assertRaises(expressions.ExpressionError,
                                  expressions.evaluate, '<% 1 / 0 %>', {})
        self.assertIsInstance(error.__cause__, ZeroDivisionError)


class ValidateTest(testtools.TestCase):

    def test_valid_text(self):
        for text in ('plain', '<% $.a + 1 %>', 'x <% $.a %> y <% $.b %>',
                     '{{ _.a }}', '{% for x in _.a %}{{ x }}{% endfor %}',
                     '<% task(t1).result %>', '{{ task("t1").result | json_dump }}'):
            self.assertEqual([], expressions.validate(text), text)

    def test_yaql_syntax_errors_one_per_expression(self):
        problems = expressions.validate('<% $.a + %> and <% ) %> and <% 1 %>')
        self.assertEqual(2, len(problems))
        self.assertTrue(problems[0].startswith(
            'Invalid YAQL expression [expression=$.a +, error='), problems[0])

    def test_jinja_syntax_errors(self):
        [problem] = expressions.validate('{{ _.a + }}')
        self.assertTrue(problem.startswith('Invalid Jinja expression'), problem)
        [problem] = expressions.validate('{% for x in %}')
        self.assertIn('Invalid Jinja expression', problem)

    def test_unknown_jinja_filter_is_a_syntax_error(self):
        [problem] = expressions.validate('{{ _.a | no_such_filter }}')
        self.assertIn("No filter named 'no_such_filter'", problem)

    def test_has_expression(self):
        self.assertTrue(expressions.has_expression('a <% 1 %>'))
        self.assertTrue(expressions.has_expression('{{ 1 }}'))
        self.assertTrue(expressions.has_expression('{% if 1 %}{% endif %}'))
        self.assertFalse(expressions.has_expression('{ 1 }'))
        self.assertFalse(expressions.has_expression('<% unclosed'))
        self.assertFalse(expressions.has_expression('100% <b>'))
