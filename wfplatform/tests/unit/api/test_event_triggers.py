"""``/v2/event_triggers``: Mistral's event trigger resource, CRUD and errors."""

import json

from mistralclient.api import httpclient
from mistralclient.api.v2 import event_triggers as client_triggers
from mistralclient.commands.v2 import event_triggers as trigger_commands
from oslo_utils import uuidutils
import requests
import sqlalchemy as sa

from wfplatform.db import models
from wfplatform.db.repositories import event_triggers
from wfplatform.tests.unit.api import base
from wfplatform.tests.unit.api import test_mistralclient


class EventTriggersTestCase(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        [self.workflow] = self.create_workflows()

    def body(self, **values):
        return {'name': 'on-create', 'workflow_id': self.workflow['id'],
                'exchange': 'nova', 'topic': 'notifications',
                'event': 'compute.instance.create.end', **values}

    def create(self, **values):
        return self.app.post_json('/v2/event_triggers', self.body(**values)).json


class TestCreate(EventTriggersTestCase):

    def test_create_returns_201_and_mistral_fields(self):
        response = self.app.post_json('/v2/event_triggers', self.body(
            workflow_input={'name': 'Ann'}, workflow_params={'env': {'x': 1}}))
        self.assertEqual(201, response.status_int)
        trigger = response.json
        self.assertEqual(
            ['id', 'created_at', 'updated_at', 'project_id', 'name', 'workflow_id',
             'workflow_input', 'workflow_params', 'exchange', 'topic', 'event',
             'scope'], list(trigger))
        self.assertEqual('on-create', trigger['name'])
        self.assertEqual(self.workflow['id'], trigger['workflow_id'])
        self.assertEqual('{"name": "Ann"}', trigger['workflow_input'])
        self.assertEqual({'env': {'x': 1}}, json.loads(trigger['workflow_params']))
        self.assertEqual(('nova', 'notifications', 'compute.instance.create.end'),
                         (trigger['exchange'], trigger['topic'], trigger['event']))
        self.assertEqual('private', trigger['scope'])
        self.assertEqual(base.DEFAULT_PROJECT, trigger['project_id'])
        self.assertIsNone(trigger['updated_at'])

    def test_json_strings_as_mistralclient_sends(self):
        trigger = self.create(workflow_input='{"name": "Bo"}', workflow_params='{}')
        self.assertEqual('{"name": "Bo"}', trigger['workflow_input'])
        self.assertEqual('{}', trigger['workflow_params'])

    def test_missing_mandatory_fields_are_named(self):
        response = self.app.post_json('/v2/event_triggers', {'name': 'x'},
                                      expect_errors=True)
        self.assertFault(response, 400, 'exchange, topic, event, workflow_id',
                         'must be provided')

    def test_workflow_id_that_is_not_a_uuid_is_400(self):
        response = self.app.post_json('/v2/event_triggers',
                                      self.body(workflow_id='greet'),
                                      expect_errors=True)
        self.assertFault(response, 400, 'workflow_id', 'uuid')

    def test_unknown_workflow_is_404_naming_it(self):
        missing = uuidutils.generate_uuid()
        response = self.app.post_json('/v2/event_triggers',
                                      self.body(workflow_id=missing),
                                      expect_errors=True)
        self.assertFault(response, 404, 'Workflow not found', missing)

    def test_another_projects_private_workflow_is_404(self):
        with self.database.transaction() as session:
            session.execute(sa.update(models.WorkflowDefinition).values(
                project_id='someone-else'))
        response = self.app.post_json('/v2/event_triggers', self.body(),
                                      expect_errors=True)
        self.assertFault(response, 404, self.workflow['id'])

    def test_duplicate_is_409(self):
        self.create()
        response = self.app.post_json('/v2/event_triggers', self.body(name='again'),
                                      expect_errors=True)
        self.assertFault(response, 409, 'Event trigger already exists', 'nova')

    def test_unknown_attribute_is_400(self):
        response = self.app.post_json('/v2/event_triggers', self.body(color='red'),
                                      expect_errors=True)
        self.assertFault(response, 400, 'Unknown attribute', 'color')

    def test_wrong_type_is_400_naming_the_field(self):
        response = self.app.post_json('/v2/event_triggers', self.body(topic=7),
                                      expect_errors=True)
        self.assertFault(response, 400, 'topic', 'Expected a string')

    def test_params_that_are_not_an_object_are_400(self):
        response = self.app.post_json('/v2/event_triggers',
                                      self.body(workflow_params='[1]'),
                                      expect_errors=True)
        self.assertFault(response, 400, 'workflow_params', 'JSON object')

    def test_unknown_scope_is_400(self):
        response = self.app.post_json('/v2/event_triggers', self.body(scope='all'),
                                      expect_errors=True)
        self.assertFault(response, 400, 'scope', 'private, public')


class TestReadUpdateDelete(EventTriggersTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.trigger = self.create()

    def test_get_one(self):
        self.assertEqual(self.trigger,
                         self.app.get(f'/v2/event_triggers/{self.trigger["id"]}').json)

    def test_unknown_trigger_is_404(self):
        missing = uuidutils.generate_uuid()
        response = self.app.get(f'/v2/event_triggers/{missing}', expect_errors=True)
        self.assertFault(response, 404, 'Event trigger not found', missing)

    def test_list_with_filter_and_fields(self):
        other = self.create(event='compute.instance.delete.end', name='on-delete')
        body = self.app.get('/v2/event_triggers').json
        self.assertEqual([self.trigger['id'], other['id']],
                         [t['id'] for t in body['event_triggers']])
        body = self.app.get('/v2/event_triggers?event=compute.instance.delete.end'
                            '&fields=name').json
        self.assertEqual([{'id': other['id'], 'name': 'on-delete'}],
                         body['event_triggers'])

    def test_list_pages_with_next(self):
        self.create(event='compute.instance.delete.end')
        body = self.app.get('/v2/event_triggers?limit=1').json
        self.assertEqual([self.trigger['id']],
                         [t['id'] for t in body['event_triggers']])
        self.assertIn(f'marker={self.trigger["id"]}', body['next'])

    def test_other_projects_are_invisible(self):
        with self.database.transaction() as session:
            hidden = event_triggers.create(
                session, name='theirs', workflow_id=self.workflow['id'],
                exchange='nova', topic='notifications', event='x', scope='private',
                project_id='someone-else')
        ids = [t['id'] for t in self.app.get('/v2/event_triggers').json[
            'event_triggers']]
        self.assertEqual([self.trigger['id']], ids)
        response = self.app.get(f'/v2/event_triggers/{hidden["id"]}',
                                expect_errors=True)
        self.assertFault(response, 404)

    def test_update_name_input_and_params(self):
        response = self.app.put_json(f'/v2/event_triggers/{self.trigger["id"]}', {
            'name': 'renamed', 'workflow_input': {'name': 'Cy'},
            'workflow_params': '{"env": {}}'})
        self.assertEqual(200, response.status_int)
        updated = response.json
        self.assertEqual('renamed', updated['name'])
        self.assertEqual('{"name": "Cy"}', updated['workflow_input'])
        self.assertEqual('{"env": {}}', updated['workflow_params'])
        self.assertEqual('nova', updated['exchange'])
        self.assertIsNotNone(updated['updated_at'])

    def test_exchange_topic_and_event_can_not_change(self):
        response = self.app.put_json(f'/v2/event_triggers/{self.trigger["id"]}',
                                     {'event': 'other'}, expect_errors=True)
        self.assertFault(response, 400, 'Can not update fields', 'event')

    def test_update_to_an_unknown_workflow_is_404(self):
        missing = uuidutils.generate_uuid()
        response = self.app.put_json(f'/v2/event_triggers/{self.trigger["id"]}',
                                     {'workflow_id': missing}, expect_errors=True)
        self.assertFault(response, 404, missing)

    def test_update_unknown_trigger_is_404(self):
        response = self.app.put_json(
            f'/v2/event_triggers/{uuidutils.generate_uuid()}', {'name': 'x'},
            expect_errors=True)
        self.assertFault(response, 404, 'Event trigger not found')

    def test_delete(self):
        response = self.app.delete(f'/v2/event_triggers/{self.trigger["id"]}')
        self.assertEqual(204, response.status_int)
        response = self.app.get(f'/v2/event_triggers/{self.trigger["id"]}',
                                expect_errors=True)
        self.assertFault(response, 404)
        response = self.app.delete(f'/v2/event_triggers/{self.trigger["id"]}',
                                   expect_errors=True)
        self.assertFault(response, 404)

    def test_a_workflow_with_triggers_can_not_be_deleted(self):
        response = self.app.delete(f'/v2/workflows/{self.workflow["id"]}',
                                   expect_errors=True)
        self.assertFault(response, 400, 'event triggers associated',
                         self.trigger['id'])
        self.app.delete(f'/v2/event_triggers/{self.trigger["id"]}')
        self.app.delete(f'/v2/workflows/{self.workflow["id"]}')

    def test_put_or_delete_on_the_collection_is_405(self):
        self.assertEqual(405, self.app.delete('/v2/event_triggers',
                                              expect_errors=True).status_int)
        self.assertEqual(405, self.app.put_json('/v2/event_triggers', {},
                                                expect_errors=True).status_int)


class TestMistralClient(EventTriggersTestCase):
    """python-mistralclient's event trigger manager and CLI formatter."""

    def setUp(self) -> None:
        super().setUp()
        session = requests.Session()
        session.mount('http://wfplatform.test:8989/',
                      test_mistralclient.WebTestAdapter(self.app))
        self.client = client_triggers.EventTriggerManager(httpclient.HTTPClient(
            test_mistralclient.BASE_URL, session=session))

    def test_create_list_get_delete(self):
        created = self.client.create(
            'on-create', self.workflow['id'], 'nova', 'notifications',
            'compute.instance.create.end', workflow_input={'name': 'Ann'},
            workflow_params={'env': {}})
        self.assertEqual({'name': 'Ann'}, json.loads(created.workflow_input))
        [listed] = self.client.list(
            fields=trigger_commands.EventTriggerFormatter.fields())
        _, row = trigger_commands.EventTriggerFormatter.format_list(listed)
        self.assertEqual((created.id, 'on-create', self.workflow['id']), row[:3])
        self.assertEqual(created.to_dict(), self.client.get(created.id).to_dict())
        self.client.delete(created.id)
        self.assertEqual([], self.client.list())
