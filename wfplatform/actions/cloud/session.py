"""How a cloud action reaches the cloud, and as whom.

The identity comes from the action context, in this order:

1. **The caller's token and service catalog** (what keystonemiddleware put in
   the request context): the session reuses both as they are — no call to
   Keystone; endpoints come from the caller's own catalog.
2. **The caller's token without a catalog**: the token is exchanged at
   ``[cloud] auth_url`` for a token of the same project, which brings the
   catalog (keystoneauth1 ``v3.Token``).
3. **No token** — authentication is off (the no-auth deployment mode): the
   service credentials of ``[cloud]`` (``v3.Password``). Every workflow then
   acts as that one service user, so give it only the roles workflows need.

Every HTTP connection, Keystone's included, goes through the ``[egress]`` policy
of the action context (``context.egress``), as ``std.http`` does: the cloud's
endpoints come from Keystone rather than from the workflow, but an operator's
``denied_hosts`` must hold for every outgoing connection. Clouds on private
addresses work by default; a cloud on loopback (a test double, an all-in-one
DevStack) needs ``[egress] allow_loopback`` or its address in ``allowed_hosts``.
"""

import contextlib
import dataclasses
import json
from typing import Any, Iterator

from keystoneauth1 import access
from keystoneauth1 import exceptions as ksa_exceptions
from keystoneauth1.identity import access as access_plugin
from keystoneauth1.identity import v3
from keystoneauth1 import session as ksa_session
from openstack import connection as sdk_connection
from openstack import exceptions as sdk_exceptions
from oslo_config import cfg

from wfplatform.actions import base
from wfplatform import config
from wfplatform import egress
from wfplatform import exceptions
from wfplatform import version


@dataclasses.dataclass(frozen=True)
class CloudSettings:
    """The ``[cloud]`` options: service credentials and connection settings."""

    auth_url: str | None = None
    username: str | None = None
    password: str | None = None
    project_name: str | None = None
    user_domain_name: str = 'Default'
    project_domain_name: str = 'Default'
    region_name: str | None = None
    interface: str = 'public'
    timeout: float = 60.0
    cafile: str | None = None
    insecure: bool = False

    @classmethod
    def from_config(cls, conf: cfg.ConfigOpts) -> 'CloudSettings':
        conf.register_opts(config.cloud_opts, group='cloud')
        group = conf.cloud
        return cls(**{field.name: getattr(group, field.name)
                      for field in dataclasses.fields(cls)})

    def verify(self) -> bool | str:
        if self.insecure:
            return False
        return self.cafile or True


def auth_plugin(context: base.ActionContext,
                settings: CloudSettings) -> Any:
    """The keystoneauth1 plugin that acts for the caller (see the module's order)."""
    if context.auth_token:
        catalog = _catalog_body(context.service_catalog)
        if catalog is not None:
            auth_ref = _access_info(context, catalog)
            return access_plugin.AccessInfoPlugin(
                auth_ref, auth_url=_identity_url(auth_ref, settings))
        if not settings.auth_url:
            raise exceptions.ActionError(
                'the request carries a token but no service catalog, and '
                '[cloud] auth_url is not set to look the catalog up')
        return v3.Token(auth_url=settings.auth_url, token=context.auth_token,
                        project_id=context.project_id)
    if not settings.auth_url:
        raise exceptions.ActionError(
            'the request carries no token (authentication is off) and [cloud] '
            'auth_url is not set: set the [cloud] service credentials to let '
            'cloud actions run without authentication')
    return v3.Password(auth_url=settings.auth_url, username=settings.username,
                       password=settings.password or '',
                       project_name=settings.project_name,
                       user_domain_name=settings.user_domain_name,
                       project_domain_name=settings.project_domain_name)


