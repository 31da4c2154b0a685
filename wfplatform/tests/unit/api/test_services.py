"""GET /v2/services."""

import fixtures

from wfplatform.coordination import coordinator as coordination
from wfplatform.tests.unit.api import base


class ServicesTest(base.ApiTestCase):
    def test_without_coordination_the_api_is_not_supported(self):
        response = self.app.get('/v2/services', expect_errors=True)
        self.assertFault(response, 500, 'Service API is not supported.')

    def test_members_of_every_service_group(self):
        url = 'file://' + self.useFixture(fixtures.TempDir()).path
        member = coordination.Coordinator(url, 'node_7_abc')
        member.start()
        self.addCleanup(member.stop)
        member.join('wfplatform.executor', {})
        member.join('wfplatform.engine', {})
        app = self.make_app({('coordination', 'backend_url'): url})
        self.assertEqual({'services': [
            {'name': 'node_7_abc', 'type': 'engine_group'},
            {'name': 'node_7_abc', 'type': 'executor_group'}]},
            app.get('/v2/services').json)
