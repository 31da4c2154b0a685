"""Every kind of error is reported with its path and line, all at once."""

import textwrap

import testtools

from wfplatform import exceptions
from wfplatform import lang


def errors_of(text: str) -> list[tuple[int | None, str, str]]:
    """(line, path, message) of each error in ``text``."""
    return [(error.line, error.path, error.message)
            for error in lang.validate_workflows(textwrap.dedent(text).lstrip())]


def workflow(tasks: str, extra: str = '') -> str:
    """A document with workflow ``wf``: ``extra`` keys from line 3, then ``tasks``.

    Without ``extra`` the first task is on line 4.
    """
    extra_lines = textwrap.indent(textwrap.dedent(extra).rstrip('\n') + '\n', '  ')
    return ("version: '2.0'\nwf:\n" + (extra_lines if extra else '') + '  tasks:\n'
            + textwrap.indent(textwrap.dedent(tasks), '    '))


class DocumentErrorTest(testtools.TestCase):

    def test_raises_invalid_definition_with_every_error(self):
        text = workflow("""\
            t1:
              action: std.echo
              workflow: sub
            t2:
              on-success: nowhere
        """)
        error = self.assertRaises(exceptions.InvalidDefinition,
                                  lang.parse_workflows, text)
        self.assertIsInstance(error, exceptions.InvalidInput)
        self.assertEqual(400, error.http_code)
        self.assertEqual(2, len(error.errors))
        self.assertEqual(
            'Invalid workflow definition:\n'
            "  line 5: wf.tasks.t1.action: task must have either 'action' or "
            "'workflow', not both\n"
            "  line 8: wf.tasks.t2.on-success: unknown task 'nowhere'; a transition "
            'leads to a task of this workflow or to one of the engine commands '
            'fail, noop, pause, succeed', str(error))

    def test_errors_are_frozen_dataclasses(self):
        [error] = lang.validate_workflows('')
        self.assertEqual(lang.SpecError('', 1, 'the definition is empty'), error)
        self.assertRaises(AttributeError, setattr, error, 'line', 2)

    def test_empty_document(self):
        self.assertEqual([(1, '', 'the definition is empty')], errors_of(''))
        self.assertEqual([(1, '', 'the definition is empty')], errors_of('# nothing'))

    def test_document_not_a_mapping(self):
        self.assertEqual(
            [(1, '', 'the definition must be a mapping of workflows, not a list')],
            errors_of('- a\n- b\n'))

    def test_invalid_yaml_names_line_and_column(self):
        [(line, path, message)] = errors_of("version: '2.0'\nwf:\n  tasks: [\n")
        self.assertEqual((4, ''), (line, path))
        self.assertIn('invalid YAML at column 1', message)

    def test_aliases_are_refused(self):
        text = """\
            version: '2.0'
            wf:
              vars: &shared {a: 1}
              output: *shared
              tasks:
                t1: {}
        """
        [(line, _, message)] = errors_of(text)
        self.assertEqual(3, line)
        self.assertIn('YAML anchors and aliases are not allowed', message)

    def test_billion_laughs_is_refused_before_expanding(self):
        bomb = "version: '2.0'\na: &a [x, x, x, x, x, x, x, x, x]\n" + ''.join(
            f'{name}: &{name} [{", ".join(["*" + previous] * 9)}]\n'
            for previous, name in zip('abcdefgh', 'bcdefghi'))
        [(line, _, message)] = errors_of(bomb)
        self.assertEqual(2, line)
        self.assertIn('anchors and aliases', message)

    def test_missing_version(self):
        text = 'wf:\n  tasks:\n    t1: {}\n'
        self.assertEqual([(1, '', "'version' is required; use version: '2.0'")],
                         errors_of(text))

    def test_wrong_version(self):
        text = "version: '1.0'\nwf:\n  tasks:\n    t1: {}\n"
        self.assertEqual(
            [(1, 'version', "unsupported version string '1.0'; use '2.0'")],
            errors_of(text))

    def test_no_workflow(self):
        self.assertEqual(
            [(1, '', 'the definition does not define any workflow')],
            errors_of("version: '2.0'\n"))

    def test_duplicate_keys(self):
        text = """\
            version: '2.0'
            wf:
              tasks:
                t1: {action: std.noop}
            wf:
              tasks:
                t1: {action: std.noop}
        """
        self.assertEqual([(5, 'wf', "duplicate key 'wf' (first on line 2)")],
                         errors_of(text))

    def test_several_errors_in_line_order(self):
        text = workflow("""\
            t1:
              actoin: std.echo
              on-success: [t2, t3]
            t2:
              join: zero
        """, extra="""\
            type: sideways
            input: name
        """)
        self.assertEqual(
            [3, 4, 7, 8, 10],
            [line for line, _, _ in errors_of(text)])


