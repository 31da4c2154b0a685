"""The engine client when no engine answers."""

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform import config
from wfplatform import context as wf_context
from wfplatform import exceptions
from wfplatform.rpc import engine as engine_rpc
from wfplatform.rpc import transport as rpc_transport


class NoEngineTest(testtools.TestCase):
    def test_a_call_nobody_answers_is_service_unavailable(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF)).conf
        config.register_opts(conf)
        rpc_transport.register_opts(conf)
        conf.set_override('transport_url', 'fake://')
        conf.set_override('topic', f'nobody-{id(self)}', group='engine')
        transport = rpc_transport.get_transport(conf)
        self.addCleanup(transport.cleanup)
        client = engine_rpc.EngineClient(transport, conf)
        conf.set_override('rpc_response_timeout', 1)
        error = self.assertRaises(
            exceptions.ServiceUnavailable, client.start_workflow,
            wf_context.anonymous_admin(), workflow_identifier='wf')
        self.assertEqual(503, error.http_code)
        self.assertIn('wfplatform-server --server engine', str(error))
