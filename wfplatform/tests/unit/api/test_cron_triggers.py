"""``/v2/cron_triggers``: Mistral's cron trigger resource, its fields and errors."""

import datetime
import json

from mistralclient.api import base as client_base
from mistralclient.api import httpclient
from mistralclient.api.v2 import cron_triggers as client_triggers
from mistralclient.commands.v2 import cron_triggers as trigger_commands
from oslo_utils import timeutils
from oslo_utils import uuidutils
import requests
import sqlalchemy as sa

from wfplatform.db import models
from wfplatform.db.repositories import cron_triggers
from wfplatform.tests.unit.api import base
from wfplatform.tests.unit.api import test_mistralclient
from wfplatform.triggers import cron

NOW = datetime.datetime(2030, 5, 1, 12, 0, 30)


class CronTriggersTestCase(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        timeutils.set_time_override(NOW)
        self.addCleanup(timeutils.clear_time_override)
        [self.workflow] = self.create_workflows()

    def body(self, **values):
        return {'name': 'hourly', 'pattern': '0 * * * *', 'workflow_name': 'greet',
                'workflow_input': {'name': 'Ann'}, **values}

    def create(self, **values):
        return self.app.post_json('/v2/cron_triggers', self.body(**values)).json

    def post_error(self, **values):
        return self.app.post_json('/v2/cron_triggers', self.body(**values),
                                  expect_errors=True)

    def jobs(self):
        with self.database.transaction() as session:
            return [dict(row._mapping) for row in session.execute(
                sa.select(models.ScheduledJob.__table__)
                .order_by(models.ScheduledJob.run_after))]


class TestCreate(CronTriggersTestCase):

    def test_create_returns_201_and_mistral_fields(self):
        response = self.app.post_json('/v2/cron_triggers', self.body(
            workflow_params={'env': {'x': 1}}, remaining_executions=3))
        self.assertEqual(201, response.status_int)
        trigger = response.json
        self.assertEqual(
            ['id', 'name', 'workflow_name', 'workflow_id', 'workflow_namespace',
             'workflow_input', 'workflow_params', 'project_id', 'scope', 'pattern',
             'remaining_executions', 'first_execution_time', 'next_execution_time',
             'created_at', 'updated_at'], list(trigger))
        self.assertEqual('hourly', trigger['name'])
        self.assertEqual(('greet', self.workflow['id'], ''),
                         (trigger['workflow_name'], trigger['workflow_id'],
                          trigger['workflow_namespace']))
        self.assertEqual('{"name": "Ann"}', trigger['workflow_input'])
        self.assertEqual({'env': {'x': 1}}, json.loads(trigger['workflow_params']))
        self.assertEqual(base.DEFAULT_PROJECT, trigger['project_id'])
        self.assertEqual('private', trigger['scope'])
        self.assertEqual('0 * * * *', trigger['pattern'])
        self.assertEqual(3, trigger['remaining_executions'])
        self.assertIsNone(trigger['first_execution_time'])
        self.assertEqual('2030-05-01 13:00:00', trigger['next_execution_time'])
        self.assertEqual('2030-05-01 12:00:30', trigger['created_at'])
        self.assertIsNone(trigger['updated_at'])

    def test_the_first_firing_is_scheduled(self):
        trigger = self.create()
        [job] = self.jobs()
        due = datetime.datetime(2030, 5, 1, 13)
        self.assertEqual(cron.JOB_TYPE, job['job_type'])
        self.assertEqual(f'cron:{trigger["id"]}:2030-05-01T13:00:00', job['key'])
        self.assertEqual(due, job['run_after'])
        self.assertEqual(
            {'trigger_id': trigger['id'], 'trigger_name': 'hourly',
             'execution_time': '2030-05-01T13:00:00',
             'workflow_id': self.workflow['id'], 'workflow_input': {'name': 'Ann'},
             'workflow_params': {}, 'project_id': base.DEFAULT_PROJECT,
             'user_id': '<default-user>'}, job['payload'])

    def test_the_creator_is_stored(self):
        trigger = self.create()
        with self.database.transaction() as session:
            stored = cron_triggers.get(session, trigger['id'])
        self.assertEqual('<default-user>', stored['user_id'])

    def test_json_strings_and_nulls_as_mistralclient_sends(self):
        trigger = self.create(workflow_input='{"name": "Bo"}',
                              workflow_params='{"env": {}}',
                              first_execution_time=None, remaining_executions=None)
        self.assertEqual('{"name": "Bo"}', trigger['workflow_input'])
        self.assertEqual('{"env": {}}', trigger['workflow_params'])
        self.assertIsNone(trigger['remaining_executions'])

    def test_workflow_by_id(self):
        trigger = self.create(workflow_name=None, workflow_id=self.workflow['id'])
        self.assertEqual('greet', trigger['workflow_name'])

    def test_workflow_in_a_namespace(self):
        [other] = self.create_workflows(namespace='team')
        trigger = self.create(workflow_namespace='team')
        self.assertEqual((other['id'], 'team'),
                         (trigger['workflow_id'], trigger['workflow_namespace']))

    def test_six_fields_count_seconds(self):
        trigger = self.create(pattern='* * * * * */10')
        self.assertEqual('2030-05-01 12:00:40', trigger['next_execution_time'])

    def test_first_execution_time_alone_fires_once(self):
        trigger = self.create(pattern=None, first_execution_time='2030-05-01 12:01')
        self.assertEqual('2030-05-01 12:01:00', trigger['first_execution_time'])
        self.assertEqual('2030-05-01 12:01:00', trigger['next_execution_time'])
        self.assertEqual(1, trigger['remaining_executions'])
        self.assertIsNone(trigger['pattern'])

    def test_first_execution_time_then_the_pattern(self):
        trigger = self.create(first_execution_time='2030-05-02 08:30:15',
                              remaining_executions=4)
        self.assertEqual('2030-05-02 08:30:15', trigger['next_execution_time'])
        self.assertEqual(4, trigger['remaining_executions'])
        [job] = self.jobs()
        self.assertEqual(datetime.datetime(2030, 5, 2, 8, 30, 15), job['run_after'])

    def test_read_only_attributes_are_ignored(self):
        trigger = self.create(id=uuidutils.generate_uuid(), project_id='other',
                              next_execution_time='2000-01-01 00:00:00')
        self.assertEqual(base.DEFAULT_PROJECT, trigger['project_id'])
        self.assertEqual('2030-05-01 13:00:00', trigger['next_execution_time'])

    def test_scope_is_checked_but_every_trigger_is_private(self):
        self.assertEqual('private', self.create(scope='public')['scope'])
        self.assertFault(self.post_error(name='x', scope='all'), 400, 'scope',
                         'private, public')


class TestCreateErrors(CronTriggersTestCase):

    def test_missing_name(self):
        self.assertFault(self.post_error(name=None), 400, 'name must be provided')

    def test_missing_workflow(self):
        self.assertFault(self.post_error(workflow_name=None), 400,
                         'workflow_name or workflow_id must be provided')

    def test_neither_pattern_nor_first_execution_time(self):
        self.assertFault(self.post_error(pattern=None), 400,
                         'Pattern or first_execution_time must be specified')

    def test_bad_pattern(self):
        for pattern in ('every hour', '61 * * * *', '* * *', '0 0 30 2 *'):
            self.assertFault(self.post_error(pattern=pattern), 400,
                             'The specified pattern is not valid', pattern)

    def test_first_execution_time_in_the_past(self):
        self.assertFault(self.post_error(first_execution_time='2030-05-01 12:00'),
                         400, 'first_execution_time 2030-05-01 12:00:00 is in the '
                         'past', '2030-05-01 12:00:30')

    def test_first_execution_time_badly_written(self):
        for text in ('tomorrow', '2030-05-01T12:01:00', '01/05/2030 12:00'):
            self.assertFault(self.post_error(first_execution_time=text), 400,
                             'first_execution_time', text, 'YYYY-MM-DD HH:MM')

    def test_several_executions_need_a_pattern(self):
        self.assertFault(self.post_error(pattern=None,
                                         first_execution_time='2030-05-01 13:00',
                                         remaining_executions=2), 400,
                         'Pattern must be provided if count is superior to 1')

    def test_remaining_executions_below_one(self):
        for count in (0, -3):
            self.assertFault(self.post_error(remaining_executions=count), 400,
                             'remaining_executions', 'greater or equal to 1')

    def test_remaining_executions_not_a_number(self):
        for count in ('5', True, 1.5):
            self.assertFault(self.post_error(remaining_executions=count), 400,
                             'remaining_executions', 'Expected an integer')

    def test_unknown_workflow_is_404_naming_it(self):
        self.assertFault(self.post_error(workflow_name='nope'), 404,
                         'Workflow not found', 'nope')
        missing = uuidutils.generate_uuid()
        self.assertFault(self.post_error(workflow_id=missing), 404, missing)

    def test_workflow_id_that_is_not_a_uuid(self):
        self.assertFault(self.post_error(workflow_id='greet'), 400, 'workflow_id',
                         'uuid')

    def test_another_projects_private_workflow_is_404(self):
        with self.database.transaction() as session:
            session.execute(sa.update(models.WorkflowDefinition).values(
                project_id='someone-else'))
        self.assertFault(self.post_error(), 404, 'greet')

    def test_input_missing_a_parameter(self):
        self.assertFault(self.post_error(workflow_input={}), 400, 'workflow_input',
                         'greet', "missing=['name']")

    def test_input_with_an_unexpected_parameter(self):
        self.assertFault(self.post_error(workflow_input={'name': 'A', 'x': 1}), 400,
                         'workflow_input', "unexpected=['x']")

    def test_input_or_params_that_are_not_objects(self):
        self.assertFault(self.post_error(workflow_input='[1]'), 400,
                         'workflow_input', 'JSON object')
        self.assertFault(self.post_error(workflow_params='{bad'), 400,
                         'workflow_params', 'Not valid JSON')

    def test_wrong_types(self):
        self.assertFault(self.post_error(pattern=5), 400, 'pattern',
                         'Expected a string')
        self.assertFault(self.post_error(name=['x']), 400, 'name',
                         'Expected a string')

    def test_unknown_attribute(self):
        self.assertFault(self.post_error(color='red'), 400, 'Unknown attribute',
                         'color')

    def test_duplicate_name_is_409(self):
        self.create()
        self.assertFault(self.post_error(pattern='*/5 * * * *'), 409,
                         'Cron trigger already exists', 'hourly')
        self.assertEqual(1, len(self.jobs()))

    def test_a_refused_trigger_schedules_nothing(self):
        self.post_error(workflow_input={})
        self.assertEqual([], self.jobs())


class TestReadListDelete(CronTriggersTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.trigger = self.create()

    def test_get_by_id_and_by_name(self):
        by_id = self.app.get(f'/v2/cron_triggers/{self.trigger["id"]}').json
        self.assertEqual(self.trigger, by_id)
        self.assertEqual(self.trigger, self.app.get('/v2/cron_triggers/hourly').json)

    def test_unknown_trigger_is_404(self):
        response = self.app.get('/v2/cron_triggers/nope', expect_errors=True)
        self.assertFault(response, 404, 'Cron trigger not found', 'name=nope')

    def test_list_filters_fields_and_sorting(self):
        other = self.create(name='often', pattern='*/5 * * * *',
                            remaining_executions=2)
        body = self.app.get('/v2/cron_triggers?sort_keys=name').json
        self.assertEqual([self.trigger, other], body['cron_triggers'])
        body = self.app.get('/v2/cron_triggers?pattern=*/5 * * * *'
                            '&fields=name,remaining_executions').json
        self.assertEqual([{'id': other['id'], 'name': 'often',
                           'remaining_executions': 2}], body['cron_triggers'])
        body = self.app.get('/v2/cron_triggers?next_execution_time=lt:2030-05-01 '
                            '13:00:00&fields=name').json
        self.assertEqual(['often'], [t['name'] for t in body['cron_triggers']])
        body = self.app.get('/v2/cron_triggers?sort_keys=name&sort_dirs=desc').json
        self.assertEqual(['often', 'hourly'],
                         [t['name'] for t in body['cron_triggers']])

    def test_list_pages_with_next(self):
        self.create(name='often', pattern='*/5 * * * *')
        body = self.app.get('/v2/cron_triggers?limit=1&sort_keys=name').json
        self.assertEqual([self.trigger['id']],
                         [t['id'] for t in body['cron_triggers']])
        self.assertIn(f'marker={self.trigger["id"]}', body['next'])

    def test_unknown_filter_is_400(self):
        response = self.app.get('/v2/cron_triggers?color=red', expect_errors=True)
        self.assertFault(response, 400, 'color')

    def test_other_projects_are_invisible(self):
        with self.database.transaction() as session:
            hidden = cron_triggers.create(
                session, name='theirs', pattern='0 * * * *',
                next_execution_time=NOW, workflow_name='greet',
                workflow_id=self.workflow['id'], scope='private',
                project_id='someone-else')
        ids = [t['id'] for t in self.app.get('/v2/cron_triggers').json[
            'cron_triggers']]
        self.assertEqual([self.trigger['id']], ids)
        for identifier in (hidden['id'], 'theirs'):
            response = self.app.get(f'/v2/cron_triggers/{identifier}',
                                    expect_errors=True)
            self.assertFault(response, 404)
            response = self.app.delete(f'/v2/cron_triggers/{identifier}',
                                       expect_errors=True)
            self.assertFault(response, 404)

    def test_delete_by_name_cancels_the_pending_firing(self):
        self.assertEqual(1, len(self.jobs()))
        response = self.app.delete('/v2/cron_triggers/hourly')
        self.assertEqual(204, response.status_int)
        self.assertEqual([], self.jobs())
        self.assertFault(self.app.get(f'/v2/cron_triggers/{self.trigger["id"]}',
                                      expect_errors=True), 404)
        self.assertFault(self.app.delete('/v2/cron_triggers/hourly',
                                         expect_errors=True), 404)

    def test_delete_by_id(self):
        self.app.delete(f'/v2/cron_triggers/{self.trigger["id"]}')
        self.assertEqual([], self.app.get('/v2/cron_triggers').json['cron_triggers'])

    def test_the_same_name_can_be_used_again_after_delete(self):
        self.app.delete('/v2/cron_triggers/hourly')
        self.assertEqual('hourly', self.create()['name'])

    def test_a_workflow_with_triggers_can_not_be_deleted(self):
        response = self.app.delete(f'/v2/workflows/{self.workflow["id"]}',
                                   expect_errors=True)
        self.assertFault(response, 400, 'cron triggers associated',
                         self.trigger['id'])
        self.app.delete('/v2/cron_triggers/hourly')
        self.app.delete(f'/v2/workflows/{self.workflow["id"]}')

    def test_no_update(self):
        response = self.app.put_json('/v2/cron_triggers/hourly', {'name': 'x'},
                                     expect_errors=True)
        self.assertEqual(405, response.status_int)

    def test_delete_on_the_collection_is_405(self):
        self.assertEqual(405, self.app.delete('/v2/cron_triggers',
                                              expect_errors=True).status_int)


class TestMistralClient(CronTriggersTestCase):
    """python-mistralclient's cron trigger manager and CLI formatter.

    Here rather than in ``test_mistralclient``, as the event trigger client
    test is: it uses that module's transport adapter.
    """

    def setUp(self) -> None:
        super().setUp()
        session = requests.Session()
        session.mount('http://wfplatform.test:8989/',
                      test_mistralclient.WebTestAdapter(self.app))
        self.client = client_triggers.CronTriggerManager(httpclient.HTTPClient(
            test_mistralclient.BASE_URL, session=session))

    def test_create_list_get_delete(self):
        created = self.client.create(
            'nightly', 'greet', workflow_input={'name': 'Ann'},
            workflow_params={'env': {'a': 1}}, pattern='0 2 * * *', count=7)
        self.assertEqual({'name': 'Ann'}, json.loads(created.workflow_input))
        self.assertEqual(7, created.remaining_executions)
        self.assertEqual('2030-05-02 02:00:00', created.next_execution_time)
        [listed] = self.client.list(
            fields=trigger_commands.CronTriggerFormatter.fields())
        _, row = trigger_commands.CronTriggerFormatter.format_list(listed)
        self.assertEqual(('nightly', 'greet', '{"env": {"a": 1}}', '0 2 * * *',
                          '2030-05-02 02:00:00', 7), row[:6])
        self.assertEqual(created.to_dict(), self.client.get('nightly').to_dict())
        self.assertEqual(created.to_dict(), self.client.get(created.id).to_dict())
        self.client.delete('nightly')
        self.assertEqual([], self.client.list())

    def test_create_by_workflow_id_with_a_first_time(self):
        created = self.client.create('once', self.workflow['id'],
                                     workflow_input={'name': 'Bo'},
                                     first_time='2030-05-01 12:05')
        self.assertEqual('2030-05-01 12:05:00', created.next_execution_time)
        self.assertEqual(1, created.remaining_executions)

    def test_errors_reach_the_client(self):
        error = self.assertRaises(client_base.APIException, self.client.create,
                                  'bad', 'greet', workflow_input={'name': 'A'},
                                  pattern='nope')
        self.assertEqual(400, error.error_code)
        self.assertIn('pattern is not valid', error.error_message)
        error = self.assertRaises(client_base.APIException, self.client.get, 'nope')
        self.assertEqual(404, error.error_code)
