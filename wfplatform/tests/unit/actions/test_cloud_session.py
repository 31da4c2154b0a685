"""As whom and through what the cloud actions connect; the other services' actions."""

import configparser
import json
import pathlib

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform.actions import base
from wfplatform.actions.cloud import base as cloud_base
from wfplatform.actions.cloud import compute
from wfplatform.actions.cloud import services
from wfplatform.actions.cloud import session
from wfplatform.actions import registry as action_registry
from wfplatform import config
from wfplatform import egress
from wfplatform import exceptions
from wfplatform.tests.doubles import cloud as cloud_double
from wfplatform.tests.unit.actions import test_cloud_compute

SETUP_CFG = pathlib.Path(__file__).parents[4] / 'setup.cfg'
PERMISSIVE = egress.EgressPolicy.permissive()


class IdentityTest(testtools.TestCase):
    """The three ways to act: caller's catalog, caller's token, service user."""

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(cloud_double.CloudDouble(step_seconds=0.03))
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF)).conf
        self.conf.register_opts(config.cloud_opts, group='cloud')

    def use_service_credentials(self, password=cloud_double.PASSWORD):
        for name, value in (('auth_url', self.cloud.identity_url),
                            ('username', cloud_double.USERNAME),
                            ('password', password),
                            ('project_name', cloud_double.PROJECT_NAME)):
            self.conf.set_override(name, value, group='cloud')

    def tokens_seen_by_nova(self):
        return {request.token for request in
                self.cloud.service_requests('/compute/v2.1/servers')}

    def keystone_authentications(self):
        return [request.body['auth']['identity']['methods'] for request in
                self.cloud.service_requests('/identity/v3/auth/tokens')]

    def test_caller_token_and_catalog_are_used_without_keystone(self):
        token, body = self.cloud.issue_token()
        context = base.ActionContext(
            'a-1', auth_token=token, service_catalog=body['token']['catalog'],
            project_id=self.cloud.project_id, egress=PERMISSIVE)
        self.assertEqual([], compute.ServersList().run(context))
        self.assertEqual({token}, self.tokens_seen_by_nova())
        self.assertEqual([], self.keystone_authentications())

    def test_caller_token_without_catalog_is_rescoped_at_auth_url(self):
        self.use_service_credentials(password='not-used')
        token, _ = self.cloud.issue_token()
        context = base.ActionContext('a-1', auth_token=token,
                                     project_id=self.cloud.project_id,
                                     egress=PERMISSIVE)
        compute.ServersList().run(context)
        self.assertEqual([['token']], self.keystone_authentications())
        [seen] = self.tokens_seen_by_nova()
        self.assertIn(seen, self.cloud.tokens)
        self.assertNotEqual(token, seen)

    def test_without_a_token_the_service_credentials_are_used(self):
        self.use_service_credentials()
        context = base.ActionContext('a-1', egress=PERMISSIVE)
        self.assertEqual([], compute.ServersList().run(context))
        self.assertEqual([['password']], self.keystone_authentications())
        self.assertEqual(set(), self.tokens_seen_by_nova() - set(self.cloud.tokens))

    def test_without_a_token_or_credentials_the_task_says_what_to_set(self):
        error = self.assertRaises(exceptions.ActionError, compute.ServersList().run,
                                  base.ActionContext('a-1', egress=PERMISSIVE))
        self.assertIn('[cloud] auth_url is not set', str(error))

    def test_wrong_service_password_is_keystones_401(self):
        self.use_service_credentials(password='wrong')
        error = self.assertRaises(exceptions.ActionError, compute.ServersList().run,
                                  base.ActionContext('a-1', egress=PERMISSIVE))
        self.assertIn('nova.servers_list failed', str(error))
        self.assertIn('401', str(error))

    def test_action_region_selects_the_catalog_region(self):
        token, body = self.cloud.issue_token()
        context = base.ActionContext(
            'a-1', auth_token=token, service_catalog=body['token']['catalog'],
            egress=PERMISSIVE)
        compute.ServersList(action_region=cloud_double.REGION).run(context)
        error = self.assertRaises(exceptions.ActionError, compute.ServersList(
            action_region='RegionTwo').run, context)
        self.assertIn('nova.servers_list failed', str(error))
        self.assertIn('RegionTwo', str(error))


class EgressTest(testtools.TestCase):
    """The cloud pack obeys ``[egress]`` as std.http does."""

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(cloud_double.CloudDouble())
        self.token, body = self.cloud.issue_token()
        self.catalog = body['token']['catalog']

    def run_with(self, policy):
        return compute.ServersList().run(base.ActionContext(
            'a-1', auth_token=self.token, service_catalog=self.catalog,
            egress=policy))

    def test_loopback_is_refused_by_default(self):
        error = self.assertRaises(exceptions.ActionError, self.run_with, None)
        self.assertIn('[egress] allow_loopback', str(error))
        self.assertEqual([], self.cloud.service_requests('/compute'))

    def test_an_allowed_host_is_reached(self):
        self.assertEqual([], self.run_with(egress.EgressPolicy(
            allowed_hosts=('127.0.0.1',))))

    def test_denied_hosts_win_over_allow_loopback(self):
        error = self.assertRaises(exceptions.ActionError, self.run_with,
                                  egress.EgressPolicy(allow_loopback=True,
                                                      denied_hosts=('127.0.0.0/8',)))
        self.assertIn('denied_hosts', str(error))


