"""The OpenStackClient plugin: the ``openstack wfp …`` commands.

OSC finds this module through the ``openstack.cli.extension`` entry point and
reads ``API_NAME``, ``API_VERSION_OPTION``, ``API_VERSIONS`` and
``DEFAULT_API_VERSION``; the commands are the ``openstack.workflow_platform.v2``
entry points. ``API_NAME`` and the option names differ from
python-mistralclient's (``workflow_engine``, ``--os-workflow-api-version``) so
both plugins load in one ``openstack`` and neither shadows the other's commands.

``make_client`` is called once per command, lazily, when a command first asks
for ``client_manager.workflow_platform``.
"""

import argparse
import logging
from typing import Any

from keystoneauth1 import session as ksa_session
from osc_lib import utils

from wfplatform.cli.osc import client as http

LOG = logging.getLogger(__name__)

API_NAME = 'workflow_platform'
API_VERSION_OPTION = 'os_workflow_platform_api_version'
DEFAULT_API_VERSION = '2'
API_VERSIONS = {'2': 'wfplatform.cli.osc.client.Client'}

URL_OPTION = 'wfp_url'
"""Where ``--wfp-url`` lands in argparse's namespace and OSC's cloud config."""


def make_client(instance: Any) -> http.Client:
    """A client for the command being run, from OSC's ``ClientManager``.

    With ``--wfp-url`` (``WFPLATFORM_URL``) it talks to that URL without a
    token; otherwise through OSC's authenticated session, to the endpoint of the
    ``workflowv2`` service in the catalog (``--os-endpoint`` with ``--os-auth-type
    none`` works too, as for any OSC plugin).
    """
    url = instance._cli_options.config.get(URL_OPTION)
    if url:
        LOG.debug('wfplatform at %s, without authentication', url)
        return http.Client(ksa_session.Session(verify=instance.verify), url)
    endpoint = instance.get_endpoint_for_service_type(
        http.SERVICE_TYPE, region_name=instance.region_name,
        interface=instance.interface)
    if not endpoint:
        raise http.APIError(0, 'No workflowv2 endpoint in the service catalog; '
                               'give --wfp-url or WFPLATFORM_URL')
    LOG.debug('wfplatform at %s', endpoint)
    return http.Client(instance.session, endpoint)


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the plugin's global options to ``openstack``'s parser."""
    parser.add_argument(
        '--os-workflow-platform-api-version',
        metavar='<version>',
        default=utils.env('OS_WORKFLOW_PLATFORM_API_VERSION',
                          default=DEFAULT_API_VERSION),
        help=f'wfplatform API version, default={DEFAULT_API_VERSION} '
             '(Env: OS_WORKFLOW_PLATFORM_API_VERSION)')
    parser.add_argument(
        '--wfp-url',
        metavar='<url>',
        dest=URL_OPTION,
        default=utils.env('WFPLATFORM_URL'),
        help='wfplatform API URL (http://host:8989 or .../v2) for a service '
             'running without authentication: the "openstack wfp" commands then '
             'need no Keystone credentials (Env: WFPLATFORM_URL)')
    return parser
