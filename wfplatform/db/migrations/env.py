"""Alembic environment: runs the revisions on the connection the caller passes.

``wfplatform.db.schema`` builds the alembic ``Config`` in code and puts an open
connection in ``config.attributes['connection']``; there is no alembic.ini and no
offline (``--sql``) mode.
"""

from typing import Any

from alembic import context

from wfplatform.db import models

_OPTIONS: dict[str, Any] = {
    'target_metadata': models.Base.metadata,
    # SQLite can alter little in place: batch mode recreates the table there and
    # is a plain ALTER elsewhere, so one revision works on every backend.
    'render_as_batch': True,
    'compare_type': True,
}


def _run() -> None:
    context.configure(connection=context.config.attributes['connection'],
                      **_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


_run()
