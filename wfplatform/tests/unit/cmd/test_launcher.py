"""Which services ``--server`` runs in one process."""

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform import config
from wfplatform import launcher


class SelectedTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts())).conf
        config.register_opts(self.conf)

    def test_all_with_local_executor_and_notifier_is_engine_event_engine_and_api(
            self):
        self.assertEqual(['engine', 'event-engine', 'api'],
                         launcher.selected(['all'], self.conf))

    def test_all_with_remote_types_runs_every_service(self):
        self.conf.set_override('type', 'remote', group='executor')
        self.conf.set_override('type', 'remote', group='notifier')
        self.assertEqual(['engine', 'executor', 'notifier', 'event-engine', 'api'],
                         launcher.selected(['all'], self.conf))

    def test_explicit_list_is_started_engine_first(self):
        self.assertEqual(['engine', 'executor', 'api'],
                         launcher.selected(['api', 'executor', 'engine'], self.conf))

    def test_unknown_service_is_named_with_the_choices(self):
        error = self.assertRaises(ValueError, launcher.selected, ['enigne'],
                                  self.conf)
        self.assertIn("'enigne'", str(error))
        self.assertIn('api, engine, executor, notifier, event-engine, all',
                      str(error))

    def test_event_engine_starts_after_the_engine_and_before_the_api(self):
        self.assertEqual(['engine', 'event-engine', 'api'],
                         launcher.selected(['api', 'event-engine', 'engine'],
                                           self.conf))
