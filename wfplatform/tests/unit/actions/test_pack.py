"""The rest of the standard pack, the [actions] rules and the mistral-lib adapter."""

import email
from email import header as email_header
import socketserver
import threading

import fixtures
from mistral_lib import actions as mistral_actions
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform.actions import base
from wfplatform.actions import mistral_adapter
from wfplatform.actions import policy as action_policy
from wfplatform.actions import registry as action_registry
from wfplatform.actions.std import basic
from wfplatform.actions.std import mail
from wfplatform.actions.std import ssh
from wfplatform import config
from wfplatform import exceptions
from wfplatform.executor import runner

CONTEXT = base.ActionContext(action_execution_id='a-1')


class TestDictTest(testtools.TestCase):
    def test_makes_size_entries_with_the_prefix(self):
        action = basic.TestDictAction(size=3, key_prefix='k', val='v')
        self.assertEqual({'k0': 'v', 'k1': 'v', 'k2': 'v'}, action.run(CONTEXT))

    def test_defaults_make_an_empty_dict(self):
        self.assertEqual({}, basic.TestDictAction().run(CONTEXT))

    def test_size_is_checked(self):
        for size in ('many', -1, basic.TEST_DICT_MAX_SIZE + 1):
            self.assertRaises(exceptions.InvalidInput, basic.TestDictAction,
                              size=size)


class AsyncNoOpTest(testtools.TestCase):
    def test_is_asynchronous_and_reports_nothing(self):
        registry = action_registry.ActionRegistry(policy=action_policy.ActionPolicy())
        request = runner.ActionRequest(action_execution_id='a-1',
                                       action_name='std.async_noop', action_input={})
        self.assertFalse(basic.AsyncNoOpAction().is_sync())
        self.assertIsNone(runner.run_action(registry, None, request))

    def test_an_async_action_that_raises_reports_the_error(self):
        class Broken(basic.AsyncNoOpAction):
            def run(self, context):
                raise exceptions.ActionError('could not start')

        registry = action_registry.ActionRegistry(policy=action_policy.ActionPolicy())
        registry._classes['test.broken'] = Broken
        request = runner.ActionRequest(action_execution_id='a-1',
                                       action_name='test.broken', action_input={})
        self.assertEqual({'error': 'could not start'},
                         runner.run_action(registry, None, request))


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        self._say('220 test ESMTP')
        envelope = {'from': None, 'to': [], 'data': ''}
        while True:
            line = self.rfile.readline().decode()
            if not line:
                return
            verb = line[:4].upper()
            if verb in ('EHLO', 'HELO'):
                self._say('250 test')
            elif verb == 'MAIL':
                envelope['from'] = line.split(':', 1)[1].strip()
                self._say('250 OK')
            elif verb == 'RCPT':
                address = line.split(':', 1)[1].strip()
                if 'refused' in address:
                    self._say('550 No such user')
                    continue
                envelope['to'].append(address)
                self._say('250 OK')
            elif verb == 'DATA':
                self._say('354 End data with <CR><LF>.<CR><LF>')
                lines = []
                while (data := self.rfile.readline().decode()) != '.\r\n':
                    lines.append(data)
                envelope['data'] = ''.join(lines)
                self.server.messages.append(envelope)
                self._say('250 OK: queued')
            elif verb == 'QUIT':
                self._say('221 Bye')
                return
            else:
                self._say('502 Not implemented')

    def _say(self, text):
        self.wfile.write(text.encode() + b'\r\n')


class EmailTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), _SMTPHandler)
        server.daemon_threads = True
        server.messages = []
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.server = server
        self.address = f'127.0.0.1:{server.server_address[1]}'

    def test_sends_to_every_recipient_and_hides_bcc(self):
        action = mail.SendEmailAction(
            from_addr='wf@example.com', to_addrs=['ann@example.com'],
            smtp_server=self.address, cc_addrs='cc@example.com',
            bcc_addrs=['hidden@example.com'], reply_to='ops@example.com',
            subject='Done', body='All good', html_body='<b>All good</b>')
        self.assertIsNone(action.run(CONTEXT))
        [sent] = self.server.messages
        self.assertEqual('<wf@example.com>', sent['from'])
        self.assertEqual(['<ann@example.com>', '<cc@example.com>',
                          '<hidden@example.com>'], sent['to'])
        message = email.message_from_string(sent['data'])
        self.assertEqual(('Done', 'ann@example.com', 'cc@example.com',
                          'ops@example.com', None),
                         (str(email_header.make_header(email_header.decode_header(
                             message['Subject']))), message['To'], message['Cc'],
                          message['Reply-To'], message['Bcc']))
        self.assertEqual(['text/plain', 'text/html'],
                         [part.get_content_type()
                          for part in message.get_payload()])

    def test_a_refused_recipient_fails_the_action(self):
        action = mail.SendEmailAction(from_addr='wf@example.com',
                                      to_addrs='refused@example.com',
                                      smtp_server=self.address)
        error = self.assertRaises(exceptions.ActionError, action.run, CONTEXT)
        self.assertIn('failed to send an email message', str(error))

    def test_an_unreachable_server_fails_the_action(self):
        self.server.server_close()
        action = mail.SendEmailAction(from_addr='wf@example.com',
                                      to_addrs='a@example.com',
                                      smtp_server=self.address)
        self.assertRaises(exceptions.ActionError, action.run, CONTEXT)

    def test_inputs_are_checked(self):
        for bad in ({'to_addrs': []}, {'to_addrs': 5},
                    {'from_addr': 'a@example.com\nBcc: x@example.com'},
                    {'smtp_server': ''}):
            values = {'from_addr': 'wf@example.com', 'to_addrs': 'a@example.com',
                      'smtp_server': self.address, **bad}
            self.assertRaises(exceptions.InvalidInput, mail.SendEmailAction,
                              **values)

    def test_a_subject_cannot_add_headers(self):
        action = mail.SendEmailAction(from_addr='wf@example.com',
                                      to_addrs='a@example.com',
                                      smtp_server=self.address,
                                      subject='Hi\nBcc: evil@example.com')
        self.assertIsNone(action.message()['Bcc'])


class SSHTest(testtools.TestCase):
    def test_refused_unless_enabled(self):
        registry = action_registry.ActionRegistry(policy=action_policy.ActionPolicy())
        error = self.assertRaises(
            exceptions.ActionError, registry.create, 'std.ssh',
            {'cmd': 'uptime', 'host': 'h', 'username': 'u'})
        self.assertEqual('action std.ssh is disabled; set [actions] enable_ssh = '
                         'true to enable it', str(error))

    def test_created_when_enabled(self):
        registry = action_registry.ActionRegistry(policy=action_policy.ActionPolicy(
            switches=frozenset({'enable_ssh'})))
        action = registry.create('std.ssh', {'cmd': 'uptime', 'host': ['a', 'b'],
                                             'username': 'u'})
        self.assertEqual(['a', 'b'], action.hosts)

    def test_inputs_are_checked(self):
        good = {'cmd': 'uptime', 'host': 'h', 'username': 'u'}
        for bad in ({'cmd': ''}, {'host': []}, {'host': [1]}, {'username': None},
                    {'private_key_filename': '../id_rsa'},
                    {'private_key_filename': '/etc/ssh/ssh_host_rsa_key'}):
            self.assertRaises(exceptions.InvalidInput, ssh.SSHAction,
                              **{**good, **bad})

    def test_an_unreachable_host_fails_the_action(self):
        action = ssh.SSHAction(cmd='true', host='127.0.0.1:1', username='u',
                               password='p')
        error = self.assertRaises(exceptions.ActionError, action.run, CONTEXT)
        self.assertIn('failed to run the command on 127.0.0.1:1', str(error))


