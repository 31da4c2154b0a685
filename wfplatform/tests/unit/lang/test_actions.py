"""Ad-hoc action documents: specs out, every error with its path and line."""

import textwrap

import testtools

from wfplatform import exceptions
from wfplatform import lang
from wfplatform.lang import specs


def errors_of(text: str) -> list[tuple[int | None, str, str]]:
    """(line, path, message) of each error in ``text``."""
    return [(error.line, error.path, error.message)
            for error in lang.validate_actions(textwrap.dedent(text).lstrip())]


class ParseActionsTest(testtools.TestCase):

    def test_full_action(self):
        [action] = lang.parse_actions(textwrap.dedent("""\
            version: '2.0'
            greet:
              description: Says hello.
              tags: [demo]
              base: std.echo
              base-input:
                output: Hello, <% $.name %>
              input:
                - name
                - greeting: Hi
              output: <% $ %>
            """))
        self.assertEqual(specs.ActionSpec(
            name='greet', base='std.echo',
            base_input={'output': 'Hello, <% $.name %>'},
            input=(specs.InputParam('name'), specs.InputParam('greeting', True, 'Hi')),
            output='<% $ %>', description='Says hello.', tags=('demo',)), action)
        self.assertEqual('name, greeting="Hi"', action.input_signature())

    def test_several_actions_in_written_order(self):
        actions = lang.parse_actions(
            "version: '2.0'\nb:\n  base: std.noop\na:\n  base: std.noop\n")
        self.assertEqual(['b', 'a'], [action.name for action in actions])

    def test_inline_base_parameters(self):
        [action] = lang.parse_actions(
            "version: '2.0'\nsay:\n  base: std.echo output=<% $.text %> n=2\n")
        self.assertEqual('std.echo', action.base)
        self.assertEqual({'output': '<% $.text %>', 'n': 2}, action.base_input)

    def test_base_input_wins_over_inline_parameters(self):
        [action] = lang.parse_actions(textwrap.dedent("""\
            version: '2.0'
            say:
              base: std.echo output=inline
              base-input: {output: explicit, extra: 1}
            """))
        self.assertEqual({'output': 'explicit', 'extra': 1}, action.base_input)

    def test_spec_round_trips(self):
        [action] = lang.parse_actions(
            "version: '2.0'\nsay:\n  base: std.echo\n  input: [a, {b: 1}]\n")
        self.assertEqual(action, specs.ActionSpec.from_dict(action.to_dict()))

    def test_raises_invalid_definition_listing_errors(self):
        error = self.assertRaises(exceptions.InvalidDefinition, lang.parse_actions,
                                  "version: '2.0'\nsay:\n  input: [a]\n")
        self.assertEqual(400, error.http_code)
        self.assertEqual(
            "Invalid action definition:\n  line 2: say: 'base' is required: the "
            'action this one runs', str(error))


class ActionErrorsTest(testtools.TestCase):

    def test_all_errors_at_once_with_lines(self):
        self.assertEqual([
            (2, 'a.bas', "unknown key 'bas' (did you mean 'base'?); allowed keys "
                         'are: base, base-input, description, input, output, tags'),
            (2, 'a', "'base' is required: the action this one runs"),
            (4, 'b.base-input', "must be a mapping, not string 'x'"),
            (5, 'b.input[1]', "input 'p' is declared twice"),
            (6, 'b.tags', "must be a list of strings, not string 'one'"),
            (8, 'c.base', "action 'c' cannot be based on itself"),
        ], errors_of("""
            version: '2.0'
            a: {bas: std.echo}
            b:
              base-input: x
              input: [p, p]
              tags: one
              base: std.noop
            c: {base: c}
            """))

    def test_document_errors(self):
        self.assertEqual([(1, '', 'the definition is empty')], errors_of(''))
        self.assertEqual(
            [(1, '', 'the definition must be a mapping of actions, not a list')],
            errors_of('- a'))
        self.assertEqual([(1, '', "'version' is required; use version: '2.0'"),
                          (1, '', 'the definition does not define any action')],
                         errors_of('{}'))
        self.assertEqual(
            [(1, 'version', "unsupported version string '1.0'; use '2.0'")],
            errors_of("version: '1.0'\na: {base: std.noop}"))

    def test_bad_names(self):
        self.assertEqual([
            (2, 'a b', "action name 'a b' must not contain whitespace, '=' or "
                       'parentheses'),
            (3, '0b2a6a5e-8c4b-4c55-9d55-2d7cbbd0d4d1',
             'action name must not look like a UUID; UUIDs identify actions by id'),
        ], errors_of("""
            version: '2.0'
            a b: {base: std.noop}
            0b2a6a5e-8c4b-4c55-9d55-2d7cbbd0d4d1: {base: std.noop}
            """))

    def test_bad_base(self):
        self.assertEqual([
            (2, 'a.base', 'must be a non-empty string, not number \'1\''),
            (3, 'b.base', "invalid inline parameters: expected 'name=value' at "
                          "'x'"),
        ], errors_of("""
            version: '2.0'
            a: {base: 1}
            b: {base: std.echo x}
            """))

    def test_bad_expressions(self):
        [(line, path, message)] = errors_of("""
            version: '2.0'
            a:
              base: std.echo
              output: <% $.x + %>
            """)
        self.assertEqual((4, 'a.output'), (line, path))

    def test_syntax_error_has_a_line(self):
        [(line, path, message)] = errors_of("version: '2.0'\na: [\n")
        self.assertEqual(3, line)
        self.assertIn('invalid YAML', message)
