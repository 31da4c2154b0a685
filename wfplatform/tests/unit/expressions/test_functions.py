"""task(), tasks(), execution(), env(), global(), uuid() and the JSON/YAML functions
in both languages."""

import json
import uuid

import testtools

from wfplatform import expressions
from wfplatform.expressions import functions

TASKS = {
    't1': {'id': 'id-1', 'name': 't1', 'spec': {}, 'state': 'SUCCESS',
           'state_info': None, 'result': {'out': [1, 2]}, 'published': {'p': 1}},
    't2': {'id': 'id-2', 'name': 't2', 'spec': {}, 'state': 'ERROR',
           'state_info': 'boom', 'result': None, 'published': {}},
}
RUNTIME = expressions.StaticRuntime(
    current_task='t2', tasks_data=TASKS,
    execution_data={'id': 'ex-1', 'name': 'wf', 'input': {'a': 1},
                    'params': {'env': {'region': 'r1'}}, 'created_at': '2024-01-01'},
    env_data={'region': 'r1', 'url': 'http://x'},
    global_data={'counter': 3, 'servers': ['a', 'b']})


def evaluate(text, data=None):
    return expressions.evaluate(text, data or {}, RUNTIME)


class TaskFunctionTest(testtools.TestCase):

    def test_named_task(self):
        self.assertEqual({'out': [1, 2]}, evaluate('<% task(t1).result %>'))
        self.assertEqual({'out': [1, 2]}, evaluate("<% task('t1').result %>"))
        self.assertEqual({'out': [1, 2]}, evaluate("{{ task('t1').result }}"))
        self.assertEqual('SUCCESS', evaluate('<% task(t1).state %>'))
        self.assertEqual({'p': 1}, evaluate("{{ task('t1').published }}"))
        self.assertEqual('id-1', evaluate('<% task(t1).id %>'))

    def test_current_task(self):
        self.assertEqual('boom', evaluate('<% task().state_info %>'))
        self.assertEqual('boom', evaluate('{{ task().state_info }}'))

    def test_unknown_task_is_null(self):
        self.assertIsNone(evaluate('<% task(nope) %>'))
        self.assertIsNone(evaluate("{{ task('nope') }}"))

    def test_mistral_filter_form(self):
        self.assertEqual('SUCCESS', evaluate("{{ (_ | task('t1')).state }}"))
        self.assertEqual('r1', evaluate('{{ (_ | env).region }}'))

    def test_task_result_usable_in_queries(self):
        self.assertEqual([2, 4], evaluate('<% task(t1).result.out.select($ * 2) %>'))

    def test_without_runtime_there_is_no_task(self):
        self.assertIsNone(expressions.evaluate('<% task() %>', {}))
        self.assertEqual({}, expressions.evaluate('{{ env() }}', {}))

    def test_runtime_is_per_evaluation(self):
        other = expressions.StaticRuntime(tasks_data={'t1': {'result': 'other'}})
        self.assertEqual('other', expressions.evaluate('<% task(t1).result %>', {},
                                                       other))
        self.assertEqual({'out': [1, 2]}, evaluate('<% task(t1).result %>'))

    def test_runtime_is_not_reachable_from_expressions(self):
        self.assertRaises(expressions.ExpressionError, evaluate, '<% $#runtime %>')
        self.assertRaises(expressions.ExpressionError, evaluate,
                          "{{ _['#runtime'] }}")


