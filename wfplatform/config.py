"""Configuration options of every wfplatform service.

Option names follow Mistral's wherever the concept is the same, so an operator's
``mistral.conf`` carries over. Options are registered on the global ``cfg.CONF``
because oslo.messaging registers its own options there (see DESIGN.md §6); nothing
changes ``CONF`` at run time except :func:`parse_args` at process start and tests.
"""

import socket
from typing import Iterable

from oslo_config import cfg
from oslo_db import options as db_options
from oslo_log import log as logging

from wfplatform import exceptions
from wfplatform import version

DEFAULT_PROJECT_ID = '<default-project>'
"""Project that owns resources when authentication is off, as in Mistral."""

DEFAULT_CONNECTION = 'sqlite:///wfplatform.sqlite'

QUIET_ALEMBIC = 'alembic=WARN'
"""alembic logs every schema check at INFO; services and scripts only want problems."""

default_opts: list[cfg.Opt] = [
    cfg.StrOpt('host', default=socket.gethostname(), sample_default='<hostname>',
               help='Name of this host: names this process in service groups and '
                    'in RPC server targets.'),
]

api_opts: list[cfg.Opt] = [
    cfg.HostAddressOpt('host', default='127.0.0.1',
                       help='Address the API server listens on.'),
    cfg.PortOpt('port', default=8989, help='Port the API server listens on.'),
    cfg.IntOpt('threads', default=16, min=1,
               help='Number of threads serving API requests when the API runs '
                    'inside wfplatform-server.'),
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Largest number of items one list request returns.'),
    cfg.IntOpt('max_request_body_size', default=1024 * 1024, min=1024,
               help='Largest accepted request body, in bytes.'),
    cfg.BoolOpt('allow_action_execution_deletion', default=False,
                help='Let DELETE /v2/action_executions/<id> remove completed '
                     'action executions that were run alone (not by a task).'),
    cfg.FloatOpt('action_execution_wait', default=60.0, min=0.0,
                 help='Longest time, in seconds, POST /v2/action_executions '
                      'waits for the result of an action run synchronously; a '
                      'shorter "timeout" parameter shortens it. After it the '
                      'action execution is returned still RUNNING.'),
]

pecan_opts: list[cfg.Opt] = [
    cfg.BoolOpt('auth_enable', default=False,
                help='Require a Keystone token on every API request.'),
]

engine_opts: list[cfg.Opt] = [
    cfg.StrOpt('topic', default='wfplatform_engine',
               help='RPC topic the engines listen on.'),
    cfg.FloatOpt('outbox_sweep_interval', default=2.0, min=0.1,
                 help='Seconds between sweeps that re-send undelivered outbox '
                      'messages.'),
    cfg.FloatOpt('outbox_resend_after', default=5.0, min=0.1,
                 help='Age, in seconds, after which an undelivered outbox message '
                      'is sent again by the sweep.'),
    cfg.FloatOpt('scheduler_interval', default=0.2, min=0.01,
                 help='Seconds between looks for due timers (wait-before, '
                      'wait-after, retry delays, timeouts). The worst extra '
                      'delay a timer sees.'),
    cfg.FloatOpt('expression_timeout', default=5.0, min=0.01,
                 help='Seconds one evaluation of a task or workflow value (all '
                      'the expressions in it) may take before it fails with a '
                      'clear error. Raise it for huge data sets in YAQL.'),
    cfg.FloatOpt('scheduler_reclaim_after', default=30.0, min=1.0,
                 help='Seconds after which a timer claimed by an engine that '
                      'has not run it (the engine died) is claimed by another.'),
    cfg.IntOpt('execution_field_size_limit_kb', default=1024, min=-1,
               help='Largest size, in KiB of JSON, of a workflow execution\'s '
                    'input and parameters, a task\'s result and published '
                    'data. A larger input refuses the execution (400); a '
                    'larger result or published data fails the task. -1 '
                    'means no limit.'),
]

