"""An OpenStack cloud double on loopback: Keystone v3 plus the APIs tests need.

A real Nova needs a hypervisor, so cloud actions are tested against this HTTP
server instead. It follows the documented request and response shapes of
Keystone v3 (``POST /v3/auth/tokens`` with password or token, a catalog),
Nova v2.1 (:mod:`.nova`) and a little of Glance, Cinder, Neutron, Heat and Aodh
(:mod:`.services`), and their resources change state over time as the real
services' do (a server is BUILD, then ACTIVE ``step_seconds`` later). Every
service request needs a token this double issued; each request is recorded in
``requests`` so a test can see which token reached which service.

With ``accept_token`` the double also serves tokens another identity service
issued (a real Keystone, whose catalog points at this server): the callable says
whether a token it has not issued is valid, once per token, as keystonemiddleware
asks Keystone.

It runs in the test's process (threads), on a free port of 127.0.0.1::

    cloud = self.useFixture(cloud.CloudDouble())
    cloud.url, cloud.identity_url, cloud.issue_token()
"""

import http.server
import json
import re
import threading
import time
from typing import Any, Callable
from urllib import parse
import uuid

import fixtures

from wfplatform.tests.doubles import nova
from wfplatform.tests.doubles import services
from wfplatform.tests.doubles import wire

USERNAME = 'admin'
PASSWORD = 'secret'
PROJECT_NAME = 'demo'
DOMAIN = 'Default'
REGION = 'RegionOne'


