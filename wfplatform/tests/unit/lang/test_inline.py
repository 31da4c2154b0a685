"""The inline ``name key=value`` form: values, separators and errors."""

import testtools

from wfplatform.lang import inline


def params(text: str) -> dict:
    return inline.parse_command(text).params


class InlineCommandTest(testtools.TestCase):

    def test_name_only(self):
        self.assertEqual(inline.Command('std.noop', {}),
                         inline.parse_command('  std.noop  '))

    def test_scalars(self):
        self.assertEqual(
            {'count': 3, 'ratio': 1.5, 'negative': -2, 'on': True, 'off': False,
             'nothing': None},
            params('std.echo count=3 ratio=1.5 negative=-2 on=true off=false '
                   'nothing=null'))

    def test_quoted_strings_keep_their_text(self):
        self.assertEqual(
            {'a': 'two words', 'b': "it's", 'c': '3', 'd': '', 'e': 'x\\ny'},
            params('''std.echo a="two words" b="it's" c='3' d="" e="x\\ny"'''))

    def test_bare_words_are_strings(self):
        self.assertEqual({'url': 'http://host/path?a=b&c=d', 'word': 'hello'},
                         params('std.http url=http://host/path?a=b&c=d word=hello'))

    def test_expressions_may_contain_spaces(self):
        self.assertEqual(
            {'x': '<% $.a + $.b %>', 'y': '{{ _.a ~ " " ~ _.b }}',
             'z': '{% if _.a %}yes{% endif %}'},
            params('std.echo x=<% $.a + $.b %> y={{ _.a ~ " " ~ _.b }} '
                   'z={% if _.a %}yes{% endif %}'))

    def test_lists_and_mappings_json_or_yaml_flow(self):
        self.assertEqual(
            {'a': [1, 'two', {'k': [3]}], 'b': {'x': 'y z', 'n': None},
             'c': ['p', 'q'], 'd': {'quoted': ']'}},
            params('std.echo a=[1, "two", {"k": [3]}] b={"x": "y z", "n": null} '
                   'c=[p, q] d={"quoted": "]"}'))

    def test_expression_as_name(self):
        self.assertEqual(inline.Command('<% $.action %>', {'a': 1}),
                         inline.parse_command('<% $.action %> a=1'))

    def test_parenthesised_form(self):
        self.assertEqual(inline.Command('fail', {'msg': 'it broke', 'code': 2}),
                         inline.parse_command('fail(msg="it broke", code=2)'))
        self.assertEqual(inline.Command('fail', {'msg': '<% $.why %>'}),
                         inline.parse_command('fail(msg=<% $.why %>)'))

    def test_parameter_names_may_have_dashes(self):
        self.assertEqual({'max-size': 10}, params('a.b max-size=10'))


class InlineErrorTest(testtools.TestCase):

    def assert_error(self, text: str, message: str) -> None:
        error = self.assertRaises(inline.InlineSyntaxError,
                                  inline.parse_command, text)
        self.assertEqual(message, str(error))

    def test_missing_value(self):
        self.assert_error('std.echo a=', "parameter 'a' has no value")
        self.assert_error('std.echo a= b=1', "parameter 'a' has no value")

    def test_not_a_pair(self):
        self.assert_error('std.echo hello', "expected 'name=value' at 'hello'")

    def test_repeated_parameter(self):
        self.assert_error('std.echo a=1 a=2', "parameter 'a' is given twice")

    def test_unclosed_values(self):
        self.assert_error('std.echo a="x', "value of parameter 'a' has no closing \"")
        self.assert_error('std.echo a=<% $.x', "value of parameter 'a' has no "
                                               'closing %>')
        self.assert_error('std.echo a=[1, 2', "value of parameter 'a' has "
                                              'unbalanced brackets')

    def test_text_after_a_value(self):
        self.assert_error('std.echo a="x"y', "unexpected 'y' after the value of "
                                             "parameter 'a'")

    def test_invalid_structure(self):
        error = self.assertRaises(inline.InlineSyntaxError, inline.parse_command,
                                  'std.echo a={x: [1}]}')
        self.assertIn("value of parameter 'a' is not a valid list or mapping",
                      str(error))

    def test_missing_name(self):
        self.assert_error('output=1', "'output=1' does not start with a name")
        self.assert_error('', "'' does not start with a name")

    def test_unclosed_parenthesis(self):
        self.assert_error('fail(msg=1', "missing ')' at the end of 'fail(msg=1'")


class InlineWordTest(testtools.TestCase):

    def test_expressions_inside_words(self):
        self.assertEqual(
            {'path': '/tmp/<% $.dir %>/file', 'name': '{{ _.first }}-{{ _.last }}',
             'n': 5},
            params('std.echo path=/tmp/<% $.dir %>/file '
                   'name={{ _.first }}-{{ _.last }} n=5'))

    def test_numbers_stay_numbers_only_when_whole(self):
        self.assertEqual({'a': '3x', 'b': 3, 'c': 'true-ish'},
                         params('std.echo a=3x b=3 c=true-ish'))