executor_opts: list[cfg.Opt] = [
    cfg.StrOpt('type', default='local', choices=['local', 'remote'],
               help='"local" runs actions inside the engine process; "remote" '
                    'sends them to executor services over RPC.'),
    cfg.StrOpt('topic', default='wfplatform_executor',
               help='RPC topic the executors listen on.'),
    cfg.StrOpt('host', help='Name a task\'s "target" is matched against; '
                            'defaults to [DEFAULT] host.'),
    cfg.IntOpt('workers', default=16, min=1,
               help='Actions one executor runs at the same time.'),
    cfg.FloatOpt('report_running_after', default=1.0, min=0.0,
                 help='With [coordination] backend_url set: seconds an action '
                      'must have been held by a remote executor before the '
                      'executor tells the engine it holds it, which is what '
                      'lets the engine re-run or fail the action if this '
                      'executor is lost. Shorter actions cost no extra message; '
                      'an action whose executor dies before this report stays '
                      'RUNNING until its task timeout. 0 reports every action '
                      '(one more message per action, batched).'),
]

notifier_opts: list[cfg.Opt] = [
    cfg.StrOpt('type', default='local', choices=['local', 'remote'],
               help='"local" publishes notifications inside the engine process; '
                    '"remote" sends them to notifier services over RPC.'),
    cfg.StrOpt('topic', default='wfplatform_notifier',
               help='RPC topic the notifiers listen on.'),
    cfg.StrOpt('notify', default='[]',
               help='Publishers that receive the events of every execution, as a '
                    'JSON list in the form of the "notify" execution parameter, '
                    'e.g. [{"type": "log", "event_types": ["WORKFLOW_FAILED"]}].'),
    cfg.FloatOpt('webhook_timeout', default=10.0, min=0.1,
                 help='Seconds a webhook delivery may take (connect and each '
                      'read) when its publisher entry sets no "timeout".'),
    cfg.IntOpt('webhook_retries', default=3, min=0,
               help='Times a webhook delivery is tried again after a connection '
                    'error, a timeout or a 5xx/429 answer. Later events of the '
                    'same execution wait for it, so they stay in order.'),
    cfg.FloatOpt('webhook_backoff', default=1.0, min=0.0,
                 help='Seconds before the first retry of a webhook delivery; '
                      'each further retry waits twice as long as the one '
                      'before.'),
    cfg.FloatOpt('webhook_backoff_max', default=30.0, min=0.0,
                 help='Longest wait between two tries of a webhook delivery.'),
    cfg.IntOpt('workers', default=8, min=1,
               help='Executions whose events are published at the same time; '
                    'the events of one execution are always published one '
                    'after the other.'),
]

egress_opts: list[cfg.Opt] = [
    cfg.BoolOpt('allow_loopback', default=False,
                help='Let std.http, cloud actions and webhooks connect to loopback '
                     'addresses (127.0.0.0/8, ::1, 0.0.0.0): the services\' own '
                     'host.'),
    cfg.BoolOpt('allow_link_local', default=False,
                help='Let std.http, cloud actions and webhooks connect to '
                     'link-local addresses (169.254.0.0/16, fe80::/10), where '
                     'the cloud metadata service hands out credentials.'),
    cfg.BoolOpt('allow_private', default=True,
                help='Let std.http, cloud actions and webhooks connect to private '
                     'addresses (10/8, 172.16/12, 192.168/16, fc00::/7). On by '
                     'default: the cloud\'s own services usually live there.'),
    cfg.ListOpt('allowed_hosts', default=[],
                help='Host names (exact) or networks (CIDR, or one address) '
                     'always allowed, whatever the allow_* options say.'),
    cfg.ListOpt('denied_hosts', default=[],
                help='Host names (exact) or networks (CIDR, or one address) '
                     'never allowed; wins over allowed_hosts.'),
]

