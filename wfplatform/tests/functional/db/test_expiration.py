"""The execution expiration policy on PostgreSQL: window query, locks, bulk deletes."""

import threading

from wfplatform.tests.functional.db import base
from wfplatform.tests.unit.engine import test_expiration


class PostgresqlExpirationTest(test_expiration.ExpirationMixin,
                               base.BackendTestCase):
    backend = 'postgresql'

    def test_two_engines_at_once_delete_each_tree_once(self):
        for minutes in range(61, 81):
            self.tree('SUCCESS', minutes)
        counts = []
        threads = [threading.Thread(target=lambda: counts.append(
            self.expire(older_than=60, batch_size=3))) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(20, sum(counts))
        self.assertEqual(set(), self.remaining()['roots'])
