"""Pecan hooks: who is asking, and what the controllers work with.

Controllers find everything on ``pecan.request``: the caller's ``context``, the
``database``, the ``engine_client``, ``max_limit`` and what runs actions alone.
Nothing lives in module globals, so two applications (two tests) never share
state.
"""

import json
from typing import Any

from pecan import hooks

from wfplatform import context as wf_context
from wfplatform import exceptions


class ContextHook(hooks.PecanHook):
    """Puts the caller's :class:`~wfplatform.context.RequestContext` on the request.

    With authentication off every request is the anonymous admin of the default
    project, as in Mistral. With it on, keystonemiddleware's auth_token has already
    checked the token and set the identity headers read here.
    """

    def __init__(self, auth_enable: bool) -> None:
        self._auth_enable = auth_enable

    def before(self, state: Any) -> None:
        request = state.request
        if self._auth_enable:
            request.context = context_from_environ(request.environ)
        else:
            request.context = wf_context.anonymous_admin()


class ResourcesHook(hooks.PecanHook):
    """Puts the database, the engine client and the list size cap on the request.

    Also what runs actions alone (``action_runs``, None if this server does not),
    ``allow_action_execution_deletion`` and the ``service_directory`` (None
    without coordination).
    """

    def __init__(self, database: Any, engine_client: Any, max_limit: int,
                 action_runs: Any = None,
                 allow_action_execution_deletion: bool = False,
                 service_directory: Any = None) -> None:
        self._service_directory = service_directory
        self._database = database
        self._engine_client = engine_client
        self._max_limit = max_limit
        self._action_runs = action_runs
        self._allow_action_execution_deletion = allow_action_execution_deletion

    def before(self, state: Any) -> None:
        state.request.database = self._database
        state.request.engine_client = self._engine_client
        state.request.max_limit = self._max_limit
        state.request.action_runs = self._action_runs
        state.request.allow_action_execution_deletion = (
            self._allow_action_execution_deletion)
        state.request.service_directory = self._service_directory


def context_from_environ(environ: dict[str, Any]) -> wf_context.RequestContext:
    """The context keystonemiddleware's headers describe.

    ``X-Identity-Status: Invalid`` (auth_token with ``delay_auth_decision``) is
    refused here. ``X-Service-Catalog`` is JSON; ``X-Region-Name`` comes from
    python-mistralclient.
    """
    if environ.get('HTTP_X_IDENTITY_STATUS', 'Confirmed') != 'Confirmed':
        raise exceptions.NotAuthorized('Authentication required: the token is not '
                                       'valid.')
    context = wf_context.RequestContext.from_environ(
        environ, service_catalog=_service_catalog(environ),
        region_name=environ.get('HTTP_X_REGION_NAME'))
    context.is_admin = 'admin' in {role.lower() for role in context.roles}
    return context


def _service_catalog(environ: dict[str, Any]) -> Any:
    text = environ.get('HTTP_X_SERVICE_CATALOG')
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise exceptions.InvalidInput(
            'The X-Service-Catalog header is not valid JSON') from None
