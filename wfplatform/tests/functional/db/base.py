"""Per-backend test case: a migrated database of ``backend`` as ``self.database``."""

from typing import Any

import testtools

from wfplatform.db.repositories import workflow_executions
from wfplatform.tests.fixtures import database as db_fixtures

PROJECT = 'project-a'


class BackendTestCase(testtools.TestCase):
    """Subclasses set ``backend`` to 'sqlite', 'postgresql' or 'mysql'."""

    backend = ''

    def setUp(self) -> None:
        super().setUp()
        self.database = self.useFixture(
            db_fixtures.MigratedDatabase(self.backend)).database

    def make_execution(self, **values: Any) -> dict[str, Any]:
        values = {'name': 'workflow', 'spec': {'tasks': {}}, 'state': 'RUNNING',
                  'project_id': PROJECT, **values}
        with self.database.transaction() as session:
            return workflow_executions.create(session, **values)
