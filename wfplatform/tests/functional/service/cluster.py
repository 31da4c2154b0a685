"""Starts wfplatform services as real processes against real servers.

Each cluster gets its own database, its own RabbitMQ exchange and topics, free
ports and a temporary directory; everything is removed when the test ends. The logs
of every process are attached to a failing test.
"""

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
from typing import Any
import urllib.error
import urllib.request
import uuid

import fixtures
from testtools import content as testtools_content

from wfplatform.tests.fixtures import database as db_fixtures
from wfplatform.tests import waiting

RABBIT_HOST = os.environ.get('WFP_RABBIT_HOST', '127.0.0.1:5672')


def rabbitmqctl(*args: str) -> None:
    try:
        subprocess.run(['rabbitmqctl', '-q', *args], check=True, timeout=60,
                       capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, 'stderr', '') or error
        raise AssertionError(
            f'rabbitmqctl {" ".join(args)} failed ({detail}); the functional tests '
            f'need RabbitMQ on {RABBIT_HOST}: start it with rabbitmq-server -detached'
        ) from None


class RabbitVirtualHost(fixtures.Fixture):
    """A RabbitMQ virtual host of the test's own, deleted with all its queues.

    Queues keep oslo.messaging's default (not auto-deleted), as in production, so
    a message for a service that is restarting waits for it.
    """

    def _setUp(self) -> None:
        self.name = f'wfp_test_{uuid.uuid4().hex[:12]}'
        rabbitmqctl('add_vhost', self.name)
        self.addCleanup(rabbitmqctl, 'delete_vhost', self.name)
        rabbitmqctl('set_permissions', '-p', self.name, 'guest', '.*', '.*', '.*')
        self.url = f'rabbit://guest:guest@{RABBIT_HOST}/{self.name}'


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, however it dies.

    Without this a test runner killed mid-test leaves its servers running.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        raise OSError(ctypes.get_errno(), 'prctl(PR_SET_PDEATHSIG) failed')


_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class ServiceCluster(fixtures.Fixture):
    """A database plus one process per entry of ``processes`` (service lists)."""

    def __init__(self, backend: str = 'postgresql', transport: str = 'rabbit',
                 processes: tuple[str, ...] = ('engine', 'executor', 'api'),
                 executor_type: str = 'remote', migrate: bool = True,
                 extra_config: str = '', env: dict[str, str] | None = None) -> None:
        """A cluster; ``env`` is added to the environment of every child.

        For instance ``PYTHONPATH`` to where an action pack is installed.
        """
        super().__init__()
        self.env = dict(env or {})
        self.backend = backend
        self.transport = transport
        self.process_services = processes
        self.executor_type = executor_type
        self.migrate = migrate
        self.extra_config = extra_config

    def _setUp(self) -> None:
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.database_url = self.useFixture(
            db_fixtures.TemporaryDatabase(self.backend)).url
        self.transport_url = 'fake://'
        if self.transport == 'rabbit':
            self.transport_url = self.useFixture(RabbitVirtualHost()).url
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.config_file = os.path.join(self.tempdir, 'wfplatform.conf')
        with open(self.config_file, 'w') as config:
            config.write(self._config())
        if self.migrate:
            self.db_manage('upgrade', 'head')
        self.processes: list[tuple[str, subprocess.Popen]] = []
        for services in self.process_services:
            self.processes.append((services, self.start_process(services)))
        self.addCleanup(self._stop_all)
        for services, _ in self.processes:
            self.wait_running(services)

    def _config(self) -> str:
        suffix = uuid.uuid4().hex[:12]
        return f"""
[DEFAULT]
transport_url = {self.transport_url}
host = host-{suffix}
debug = true

[database]
connection = {self.database_url}

[api]
host = 127.0.0.1
port = {self.port}

[engine]
outbox_sweep_interval = 0.5
outbox_resend_after = 2

[executor]
type = {self.executor_type}
{self.extra_config}
"""

    def db_manage(self, *args: str,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run wfplatform-db-manage; ``env`` replaces the cluster's ``env``."""
        return subprocess.run(
            [sys.executable, '-m', 'wfplatform.cmd.db_manage', '--config-file',
             self.config_file, *args], capture_output=True, text=True, timeout=120,
            check=True, env=self._environment(self.env if env is None else env))

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        return {**os.environ, **extra}

    def start_process(self, services: str) -> subprocess.Popen:
        log = open(self.log_path(services), 'w')
        self.addCleanup(log.close)
        self.addDetail(f'{services}-log', testtools_content.content_from_file(
            log.name, buffer_now=False))
        return subprocess.Popen(
            [sys.executable, '-m', 'wfplatform.cmd.server', '--config-file',
             self.config_file, '--server', services],
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            env=self._environment(self.env))

    def stop_process(self, process: subprocess.Popen, timeout: float = 30) -> int:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError('a service ignored SIGTERM for '
                                     f'{timeout} s and was killed')
        return process.returncode

    def _stop_all(self) -> None:
        for _, process in reversed(self.processes):
            self.stop_process(process)

    def log_path(self, services: str) -> str:
        return os.path.join(self.tempdir, f'{services.replace(",", "-")}.log')

    def wait_running(self, services: str, timeout: float = 60) -> None:
        """Wait until the process says every one of its services is listening.

        The API answering is not enough: an RPC message sent before the engine
        has bound its queue would be dropped by the broker.
        """
        process = dict(self.processes)[services]

        def running() -> bool:
            if process.poll() is not None:
                raise AssertionError(f'wfplatform-server --server {services} exited '
                                     f'with {process.returncode}')
            with open(self.log_path(services)) as log:
                return 'wfplatform.launcher [-] Running: ' in log.read()

        waiting.wait_for(running, timeout, f'--server {services} to start')

    # A tiny REST client: only the standard library, so the wire format is tested
    # exactly as it travels.
    def request(self, method: str, path: str, body: Any = None,
                content_type: str = 'application/json') -> tuple[int, Any]:
        data = body
        if body is not None and not isinstance(body, (bytes, str)):
            data = json.dumps(body)
        if isinstance(data, str):
            data = data.encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={'Content-Type': content_type})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def upload(self, definition: str) -> list[dict[str, Any]]:
        status, body = self.request('POST', '/v2/workflows', definition, 'text/plain')
        assert status == 201, f'upload failed with {status}: {body}'
        return body['workflows']

    def run_workflow(self, name: str, workflow_input: dict | None = None,
                     timeout: float = 60) -> dict[str, Any]:
        status, execution = self.request('POST', '/v2/executions', {
            'workflow_name': name, 'input': workflow_input or {}})
        assert status == 201, f'start failed with {status}: {execution}'
        return self.wait_finished(execution['id'], timeout)

    def wait_finished(self, execution_id: str, timeout: float = 60) -> dict[str, Any]:
        def finished():
            _, execution = self.request('GET', f'/v2/executions/{execution_id}')
            return execution if execution['state'] not in ('IDLE', 'RUNNING') \
                else None
        return waiting.wait_for(finished, timeout,
                                f'execution {execution_id} to finish')