class TasksFunctionTest(testtools.TestCase):

    def names(self, text):
        return [task['name'] for task in evaluate(text)]

    def test_all_tasks_of_this_execution(self):
        self.assertEqual(['t1', 't2'], self.names('<% tasks() %>'))
        self.assertEqual(['t1', 't2'], self.names('{{ tasks() }}'))
        self.assertEqual(['t1', 't2'], self.names('{{ _ | tasks }}'))

    def test_mistral_positional_signature(self):
        self.assertEqual(['t2'], self.names(
            '<% tasks(execution().id, true, ERROR, false) %>'))
        self.assertEqual(['t1'], self.names(
            "{{ tasks(execution().id, true, 'SUCCESS') }}"))
        self.assertEqual(['t1'], self.names("<% tasks(null, false, 'SUCCESS') %>"))

    def test_keyword_arguments(self):
        self.assertEqual(['t2'], self.names('<% tasks(state => ERROR) %>'))
        self.assertEqual(['t2'], self.names("{{ tasks(state='ERROR') }}"))
        self.assertEqual(['t1'], self.names("{{ _ | tasks(state='SUCCESS') }}"))

    def test_tasks_look_like_task(self):
        self.assertEqual(evaluate('<% task(t1) %>'), evaluate('<% tasks()[0] %>'))
        self.assertEqual(evaluate("{{ task('t1') }}"), evaluate('{{ tasks()[0] }}'))
        self.assertEqual(set(functions.TASK_FIELDS), set(evaluate('<% task(t1) %>')))

    def test_usable_in_queries(self):
        self.assertEqual(['boom'], evaluate(
            '<% tasks().where($.state = ERROR).select($.state_info) %>'))
        self.assertEqual(1, evaluate(
            "{{ tasks() | selectattr('state', 'equalto', 'ERROR') | list | length }}"))

    def test_runtime_receives_the_arguments(self):
        calls = []

        class Recording(expressions.StaticRuntime):
            def tasks(self, *args):
                calls.append(args)
                return []

        runtime = Recording()
        expressions.evaluate('<% tasks(wf2, true, RUNNING, true) %>', {}, runtime)
        expressions.evaluate("{{ tasks(state='PAUSED', flat=true) }}", {}, runtime)
        expressions.evaluate('<% tasks() %>', {}, runtime)
        self.assertEqual([('wf2', True, 'RUNNING', True),
                          (None, False, 'PAUSED', True),
                          (None, False, None, False)], calls)


class GlobalFunctionTest(testtools.TestCase):

    def test_global_variable(self):
        self.assertEqual(3, evaluate('<% global(counter) %>'))
        self.assertEqual(3, evaluate("<% global('counter') %>"))
        self.assertEqual(3, evaluate("{{ global('counter') }}"))
        self.assertEqual(3, evaluate("{{ _ | global('counter') }}"))
        self.assertEqual(['a', 'b'], evaluate("{{ global('servers') }}"))

    def test_missing_global_is_null_like_mistral(self):
        self.assertIsNone(evaluate('<% global(nope) %>'))
        self.assertIsNone(evaluate("{{ global('nope') }}"))

    def test_global_is_not_the_data_context(self):
        self.assertEqual(3, evaluate('<% global(counter) %>', {'counter': 'local'}))
        self.assertEqual('local', evaluate('<% $.counter %>', {'counter': 'local'}))


class ExecutionAndEnvTest(testtools.TestCase):

    def test_execution(self):
        self.assertEqual('ex-1', evaluate('<% execution().id %>'))
        self.assertEqual({'a': 1}, evaluate('{{ execution().input }}'))
        self.assertEqual('r1', evaluate('<% execution().params.env.region %>'))

    def test_execution_has_mistral_fields(self):
        value = evaluate('<% execution() %>')
        self.assertEqual(set(functions.EXECUTION_FIELDS), set(value))
        self.assertIsNone(evaluate('{{ execution().root_execution_id }}'))
        self.assertIsNone(evaluate('<% execution().updated_at %>'))

    def test_env(self):
        self.assertEqual('http://x', evaluate('<% env().url %>'))
        self.assertEqual('http://x', evaluate('{{ env().url }}'))


class UuidTest(testtools.TestCase):

    def test_uuid_in_both_languages(self):
        for text in ('<% uuid() %>', '{{ uuid() }}', '{{ _ | uuid }}'):
            value = evaluate(text)
            self.assertEqual(value, str(uuid.UUID(value)))

    def test_uuid_differs_each_call(self):
        self.assertNotEqual(evaluate('<% uuid() %>'), evaluate('<% uuid() %>'))