event_engine_opts: list[cfg.Opt] = [
    cfg.StrOpt('listener_pool_name', default='wfplatform-event-engine',
               help='Notification listener pool shared by all event engines, so '
                    'each notification is handled once.'),
    cfg.FloatOpt('reload_interval', default=2.0, min=0.1,
                 help='Seconds between reads of the event trigger table: how soon '
                      'an event engine follows triggers being created, changed or '
                      'deleted.'),
    cfg.StrOpt('event_definitions_file',
               help='YAML file mapping notification event types (glob '
                    'patterns) to traits taken out of the notification, which '
                    'workflows started by event triggers find in '
                    'event_params.traits; the format is Ceilometer\'s '
                    'event_definitions.yaml (see '
                    'etc/wfplatform/event_definitions.yaml.sample). Checked when '
                    'the event engine starts: a bad file stops it. Unset: no '
                    'traits. A relative path is looked for beside the '
                    'configuration files.'),
]

actions_opts: list[cfg.Opt] = [
    cfg.ListOpt('allowed', default=['*'],
                help='Glob patterns of the actions that may run (e.g. "std.*", '
                     '"nova.*"); an action that matches none of them fails its '
                     'task. The default allows every installed action.'),
    cfg.ListOpt('denied', default=[],
                help='Glob patterns of actions that may not run, even when '
                     '"allowed" matches them; such an action fails its task '
                     'with "action X is disabled by [actions] denied".'),
    cfg.BoolOpt('enable_ssh', default=False,
                help='Let workflows run std.ssh: commands on other hosts over '
                     'SSH, with credentials taken from the workflow.'),
    cfg.StrOpt('callback_base_url',
               help='Public URL of the API, without "/v2" (e.g. '
                    'http://wfplatform.example.com:8989). When set, asynchronous '
                    'actions get an absolute callback URL; when not, the path '
                    '/v2/action_executions/<id>, as Mistral gives.'),
]

cloud_opts: list[cfg.Opt] = [
    cfg.URIOpt('auth_url', schemes=['http', 'https'],
               help='Keystone URL (e.g. http://keystone.example.com:5000/v3) '
                    'for the service credentials below. The cloud actions '
                    '(nova.*, glance.*, cinder.*, neutron.*, heat.*, aodh.*) act '
                    'as the caller with the caller\'s token when the request '
                    'carries one; without one (authentication off) they act '
                    'with these credentials, and fail if auth_url is unset.'),
    cfg.StrOpt('username',
               help='User of the service credentials the cloud actions use '
                    'when the request carries no token.'),
    cfg.StrOpt('password', secret=True,
               help='Password of [cloud] username.'),
    cfg.StrOpt('project_name',
               help='Project the service credentials are scoped to.'),
    cfg.StrOpt('user_domain_name', default='Default',
               help='Domain of [cloud] username.'),
    cfg.StrOpt('project_domain_name', default='Default',
               help='Domain of [cloud] project_name.'),
    cfg.StrOpt('region_name',
               help='Region the cloud actions use when neither the action '
                    '(action_region) nor the request names one.'),
    cfg.StrOpt('interface', default='public',
               choices=['public', 'internal', 'admin'],
               help='Which endpoints of the service catalog the cloud actions '
                    'call.'),
    cfg.FloatOpt('timeout', default=60.0, min=1.0,
                 help='Seconds to wait for each HTTP response from the cloud.'),
    cfg.StrOpt('cafile',
               help='CA bundle to verify the cloud\'s TLS certificates; the '
                    'system\'s when unset.'),
    cfg.BoolOpt('insecure', default=False,
                help='Do not verify the cloud\'s TLS certificates.'),
]

