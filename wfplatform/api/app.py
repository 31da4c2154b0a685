"""The API's WSGI application: pecan controllers inside the fault middleware.

Layers, outermost first: :class:`~wfplatform.api.middleware.FaultMiddleware`
(fault bodies, body size cap), keystonemiddleware's ``auth_token`` when
``[pecan] auth_enable`` is set, then pecan with its hooks. Everything the
application needs is passed in, so tests build one per test on their own database.
"""

from typing import Any

from keystonemiddleware import auth_token
from oslo_config import cfg
import pecan

from wfplatform.api.controllers import root
from wfplatform.api import hooks
from wfplatform.api import middleware
from wfplatform.coordination import coordinator as coordination


def setup_app(conf: cfg.ConfigOpts, database: Any, engine_client: Any,
              action_runs: Any = None) -> middleware.WSGIApplication:
    """The API application for ``conf`` (``[api]``, ``[pecan]`` options).

    ``database`` is a :class:`wfplatform.db.database.Database`; ``engine_client``
    an :class:`wfplatform.rpc.engine.EngineClient` or anything with its methods;
    ``action_runs`` an :class:`wfplatform.api.action_runs.ActionRuns`, without
    which ``POST /v2/action_executions`` answers 503.
    """
    resources = hooks.ResourcesHook(
        database, engine_client, conf.api.max_limit, action_runs,
        conf.api.allow_action_execution_deletion,
        coordination.directory_from_config(conf))
    app: middleware.WSGIApplication = pecan.make_app(
        root.RootController(),
        hooks=[hooks.ContextHook(conf.pecan.auth_enable), resources],
        force_canonical=False,
        guess_content_type_from_ext=False)
    if conf.pecan.auth_enable:
        app = auth_token.AuthProtocol(app, {'oslo_config_config': conf})
    return middleware.FaultMiddleware(app, conf.api.max_request_body_size)
