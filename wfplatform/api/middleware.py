"""The outermost WSGI layer: Mistral's fault body for every error, and a body cap.

Whatever goes wrong below — a :class:`~wfplatform.exceptions.WfplatformError` from a
controller or repository, pecan's own 404/405, keystonemiddleware's 401, a bug —
the client gets ``{"faultstring": ..., "faultcode": "Client"|"Server",
"debuginfo": null}`` with the right status, as Mistral's WSME layer sends it.
python-mistralclient shows ``faultstring`` to the user. Unexpected exceptions are
logged with their traceback and answered with a generic 500: internals never leak.
"""

import http
import json
from typing import Any, Callable, Iterable

from oslo_log import log as logging

from wfplatform import exceptions

LOG = logging.getLogger(__name__)

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_KEPT_HEADERS = ('allow', 'www-authenticate', 'retry-after')
"""Headers of an error response that still mean something after the rewrite."""

_UNEXPECTED = ('The server could not complete the request because of an unexpected '
               'error; the details are in the API service log.')
_TOO_DEEP = ('The request body is nested too deeply to be read (pecan and the '
             'parsers stop at Python\'s recursion limit).')


class RequestTooLarge(exceptions.WfplatformError):
    http_code = 413


class FaultMiddleware:
    """Wraps the whole API; see the module docstring."""

    def __init__(self, app: WSGIApplication, max_body_size: int) -> None:
        self._app = app
        self._max_body_size = max_body_size

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            self._limit_body(environ)
            _refuse_nul_in_url(environ)
            return self._call_app(environ, start_response)
        except exceptions.WfplatformError as error:
            return fault(start_response, error.http_code, str(error))
        except RecursionError:
            return fault(start_response, 400, _TOO_DEEP)
        except Exception:
            LOG.exception('Unexpected error in %s %s', environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'))
            return fault(start_response, 500, _UNEXPECTED)

    def _limit_body(self, environ: dict[str, Any]) -> None:
        """Refuse a declared oversize body at once; cut off an undeclared one."""
        declared = environ.get('CONTENT_LENGTH')
        if not declared:
            environ['wsgi.input'] = _LimitedInput(environ['wsgi.input'],
                                                  self._max_body_size)
            environ.pop('webob.is_body_seekable', None)
            return
        try:
            length = int(declared)
        except ValueError:
            raise exceptions.InvalidInput(
                f'Invalid Content-Length header: {declared!r}') from None
        if length > self._max_body_size:
            raise _too_large(self._max_body_size)

    def _call_app(self, environ: dict[str, Any],
                  start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Pass success through; replace any error response with a fault body."""
        response: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]],
                    exc_info: Any = None) -> Callable[[bytes], None]:
            response[:] = [status, headers]
            return _refuse_write

        result = self._app(environ, capture)
        status, headers = response
        code = int(status.split(' ', 1)[0])
        if code < 400:
            start_response(status, headers)
            return result
        _close(result)
        kept = [(name, value) for name, value in headers
                if name.lower() in _KEPT_HEADERS]
        return fault(start_response, code, _message(environ, code), kept)


def _refuse_nul_in_url(environ: dict[str, Any]) -> None:
    """400 for a NUL in the path or the query: no database column can store it.

    PostgreSQL refuses NUL in any text, so a name or a filter holding one would
    otherwise fail deep in a query with a 500.
    """
    query = environ.get('QUERY_STRING', '')
    if '\x00' in environ.get('PATH_INFO', '') or '%00' in query or '\x00' in query:
        raise exceptions.InvalidInput(
            'The request URL holds a NUL character (%00) in its path or query.')


def fault(start_response: Callable[..., Any], code: int, message: str,
          headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    """Send Mistral's fault body with status ``code``."""
    payload = json.dumps({'faultstring': message,
                          'faultcode': 'Client' if code < 500 else 'Server',
                          'debuginfo': None}).encode()
    start_response(f'{code} {_reason(code)}',
                   [('Content-Type', 'application/json'),
                    ('Content-Length', str(len(payload)))] + (headers or []))
    return [payload]


class _LimitedInput:
    """``wsgi.input`` without a Content-Length (chunked): fails past ``limit``."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._remaining = limit
        self._limit = limit

    def read(self, size: int = -1) -> bytes:
        wanted = self._remaining + 1 if size is None or size < 0 else size
        return self._count(self._stream.read(min(wanted, self._remaining + 1)))

    def readline(self, size: int = -1) -> bytes:
        wanted = self._remaining + 1 if size is None or size < 0 else size
        return self._count(self._stream.readline(min(wanted, self._remaining + 1)))

    def _count(self, data: bytes) -> bytes:
        self._remaining -= len(data)
        if self._remaining < 0:
            raise _too_large(self._limit)
        return data


def _too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(f'Request is too large: the body may have at most {limit} '
                           'bytes.')


def _message(environ: dict[str, Any], code: int) -> str:
    method, path = environ.get('REQUEST_METHOD'), environ.get('PATH_INFO')
    messages = {
        400: 'Bad request: the URL or its query string could not be read (it must '
             'be UTF-8).',
        401: 'Authentication required: the request has no valid token.',
        403: 'Access denied.',
        404: f'The resource could not be found: {path}',
        405: f'Method {method} is not allowed for {path}',
    }
    return messages.get(code, _reason(code))


def _reason(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return 'Error'


def _refuse_write(data: bytes) -> None:
    """The legacy ``write`` callable; nothing below this middleware uses it."""
    raise RuntimeError('write() is not supported behind FaultMiddleware')


def _close(result: Iterable[bytes]) -> None:
    close = getattr(result, 'close', None)
    if close is not None:
        close()
