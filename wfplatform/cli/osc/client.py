"""A small HTTP client of the v2 API for the ``openstack wfp`` commands.

It sends requests through a keystoneauth1 session: OSC's authenticated one, which
adds the token, or a session without auth when the service runs with
``[pecan] auth_enable = False`` and the user gives ``--wfp-url``. Every path is
relative to the API's ``/v2`` root. Errors come back as :class:`APIError` carrying
the API's ``faultstring``, the message users see.
"""

import json
from typing import Any, Iterator, Mapping

from keystoneauth1 import session as ksa_session

SERVICE_TYPE = 'workflowv2'
"""The service type under which wfplatform is in the Keystone catalog (Mistral's)."""

JSON = 'application/json'
TEXT = 'text/plain'


class APIError(Exception):
    """The API refused a request; the message is its ``faultstring``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f'{message} (HTTP {status})')
        self.status = status
        self.message = message


def v2_root(url: str) -> str:
    """``http://host:8989`` or ``http://host:8989/v2/`` → ``http://host:8989/v2``."""
    url = url.rstrip('/')
    return url if url.endswith('/v2') else f'{url}/v2'


class Client:
    """Requests to one wfplatform API through a keystoneauth1 session."""

    def __init__(self, session: ksa_session.Session, endpoint: str,
                 timeout: float | None = 60) -> None:
        self.session = session
        self.endpoint = v2_root(endpoint)
        self.timeout = timeout

    def request(self, method: str, path: str, *, body: Any = None,
                text: str | None = None,
                params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON answer (None when empty); APIError on 4xx and 5xx.

        ``text`` is sent as ``text/plain`` (definitions), ``body`` as JSON.
        """
        # No Accept on DELETE: the API's bodiless handlers answer 406 to it.
        headers = {} if method == 'DELETE' else {'Accept': JSON}
        data = None
        if text is not None:
            headers['Content-Type'] = TEXT
            data = text.encode()
        elif body is not None:
            headers['Content-Type'] = JSON
            data = json.dumps(body).encode()
        response = self.session.request(
            self.endpoint + path, method, headers=headers, data=data,
            params={k: v for k, v in (params or {}).items() if v is not None},
            raise_exc=False, timeout=self.timeout)
        if response.status_code >= 400:
            raise APIError(response.status_code, _fault(response))
        return response.json() if response.content else None

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request('GET', path, params=params)

    def post(self, path: str, body: Any = None, *, text: str | None = None,
             params: Mapping[str, Any] | None = None) -> Any:
        return self.request('POST', path, body=body, text=text, params=params)

    def put(self, path: str, body: Any = None, *, text: str | None = None,
            params: Mapping[str, Any] | None = None) -> Any:
        return self.request('PUT', path, body=body, text=text, params=params)

    def delete(self, path: str, params: Mapping[str, Any] | None = None) -> None:
        self.request('DELETE', path, params=params)

    def page(self, path: str, key: str,
             params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """One page of a collection: the items of its ``{key: [...]}``."""
        return list(self.get(path, params)[key])

    def list_all(self, path: str, key: str,
                 params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a collection, page after page (marker of the last id)."""
        query = dict(params or {})
        while True:
            answer = self.get(path, query)
            items = answer[key]
            yield from items
            if not answer.get('next') or not items:
                return
            query['marker'] = items[-1]['id']


def _fault(response: Any) -> str:
    """The API's ``faultstring``, or the body as text when it is not one."""
    try:
        document = response.json()
    except ValueError:
        return response.text.strip() or response.reason or 'error'
    if isinstance(document, dict) and document.get('faultstring'):
        return str(document['faultstring'])
    return json.dumps(document)
