"""A threaded HTTP/1.1 server for the API when it runs inside wfplatform-server.

Built on the standard library (``wsgiref`` plus ``socketserver.ThreadingMixIn``):
one daemon thread per connection, keep-alive so a client such as
python-mistralclient reuses its connection, Nagle off and each response sent in
one write. At most ``threads`` requests run the application at once (``[api]
threads``), so idle keep-alive connections cost a parked thread but never a
database connection. Access lines go to oslo.log at debug level. Deployments that
want more run the same application under uwsgi or gunicorn
(``wfplatform.api.wsgi:application``).
"""

import socket
import socketserver
import threading
from typing import Any, IO, cast
from wsgiref import headers as wsgi_headers
from wsgiref import simple_server

from oslo_log import log as logging

from wfplatform.api import middleware

LOG = logging.getLogger(__name__)

IDLE_TIMEOUT = 60.0
"""Seconds a connection may wait for its next request (or for more of one)."""

_MAX_REQUEST_LINE = 65536


class APIServer:
    """Serves one WSGI application on ``host:port``; port 0 picks a free port.

    The socket is bound by the constructor, so :attr:`port` is the real port at
    once. :meth:`stop` stops accepting, closes idle keep-alive connections, lets
    requests in progress finish and closes the socket; call it from another thread
    than the one running :meth:`serve_forever`.
    """

    def __init__(self, app: middleware.WSGIApplication, host: str, port: int, *,
                 threads: int = 16) -> None:
        server_class = _WSGIServer6 if ':' in host else _WSGIServer
        self._server = server_class((host, port), _RequestHandler, threads)
        self._server.set_app(app)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()
        self._stopped = False

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever,
                                        name=f'api-server-{self.port}', daemon=True)
        self._serving.set()
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop`."""
        self._serving.set()
        LOG.info('API server listening on %s:%s', self.host, self.port)
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._serving.is_set():
            self._server.shutdown()
        self._server.close_idle_connections()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        LOG.info('API server on %s:%s stopped', self.host, self.port)


class _WSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    """A daemon thread per connection, each one joined by :meth:`server_close`.

    The threads are daemons so a forgotten server never holds the process up, and
    tracked here because ``ThreadingMixIn`` only joins non-daemon threads. The
    server also knows which connections sit idle between requests.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type,
                 threads: int) -> None:
        self.request_slots = threading.BoundedSemaphore(threads)
        self._lock = threading.Lock()
        self._idle: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._stopping = False
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        worker = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address), daemon=True)
        with self._lock:
            self._workers.add(worker)
        worker.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._workers.discard(threading.current_thread())

    def server_close(self) -> None:
        """Close the listening socket, then wait for every connection's thread."""
        super().server_close()
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join()

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup of the host."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = port
        self.setup_environ()

    def wait_for_request(self, connection: socket.socket) -> bool:
        """Mark ``connection`` idle; False once the server is stopping."""
        with self._lock:
            if self._stopping:
                return False
            self._idle.add(connection)
            return True

    def request_started(self, connection: socket.socket) -> None:
        with self._lock:
            self._idle.discard(connection)

    def close_idle_connections(self) -> None:
        with self._lock:
            self._stopping = True
            idle = list(self._idle)
        for connection in idle:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _WSGIServer6(_WSGIServer):
    address_family = socket.AF_INET6


class _ServerHandler(simple_server.ServerHandler):
    """wsgiref's gateway speaking HTTP/1.1."""

    http_version = '1.1'
    headers: wsgi_headers.Headers
    request_handler: '_RequestHandler'

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        if 'Content-Length' not in self.headers:
            self.headers['Connection'] = 'close'
        if self.headers.get('Connection', '').lower() == 'close':
            self.request_handler.close_connection = True


class _RequestHandler(simple_server.WSGIRequestHandler):
    """Serves requests on one connection until either side closes it."""

    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True
    wbufsize = -1
    timeout = IDLE_TIMEOUT
    server: _WSGIServer

    def handle(self) -> None:
        try:
            while self.server.wait_for_request(self.connection):
                self.close_connection = True
                self.handle_one_request()
                if self.close_connection:
                    break
        finally:
            self.server.request_started(self.connection)

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(_MAX_REQUEST_LINE + 1)
        except OSError:
            return
        self.server.request_started(self.connection)
        if len(self.raw_requestline) > _MAX_REQUEST_LINE:
            self.requestline = self.request_version = self.command = ''
            self.send_error(414)
            return
        if not self.raw_requestline or not self.parse_request():
            return
        self._run_application()

    def _run_application(self) -> None:
        body = _RequestBody(self.rfile, self.headers.get('Content-Length'))
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            self.close_connection = True
        handler = _ServerHandler(body, cast(IO[bytes], self.wfile),
                                 self.get_stderr(), self.get_environ(),
                                 multithread=True)
        handler.request_handler = self
        try:
            with self.server.request_slots:
                handler.run(cast(middleware.WSGIApplication, self.server.get_app()))
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        if body.remaining:
            self.close_connection = True

    def handle_expect_100(self) -> bool:
        """Send ``100 Continue`` at once, not with the buffered response.

        Otherwise the client waits (curl: a second) before sending its body.
        """
        answer = super().handle_expect_100()
        self.wfile.flush()
        return answer

    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug('%s %s', self.address_string(), format % args)


class _RequestBody:
    """The request body stream; remembers whether the application read it all.

    A body left unread would be taken for the next request, so the connection is
    closed instead.
    """

    def __init__(self, stream: Any, content_length: str | None) -> None:
        self._stream = stream
        try:
            self.remaining = max(int(content_length or 0), 0)
        except ValueError:
            self.remaining = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self.remaining:
            size = self.remaining
        return self._count(self._stream.read(size) if size else b'')

    def readline(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self.remaining:
            size = self.remaining
        return self._count(self._stream.readline(size) if size else b'')

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b''))

    def __iter__(self) -> Any:
        return iter(self.readline, b'')

    def _count(self, data: bytes) -> bytes:
        self.remaining -= len(data)
        return data
