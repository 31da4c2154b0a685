"""Engines starting together register the system actions without failing."""

import threading

import sqlalchemy as sa

from wfplatform.actions import registry as action_registry
from wfplatform.db import models
from wfplatform.engine import service as engine_service
from wfplatform.tests.functional.db import base

ENGINES = 6


class RegistrationMixin:
    def test_engines_registering_at_once_all_succeed(self):
        registry = action_registry.ActionRegistry()
        barrier = threading.Barrier(ENGINES)
        failures = []

        def start_engine():
            barrier.wait()
            try:
                engine_service.register_actions(self.database, registry)
            except Exception as error:
                failures.append(error)

        threads = [threading.Thread(target=start_engine) for _ in range(ENGINES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual([], failures)
        with self.database.transaction() as session:
            rows = session.execute(sa.select(models.ActionDefinition.name).where(
                models.ActionDefinition.is_system.is_(True))).all()
        names = [row.name for row in rows]
        self.assertEqual(sorted(registry.descriptors()), sorted(names))


class PostgreSQLRegistrationTest(RegistrationMixin, base.BackendTestCase):
    backend = 'postgresql'


class MySQLRegistrationTest(RegistrationMixin, base.BackendTestCase):
    backend = 'mysql'
