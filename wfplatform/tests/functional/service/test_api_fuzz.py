"""Property-based fuzzing of every operation of ``openapi.yaml`` against a server.

schemathesis builds requests from the document, valid ones and invalid ones
(wrong types, missing or unknown fields, odd query parameters), with a fixed
seed and a bounded number of examples per operation. Every response must be:

- not a 5xx, and within :data:`REQUEST_TIMEOUT` seconds (no hang);
- in the documented shape for its status (the resource schemas for 2xx,
  Mistral's fault body for errors);
- for a refused POST, PUT or DELETE (any 4xx), without effect: the rows of the
  resource tables, read from the database, are the same before and after.

The server is one ``wfplatform-server --server all`` process on PostgreSQL with
the in-memory transport, with a coordination backend so ``/v2/services`` works.
``WFP_FUZZ_EXAMPLES`` raises the examples per operation for a longer hunt.
"""

import os
from typing import Any

import fixtures
import hypothesis
from hypothesis import errors as hypothesis_errors
import requests
import schemathesis
from schemathesis import checks as schemathesis_checks
from schemathesis.core import failures as schemathesis_failures
from schemathesis.generation import GenerationMode
import sqlalchemy as sa
import testtools

from wfplatform.api import openapi
from wfplatform.tests.functional.service import cluster as service_cluster

EXAMPLES = int(os.environ.get('WFP_FUZZ_EXAMPLES', '10'))
"""Examples per operation and generation mode; 10 keeps the run under 60 s."""

REQUEST_TIMEOUT = 15
"""Seconds a response may take before the request counts as a hang."""

WRITES = ('POST', 'PUT', 'DELETE')

TABLES = ('workbooks', 'workflow_definitions', 'action_definitions', 'environments',
          'event_triggers', 'cron_triggers', 'alarm_triggers',
          'workflow_executions', 'task_executions', 'action_executions')
"""The tables behind the resources; a refused request must leave them as they were."""

WORKFLOW = """---
version: '2.0'
fuzzed:
  input:
    - name: world
  tasks:
    hello:
      action: std.echo output=<% $.name %>
"""


class Snapshot:
    """Every row's id and ``updated_at`` of :data:`TABLES`, to compare."""

    def __init__(self, database_url: str) -> None:
        self._engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        metadata = sa.MetaData()
        metadata.reflect(self._engine, only=TABLES)
        self._tables = [metadata.tables[name] for name in TABLES]

    def take(self) -> dict[str, list[tuple[Any, ...]]]:
        with self._engine.connect() as connection:
            return {table.name: self._rows(connection, table)
                    for table in self._tables}

    @staticmethod
    def _rows(connection: Any, table: sa.Table) -> list[tuple[str, ...]]:
        columns = [table.c.id, table.c.get('updated_at', sa.null())]
        return sorted(tuple(str(value) for value in row)
                      for row in connection.execute(sa.select(*columns)))

    def close(self) -> None:
        self._engine.dispose()


class TestApiFuzz(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        coordination = self.useFixture(fixtures.TempDir()).path
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', transport='fake', processes=('all',),
            executor_type='local', extra_config=(
                '[api]\naction_execution_wait = 2\n'
                f'[coordination]\nbackend_url = file://{coordination}\n')))
        self.cluster.upload(WORKFLOW)
        status, _ = self.cluster.request('POST', '/v2/environments', {
            'name': 'fuzz-env', 'variables': {'a': 1}})
        self.assertEqual(201, status)
        self.snapshot = Snapshot(self.cluster.database_url)
        self.addCleanup(self.snapshot.close)
        self.session = requests.Session()
        self.addCleanup(self.session.close)

    def test_every_operation(self):
        schema = schemathesis.openapi.from_dict(openapi.load())
        failures: list[str] = []
        operations = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures.extend(self._fuzz(operation, mode))
        self.assertGreater(operations, 60)
        self.assertEqual([], failures, '\n\n'.join(failures))

    def _fuzz(self, operation: Any, mode: GenerationMode) -> list[str]:
        """Up to :data:`EXAMPLES` cases of one operation; each failure, described."""
        failures: list[str] = []

        @hypothesis.settings(
            max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck))
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            problem = self._check(case)
            if problem:
                failures.append(f'{operation.label} ({mode.value}): {problem}')

        try:
            run()
        except hypothesis_errors.Unsatisfiable:
            pass  # no negative case exists for some operations
        return failures

    def _check(self, case: Any) -> str | None:
        """What is wrong with the response to ``case``, or None."""
        writes = case.method.upper() in WRITES
        before = self.snapshot.take() if writes else None
        try:
            response = case.call(base_url=self.cluster.url, session=self.session,
                                 timeout=REQUEST_TIMEOUT)
        except requests.Timeout:
            return f'no answer within {REQUEST_TIMEOUT} s: {_request(case)}'
        try:
            case.validate_response(response, checks=[
                schemathesis_checks.not_a_server_error,
                schemathesis_checks.response_schema_conformance])
        except (AssertionError, schemathesis_failures.FailureGroup) as error:
            return (f'{_first_line(error)}: {_request(case)} -> '
                    f'{response.status_code} {response.text[:500]}')
        if writes and 400 <= response.status_code < 500 \
                and self.snapshot.take() != before:
            return (f'refused with {response.status_code} but the database '
                    f'changed: {_request(case)} -> {response.text[:300]}')
        return None


def _first_line(error: BaseException) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return ' '.join(lines[:2])


def _request(case: Any) -> str:
    return (f'{case.method} {case.formatted_path} query={case.query!r} '
            f'body={case.body!r}'[:1000])
