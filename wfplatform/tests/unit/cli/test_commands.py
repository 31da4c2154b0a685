"""The commands against a fake API: the requests they send, what they show."""

import json
import os

import fixtures
from osc_lib import exceptions
import testtools

from wfplatform.cli.osc import client as http
from wfplatform.cli.osc.v2 import action_executions
from wfplatform.cli.osc.v2 import environments
from wfplatform.cli.osc.v2 import executions
from wfplatform.cli.osc.v2 import tasks
from wfplatform.cli.osc.v2 import triggers
from wfplatform.cli.osc.v2 import workbooks
from wfplatform.cli.osc.v2 import workflows
from wfplatform.tests.unit.cli import fakes
from wfplatform.tests.unit.cli import test_graph

WORKFLOW = {'id': '1d5a1c3e-2b8f-4c7a-9e1d-3f5a7c9b1d2e', 'name': 'deploy',
            'namespace': '', 'input': '', 'interface': '{}',
            'definition': test_graph.DIRECT, 'tags': [], 'scope': 'private',
            'project_id': 'p', 'created_at': '2025-01-01 00:00:00',
            'updated_at': None}
EXECUTION_ID = '0e0e2d3c-4b5a-4f6e-8d7c-9b8a7f6e5d4c'


class WorkflowCommandsTest(testtools.TestCase):
    def test_list_sends_the_paging_options_and_shows_the_default_columns(self):
        client = fakes.FakeClient({('GET', '/workflows'): {'workflows': [WORKFLOW]}})
        code, out, _ = fakes.run(workflows.ListWorkflows, client, [
            '--limit', '5', '--marker', 'm', '--sort-keys', 'name',
            '--sort-dirs', 'desc', '--filter', 'tags=has:x', '--all-projects',
            '-f', 'json'])
        self.assertEqual(0, code)
        self.assertEqual({'limit': 5, 'marker': 'm', 'sort_keys': 'name',
                          'sort_dirs': 'desc', 'tags': 'has:x',
                          'all_projects': 'true'}, client.requests[0][4])
        self.assertEqual(['id', 'name', 'namespace', 'input', 'tags', 'scope',
                          'created_at', 'updated_at'], list(json.loads(out)[0]))

    def test_list_long_shows_every_field(self):
        client = fakes.FakeClient({('GET', '/workflows'): {'workflows': [WORKFLOW]}})
        out = fakes.run(workflows.ListWorkflows, client, ['--long', '-f', 'json'])[1]
        self.assertEqual(list(WORKFLOW), list(json.loads(out)[0]))

    def test_a_malformed_filter_is_refused(self):
        cmd, _, parsed = fakes.command(workflows.ListWorkflows, fakes.FakeClient(),
                                       ['--filter', 'state'])
        self.assertRaises(exceptions.CommandError, cmd.take_action, parsed)

    def test_show_in_a_namespace(self):
        client = fakes.FakeClient({('GET', '/workflows/deploy'): WORKFLOW})
        out = fakes.run(workflows.ShowWorkflow, client,
                        ['deploy', '--namespace', 'ns', '-f', 'json'])[1]
        self.assertEqual(WORKFLOW, json.loads(out))
        self.assertEqual({'namespace': 'ns'}, client.requests[0][4])

    def test_create_sends_the_file_as_text(self):
        path = self.useFixture(fixtures.TempDir()).join('wf.yaml')
        with open(path, 'w') as stream:
            stream.write(test_graph.DIRECT)
        client = fakes.FakeClient({('POST', '/workflows'): {'workflows': [WORKFLOW]}})
        code, out, _ = fakes.run(workflows.CreateWorkflows, client,
                                 [path, '--public', '-f', 'value', '-c', 'name'])
        self.assertEqual((0, 'deploy\n'), (code, out))
        self.assertEqual(('POST', '/workflows', None, test_graph.DIRECT,
                          {'scope': 'public'}), client.requests[0])

    def test_update_puts(self):
        path = self.useFixture(fixtures.TempDir()).join('wf.yaml')
        with open(path, 'w') as stream:
            stream.write(test_graph.DIRECT)
        client = fakes.FakeClient({('PUT', '/workflows'): {'workflows': [WORKFLOW]}})
        fakes.run(workflows.UpdateWorkflows, client, [path, '--namespace', 'n'])
        self.assertEqual({'namespace': 'n'}, client.requests[0][4])

    def test_an_unreadable_file_is_a_command_error(self):
        cmd, _, parsed = fakes.command(workflows.CreateWorkflows,
                                       fakes.FakeClient(), ['/nonexistent.yaml'])
        error = self.assertRaises(exceptions.CommandError, cmd.take_action, parsed)
        self.assertIn('/nonexistent.yaml', str(error))

    def test_validate_exits_one_when_invalid(self):
        path = self.useFixture(fixtures.TempDir()).join('wf.yaml')
        with open(path, 'w') as stream:
            stream.write('bad')
        client = fakes.FakeClient({('POST', '/workflows/validate'): [
            {'valid': False, 'error': 'line 1: no'}, {'valid': True, 'error': None}]})
        code, out, _ = fakes.run(workflows.ValidateWorkflow, client,
                                 [path, '-f', 'json'])
        self.assertEqual((1, {'valid': False, 'error': 'line 1: no'}),
                         (code, json.loads(out)))
        self.assertEqual(0, fakes.run(workflows.ValidateWorkflow, client, [path])[0])

    def test_definition_show_prints_the_text(self):
        client = fakes.FakeClient({('GET', '/workflows/deploy'): WORKFLOW})
        out = fakes.run(workflows.ShowWorkflowDefinition, client, ['deploy'])[1]
        self.assertEqual(test_graph.DIRECT, out)

    def test_graph_text_and_dot(self):
        client = fakes.FakeClient({('GET', '/workflows/deploy'): WORKFLOW})
        text = fakes.run(workflows.ShowWorkflowGraph, client, ['deploy'])[1]
        self.assertTrue(text.startswith('workflow deploy (direct)\nstart: create\n'))
        dot = fakes.run(workflows.ShowWorkflowGraph, client,
                        ['deploy', '--format', 'dot'])[1]
        self.assertTrue(dot.startswith('digraph "deploy" {'))

    def test_graph_of_a_workbook_workflow(self):
        workflow = dict(WORKFLOW, name='book.deploy')
        client = fakes.FakeClient({('GET', '/workflows/book.deploy'): workflow})
        text = fakes.run(workflows.ShowWorkflowGraph, client, ['book.deploy'])[1]
        self.assertIn('workflow deploy (direct)', text)

    def test_delete_goes_on_past_a_failure_and_then_fails(self):
        logger = self.useFixture(fixtures.FakeLogger())
        client = fakes.FakeClient({
            ('DELETE', '/workflows/a'): None,
            ('DELETE', '/workflows/b'): http.APIError(404, 'Workflow not found'),
            ('DELETE', '/workflows/c'): None})
        cmd, _, parsed = fakes.command(workflows.DeleteWorkflows, client,
                                       ['a', 'b', 'c', '--namespace', 'n'])
        error = self.assertRaises(exceptions.CommandError, cmd.take_action, parsed)
        self.assertEqual('1 of 3 workflows failed to delete.', str(error))
        self.assertEqual(['/workflows/a', '/workflows/b', '/workflows/c'],
                         [r[1] for r in client.requests])
        self.assertEqual({'namespace': 'n'}, client.requests[0][4])
        self.assertIn('Failed to delete workflow b: Workflow not found (HTTP 404)',
                      logger.output)