class CatalogTest(testtools.TestCase):
    def test_catalog_forms(self):
        v3 = [{'type': 'compute',
               'endpoints': [{'interface': 'public', 'url': 'http://nova'}]}]
        v2 = [{'type': 'compute', 'endpoints': [{'publicURL': 'http://nova'}]}]
        self.assertEqual({'catalog': v3}, session._catalog_body(v3))
        self.assertEqual({'catalog': v3}, session._catalog_body({'catalog': v3}))
        self.assertEqual({'catalog': v3}, session._catalog_body(json.dumps(v3)))
        self.assertEqual({'serviceCatalog': v2}, session._catalog_body(v2))
        self.assertIsNone(session._catalog_body(None))
        self.assertIsNone(session._catalog_body('not json'))

    def test_error_messages_of_each_service_shape(self):
        class Response:
            def __init__(self, body):
                self.body = body

            def json(self):
                return self.body
        for body, message in (
                ({'itemNotFound': {'code': 404, 'message': 'gone'}}, 'gone'),
                ({'error_message': {'faultstring': 'no alarm'}}, 'no alarm'),
                ({'NeutronError': {'message': 'no net'}}, 'no net'),
                ({'explanation': 'x', 'error': {'message': 'no stack'}}, 'x')):
            self.assertEqual(message, session.response_message(Response(body)))

    def test_waiter_refuses_non_positive_timing(self):
        self.assertRaises(exceptions.InvalidInput, cloud_base.Waiter, 'a', 0, 1)
        self.assertRaises(exceptions.InvalidInput, cloud_base.Waiter, 'a', 1, -1)


class RegistrationTest(testtools.TestCase):
    def test_every_cloud_entry_point_is_installed_under_its_own_name(self):
        parser = configparser.ConfigParser()
        parser.read(SETUP_CFG)
        declared = {}
        for line in parser['entry_points']['wfplatform.actions'].splitlines():
            if '.cloud.' in line:
                name, target = (part.strip() for part in line.split('='))
                declared[name] = target
        self.assertEqual(25, len(declared))
        registry = action_registry.ActionRegistry()
        for name in declared:
            self.assertEqual(name, registry.get_class(name).name)
            self.assertTrue(registry.descriptors()[name].input_signature
                            .endswith('action_region=null'))


class OtherServicesTest(test_cloud_compute.CloudTestCase):
    FAST = test_cloud_compute.FAST

    def test_glance_images(self):
        [image] = self.run_action(services.ImagesList())
        self.assertEqual(('cirros', 'active'), (image['name'], image['status']))
        self.assertEqual([], self.run_action(services.ImagesList(
            filters={'name': 'other'})))
        self.assertEqual(image['id'], self.run_action(
            services.ImagesGet(image['id']))['id'])
        error = self.assertRaises(exceptions.ActionError, self.run_action,
                                  services.ImagesGet('missing'))
        self.assertIn('HTTP 404: No image found with ID missing', str(error))

    def test_cinder_volumes(self):
        creating = self.run_action(services.VolumesCreate(2, name='data'))
        self.assertEqual(('creating', 2), (creating['status'], creating['size']))
        volume = self.run_action(services.VolumesCreate(
            1, wait_for_available=True, **self.FAST))
        self.assertEqual('available', volume['status'])
        self.assertIsNone(self.run_action(services.VolumesDelete(volume['id'])))
        self.assert_fails(services.VolumesGet('missing'), 'cinder.volumes_get',
                          'HTTP 404: Volume missing could not be found.')

    def test_neutron_networks_and_ports(self):
        networks = self.run_action(services.ListNetworks(name='private'))
        [network] = networks['networks']
        self.assertEqual([], self.run_action(
            services.ListNetworks(name='public'))['networks'])
        port = self.run_action(services.CreatePort(
            {'port': {'network_id': network['id'], 'admin_state_up': True}}))
        self.assertEqual(network['id'], port['port']['network_id'])
        self.assert_fails(services.CreatePort({'port': {'network_id': 'x'}}),
                          'HTTP 404: Network x could not be found.')
        self.assertRaises(exceptions.InvalidInput, services.CreatePort, {})

    def test_heat_stacks(self):
        created = self.run_action(services.StacksCreate(
            'app', template={'heat_template_version': '2018-08-31'}))
        stack_id = created['stack']['id']
        self.assertEqual(['self'], [link['rel'] for link in
                                    created['stack']['links']])
        stack = self.run_action(services.StacksGet(stack_id))
        self.assertEqual(('app', stack_id), (stack['stack_name'], stack['id']))
        self.assertIsNone(self.run_action(services.StacksDelete(stack_id)))
        self.assert_fails(services.StacksGet('nothing'),
                          'The Stack (nothing) could not be found.')
        self.assertRaises(exceptions.InvalidInput, services.StacksCreate, 'x')

    def test_aodh_alarms(self):
        [alarm] = self.run_action(services.AlarmList(
            query=[{'field': 'name', 'op': 'eq', 'value': 'cpu-high'}]))
        self.assertEqual('alarm', alarm['state'])
        self.assertEqual(alarm, self.run_action(
            services.AlarmGet(alarm['alarm_id'])))
        self.assert_fails(services.AlarmGet('missing'), 'aodh.alarm_get failed',
                          'HTTP 404: Alarm missing not found')
