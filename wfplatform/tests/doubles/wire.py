"""What the cloud double's services share: requests, replies, error bodies."""

import dataclasses
import datetime
from typing import Any, Callable, Protocol


class Cloud(Protocol):
    """What a service of the double needs of the double."""

    url: str
    project_id: str
    user_id: str

    def later(self, change: Callable[[], None], steps: float = 1.0) -> None:
        ...


class Fault(Exception):
    """An error reply; ``body`` is the service's own error document."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


def nova_fault(status: int, message: str) -> Fault:
    """Nova's error body: ``{"itemNotFound": {"code": 404, "message": ...}}``."""
    kinds = {400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
             404: 'itemNotFound', 409: 'conflictingRequest'}
    kind = kinds.get(status, 'computeFault')
    return Fault(status, {kind: {'code': status, 'message': message}})


@dataclasses.dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    token: str | None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclasses.dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


Handler = Callable[..., Reply]
Route = tuple[str, str, Handler]
"""``(method, path pattern, handler)``: named groups become arguments."""


def now_text(offset: float = 0.0) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=offset)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
