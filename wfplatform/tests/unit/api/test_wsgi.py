"""The WSGI entry point: lazy, built once, refuses an old schema."""

import os
import threading
from unittest import mock

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools
import webtest

from wfplatform.api import wsgi
from wfplatform import exceptions
from wfplatform.tests.fixtures import database as db_fixtures


class TestLazyApplication(testtools.TestCase):

    def test_importing_builds_nothing(self):
        self.assertIsInstance(wsgi.application, wsgi.LazyApplication)
        self.assertIsNone(wsgi.application._application)

    def test_built_once_on_first_request_even_when_concurrent(self):
        calls = []

        def app(environ, start_response):
            start_response('200 OK', [('Content-Type', 'text/plain')])
            return [b'ok']

        def factory():
            calls.append(1)
            return app

        lazy = wsgi.LazyApplication(factory)
        self.assertEqual([], calls)
        test_app = webtest.TestApp(lazy)
        threads = [threading.Thread(target=test_app.get, args=('/',))
                   for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertEqual([1], calls)
        self.assertEqual(b'ok', test_app.get('/').body)


class TestInitApplication(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(config_fixture.Config(cfg.CONF))
        self.useFixture(fixtures.MockPatch('oslo_log.log.setup'))
        self.directory = self.useFixture(fixtures.TempDir()).path

    def _config_file(self, url):
        path = os.path.join(self.directory, 'wfplatform.conf')
        with open(path, 'w') as stream:
            stream.write(f'[database]\nconnection = {url}\n'
                         '[DEFAULT]\ntransport_url = fake://\n')
        self.useFixture(fixtures.EnvironmentVariable(wsgi.CONFIG_FILE_VARIABLE, path))
        return path

    def test_builds_the_api_from_the_named_config_file(self):
        migrated = self.useFixture(db_fixtures.MigratedDatabase('sqlite'))
        self._config_file(migrated.url)
        app = webtest.TestApp(wsgi.init_application())
        self.assertEqual({'workflows': []}, app.get('/v2/workflows').json)

    def test_refuses_a_database_not_at_head(self):
        empty = self.useFixture(db_fixtures.TemporaryDatabase('sqlite'))
        path = self._config_file(empty.url)
        error = self.assertRaises(exceptions.SchemaNotCurrent, wsgi.init_application)
        self.assertIn(f'--config-file {path}', str(error))

    def test_default_config_file_only_if_present(self):
        self.useFixture(fixtures.EnvironmentVariable(wsgi.CONFIG_FILE_VARIABLE))
        with mock.patch.object(os.path, 'exists', return_value=False):
            self.assertEqual([], wsgi.config_files())
        with mock.patch.object(os.path, 'exists', return_value=True):
            self.assertEqual([wsgi.DEFAULT_CONFIG_FILE], wsgi.config_files())