coordination_opts: list[cfg.Opt] = [
    cfg.StrOpt('backend_url', default='', secret=True,
               help='tooz backend every service process joins its service '
                    'group on, e.g. redis://127.0.0.1:6379, '
                    'etcd3+http://127.0.0.1:2379, zookeeper://127.0.0.1:2181 '
                    'or file:///var/lib/wfplatform/coordination (one host '
                    'only). Empty: single-node mode, without GET /v2/services '
                    'and without detection of lost executors.'),
    cfg.FloatOpt('heartbeat_interval', default=1.0, min=0.1,
                 help='Seconds between two heartbeats of a service process, '
                      'and between two checks for lost executors by the '
                      'leading engine.'),
    cfg.FloatOpt('member_timeout', default=10.0, min=1.0,
                 help='Seconds without a heartbeat after which a process counts '
                      'as gone (and a leading engine is replaced). Sets the '
                      'driver\'s membership and lock timeouts unless the URL '
                      'sets them. A lost executor\'s actions are re-run or '
                      'failed about member_timeout + 4 heartbeats after it '
                      'died.'),
]

execution_expiration_policy_opts: list[cfg.Opt] = [
    cfg.IntOpt('evaluation_interval', min=1,
               help='Minutes between two deletions of expired executions. '
                    'Unset: the policy is off. Only executions in SUCCESS, '
                    'ERROR or CANCELLED are ever deleted.'),
    cfg.IntOpt('older_than', default=0, min=0,
               help='Minutes after its last change a finished top-level '
                    'execution is deleted, with its tasks, actions and '
                    'sub-workflows. 0: never for its age.'),
    cfg.IntOpt('max_finished_executions', default=0, min=0,
               help='Finished top-level executions each project keeps, the '
                    'most recently changed; older ones are deleted even if '
                    'not expired. 0: no maximum.'),
    cfg.IntOpt('batch_size', default=0, min=0,
               help='Executions deleted in one transaction; a run repeats '
                    'batches until nothing is left. 0: all in one.'),
    cfg.ListOpt('ignored_states', default=[],
                item_type=cfg.types.String(
                    choices=['SUCCESS', 'ERROR', 'CANCELLED']),
                help='Finished states whose executions are never deleted (nor '
                     'counted against max_finished_executions).'),
]

_GROUPS: dict[str | None, list[cfg.Opt]] = {
    None: default_opts,
    'api': api_opts,
    'pecan': pecan_opts,
    'engine': engine_opts,
    'executor': executor_opts,
    'notifier': notifier_opts,
    'event_engine': event_engine_opts,
    'actions': actions_opts,
    'egress': egress_opts,
    'coordination': coordination_opts,
    'execution_expiration_policy': execution_expiration_policy_opts,
    'cloud': cloud_opts,
}


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register wfplatform's options and oslo.db's on ``conf``; safe to repeat."""
    for group, opts in _GROUPS.items():
        conf.register_opts(opts, group=group)
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def set_lib_defaults() -> None:
    """Library defaults that differ from their own (for oslo-config-generator)."""
    cfg.set_defaults(db_options.database_opts, connection=DEFAULT_CONNECTION)


def list_opts() -> Iterable[tuple[str | None, list[cfg.Opt]]]:
    """Every option of this package, for oslo-config-generator."""
    return [(group, list(opts)) for group, opts in _GROUPS.items()]


def parse_args(argv: list[str], conf: cfg.ConfigOpts = cfg.CONF,
               default_config_files: list[str] | None = None) -> None:
    """Register options and logging, then parse the command line and config files."""
    register_opts(conf)
    logging.register_options(conf)
    levels = logging.get_default_log_levels()
    if QUIET_ALEMBIC not in levels:
        logging.set_defaults(default_log_levels=levels + [QUIET_ALEMBIC])
    try:
        conf(argv, project='wfplatform', version=version.version_string(),
             default_config_files=default_config_files)
    except (cfg.ConfigFilesNotFoundError, cfg.ConfigFileParseError) as error:
        raise exceptions.InvalidConfiguration(str(error)) from None
