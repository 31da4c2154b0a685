"""``/v2/alarm_triggers``: the resource, and Aodh's webhook that fires it."""

import json

from wfplatform.db.repositories import alarm_triggers
from wfplatform.tests.unit.api import base

MIGRATE = """---
version: '2.0'
migrate_hot_vm:
  input:
    - alarm
    - target_host: null
  tasks:
    migrate:
      action: std.noop
"""

ALARM = {
    'alarm_id': 'b7ff4f2c-5e7a-4b0e-9b3e-6d2c4a1e8f00',
    'alarm_name': 'cpu_high',
    'severity': 'critical',
    'previous': 'ok',
    'current': 'alarm',
    'reason': 'Transition to alarm due to 3 samples outside threshold, most '
              'recent: 99.2',
    'reason_data': {'type': 'threshold', 'disposition': 'outside', 'count': 3,
                    'most_recent': 99.2},
}


class AlarmTriggersTestCase(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        [self.workflow] = self.create_workflows(MIGRATE)

    def create(self, **values):
        body = {'name': 'cpu', 'workflow_name': 'migrate_hot_vm',
                'workflow_input': {'target_host': 'compute-2'}, **values}
        return self.app.post_json('/v2/alarm_triggers', body).json

    def fire(self, trigger, alarm=None, token=None, headers=None, status='*'):
        token = trigger['token'] if token is None else token
        return self.app.post_json(
            f'/v2/alarm_triggers/{trigger["id"]}/fire?token={token}',
            ALARM if alarm is None else alarm, headers=headers or {},
            expect_errors=True, status=status)


class TestResource(AlarmTriggersTestCase):

    def test_create_shows_the_token_and_url_once(self):
        response = self.app.post_json('/v2/alarm_triggers', {
            'name': 'cpu', 'workflow_name': 'migrate_hot_vm', 'states': ['alarm']})
        self.assertEqual(201, response.status_int)
        trigger = response.json
        self.assertEqual(self.workflow['id'], trigger['workflow_id'])
        self.assertEqual('alarm', trigger['alarm_input'])
        self.assertEqual(['alarm'], trigger['states'])
        self.assertEqual(
            f'http://localhost/v2/alarm_triggers/{trigger["id"]}/fire?token='
            f'{trigger["token"]}', trigger['url'])
        self.assertGreaterEqual(len(trigger['token']), 40)
        shown = self.app.get(f'/v2/alarm_triggers/{trigger["id"]}').json
        self.assertNotIn('token', shown)
        self.assertEqual(f'http://localhost/v2/alarm_triggers/{trigger["id"]}/fire',
                         shown['url'])
        listed = self.app.get('/v2/alarm_triggers').json['alarm_triggers']
        self.assertEqual([trigger['id']], [t['id'] for t in listed])

    def test_only_a_digest_of_the_token_is_stored(self):
        trigger = self.create()
        with self.database.transaction() as session:
            stored = alarm_triggers.get(session, trigger['id'])
        self.assertNotIn(trigger['token'], json.dumps(stored, default=str))
        self.assertEqual(64, len(stored['secret_digest']))

    def test_the_workflow_must_take_the_alarm(self):
        response = self.app.post_json('/v2/alarm_triggers', {
            'name': 'cpu', 'workflow_name': 'migrate_hot_vm',
            'alarm_input': 'event'}, expect_errors=True)
        self.assertFault(response, 400, 'alarm_input (event)', 'migrate_hot_vm')

    def test_bad_create_bodies_name_the_field(self):
        for body, fragment in (
                ({'workflow_name': 'migrate_hot_vm'}, 'Param name'),
                ({'name': 'x'}, 'workflow_name or workflow_id'),
                ({'name': 'x', 'workflow_name': 'migrate_hot_vm',
                  'states': ['bad']}, 'states'),
                ({'name': 'x', 'workflow_name': 'nope'}, 'nope')):
            response = self.app.post_json('/v2/alarm_triggers', body,
                                          expect_errors=True)
            self.assertIn(response.status_int, (400, 404), body)
            self.assertIn(fragment, response.json['faultstring'])

    def test_duplicate_name_is_409_and_delete_is_204(self):
        trigger = self.create()
        self.assertEqual(409, self.app.post_json('/v2/alarm_triggers', {
            'name': 'cpu', 'workflow_name': 'migrate_hot_vm'},
            expect_errors=True).status_int)
        self.assertEqual(204, self.app.delete(
            f'/v2/alarm_triggers/{trigger["id"]}').status_int)
        self.assertEqual(404, self.app.get(f'/v2/alarm_triggers/{trigger["id"]}',
                                           expect_errors=True).status_int)

    def test_a_workflow_an_alarm_trigger_uses_can_not_be_deleted(self):
        trigger = self.create()
        response = self.app.delete('/v2/workflows/migrate_hot_vm',
                                   expect_errors=True)
        self.assertFault(response, 400, 'alarm triggers associated', trigger['id'])


class TestFire(AlarmTriggersTestCase):

    def test_the_alarm_starts_the_workflow_with_the_alarm_in_its_input(self):
        trigger = self.create(workflow_params={'env': {'region': 'r1'}})
        response = self.fire(trigger)
        self.assertEqual(201, response.status_int, response.body)
        [call] = self.engine_client.calls
        self.assertEqual({'target_host': 'compute-2', 'alarm': ALARM},
                         call['workflow_input'])
        self.assertEqual({'env': {'region': 'r1'}}, call['params'])
        self.assertEqual(self.workflow['id'], call['workflow_identifier'])
        self.assertEqual(trigger['project_id'], call['context'].project_id)
        self.assertFalse(call['context'].is_admin)
        self.assertEqual('alarm_trigger', json.loads(
            call['description'])['triggered_by']['type'])
        self.assertEqual(call['execution_id'], response.json['execution']['id'])

    def test_a_retried_post_starts_nothing_twice(self):
        trigger = self.create()
        first = self.fire(trigger).json['execution']['id']
        second = self.fire(trigger).json['execution']['id']
        self.assertEqual(first, second)
        changed = self.fire(trigger, dict(ALARM, reason='most recent: 97.0'))
        self.assertNotEqual(first, changed.json['execution']['id'])

    def test_aodh_request_id_names_the_state_change(self):
        trigger = self.create()
        ids = {self.fire(trigger, dict(ALARM, reason=f'try {n}'), headers={
            'X-OpenStack-Request-Id': 'req-1'}).json['execution']['id']
            for n in range(2)}
        self.assertEqual(1, len(ids))

    def test_states_filter_which_changes_fire(self):
        trigger = self.create(states=['alarm'])
        response = self.fire(trigger, dict(ALARM, previous='alarm', current='ok'))
        self.assertEqual(200, response.status_int)
        self.assertIsNone(response.json['execution'])
        self.assertEqual([], self.engine_client.calls)

    def test_wrong_token_and_unknown_trigger_look_the_same(self):
        trigger = self.create()
        wrong = self.fire(trigger, token='guess')
        missing = self.fire(trigger, token='')
        unknown = self.fire(dict(trigger, id='5d0c1f5e-0000-4000-8000-000000000000'))
        for response in (wrong, missing, unknown):
            self.assertEqual(404, response.status_int)
            self.assertIn('Alarm trigger not found, or the token does not match',
                          response.json['faultstring'])
        self.assertEqual([], self.engine_client.calls)

    def test_a_bad_alarm_body_is_400_naming_the_field(self):
        trigger = self.create()
        for alarm, field in (
                ({k: v for k, v in ALARM.items() if k != 'alarm_id'}, 'alarm_id'),
                (dict(ALARM, current='burning'), 'current'),
                (dict(ALARM, reason_data=[1]), 'reason_data'),
                (dict(ALARM, severity=3), 'severity'),
                ([ALARM], 'JSON object')):
            response = self.fire(trigger, alarm)
            self.assertEqual(400, response.status_int, field)
            self.assertIn(field, response.json['faultstring'])
        self.assertEqual([], self.engine_client.calls)