class AuthTest(testtools.TestCase):
    def test_no_keystone_with_a_url(self):
        cmd = fakes.command(workflows.ListWorkflows, None, [])[0]
        self.assertFalse(cmd.auth_required)
        cmd = fakes.command(workflows.ListWorkflows, None, [], url=None)[0]
        self.assertTrue(cmd.auth_required)
        cmd = fakes.command(workflows.ShowWorkflowGraph, None, ['x'], url='')[0]
        self.assertTrue(cmd.auth_required)


class ExecutionCommandsTest(testtools.TestCase):
    def create_body(self, *argv):
        client = fakes.FakeClient({('POST', '/executions'): {'id': EXECUTION_ID,
                                                             'state': 'RUNNING'}})
        fakes.run(executions.CreateExecution, client, list(argv))
        return client.requests[0][2]

    def test_create_by_name_with_input_params_and_env(self):
        self.assertEqual({
            'workflow_name': 'deploy', 'workflow_namespace': 'ns',
            'input': {'n': 1}, 'description': 'why',
            'params': {'priority': 3, 'env': {'region': 'r1'},
                       'task_name': 'finish'},
            'id': EXECUTION_ID, 'source_execution_id': 'src'},
            self.create_body('deploy', '{"n": 1}', '--namespace', 'ns',
                             '--description', 'why', '--param', 'priority=3',
                             '--env', 'region: r1', '--task-name', 'finish',
                             '--id', EXECUTION_ID, '--source-execution', 'src'))

    def test_create_by_id_with_yaml_input_from_a_file_and_a_stored_env(self):
        path = self.useFixture(fixtures.TempDir()).join('input.yaml')
        with open(path, 'w') as stream:
            stream.write('name: world\n')
        body = self.create_body(WORKFLOW['id'], f'@{path}', '--env', 'prod-env')
        self.assertEqual(WORKFLOW['id'], body['workflow_id'])
        self.assertNotIn('workflow_name', body)
        self.assertEqual({'name': 'world'}, body['input'])
        self.assertEqual({'env': 'prod-env'}, body['params'])

    def test_input_must_be_an_object(self):
        cmd, _, parsed = fakes.command(executions.CreateExecution,
                                       fakes.FakeClient(), ['deploy', '[1, 2]'])
        self.assertRaises(exceptions.CommandError, cmd.take_action, parsed)

    def test_set_state(self):
        client = fakes.FakeClient({('PUT', f'/executions/{EXECUTION_ID}'):
                                   {'id': EXECUTION_ID, 'state': 'PAUSED'}})
        fakes.run(executions.SetExecution, client, [EXECUTION_ID, '--state',
                                                    'PAUSED'])
        fakes.run(executions.SetExecution, client, [
            EXECUTION_ID, '--state', 'CANCELLED', '--state-info', 'no longer'])
        fakes.run(executions.SetExecution, client, [EXECUTION_ID, '--env', '{a: 1}'])
        self.assertEqual([{'state': 'PAUSED'},
                          {'state': 'CANCELLED', 'state_info': 'no longer'},
                          {'params': {'env': {'a': 1}}}],
                         [r[2] for r in client.requests])

    def test_delete_force(self):
        client = fakes.FakeClient({('DELETE', f'/executions/{EXECUTION_ID}'): None})
        fakes.run(executions.DeleteExecutions, client, [EXECUTION_ID, '--force'])
        self.assertEqual({'force': 'true'}, client.requests[0][4])

    def test_report_and_sub_executions(self):
        client = fakes.FakeClient({
            ('GET', f'/executions/{EXECUTION_ID}/report'): {'statistics': {}},
            ('GET', '/tasks/t/executions'): {'executions': [
                {'id': 'c', 'workflow_name': 'child', 'state': 'SUCCESS',
                 'output': '{}'}]}})
        fakes.run(executions.ShowExecutionReport, client,
                  [EXECUTION_ID, '--errors-only', '--max-depth', '1'])
        self.assertEqual({'errors_only': 'true', 'max_depth': 1},
                         client.requests[0][4])
        out = fakes.run(executions.ListSubExecutions, client,
                        ['t', '--task', '--include-output', '-f', 'json'])[1]
        self.assertEqual('{}', json.loads(out)[0]['output'])
        self.assertEqual({'include_output': 'true'}, client.requests[1][4])

    def test_list_filters(self):
        client = fakes.FakeClient({('GET', '/executions'): {'executions': []}})
        fakes.run(executions.ListExecutions, client,
                  ['--workflow', 'deploy', '--state', 'ERROR',
                   '--filter', 'description=has:x'])
        self.assertEqual({'workflow_name': 'deploy', 'state': 'ERROR',
                          'description': 'has:x'}, client.requests[0][4])