def _catalog_body(service_catalog: Any) -> dict[str, Any] | None:
    """``{'catalog': [...]}`` (v3) or ``{'serviceCatalog': [...]}`` (v2), or None.

    keystonemiddleware passes the catalog as the list of the token's body;
    some callers pass the whole body, or its JSON text.
    """
    if isinstance(service_catalog, str):
        try:
            service_catalog = json.loads(service_catalog)
        except ValueError:
            return None
    if isinstance(service_catalog, dict):
        for key in ('catalog', 'serviceCatalog'):
            if isinstance(service_catalog.get(key), list):
                return {key: service_catalog[key]}
        return None
    if isinstance(service_catalog, list) and service_catalog:
        endpoints = service_catalog[0].get('endpoints') or [{}]
        v2 = 'publicURL' in endpoints[0] or 'adminURL' in endpoints[0]
        return {'serviceCatalog' if v2 else 'catalog': service_catalog}
    return None


def _access_info(context: base.ActionContext,
                 catalog: dict[str, Any]) -> access.AccessInfo:
    project = {'id': context.project_id, 'name': context.project_name}
    user = {'id': context.user_id, 'name': context.user_name}
    if 'catalog' in catalog:
        return access.AccessInfoV3(
            {'token': {'methods': ['token'], 'project': project, 'user': user,
                       **catalog}},
            auth_token=context.auth_token)
    return access.AccessInfoV2(
        {'access': {'token': {'id': context.auth_token, 'tenant': project},
                    'user': user, **catalog}})


def _identity_url(auth_ref: access.AccessInfo,
                  settings: CloudSettings) -> str | None:
    try:
        url: str | None = auth_ref.service_catalog.url_for(
            service_type='identity', interface=settings.interface)
        return url
    except ksa_exceptions.EndpointNotFound:
        return settings.auth_url


@contextlib.contextmanager
def connect(context: base.ActionContext, settings: CloudSettings,
            region: str | None = None) -> Iterator[sdk_connection.Connection]:
    """An openstacksdk connection acting for the caller, closed afterwards.

    ``region`` (the ``action_region`` input) wins over the request's region,
    which wins over ``[cloud] region_name``.
    """
    policy = context.egress or egress.EgressPolicy()
    http = policy.session()
    session = ksa_session.Session(
        auth=auth_plugin(context, settings), session=http,
        timeout=settings.timeout, verify=settings.verify(),
        app_name='wfplatform', app_version=version.version_string())
    connection = sdk_connection.Connection(
        session=session, interface=settings.interface,
        region_name=region or context.region_name or settings.region_name)
    try:
        yield connection
    finally:
        connection.close()
        http.close()


@contextlib.contextmanager
def cloud_errors(action_name: str) -> Iterator[None]:
    """Turn what the cloud and its clients raise into an :class:`ActionError`.

    The message names the action, the HTTP status and the cloud's own message
    (Nova's ``{"itemNotFound": {"message": ...}}`` and the like), so the task's
    ``state_info`` says what the cloud said.
    """
    try:
        yield
    except sdk_exceptions.HttpException as error:
        detail = error.details or error.message
        raise exceptions.ActionError(
            f'{action_name} failed: HTTP {error.status_code}: {detail}') from None
    except ksa_exceptions.HttpError as error:
        detail = response_message(error.response) or error.message
        raise exceptions.ActionError(
            f'{action_name} failed: HTTP {error.http_status}: {detail}') from None
    except (sdk_exceptions.SDKException, ksa_exceptions.ClientException,
            egress.EgressDenied, ValueError) as error:
        raise exceptions.ActionError(f'{action_name} failed: {error}') from None


def response_message(response: Any) -> str | None:
    """The message of an OpenStack error body, whichever service's shape it has."""
    try:
        body = response.json()
    except (AttributeError, ValueError):
        return None
    return _message(body)


def _message(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in ('message', 'faultstring', 'explanation'):
        if isinstance(body.get(key), str):
            return str(body[key])
    for value in body.values():
        found = _message(value)
        if found:
            return found
    return None
