"""The API as a WSGI application for uwsgi, gunicorn or mod_wsgi.

``wfplatform.api.wsgi:application`` builds the real application on its first
request (importing this module touches neither the configuration nor the
database); pbr's ``wfplatform-wsgi-api`` script calls :func:`init_application`.
Configuration comes from ``$WFPLATFORM_CONFIG_FILE`` or, if present,
``/etc/wfplatform/wfplatform.conf``.
"""

import os
import threading
from typing import Any, Callable, Iterable

from oslo_config import cfg
from oslo_log import log as logging

from wfplatform.api import app as api_app
from wfplatform.api import middleware
from wfplatform import config
from wfplatform.db import database as db_database
from wfplatform.db import schema
from wfplatform.rpc import engine as rpc_engine
from wfplatform.rpc import transport as rpc_transport

CONFIG_FILE_VARIABLE = 'WFPLATFORM_CONFIG_FILE'
DEFAULT_CONFIG_FILE = '/etc/wfplatform/wfplatform.conf'


def init_application() -> middleware.WSGIApplication:
    """Parse the configuration, check the schema, connect, build the application.

    Refuses to start (``SchemaNotCurrent``) if the database is not at the schema
    revision this code expects.
    """
    files = config_files()
    config.parse_args([], default_config_files=files)
    logging.setup(cfg.CONF, 'wfplatform')
    database = db_database.Database.from_config(cfg.CONF)
    schema.check_at_head(database, config_files=files)
    transport = rpc_transport.get_transport(cfg.CONF)
    engine_client = rpc_engine.EngineClient(transport, cfg.CONF)
    return api_app.setup_app(cfg.CONF, database, engine_client)


def config_files() -> list[str]:
    """The configuration file named by the environment, else the default if any."""
    named = os.environ.get(CONFIG_FILE_VARIABLE)
    if named:
        return [named]
    return [DEFAULT_CONFIG_FILE] if os.path.exists(DEFAULT_CONFIG_FILE) else []


class LazyApplication:
    """A WSGI application built by ``factory`` on the first request, exactly once.

    Servers import the module before forking workers; building on first use keeps
    database connections and RPC transports out of the parent process.
    """

    def __init__(self, factory: Callable[[], middleware.WSGIApplication]) -> None:
        self._factory = factory
        self._application: middleware.WSGIApplication | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        application = self._application
        if application is None:
            with self._lock:
                if self._application is None:
                    self._application = self._factory()
                application = self._application
        return application(environ, start_response)


application = LazyApplication(init_application)
