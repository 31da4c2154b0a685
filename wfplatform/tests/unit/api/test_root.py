"""``GET /``, ``GET /v2`` and the fault body of every kind of error."""

from unittest import mock

from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform.tests.unit.api import base


class TestRoot(base.ApiTestCase):

    def test_versions(self):
        response = self.app.get('/')
        self.assertEqual(200, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertEqual(
            {'versions': [{'id': 'v2.0', 'status': 'CURRENT',
                           'links': [{'href': 'http://localhost/v2',
                                      'target': 'v2', 'rel': 'self'}]}]},
            response.json)

    def test_v2(self):
        self.assertEqual({'uri': 'http://localhost/v2'}, self.app.get('/v2').json)

    def test_host_url_follows_the_request(self):
        response = self.app.get('/v2', extra_environ={'HTTP_HOST': 'wf.example:8989'})
        self.assertEqual({'uri': 'http://wf.example:8989/v2'}, response.json)

    def test_post_to_root_is_405(self):
        self.assertFault(self.app.post('/', expect_errors=True), 405, 'POST')


class TestFaults(base.ApiTestCase):

    def test_unknown_url_is_404(self):
        response = self.app.get('/v2/nothing_here', expect_errors=True)
        self.assertFault(response, 404, '/v2/nothing_here')

    def test_unknown_top_level_url_is_404(self):
        self.assertFault(self.app.get('/v3', expect_errors=True), 404)

    def test_extra_path_segments_are_404(self):
        response = self.app.get('/v2/executions/a/b/c', expect_errors=True)
        self.assertFault(response, 404)

    def test_unrouted_method_is_405(self):
        response = self.app.delete('/v2/tasks/1', expect_errors=True)
        self.assertFault(response, 405, 'DELETE', '/v2/tasks/1')

    def test_put_on_the_executions_collection_is_405(self):
        response = self.app.put_json('/v2/executions', {'state': 'PAUSED'},
                                     expect_errors=True)
        self.assertFault(response, 405)

    def test_malformed_json_is_400_naming_the_problem(self):
        response = self.app.post('/v2/executions', '{"workflow_name": ',
                                 headers={'Content-Type': 'application/json'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'not in valid JSON format', 'line 1')

    def test_json_that_is_not_an_object_is_400(self):
        response = self.app.post_json('/v2/executions', ['greet'],
                                      expect_errors=True)
        self.assertFault(response, 400, 'must be a JSON object', 'array')

    def test_body_too_large_is_413(self):
        app = self.make_app({('api', 'max_request_body_size'): 1024})
        response = app.post('/v2/workflows', 'x' * 2000,
                            headers={'Content-Type': 'text/plain'},
                            expect_errors=True)
        self.assertFault(response, 413, 'at most 1024 bytes')

    def test_body_without_length_is_cut_off(self):
        app = self.make_app({('api', 'max_request_body_size'): 1024})
        environ = {'wsgi.input_terminated': True}
        request = app.RequestClass.blank(
            '/v2/workflows', method='POST', body=b'x' * 4000,
            content_type='text/plain')
        request.environ.update(environ)
        del request.environ['CONTENT_LENGTH']
        response = app.do_request(request, status='*', expect_errors=True)
        self.assertFault(response, 413)

    def test_query_string_that_is_not_utf8_is_400(self):
        response = self.app.get('/v2/workflows?name=%FF', expect_errors=True)
        self.assertFault(response, 400, 'UTF-8')

    def test_wfplatform_error_keeps_its_status(self):
        with mock.patch.object(workflow_definitions, 'list',
                               side_effect=exceptions.Conflict('busy now')):
            response = self.app.get('/v2/workflows', expect_errors=True)
        self.assertFault(response, 409, 'busy now')

    def test_unexpected_error_is_a_generic_500_and_logged(self):
        logger = self.useFixture(base.fixtures.FakeLogger(level=40))
        with mock.patch.object(workflow_definitions, 'list',
                               side_effect=RuntimeError('secret detail')):
            response = self.app.get('/v2/workflows', expect_errors=True)
        self.assertFault(response, 500, 'unexpected error')
        self.assertNotIn('secret detail', response.text)
        self.assertIn('secret detail', logger.output)
        self.assertIn('Traceback', logger.output)
