"""A fake API behind the real client class, and a way to run one command."""

import io
from typing import Any
from unittest import mock

from wfplatform.cli.osc import client as http


class FakeClient(http.Client):
    """Answers from ``routes`` ({(METHOD, path): answer}) and records requests.

    An answer may be a callable (called with the request's params and body), a
    list (one item per call, the last repeated) or an APIError to raise.
    """

    def __init__(self, routes: dict[tuple[str, str], Any] | None = None) -> None:
        super().__init__(mock.Mock(), 'http://wfp.test:8989')
        self.routes = dict(routes or {})
        self.requests: list[tuple[str, str, Any, Any, dict]] = []

    def request(self, method, path, *, body=None, text=None, params=None):
        params = {k: v for k, v in (params or {}).items() if v is not None}
        self.requests.append((method, path, body, text, params))
        answer = self.routes[(method, path)]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if callable(answer) and not isinstance(answer, Exception):
            answer = answer(params, body if text is None else text)
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeApp:
    """What a command uses of OSC's shell: options, the client, the streams."""

    def __init__(self, client: http.Client, url: str | None = 'http://wfp.test'):
        self.client_manager = mock.Mock(workflow_platform=client)
        self.options = mock.Mock(wfp_url=url)
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        self.stdin = io.StringIO()


def command(cls, client, argv, url='http://wfp.test'):
    """The command, its app and its parsed arguments."""
    app = FakeApp(client, url)
    cmd = cls(app, None)
    parsed = cmd.get_parser(f'openstack wfp {cls.__name__}').parse_args(argv)
    return cmd, app, parsed


def run(cls, client, argv):
    """Run the command as cliff does: (exit code, stdout, stderr)."""
    cmd, app, parsed = command(cls, client, argv)
    code = cmd.run(parsed)
    return code, app.stdout.getvalue(), app.stderr.getvalue()
