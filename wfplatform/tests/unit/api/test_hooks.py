"""The request context: anonymous admin without auth, Keystone's headers with it."""

import json

from keystonemiddleware import opts as keystonemiddleware_opts

from wfplatform.api import hooks
from wfplatform import exceptions
from wfplatform.tests.unit.api import base


class TestContextFromHeaders(base.testtools.TestCase):

    def environ(self, **headers):
        environ = {'HTTP_X_PROJECT_ID': 'p1', 'HTTP_X_USER_ID': 'u1',
                   'HTTP_X_ROLES': 'member,reader', 'HTTP_X_AUTH_TOKEN': 'tok',
                   'HTTP_X_IS_ADMIN_PROJECT': 'False'}
        environ.update(headers)
        return environ

    def test_keystone_headers(self):
        catalog = [{'type': 'compute', 'endpoints': []}]
        context = hooks.context_from_environ(self.environ(
            HTTP_X_SERVICE_CATALOG=json.dumps(catalog),
            HTTP_X_REGION_NAME='RegionTwo'))
        self.assertEqual('p1', context.project_id)
        self.assertEqual('u1', context.user_id)
        self.assertEqual(['member', 'reader'], context.roles)
        self.assertEqual('tok', context.auth_token)
        self.assertFalse(context.is_admin)
        self.assertFalse(context.is_admin_project)
        self.assertEqual(catalog, context.service_catalog)
        self.assertEqual('RegionTwo', context.region_name)

    def test_admin_role_makes_an_admin(self):
        context = hooks.context_from_environ(self.environ(HTTP_X_ROLES='Admin'))
        self.assertTrue(context.is_admin)

    def test_invalid_identity_is_refused(self):
        self.assertRaises(exceptions.NotAuthorized, hooks.context_from_environ,
                          self.environ(HTTP_X_IDENTITY_STATUS='Invalid'))

    def test_bad_service_catalog_is_400(self):
        self.assertRaises(exceptions.InvalidInput, hooks.context_from_environ,
                          self.environ(HTTP_X_SERVICE_CATALOG='[not json'))


class TestAuthentication(base.ApiTestCase):

    def test_without_auth_everything_is_the_default_project(self):
        [workflow] = self.create_workflows()
        self.assertEqual(base.DEFAULT_PROJECT, workflow['project_id'])

    def test_with_auth_a_request_without_token_is_401_fault(self):
        for group, options in keystonemiddleware_opts.list_auth_token_opts():
            self.conf.register_opts(options, group=group)
        app = self.make_app({
            ('pecan', 'auth_enable'): True,
            ('keystone_authtoken', 'www_authenticate_uri'): 'http://keystone.test'})
        response = app.get('/v2/workflows', expect_errors=True)
        self.assertFault(response, 401, 'Authentication required')
        self.assertIn('WWW-Authenticate', response.headers)
