"""The HTTP client: requests as the API wants them, faults as messages."""

import argparse
from unittest import mock

import testtools

from wfplatform.cli.osc import client as http
from wfplatform.cli.osc import plugin


def response(status, body=b'', reason='OK'):
    answer = mock.Mock(status_code=status, content=body, reason=reason,
                       text=body.decode())
    answer.json.side_effect = lambda: __import__('json').loads(body)
    return answer


class ClientTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.session = mock.Mock()
        self.client = http.Client(self.session, 'http://wfp:8989/')

    def test_the_endpoint_is_the_v2_root(self):
        self.assertEqual('http://wfp:8989/v2', self.client.endpoint)
        self.assertEqual('http://h/v2', http.v2_root('http://h/v2/'))

    def test_json_and_text_bodies(self):
        self.session.request.return_value = response(201, b'{"id": "x"}')
        self.assertEqual({'id': 'x'}, self.client.post('/executions', {'a': 1}))
        url, method = self.session.request.call_args.args
        kwargs = self.session.request.call_args.kwargs
        self.assertEqual(('http://wfp:8989/v2/executions', 'POST'), (url, method))
        self.assertEqual(b'{"a": 1}', kwargs['data'])
        self.assertEqual('application/json', kwargs['headers']['Content-Type'])
        self.assertFalse(kwargs['raise_exc'])
        self.client.post('/workflows', text='version: 2.0',
                         params={'scope': None, 'namespace': 'n'})
        kwargs = self.session.request.call_args.kwargs
        self.assertEqual('text/plain', kwargs['headers']['Content-Type'])
        self.assertEqual({'namespace': 'n'}, kwargs['params'])

    def test_delete_sends_no_accept_header(self):
        self.session.request.return_value = response(204)
        self.assertIsNone(self.client.delete('/workflows/x'))
        self.assertEqual({}, self.session.request.call_args.kwargs['headers'])

    def test_a_fault_becomes_an_api_error_with_its_faultstring(self):
        self.session.request.return_value = response(
            404, b'{"faultstring": "Workflow not found", "faultcode": "Client"}')
        error = self.assertRaises(http.APIError, self.client.get, '/workflows/x')
        self.assertEqual((404, 'Workflow not found'), (error.status, error.message))
        self.assertEqual('Workflow not found (HTTP 404)', str(error))
        self.session.request.return_value = response(502, b'<html>bad gateway',
                                                     'Bad Gateway')
        error = self.assertRaises(http.APIError, self.client.get, '/workflows')
        self.assertEqual('<html>bad gateway', error.message)

    def test_list_all_follows_next(self):
        self.session.request.side_effect = [
            response(200, b'{"tasks": [{"id": "a"}], "next": "http://n"}'),
            response(200, b'{"tasks": [{"id": "b"}]}')]
        self.assertEqual(['a', 'b'], [t['id'] for t in self.client.list_all(
            '/tasks', 'tasks', {'limit': 1})])
        self.assertEqual({'limit': 1, 'marker': 'a'},
                         self.session.request.call_args.kwargs['params'])


class PluginTest(testtools.TestCase):
    def manager(self, **config):
        return mock.Mock(_cli_options=mock.Mock(config=config), verify=True,
                         region_name='r', interface='public')

    def test_without_auth_with_a_url(self):
        manager = self.manager(wfp_url='http://wfp:8989')
        client = plugin.make_client(manager)
        self.assertEqual('http://wfp:8989/v2', client.endpoint)
        self.assertIsNot(manager.session, client.session)
        self.assertIsNone(client.session.auth)
        manager.get_endpoint_for_service_type.assert_not_called()

    def test_with_auth_the_catalog_endpoint_and_osc_session(self):
        manager = self.manager()
        manager.get_endpoint_for_service_type.return_value = 'https://wfp/v2'
        client = plugin.make_client(manager)
        self.assertEqual(('https://wfp/v2', manager.session),
                         (client.endpoint, client.session))
        manager.get_endpoint_for_service_type.assert_called_once_with(
            'workflowv2', region_name='r', interface='public')

    def test_no_endpoint(self):
        manager = self.manager()
        manager.get_endpoint_for_service_type.return_value = None
        self.assertRaises(http.APIError, plugin.make_client, manager)

    def test_options_and_names_do_not_clash_with_mistralclient(self):
        from mistralclient.osc import plugin as mistral_plugin
        parser = argparse.ArgumentParser()
        mistral_plugin.build_option_parser(parser)
        plugin.build_option_parser(parser)
        options = parser.parse_args(['--wfp-url', 'http://x'])
        self.assertEqual('http://x', options.wfp_url)
        self.assertEqual('2', options.os_workflow_platform_api_version)
        self.assertNotEqual(mistral_plugin.API_NAME, plugin.API_NAME)
        self.assertIn(plugin.DEFAULT_API_VERSION, plugin.API_VERSIONS)