class PolicyTest(testtools.TestCase):
    def test_denied_wins_over_allowed(self):
        policy = action_policy.ActionPolicy(allowed=('std.*',),
                                            denied=('std.http',))
        policy.check('std.echo')
        error = self.assertRaises(exceptions.ActionError, policy.check, 'std.http')
        self.assertEqual('action std.http is disabled by [actions] denied',
                         str(error))
        error = self.assertRaises(exceptions.ActionError, policy.check,
                                  'nova.servers_list')
        self.assertIn('not in [actions] allowed', str(error))

    def test_a_denied_action_fails_when_run(self):
        registry = action_registry.ActionRegistry(
            policy=action_policy.ActionPolicy(denied=('std.e*',)))
        request = runner.ActionRequest(action_execution_id='a-1',
                                       action_name='std.echo',
                                       action_input={'output': 1})
        self.assertEqual({'error': 'action std.echo is disabled by [actions] denied'},
                         runner.run_action(registry, None, request))

    def test_reads_the_actions_group(self):
        conf = self.useFixture(_config()).conf
        config.register_opts(conf)
        conf.set_override('denied', ['std.ssh', ' '], group='actions')
        conf.set_override('enable_ssh', True, group='actions')
        conf.set_override('callback_base_url', 'http://wf.example.com:8989/v2/',
                          group='actions')
        policy = action_policy.ActionPolicy.from_config(conf)
        self.assertEqual((('*',), ('std.ssh',), frozenset({'enable_ssh'})),
                         (policy.allowed, policy.denied, policy.switches))
        self.assertEqual('http://wf.example.com:8989/v2/action_executions/a-1',
                         policy.callback_url('a-1'))

    def test_callback_url_is_a_path_without_a_base(self):
        self.assertEqual('/v2/action_executions/a-1',
                         action_policy.ActionPolicy().callback_url('a-1'))

    def test_the_runner_gives_the_callback_url(self):
        seen = []

        class Spy(base.Action):
            def run(self, context):
                seen.append(context)

        registry = action_registry.ActionRegistry(policy=action_policy.ActionPolicy(
            callback_base_url='https://wf.example.com'))
        registry._classes['test.spy'] = Spy
        runner.run_action(registry, None, runner.ActionRequest(
            action_execution_id='a-1', action_name='test.spy', action_input={}))
        self.assertEqual('https://wf.example.com/v2/action_executions/a-1',
                         seen[0].callback_url)


def _config():
    return config_fixture.Config(cfg.ConfigOpts())


class _Extension:
    def __init__(self, name, plugin):
        self.name, self.plugin = name, plugin


class _OldStyle:
    """An action of old Mistral: ``run(self)`` without a context."""

    def __init__(self, text):
        self.text = text

    def run(self):
        return self.text.upper()


class MistralNamespaceTest(testtools.TestCase):
    def registry(self, mistral_plugins, ours=()):
        plugins = {action_registry.NAMESPACE: list(ours),
                   action_registry.MISTRAL_NAMESPACE: list(mistral_plugins)}
        self.useFixture(_patch_extensions(plugins))
        return action_registry.ActionRegistry(policy=action_policy.ActionPolicy())

    def test_mistral_actions_load_with_their_signature(self):
        registry = self.registry([_Extension('legacy.shout', _OldStyle)])
        self.assertEqual('text', registry.descriptors()['legacy.shout'].input_signature)
        action = registry.create('legacy.shout', {'text': 'hi'})
        self.assertIsInstance(action, mistral_adapter.MistralLibAction)
        self.assertEqual('HI', action.run(CONTEXT))

    def test_our_namespace_wins_a_name_clash(self):
        registry = self.registry([_Extension('std.echo', _OldStyle)],
                                 [_Extension('std.echo', basic.EchoAction)])
        action = registry.create('std.echo', {'output': 1})
        self.assertIsInstance(action, basic.EchoAction)

    def test_a_mistral_lib_action_gets_mistral_lib_context(self):
        class WhoAmI(mistral_actions.Action):
            def __init__(self, fail=False):
                self.fail = fail

            def run(self, context):
                if self.fail:
                    return mistral_actions.Result(error='nope')
                return {'project': context.security.project_id,
                        'token': context.security.auth_token,
                        'callback': context.execution.callback_url,
                        'execution': context.execution.workflow_execution_id}

            def is_sync(self):
                return False

        registry = self.registry([_Extension('ext.whoami', WhoAmI)])
        action = registry.create('ext.whoami', {})
        self.assertFalse(action.is_sync())
        context = base.ActionContext(
            action_execution_id='a-1', workflow_execution_id='w-1',
            project_id='p-1', auth_token='t', callback_url='/v2/action_executions/a-1')
        self.assertEqual({'project': 'p-1', 'token': 't', 'execution': 'w-1',
                          'callback': '/v2/action_executions/a-1'},
                         action.run(context))
        failing = registry.create('ext.whoami', {'fail': True})
        self.assertEqual(base.Result(error='nope'), failing.run(context))


def _patch_extensions(plugins):
    return fixtures.MockPatchObject(action_registry, '_extensions',
                                    side_effect=lambda namespace: plugins[namespace])
