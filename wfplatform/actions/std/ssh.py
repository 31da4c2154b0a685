"""``std.ssh``: runs a command on one or several hosts over SSH (paramiko).

Off unless ``[actions] enable_ssh = true``: it lets a workflow author reach any
host the executor can, with credentials from the workflow. paramiko is optional
(``pip install wfplatform[ssh]``).
"""

import os
from typing import Any

from wfplatform.actions import base
from wfplatform import exceptions

try:
    import paramiko
except ImportError:  # pragma: no cover - depends on what is installed
    paramiko = None

SSH_TIMEOUT = 60.0
"""Seconds to connect and authenticate to a host."""

KEY_DIRECTORY = '~/.ssh'
"""Where ``private_key_filename`` is looked up: the executor user's keys only."""


class SSHAction(base.Action):
    """Runs ``cmd`` on ``host`` (or each host of a list) as ``username``.

    The result is the command's standard output, or a list of them in the order
    of the hosts. A non-zero exit status fails the task. ``private_key_filename``
    names a key in the executor user's ``~/.ssh``.
    """

    enabled_by = 'enable_ssh'

    def __init__(self, cmd: str, host: Any, username: str, password: str = '',
                 private_key_filename: str | None = None) -> None:
        if not isinstance(cmd, str) or not cmd.strip():
            raise exceptions.InvalidInput(
                f'std.ssh: cmd must be a non-empty string, got {cmd!r}')
        hosts = host if isinstance(host, list) else [host]
        if not hosts or not all(isinstance(h, str) and h.strip() for h in hosts):
            raise exceptions.InvalidInput(
                f'std.ssh: host must be a host name or a list of them, got {host!r}')
        if not isinstance(username, str) or not username.strip():
            raise exceptions.InvalidInput(
                f'std.ssh: username must be a non-empty string, got {username!r}')
        if private_key_filename is not None and (
                not isinstance(private_key_filename, str)
                or os.path.basename(private_key_filename) != private_key_filename
                or private_key_filename in ('', '.', '..')):
            raise exceptions.InvalidInput(
                f'std.ssh: private_key_filename must be the name of a file in '
                f'{KEY_DIRECTORY}, got {private_key_filename!r}')
        self.cmd = cmd
        self.hosts = [h.strip() for h in hosts]
        self.single = not isinstance(host, list)
        self.username = username
        self.password = password or None
        self.private_key_filename = private_key_filename

    def run(self, context: base.ActionContext) -> Any:
        if paramiko is None:
            raise exceptions.ActionError(
                'std.ssh needs paramiko: pip install "wfplatform[ssh]"')
        outputs = [self._run_on(host) for host in self.hosts]
        return outputs[0] if self.single else outputs

    def _run_on(self, host: str) -> str:
        address, _, port = host.partition(':')
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect(address, port=int(port or 22), username=self.username,
                           password=self.password, key_filename=self._key_path(),
                           timeout=SSH_TIMEOUT, banner_timeout=SSH_TIMEOUT,
                           auth_timeout=SSH_TIMEOUT, allow_agent=False)
            _, stdout, _ = client.exec_command(self.cmd)
            output = stdout.read().decode('utf-8', errors='replace')
            status = stdout.channel.recv_exit_status()
        except (paramiko.SSHException, OSError, ValueError) as error:
            raise exceptions.ActionError(
                f"std.ssh: failed to run the command on {host}: {error}") from None
        finally:
            client.close()
        if status != 0:
            raise exceptions.ActionError(
                f'std.ssh: the command exited with status {status} on {host}')
        return output

    def _key_path(self) -> str | None:
        if self.private_key_filename is None:
            return None
        return os.path.join(os.path.expanduser(KEY_DIRECTORY),
                            self.private_key_filename)