class JsonYamlFunctionTest(testtools.TestCase):

    DATA = {'doc': '{"a": [1, {"b": null}]}', 'yaml': 'a: [1, 2]\nb: text\n',
            'value': {'k': [1, 'v']}}

    def test_json_parse(self):
        self.assertEqual({'a': [1, {'b': None}]},
                         evaluate('<% json_parse($.doc) %>', self.DATA))
        self.assertEqual({'a': [1, {'b': None}]},
                         evaluate('{{ json_parse(_.doc) }}', self.DATA))
        self.assertEqual({'a': [1, {'b': None}]},
                         evaluate('{{ _.doc | json_parse }}', self.DATA))

    def test_json_dump_like_mistral(self):
        expected = json.dumps({'k': [1, 'v']}, indent=4)
        for text in ('<% json_dump($.value) %>', '<% json_dumps($.value) %>',
                     '{{ json_dump(_.value) }}', '{{ _.value | json_dump }}',
                     '{{ _ | json_dump(_.value) }}'):
            self.assertEqual(expected, evaluate(text, self.DATA), text)

    def test_yaml_parse_and_dump(self):
        self.assertEqual({'a': [1, 2], 'b': 'text'},
                         evaluate('<% yaml_parse($.yaml) %>', self.DATA))
        self.assertEqual({'a': [1, 2], 'b': 'text'},
                         evaluate('{{ _.yaml | yaml_parse }}', self.DATA))
        self.assertEqual('k:\n- 1\n- v\n', evaluate('<% yaml_dump($.value) %>',
                                                    self.DATA))
        self.assertEqual('k:\n- 1\n- v\n', evaluate('{{ yaml_dump(_.value) }}',
                                                    self.DATA))

    def test_yaml_parse_refuses_aliases(self):
        data = {'bomb': 'a: &a [x, x]\nb: [*a, *a]\n'}
        for text in ('<% yaml_parse($.bomb) %>', '{{ yaml_parse(_.bomb) }}'):
            error = self.assertRaises(expressions.ExpressionError, evaluate, text,
                                      data)
            self.assertIn('anchors and aliases are not allowed', str(error))

    def test_yaml_parse_is_safe(self):
        data = {'doc': '!!python/object/apply:os.system ["true"]'}
        self.assertRaises(expressions.ExpressionError, evaluate,
                          '<% yaml_parse($.doc) %>', data)

    def test_bad_json_is_an_expression_error(self):
        error = self.assertRaises(expressions.ExpressionError, evaluate,
                                  '<% json_parse($.doc) %>', {'doc': '{bad'})
        self.assertIn('json_parse($.doc)', str(error))


class BothLanguagesTest(testtools.TestCase):

    CALLS = {
        'task': ('task(t1)', "task('t1')"),
        'tasks': ('tasks()', 'tasks()'),
        'execution': ('execution()', 'execution()'),
        'env': ('env()', 'env()'),
        'global': ('global(counter)', "global('counter')"),
        'uuid': ('uuid()', 'uuid()'),
        'json_parse': ("json_parse('[1]')", "json_parse('[1]')"),
        'json_dump': ('json_dump(1)', 'json_dump(1)'),
        'json_dumps': ('json_dumps(1)', 'json_dumps(1)'),
        'yaml_parse': ("yaml_parse('a: 1')", "yaml_parse('a: 1')"),
        'yaml_dump': ('yaml_dump(1)', 'yaml_dump(1)'),
    }

    def test_every_function_exists_in_both_languages(self):
        self.assertEqual(set(functions.NAMES), set(self.CALLS))
        for name, (yaql_call, jinja_call) in self.CALLS.items():
            self.assertEqual(
                type(evaluate('<% ' + yaql_call + ' %>')),
                type(evaluate('{{ ' + jinja_call + ' }}')), name)
