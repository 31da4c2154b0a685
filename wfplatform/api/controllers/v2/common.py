"""What every v2 controller does the same way: context, transactions, lists.

The controllers stay thin: parse the request, call a repository or the engine in
one transaction, turn the records into wire objects.
"""

from typing import Any, Callable, Iterable, Mapping, TypeVar

import pecan
from sqlalchemy import orm

from wfplatform.api import body
from wfplatform.api import listing
from wfplatform.api.types import common as wire
from wfplatform import exceptions

ResultT = TypeVar('ResultT')


def context() -> Any:
    """The caller's request context (set by the context hook)."""
    return pecan.request.context


def project_scope() -> str | None:
    """The project an execution looked up by id must belong to; None for an admin."""
    return None if context().is_admin else context().project_id


def read(operation: Callable[[orm.Session], ResultT]) -> ResultT:
    """Run ``operation(session)`` in a read-only transaction.

    On SQLite it never waits for a writer. The whole transaction is retried on a
    deadlock or a lost connection, as Mistral's API retries its reads.
    """
    return pecan.request.database.run_in_transaction(operation, read_only=True)


def write(operation: Callable[[orm.Session], ResultT]) -> ResultT:
    """``operation(session)`` in one transaction, retried like :func:`read`."""
    return pecan.request.database.run_in_transaction(operation)


def list_request(collection: listing.Collection,
                 fixed: Mapping[str, str] | None = None) -> listing.ListRequest:
    """The request's list parameters, checked (``fixed`` come from the path)."""
    return listing.parse(collection, dict(pecan.request.GET.items()), context(),
                         pecan.request.max_limit, fixed)


def page(collection: listing.Collection, objects: Iterable[wire.WireObject],
         request: listing.ListRequest) -> dict[str, Any]:
    return listing.page(collection, list(objects), request,
                        pecan.request.application_url)


SCOPES = ('private', 'public')
"""Who may see a definition: its own project, or every project."""


def definition_text(kind: str) -> str:
    """The request body as definition text: ``InvalidDefinition`` if blank."""
    text = body.text(pecan.request)
    if not text.strip():
        raise exceptions.InvalidDefinition(f'The {kind} definition is empty.')
    return text


def namespace() -> str:
    """The ``namespace`` query parameter ('' when absent, as in Mistral)."""
    return str(pecan.request.GET.get('namespace', ''))


def scope() -> str:
    """The ``scope`` query parameter of an upload: private (default) or public."""
    value = str(pecan.request.GET.get('scope', 'private'))
    if value not in SCOPES:
        raise exceptions.InvalidInput(
            f'Scope must be one of the following: {", ".join(SCOPES)}; actual: '
            f'{value}')
    return value