class TaskAndActionCommandsTest(testtools.TestCase):
    def test_tasks_of_an_execution(self):
        client = fakes.FakeClient({('GET', '/executions/e/tasks'): {'tasks': []}})
        fakes.run(tasks.ListTasks, client, ['--execution', 'e'])
        self.assertEqual('/executions/e/tasks', client.requests[0][1])

    def test_rerun_and_skip(self):
        client = fakes.FakeClient({('PUT', '/tasks/t'): {'id': 't'}})
        fakes.run(tasks.RerunTask, client, ['t'])
        fakes.run(tasks.RerunTask, client, ['t', '--resume', '--env', '{"a": 1}'])
        fakes.run(tasks.SkipTask, client, ['t'])
        self.assertEqual([{'state': 'RUNNING', 'reset': True},
                          {'state': 'RUNNING', 'reset': False, 'env': {'a': 1}},
                          {'state': 'SKIPPED'}], [r[2] for r in client.requests])

    def test_run_an_action(self):
        client = fakes.FakeClient({('POST', '/action_executions'): {'id': None}})
        fakes.run(action_executions.RunAction, client, [
            'std.echo', 'output: hi', '--save-result', '--run-sync',
            '--target', 'exec-1', '--timeout', '5', '--namespace', 'ns'])
        self.assertEqual({'name': 'std.echo', 'input': {'output': 'hi'},
                          'workflow_namespace': 'ns',
                          'params': {'save_result': True, 'run_sync': True,
                                     'target': 'exec-1', 'timeout': 5.0}},
                         client.requests[0][2])

    def test_complete_an_action_and_list_a_tasks_actions(self):
        client = fakes.FakeClient({
            ('PUT', '/action_executions/a'): {'id': 'a'},
            ('GET', '/tasks/t/action_executions'): {'action_executions': []}})
        fakes.run(action_executions.SetActionExecution, client,
                  ['a', '--state', 'SUCCESS', '--output', '{"x": 1}'])
        fakes.run(action_executions.ListActionExecutions, client, ['--task', 't'])
        self.assertEqual({'state': 'SUCCESS', 'output': '{"x": 1}'},
                         client.requests[0][2])
        self.assertEqual('/tasks/t/action_executions', client.requests[1][1])


