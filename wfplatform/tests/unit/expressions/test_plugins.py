"""Custom expression functions from ``wfplatform.expression.functions`` plugins."""

import importlib.metadata
import logging

import fixtures
from stevedore import extension
import testtools

from wfplatform import expressions
from wfplatform.expressions import plugins

THIS_MODULE = __name__


def double(context, value):
    """Mistral's convention: the context first, then the arguments."""
    return value * 2


def context_of(context):
    return context['$'] if hasattr(context, 'create_child_context') else context


def kind(context, value):
    return type(value).__name__


def servers(context, count=2):
    return {'names': [f'vm{n}' for n in range(count)]}


def broken(context):
    raise RuntimeError('plugin bug')


def fake_uuid(context):
    return 'not a uuid'


def entry_point(name, function_name):
    return importlib.metadata.EntryPoint(name, f'{THIS_MODULE}:{function_name}',
                                         plugins.NAMESPACE)


class InstalledPlugins(fixtures.Fixture):
    """Plugins as if installed with these entry points; stevedore loads them."""

    def __init__(self, *entry_points):
        super().__init__()
        self.entry_points = list(entry_points)

    def _setUp(self):
        self.useFixture(fixtures.MonkeyPatch(
            'stevedore.extension.ExtensionManager.ENTRY_POINT_CACHE',
            {plugins.NAMESPACE: self.entry_points}))
        plugins.reload()
        self.addCleanup(plugins.reload)


class TestInstancePlugins(fixtures.Fixture):
    """Plugins given to stevedore's test manager; counts how often it is made."""

    def __init__(self, **functions):
        super().__init__()
        self.functions = functions
        self.loads = 0

    def _setUp(self):
        self.useFixture(fixtures.MonkeyPatch(
            'wfplatform.expressions.plugins.extension_manager', self.manager))
        plugins.reload()
        self.addCleanup(plugins.reload)

    def manager(self):
        self.loads += 1
        return extension.ExtensionManager.make_test_instance(
            [extension.Extension(name, None, function, None)
             for name, function in self.functions.items()],
            namespace=plugins.NAMESPACE)


class PluginTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        self.useFixture(InstalledPlugins(
            entry_point('double', 'double'), entry_point('context_of', 'context_of'),
            entry_point('kind', 'kind'), entry_point('servers', 'servers'),
            entry_point('broken', 'broken')))

    def test_function_in_both_languages(self):
        self.assertEqual(6, expressions.evaluate('<% double(3) %>', {}))
        self.assertEqual(6, expressions.evaluate('{{ double(3) }}', {}))
        self.assertEqual('abab', expressions.evaluate("<% double('ab') %>", {}))

    def test_jinja_filter_gets_the_piped_value_as_context(self):
        self.assertEqual(6, expressions.evaluate('{{ _ | double(3) }}', {}))
        self.assertEqual(5, expressions.evaluate('{{ 5 | context_of }}', {}))

    def test_context_is_yaql_context_or_jinja_data(self):
        data = {'name': 'vm1'}
        self.assertEqual(data, expressions.evaluate('<% context_of() %>', data))
        self.assertEqual(data, expressions.evaluate('{{ context_of() }}', data))

    def test_arguments_and_results_are_plain_data(self):
        self.assertEqual('dict', expressions.evaluate('<% kind({a => 1}) %>', {}))
        self.assertEqual('list', expressions.evaluate('<% kind([1, 2]) %>', {}))
        self.assertEqual('list', expressions.evaluate('<% kind($.items) %>',
                                                      {'items': [1]}))
        self.assertEqual(['vm0', 'vm1', 'vm2'], expressions.evaluate(
            '<% servers(3).names %>', {}))
        self.assertEqual(['vm1'], expressions.evaluate(
            "<% servers().names.where($ != 'vm0') %>", {}))
        self.assertEqual(['vm0'], expressions.evaluate(
            '{{ servers(count=1).names }}', {}))

    def test_failing_plugin_fails_only_its_expression(self):
        error = self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                                  '<% broken() %>', {})
        self.assertIn('plugin bug', str(error))
        self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                          '{{ broken() }}', {})
        self.assertEqual(2, expressions.evaluate('<% double(1) %>', {}))

    def test_custom_filters_validate(self):
        self.assertEqual([], expressions.validate('{{ _.x | double(2) }}'))
        self.assertNotEqual([], expressions.validate('{{ _.x | no_such_filter }}'))


class PluginLoadingTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))

    def test_plugin_that_fails_to_import_is_skipped_and_logged(self):
        self.useFixture(InstalledPlugins(
            importlib.metadata.EntryPoint(
                'missing', 'wfplatform.no_such_module:function', plugins.NAMESPACE),
            entry_point('double', 'double'),
            entry_point('gone', 'no_such_function')))
        self.assertEqual(4, expressions.evaluate('<% double(2) %>', {}))
        self.assertEqual(4, expressions.evaluate('{{ double(2) }}', {}))
        self.assertIn("plugin 'missing'", self.log.output)
        self.assertIn("plugin 'gone'", self.log.output)
        self.assertRaises(expressions.ExpressionError, expressions.evaluate,
                          '<% missing() %>', {})

    def test_built_in_names_cannot_be_taken(self):
        self.useFixture(TestInstancePlugins(uuid=fake_uuid, len=fake_uuid,
                                            upper=fake_uuid, double=double))
        for text in ('<% uuid() %>', '{{ uuid() }}'):
            self.assertNotEqual('not a uuid', expressions.evaluate(text, {}))
        self.assertEqual(2, expressions.evaluate('<% len([1, 2]) %>', {}))
        self.assertEqual('AB', expressions.evaluate("{{ 'ab' | upper }}", {}))
        self.assertEqual('not a uuid', expressions.evaluate('{{ len() }}', {}))
        self.assertEqual(6, expressions.evaluate('<% double(3) %>', {}))
        self.assertIn("plugin 'uuid' (", self.log.output)
        self.assertIn("plugin 'len' is not available in YAQL", self.log.output)
        self.assertIn("plugin 'upper' is not available as a Jinja2 filter",
                      self.log.output)

    def test_not_callable_plugin_is_skipped(self):
        self.useFixture(TestInstancePlugins(answer=42, double=double))
        self.assertEqual(6, expressions.evaluate('<% double(3) %>', {}))
        self.assertIn("plugin 'answer'", self.log.output)

    def test_plugins_load_lazily_and_once(self):
        installed = self.useFixture(TestInstancePlugins(double=double))
        self.assertEqual(0, installed.loads)
        for _ in range(3):
            self.assertEqual(2, expressions.evaluate('<% double(1) %>', {}))
            self.assertEqual(2, expressions.evaluate('{{ double(1) }}', {}))
        self.assertEqual(1, installed.loads)

    def test_broken_entry_point_listing_leaves_no_plugins(self):
        def failing_manager():
            raise RuntimeError('bad metadata')

        self.useFixture(fixtures.MonkeyPatch(
            'wfplatform.expressions.plugins.extension_manager', failing_manager))
        plugins.reload()
        self.addCleanup(plugins.reload)
        self.assertEqual(3, expressions.evaluate('<% 1 + 2 %>', {}))
        self.assertEqual({}, dict(plugins.registry().functions))