class CloudDouble(fixtures.Fixture):
    """Keystone, Nova, Glance, Cinder, Neutron, Heat and Aodh, in one server."""

    def __init__(self, step_seconds: float = 0.2,
                 hosts: tuple[str, ...] = ('compute-1', 'compute-2', 'compute-3'),
                 region: str = REGION,
                 accept_token: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.step_seconds = step_seconds
        self.region = region
        self.lock = threading.RLock()
        self.project_id = uuid.uuid4().hex
        self.user_id = uuid.uuid4().hex
        self.tokens: dict[str, str] = {}
        """Issued tokens, each to the project it is scoped to."""
        self.accept_token = accept_token
        self.foreign_tokens: set[str] = set()
        """Tokens another identity service issued that ``accept_token`` passed."""
        self.requests: list[wire.Request] = []
        self._pending: list[tuple[float, Callable[[], None]]] = []
        self.services = services.Services(self)
        self.compute = nova.Compute(self, hosts, self.services.images,
                                    self.services.volumes)
        self._routes: list[tuple[str, re.Pattern[str], wire.Handler, bool]] = []
        self._add_identity_routes()
        for method, pattern, handler in (self.compute.routes()
                                         + self.services.routes()):
            self.route(method, pattern, handler)

    # -- life cycle ----------------------------------------------------------
    def _setUp(self) -> None:
        self._server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                       _RequestHandler)
        self._server.daemon_threads = True
        setattr(self._server, 'cloud', self)
        self.port = self._server.server_address[1]
        self.url = f'http://127.0.0.1:{self.port}'
        self.identity_url = f'{self.url}/identity/v3'
        thread = threading.Thread(target=self._server.serve_forever,
                                  name='cloud-double', daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self._server.server_close)
        self.addCleanup(self._server.shutdown)

    # -- time ----------------------------------------------------------------
    def later(self, change: Callable[[], None], steps: float = 1.0) -> None:
        """Apply ``change`` once ``steps`` steps have passed (on the next request)."""
        with self.lock:
            self._pending.append((time.monotonic() + steps * self.step_seconds,
                                  change))

    def settle(self, everything: bool = False) -> None:
        """Apply every change that is due (or pending, with ``everything``)."""
        with self.lock:
            horizon = float('inf') if everything else time.monotonic()
            due = sorted((item for item in self._pending if item[0] <= horizon),
                         key=lambda item: item[0])
            for item in due:
                self._pending.remove(item)
                item[1]()

    # -- routing -------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: wire.Handler,
              public: bool = False) -> None:
        self._routes.append((method, re.compile(pattern + '/?$'), handler, public))

    def dispatch(self, request: wire.Request) -> wire.Reply:
        with self.lock:
            self.requests.append(request)
            self.settle()
            allowed = []
            for method, pattern, handler, public in self._routes:
                match = pattern.match(request.path)
                if match is None:
                    continue
                if method != request.method:
                    allowed.append(method)
                    continue
                if not public and not self._authenticated(request.token):
                    return wire.Reply(401, {'error': {
                        'code': 401, 'title': 'Unauthorized',
                        'message': 'The request you have made requires '
                                   'authentication.'}},
                        {'WWW-Authenticate': f'Keystone uri="{self.url}/identity"'})
                try:
                    return handler(request, **match.groupdict())
                except wire.Fault as fault:
                    return wire.Reply(fault.status, fault.body)
            if allowed:
                return wire.Reply(405, {'error': {
                    'code': 405, 'message': 'Method not allowed'}})
            return wire.Reply(404, {'error': {
                'code': 404, 'message': f'No route for {request.path}'}})

    def _authenticated(self, token: str | None) -> bool:
        if token is None:
            return False
        if token in self.tokens or token in self.foreign_tokens:
            return True
        if self.accept_token is not None and self.accept_token(token):
            self.foreign_tokens.add(token)
            return True
        return False

    def service_requests(self, prefix: str) -> list[wire.Request]:
        """The recorded requests whose path starts with ``prefix``."""
        with self.lock:
            return [request for request in self.requests
                    if request.path.startswith(prefix)]

    # -- Keystone ------------------------------------------------------------
    def catalog(self) -> list[dict[str, Any]]:
        """The v3 service catalog: each service at a path prefix of this server."""
        project = self.project_id
        services_ = [('identity', 'keystone', '/identity'),
                     ('compute', 'nova', '/compute/v2.1'),
                     ('image', 'glance', '/image'),
                     ('block-storage', 'cinder', f'/volume/v3/{project}'),
                     ('network', 'neutron', '/network'),
                     ('orchestration', 'heat', f'/heat/v1/{project}'),
                     ('alarming', 'aodh', '/alarming')]
        return [{'type': kind, 'name': name, 'id': uuid.uuid5(
                    uuid.NAMESPACE_URL, kind).hex,
                 'endpoints': [{'id': uuid.uuid4().hex, 'interface': interface,
                                'region': self.region, 'region_id': self.region,
                                'url': self.url + path}
                               for interface in ('public', 'internal', 'admin')]}
                for kind, name, path in services_]

    def issue_token(self) -> tuple[str, dict[str, Any]]:
        """A new project token and its body, as ``POST /v3/auth/tokens`` gives."""
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = self.project_id
        return token, {'token': {
            'methods': ['password'], 'expires_at': wire.now_text(3600),
            'issued_at': wire.now_text(), 'audit_ids': [uuid.uuid4().hex[:22]],
            'user': {'id': self.user_id, 'name': USERNAME,
                     'domain': {'id': 'default', 'name': DOMAIN},
                     'password_expires_at': None},
            'project': {'id': self.project_id, 'name': PROJECT_NAME,
                        'domain': {'id': 'default', 'name': DOMAIN}},
            'roles': [{'id': uuid.uuid4().hex, 'name': 'admin'},
                      {'id': uuid.uuid4().hex, 'name': 'member'}],
            'is_domain': False, 'catalog': self.catalog()}}

    def _add_identity_routes(self) -> None:
        self.route('GET', r'/identity', self._identity_versions, public=True)
        self.route('GET', r'/identity/v3', self._identity_v3, public=True)
        self.route('POST', r'/identity/v3/auth/tokens', self._authenticate,
                   public=True)

    def _identity_version(self) -> dict[str, Any]:
        return {'id': 'v3.14', 'status': 'stable', 'updated': '2020-04-07T00:00:00Z',
                'links': [{'rel': 'self', 'href': self.identity_url + '/'}],
                'media-types': [{'base': 'application/json', 'type':
                                 'application/vnd.openstack.identity-v3+json'}]}

    def _identity_versions(self, request: wire.Request) -> wire.Reply:
        return wire.Reply(300, {'versions': {'values': [self._identity_version()]}})

    def _identity_v3(self, request: wire.Request) -> wire.Reply:
        return wire.Reply(200, {'version': self._identity_version()})

    def _authenticate(self, request: wire.Request) -> wire.Reply:
        identity = ((request.body or {}).get('auth') or {}).get('identity') or {}
        methods = identity.get('methods') or []
        if 'password' in methods:
            user = (identity.get('password') or {}).get('user') or {}
            valid = (user.get('name') == USERNAME
                     and user.get('password') == PASSWORD)
        elif 'token' in methods:
            valid = (identity.get('token') or {}).get('id') in self.tokens
        else:
            valid = False
        if not valid:
            return wire.Reply(401, {'error': {
                'code': 401, 'title': 'Unauthorized',
                'message': 'The request you have made requires authentication.'}})
        token, body = self.issue_token()
        body['token']['methods'] = methods
        return wire.Reply(201, body, {'X-Subject-Token': token})


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def _handle(self) -> None:
        url = parse.urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors='replace')
        cloud: CloudDouble = getattr(self.server, 'cloud')
        reply = cloud.dispatch(wire.Request(
            method=self.command, path=url.path.rstrip('/') or '/',
            query=parse.parse_qs(url.query), headers=dict(self.headers.items()),
            body=body, token=self.headers.get('X-Auth-Token')))
        data = b'' if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if data:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the recorded ``requests`` say what happened."""