class WorkflowErrorTest(testtools.TestCase):

    def test_unknown_key_suggests_the_closest(self):
        [(line, path, message)] = errors_of(workflow('t1: {}', extra='ouput: {}'))
        self.assertEqual((3, 'wf.ouput'), (line, path))
        self.assertTrue(message.startswith(
            "unknown key 'ouput' (did you mean 'output'?); allowed keys are: "
            'description, input, output,'), message)

    def test_tasks_required_and_non_empty(self):
        self.assertEqual([(2, 'wf', "'tasks' is required")],
                         errors_of("version: '2.0'\nwf:\n  description: x\n"))
        self.assertEqual(
            [(3, 'wf.tasks', 'workflow must have at least one task')],
            errors_of("version: '2.0'\nwf:\n  tasks: {}\n"))

    def test_workflow_must_be_a_mapping(self):
        self.assertEqual([(2, 'wf', 'must be a mapping, not string \'oops\'')],
                         errors_of("version: '2.0'\nwf: oops\n"))

    def test_input_forms(self):
        text = workflow('t1: {}', extra="""\
            input:
              - a
              - {b: 1, c: 2}
              - a
              - 3
        """)
        self.assertEqual(
            [(5, 'wf.input[1]', 'an input with a default must be a mapping with '
                                'one key, not 2 keys'),
             (6, 'wf.input[2]', "input 'a' is declared twice"),
             (7, 'wf.input[3]', "input name must be a non-empty string, not "
                                "number '3' (quote it in YAML)")],
            errors_of(text))

    def test_tags_must_be_unique_strings(self):
        self.assertEqual([(3, 'wf.tags', 'tags must be unique')],
                         errors_of(workflow('t1: {}', extra='tags: [a, a]')))
        self.assertEqual(
            [(3, 'wf.tags[1]', "must be a non-empty string, not number '2'")],
            errors_of(workflow('t1: {}', extra='tags: [a, 2]')))

    def test_vars_must_be_a_mapping(self):
        self.assertEqual(
            [(3, 'wf.vars', "must be a mapping, not string '<% $.x %>'")],
            errors_of(workflow('t1: {}', extra='vars: <% $.x %>')))

    def test_workflow_names(self):
        text = """\
            version: '2.0'
            my wf:
              tasks: {t1: {}}
            11111111-2222-3333-4444-555555555555:
              tasks: {t1: {}}
        """
        self.assertEqual(
            [(2, 'my wf', "workflow name 'my wf' must not contain whitespace, '=' "
                          'or parentheses'),
             (4, '11111111-2222-3333-4444-555555555555',
              'workflow name must not look like a UUID; UUIDs identify workflows '
              'by id')],
            errors_of(text))

    def test_no_start_task(self):
        text = workflow("""\
            a: {on-success: b}
            b: {on-success: a}
        """)
        self.assertEqual(
            [(3, 'wf.tasks', 'no task to start with: every task is the target of '
                             'a transition')], errors_of(text))

    def test_join_needs_enough_inbound_tasks(self):
        text = workflow("""\
            a: {on-success: c}
            b: {}
            c: {join: 2}
            d: {join: all}
        """)
        self.assertEqual(
            [(6, 'wf.tasks.c.join', 'join needs 2 task(s) leading here, but 1 do'),
             (7, 'wf.tasks.d.join', 'join needs 1 task(s) leading here, but 0 do')],
            errors_of(text))


class TaskErrorTest(testtools.TestCase):

    def test_unknown_task_key(self):
        [(line, path, message)] = errors_of(workflow("""\
            t1:
              pubish: {}
        """))
        self.assertEqual((5, 'wf.tasks.t1.pubish'), (line, path))
        self.assertIn("(did you mean 'publish'?)", message)

    def test_task_names(self):
        text = workflow("""\
            fail: {}
            on: {}
            "two words": {}
            ok: {}
        """)
        self.assertEqual(
            [(4, 'wf.tasks.fail', "'fail' is an engine command and cannot name a "
                                  'task'),
             (5, 'wf.tasks.True', "task name must be a non-empty string, not "
                                  "boolean 'True' (quote it in YAML)"),
             (6, 'wf.tasks.two words', "task name 'two words' must not contain "
                                       "whitespace, '=' or parentheses")],
            errors_of(text))

    def test_task_must_be_a_mapping(self):
        self.assertEqual(
            [(4, 'wf.tasks.t1', 'must be a mapping, not null (nothing)')],
            errors_of(workflow('t1:\n')))

    def test_join_values(self):
        text = workflow("""\
            a: {on-success: [b, c, d]}
            b: {join: 0}
            c: {join: some}
            d: {join: true}
        """)
        self.assertEqual(
            [(5, 'wf.tasks.b.join', "must be 'all', 'one' or a positive integer, "
                                    "not number '0'"),
             (6, 'wf.tasks.c.join', "must be 'all', 'one' or a positive integer, "
                                    "not string 'some'"),
             (7, 'wf.tasks.d.join', "must be 'all', 'one' or a positive integer, "
                                    "not boolean 'True'")],
            errors_of(text))

    def test_input_must_be_mapping_or_expression(self):
        self.assertEqual(
            [(5, 'wf.tasks.t1.input', "must be a mapping or an expression, not "
                                      "string 'plain'")],
            errors_of(workflow('t1:\n  input: plain\n')))

    def test_expression_input_cannot_take_inline_parameters(self):
        text = workflow("""\
            t1:
              action: std.echo output=1
              input: <% $.all %>
        """)
        self.assertEqual(
            [(6, 'wf.tasks.t1.input', 'an expression input cannot be combined '
                                      'with inline parameters')], errors_of(text))

    def test_bad_inline_parameters(self):
        [(line, path, message)] = errors_of(workflow("""\
            t1:
              action: std.echo output="unclosed
        """))
        self.assertEqual((5, 'wf.tasks.t1.action'), (line, path))
        self.assertEqual("invalid inline parameters: value of parameter 'output' "
                         'has no closing "', message)

    def test_publish_must_name_variables(self):
        text = workflow("""\
            t1:
              publish: [a, b]
              publish-on-error:
                "bad name": 1
        """)
        self.assertEqual(
            [(5, 'wf.tasks.t1.publish', 'must be a mapping, not a list'),
             (7, 'wf.tasks.t1.publish-on-error.bad name',
              "variable name 'bad name' must not contain whitespace, '=' or "
              'parentheses')], errors_of(text))


