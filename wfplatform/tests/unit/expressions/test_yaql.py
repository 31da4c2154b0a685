"""YAQL behaviour that workflows rely on, matching Mistral where it is defined."""

import testtools

from wfplatform import expressions

SERVERS = {'servers': [{'name': 'centos'}, {'name': 'ubuntu'}, {'name': 'fedora'}],
           'status': 'OK', 'nested': {'a': {'b': 1}}}


def evaluate(expression, data=SERVERS):
    return expressions.evaluate('<% ' + expression + ' %>', data)


class YaqlTest(testtools.TestCase):

    def test_queries(self):
        self.assertEqual([{'name': 'ubuntu'}],
                         evaluate('$.servers.where($.name = ubuntu)'))
        self.assertEqual(['centos', 'ubuntu', 'fedora'],
                         evaluate('$.servers.select($.name)'))
        self.assertEqual(3, evaluate('$.servers.len()'))
        self.assertEqual('ubuntu', evaluate('$.servers[1].name'))

    def test_bare_words_are_strings(self):
        self.assertEqual('abc', evaluate('abc'))
        self.assertTrue(evaluate('$.status = OK'))

    def test_missing_key_is_an_error_like_mistral(self):
        error = self.assertRaises(expressions.ExpressionError, evaluate,
                                  '$.wrong_key')
        self.assertEqual("Can not evaluate YAQL expression [expression=$.wrong_key, "
                         "error=key 'wrong_key' not found]", str(error))

    def test_missing_key_alternatives(self):
        self.assertIsNone(evaluate('$.get(wrong_key)'))
        self.assertEqual(5, evaluate('$.get(wrong_key, 5)'))
        self.assertEqual('dflt', evaluate("$.nested.get(x, dflt)"))

    def test_unset_variable_is_null(self):
        self.assertIsNone(evaluate('$unset'))

    def test_null_data_context(self):
        self.assertIsNone(expressions.evaluate('<% $ %>', None))

    def test_functions_from_the_standard_library(self):
        self.assertEqual('3', evaluate('str($)', 3))
        self.assertEqual(3, evaluate('len($)', 'hey'))
        self.assertEqual({'a': 1, 'b': 2}, evaluate('dict(a => 1, b => 2)'))
        self.assertEqual('a-b', evaluate("list(a, b).join('-')"))
        self.assertEqual([0, 1, 2], evaluate('range(3)'))

    def test_sets_become_lists(self):
        result = evaluate('$.toSet()', [{'k': 1}, {'k': 2}])
        self.assertIsInstance(result, list)
        self.assertEqual(2, len(result))

    def test_datetimes_become_text(self):
        self.assertIsInstance(evaluate('now()'), str)

    def test_errors(self):
        for expression, cause in (('1 / 0', 'division or modulo by zero'),
                                  ('$.servers[7]', 'index out of range'),
                                  ('no_such_function()',
                                   'Unknown function "no_such_function"'),
                                  ('$.a +', 'Parse error')):
            error = self.assertRaises(expressions.ExpressionError, evaluate,
                                      expression)
            self.assertIn(f'[expression={expression}, error=', str(error))
            self.assertIn(cause, str(error))
