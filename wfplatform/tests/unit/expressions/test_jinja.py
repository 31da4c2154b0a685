"""Jinja2 behaviour: Mistral's context and undefined rules, and the sandbox."""

import testtools

from wfplatform import expressions

DATA = {'server': {'id': 'abc', 'status': 'ACTIVE'}, 'vm_count': 28,
        'servers': [{'name': 'centos'}, {'name': 'ubuntu'}]}


def evaluate(text, data=DATA):
    return expressions.evaluate(text, data)


class JinjaTest(testtools.TestCase):

    def test_data_is_underscore(self):
        self.assertEqual('abc', evaluate('{{ _.server.id }}'))
        self.assertEqual('abc', evaluate("{{ _['server']['id'] }}"))
        self.assertTrue(evaluate("{{ _.server.status == 'ACTIVE' }}"))

    def test_filters(self):
        self.assertEqual([{'name': 'ubuntu'}], evaluate(
            '{{ _.servers | selectattr("name", "equalto", "ubuntu") | list }}'))
        self.assertEqual('centos,ubuntu', evaluate(
            '{{ _.servers | map(attribute="name") | join(",") }}'))
        self.assertEqual('28', evaluate('{{ _.vm_count | string }}'))

    def test_undefined_is_an_error_like_mistral(self):
        for text in ('{{ _.wrong_key }}', '{{ invalid_name }}',
                     '!! {{ _.nonexistent }} !!'):
            self.assertRaises(expressions.ExpressionError, evaluate, text)

    def test_undefined_can_be_tested_and_defaulted(self):
        self.assertIs(False, evaluate('{{ _.wrong is defined }}'))
        self.assertEqual('none', evaluate("{{ _.wrong | default('none') }}"))

    def test_multiline_template(self):
        template = ('Tenant "{{ _.server.id }}"\n'
                    '{% if _.vm_count %}\nVMs: {{ _.vm_count }}\n{% endif %}\n'
                    'Done.')
        self.assertEqual('Tenant "abc"\nVMs: 28\nDone.', evaluate(template))

    def test_namespace_accumulates_in_loops(self):
        self.assertEqual('2', evaluate(
            '{% set ns = namespace(n=0) %}{% for s in _.servers %}'
            '{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}'))


class JinjaSandboxTest(testtools.TestCase):

    def test_python_internals_are_out_of_reach(self):
        for text in ("{{ ''.__class__.__mro__ }}",
                     "{{ ''.__class__.__mro__[1].__subclasses__() }}",
                     '{{ cycler.__init__.__globals__ }}',
                     "{{ _.server.__class__ }}",
                     "{{ (_.servers | attr('__class__')) }}",
                     "{{ ''.format.__globals__ }}"):
            error = self.assertRaises(expressions.ExpressionError, evaluate, text)
            self.assertIn('Can not evaluate Jinja expression', str(error))

    def test_caller_data_cannot_be_changed(self):
        data = {'servers': [1, 2]}
        self.assertRaises(expressions.ExpressionError, evaluate,
                          '{{ _.servers.append(3) }}', data)
        self.assertRaises(expressions.ExpressionError, evaluate,
                          "{{ _.update({'x': 1}) }}", data)
        self.assertEqual({'servers': [1, 2]}, data)
