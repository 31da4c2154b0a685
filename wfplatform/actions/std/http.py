"""``std.http``: an HTTP request whose response becomes the action's result."""

import json
from typing import Any

import requests

from wfplatform.actions import base
from wfplatform import egress
from wfplatform import exceptions

DEFAULT_TIMEOUT = 60.0
MAX_CONTENT_BYTES = 10 * 1024 * 1024


class HTTPAction(base.Action):
    """Sends an HTTP request and returns ``{content, status, headers}``.

    ``content`` is the decoded JSON body when the response is JSON, the text
    otherwise. A status outside 200-306 makes the action fail with the same dict
    as the error, as Mistral does. ``auth`` is ``"user:password"`` or a pair.
    """

    def __init__(self, url: str, method: str = 'GET', params: Any = None,
                 body: Any = None, json: Any = None, headers: Any = None,
                 cookies: Any = None, auth: Any = None,
                 timeout: float | None = None, allow_redirects: bool | None = None,
                 proxies: Any = None, verify: Any = None) -> None:
        if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
            raise exceptions.InvalidInput(
                f'std.http: url must be an http(s) URL, got {url!r}')
        self.url = url
        self.method = str(method).upper()
        self.params = params
        self.body = body
        self.json = json
        self.headers = headers
        self.cookies = cookies
        self.auth: Any = tuple(auth.split(':', 1)) if isinstance(auth, str) else \
            tuple(auth) if isinstance(auth, list) else auth
        self.timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
        self.allow_redirects = allow_redirects
        self.proxies = proxies
        self.verify = True if verify is None else verify

    def run(self, context: base.ActionContext) -> Any:
        data = self.body
        if isinstance(data, (dict, list)):
            data = json.dumps(data)
        policy = context.egress or egress.EgressPolicy()
        with policy.session() as session:
            try:
                response = session.request(
                    self.method, self.url, params=self.params, data=data,
                    json=self.json, headers=self.headers, cookies=self.cookies,
                    auth=self.auth, timeout=self.timeout,
                    allow_redirects=(True if self.allow_redirects is None
                                     else self.allow_redirects),
                    proxies=self.proxies, verify=self.verify, stream=True)
            except egress.EgressDenied as error:
                raise exceptions.ActionError(f'std.http: {error}') from None
            except requests.RequestException as error:
                raise exceptions.ActionError(
                    f'std.http: {self.method} {self.url} failed: {error}') from None
            result = {'content': _content(response), 'status': response.status_code,
                      'headers': dict(response.headers.items())}
        if not 200 <= response.status_code <= 306:
            return base.Result(error=result)
        return result


def _content(response: requests.Response) -> Any:
    raw = response.raw.read(MAX_CONTENT_BYTES + 1, decode_content=True)
    if len(raw) > MAX_CONTENT_BYTES:
        raise exceptions.ActionError(
            f'std.http: the response body is larger than {MAX_CONTENT_BYTES} bytes')
    text = raw.decode(response.encoding or 'utf-8', errors='replace')
    try:
        return json.loads(text)
    except ValueError:
        return text