class TransitionErrorTest(testtools.TestCase):

    def test_unknown_targets_name_the_line_of_each_item(self):
        text = workflow("""\
            task1:
              on-success:
                - task2
                - tsak2
              on-error: {tas2: <% $.x %>}
            task2: {}
        """)
        self.assertEqual(
            [(7, 'wf.tasks.task1.on-success[1]',
              "unknown task 'tsak2' (did you mean 'task2'?); a transition leads to "
              'a task of this workflow or to one of the engine commands fail, noop, '
              'pause, succeed'),
             (8, 'wf.tasks.task1.on-error',
              "unknown task 'tas2' (did you mean 'task2'?); a transition leads to "
              'a task of this workflow or to one of the engine commands fail, noop, '
              'pause, succeed')], errors_of(text))

    def test_condition_must_be_an_expression(self):
        [(line, _, message)] = errors_of(workflow("""\
            t1:
              on-success:
                - t2: $.x > 1
            t2: {}
        """))
        self.assertEqual(6, line)
        self.assertIn("the condition must be an expression such as <% $.x > 1 %>",
                      message)

    def test_engine_command_parameters(self):
        text = workflow("""\
            t1:
              on-success:
                - fail reason=1
                - noop msg=x
              on-error: t2 msg=1
            t2: {}
        """)
        self.assertEqual(
            [(6, 'wf.tasks.t1.on-success[0]',
              "engine command 'fail' does not take reason; it takes only 'msg'"),
             (7, 'wf.tasks.t1.on-success[1]',
              "engine command 'noop' does not take msg; it takes none"),
             (8, 'wf.tasks.t1.on-error',
              "transition to task 't2' cannot take parameters; only engine "
              'commands do')], errors_of(text))

    def test_duplicates_and_malformed_items(self):
        text = workflow("""\
            t1:
              on-success:
                - t2
                - t2
                - {t2: <% 1 %>, t3: <% 2 %>}
                - []
              on-error: []
            t2: {}
            t3: {}
        """)
        self.assertEqual(
            [(7, 'wf.tasks.t1.on-success[1]', "duplicate transition to 't2'"),
             (8, 'wf.tasks.t1.on-success[2]',
              'a conditional transition must be a mapping with one key, the task, '
              'not 2 keys'),
             (9, 'wf.tasks.t1.on-success[3]',
              'must be a non-empty string, not a list'),
             (10, 'wf.tasks.t1.on-error', 'must list at least one task')],
            errors_of(text))


class ExpressionErrorTest(testtools.TestCase):

    def test_syntax_errors_everywhere_are_reported(self):
        text = workflow("""\
            t1:
              action: std.echo output=<% $.a + %>
              input:
                nested:
                  - ok
                  - "{{ _.b | nofilter }}"
              publish:
                p: <% $.( %>
              on-success:
                - t2: <% $.c = = 1 %>
                - fail msg="{{ _.d + }}"
            t2: {}
        """, extra="""\
            vars:
              v: <% $.v + %>
            output:
              o: "{% if %}"
        """)
        found = errors_of(text)
        self.assertEqual(
            [(4, 'wf.vars.v'), (6, 'wf.output.o'),
             (9, 'wf.tasks.t1.action.output'), (13, 'wf.tasks.t1.input.nested[1]'),
             (15, 'wf.tasks.t1.publish.p'), (17, 'wf.tasks.t1.on-success[0]'),
             (18, 'wf.tasks.t1.on-success[1].msg')],
            [(line, path) for line, path, _ in found])
        self.assertIn('Invalid YAQL expression [expression=$.a +', found[2][2])
        self.assertIn('Invalid Jinja expression', found[3][2])

    def test_mixed_languages_in_one_string(self):
        [(line, path, message)] = errors_of(workflow("""\
            t1:
              publish:
                x: <% $.a %> and {{ _.b }}
        """))
        self.assertEqual((6, 'wf.tasks.t1.publish.x'), (line, path))
        self.assertIn('YAQL and Jinja expressions can not be mixed', message)
