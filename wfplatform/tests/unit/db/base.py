"""A test case with a migrated SQLite database and row-making helpers."""

import itertools
from typing import Any

import testtools

from wfplatform.db.repositories import workflow_definitions
from wfplatform.db.repositories import workflow_executions
from wfplatform.tests.fixtures import database as db_fixtures

PROJECT = 'project-a'
OTHER_PROJECT = 'project-b'


class DatabaseTestCase(testtools.TestCase):
    """Each test gets its own SQLite file migrated to head as ``self.database``."""

    backend = 'sqlite'

    def setUp(self) -> None:
        super().setUp()
        self.database = self.useFixture(
            db_fixtures.MigratedDatabase(self.backend)).database
        self._numbers = itertools.count(1)

    def unique_name(self, prefix: str = 'name') -> str:
        return f'{prefix}{next(self._numbers)}'

    def make_workflow(self, **values: Any) -> dict[str, Any]:
        values = {'name': self.unique_name('workflow'), 'project_id': PROJECT,
                  'definition': 'version: "2.0"', 'spec': {'tasks': {}}, **values}
        with self.database.transaction() as session:
            return workflow_definitions.create(session, **values)

    def make_execution(self, **values: Any) -> dict[str, Any]:
        values = {'name': 'workflow', 'spec': {'tasks': {}}, 'state': 'RUNNING',
                  'project_id': PROJECT, **values}
        with self.database.transaction() as session:
            return workflow_executions.create(session, **values)