class OtherResourcesTest(testtools.TestCase):
    def test_environment_create_and_set(self):
        client = fakes.FakeClient({('POST', '/environments'): {'name': 'e'},
                                   ('PUT', '/environments/e'): {'name': 'e'}})
        fakes.run(environments.CreateEnvironment, client,
                  ['e', '--variables', '{"a": 1}', '--public'])
        fakes.run(environments.SetEnvironment, client, ['e', '--description', 'd'])
        self.assertEqual([{'name': 'e', 'variables': {'a': 1}, 'scope': 'public'},
                          {'description': 'd'}], [r[2] for r in client.requests])

    def test_event_trigger_looks_the_workflow_id_up_by_name(self):
        client = fakes.FakeClient({('GET', '/workflows/deploy'): WORKFLOW,
                                   ('POST', '/event_triggers'): {'id': 'x'}})
        fakes.run(triggers.CreateEventTrigger, client,
                  ['t', 'deploy', 'nova', 'notifications', 'compute.x', '{a: 1}'])
        self.assertEqual({'name': 't', 'workflow_id': WORKFLOW['id'],
                          'exchange': 'nova', 'topic': 'notifications',
                          'event': 'compute.x', 'workflow_input': {'a': 1},
                          'workflow_params': {}, 'scope': 'private'},
                         client.requests[1][2])

    def test_cron_and_alarm_triggers(self):
        client = fakes.FakeClient({('POST', '/cron_triggers'): {'id': 'c'},
                                   ('POST', '/alarm_triggers'): {'id': 'a'}})
        fakes.run(triggers.CreateCronTrigger, client, [
            'c', 'deploy', '--pattern', '* * * * *', '--count', '2'])
        fakes.run(triggers.CreateAlarmTrigger, client, [
            'a', 'deploy', '--alarm-input', 'alarm', '--state', 'alarm'])
        cron, alarm = [r[2] for r in client.requests]
        self.assertEqual(('deploy', '* * * * *', 2, None), (
            cron['workflow_name'], cron['pattern'], cron['remaining_executions'],
            cron['first_execution_time']))
        self.assertEqual(('alarm', ['alarm']), (alarm['alarm_input'],
                                                alarm['states']))

    def test_workbook_create_shows_the_workbook(self):
        path = self.useFixture(fixtures.TempDir()).join('wb.yaml')
        with open(path, 'w') as stream:
            stream.write('name: book\n')
        client = fakes.FakeClient({('POST', '/workbooks'): {'id': 'w',
                                                            'name': 'book'}})
        out = fakes.run(workbooks.CreateWorkbook, client,
                        [path, '-f', 'value', '-c', 'name'])[1]
        self.assertEqual('book\n', out)
        self.assertTrue(os.path.exists(path))
