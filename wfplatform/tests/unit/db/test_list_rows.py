"""common.list_rows: visibility, filters, sorting, marker pagination, fields."""

import datetime

import testtools

from wfplatform.db import models
from wfplatform.db.repositories import common
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform.tests.fixtures import database as db_fixtures
from wfplatform.tests.unit.db import base

ListQuery = common.ListQuery
Filter = common.Filter


class ListRowsTest(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        start = datetime.datetime(2024, 1, 1, 12, 0, 0)
        self.rows = {}
        specs = [('alpha', base.PROJECT, 'private', False, ['a', 'x']),
                 ('beta', base.PROJECT, 'public', True, ['b']),
                 ('gamma', base.OTHER_PROJECT, 'public', False, ['x%_']),
                 ('delta', base.OTHER_PROJECT, 'private', False, None),
                 ('epsilon', base.PROJECT, 'private', False, ['e'])]
        for minute, (name, project, scope, is_system, tags) in enumerate(specs):
            self.rows[name] = self.make_workflow(
                name=name, project_id=project, scope=scope, is_system=is_system,
                tags=tags, created_at=start + datetime.timedelta(minutes=minute))

    def names(self, query: ListQuery) -> list[str]:
        with self.database.transaction(read_only=True) as session:
            return [row['name'] for row in workflow_definitions.list(session, query)]

    def test_all_projects_by_default_in_creation_order(self):
        self.assertEqual(['alpha', 'beta', 'gamma', 'delta', 'epsilon'],
                         self.names(ListQuery()))

    def test_own_project_and_public(self):
        self.assertEqual(['alpha', 'beta', 'gamma', 'epsilon'],
                         self.names(ListQuery(project_id=base.PROJECT)))

    def test_own_project_only(self):
        self.assertEqual(['alpha', 'beta', 'epsilon'],
                         self.names(ListQuery(project_id=base.PROJECT,
                                              include_public=False)))

    def test_other_project_sees_public_rows_only_of_others(self):
        self.assertEqual(['beta', 'gamma', 'delta'],
                         self.names(ListQuery(project_id=base.OTHER_PROJECT)))

    def test_rows_are_plain_dictionaries_with_decoded_json(self):
        with self.database.transaction(read_only=True) as session:
            row = workflow_definitions.list(
                session, ListQuery(filters=(Filter('name', 'eq', 'alpha'),)))[0]
        self.assertIs(dict, type(row))
        self.assertEqual(['a', 'x'], row['tags'])
        self.assertEqual({'tasks': {}}, row['spec'])
        self.assertEqual(set(common.column_names(models.WorkflowDefinition)),
                         set(row))

    def test_every_filter_operator(self):
        cases = [
            (Filter('name', 'eq', 'beta'), ['beta']),
            (Filter('name', 'neq', 'beta'), ['alpha', 'gamma', 'delta', 'epsilon']),
            (Filter('name', 'lt', 'beta'), ['alpha']),
            (Filter('name', 'lte', 'beta'), ['alpha', 'beta']),
            (Filter('name', 'gt', 'delta'), ['gamma', 'epsilon']),
            (Filter('name', 'gte', 'delta'), ['gamma', 'delta', 'epsilon']),
            (Filter('name', 'in', ['beta', 'delta', 'nope']), ['beta', 'delta']),
            (Filter('name', 'nin', ['beta', 'delta']), ['alpha', 'gamma', 'epsilon']),
            (Filter('name', 'has', 'lt'), ['delta']),
            (Filter('tags', 'has', 'x'), ['alpha', 'gamma']),
            (Filter('tags', 'has', '%_'), ['gamma']),
            (Filter('tags', 'eq', None), ['delta']),
            (Filter('tags', 'neq', None), ['alpha', 'beta', 'gamma', 'epsilon']),
        ]
        for item, expected in cases:
            self.assertEqual(expected, self.names(ListQuery(filters=(item,))),
                             item)

    def test_has_is_case_sensitive(self):
        self.assertEqual([], self.names(ListQuery(filters=(Filter('name', 'has',
                                                                  'ALP'),))))

    def test_filters_combine_with_and(self):
        query = ListQuery(filters=(Filter('project_id', 'eq', base.PROJECT),
                                   Filter('scope', 'eq', 'private')))
        self.assertEqual(['alpha', 'epsilon'], self.names(query))

    def test_datetime_filters_parse_text(self):
        for value in ('2024-01-01 12:02:00', '2024-01-01T12:02:00',
                      '2024-01-01T13:02:00+01:00'):
            query = ListQuery(filters=(Filter('created_at', 'gte', value),))
            self.assertEqual(['gamma', 'delta', 'epsilon'], self.names(query), value)
        query = ListQuery(filters=(Filter('created_at', 'in',
                                          ['2024-01-01 12:00:00']),))
        self.assertEqual(['alpha'], self.names(query))

    def test_boolean_filters_parse_text(self):
        self.assertEqual(['beta'], self.names(ListQuery(
            filters=(Filter('is_system', 'eq', 'true'),))))
        self.assertEqual(['alpha', 'gamma', 'delta', 'epsilon'], self.names(
            ListQuery(filters=(Filter('is_system', 'eq', 'False'),))))

    def test_bad_filters_name_the_problem(self):
        cases = [
            (Filter('colour', 'eq', 'red'), '.*filter column "colour".*'),
            (Filter('name', 'like', 'a'), '.*operator "like".*'),
            (Filter('name', 'in', 'alpha'), '.*needs a list.*'),
            (Filter('created_at', 'gt', 'yesterday'), '.*"created_at".*yesterday.*'),
            (Filter('is_system', 'eq', 'maybe'), '.*"is_system".*maybe.*'),
        ]
        for item, message in cases:
            with testtools.ExpectedException(exceptions.InvalidInput, message):
                self.names(ListQuery(filters=(item,)))

    def test_sorting_with_id_as_tiebreaker(self):
        self.assertEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma'],
                         self.names(ListQuery(sort_keys=('name',))))
        self.assertEqual(['gamma', 'epsilon', 'delta', 'beta', 'alpha'],
                         self.names(ListQuery(sort_keys=('name',),
                                              sort_dirs=('desc',))))
        by_project = self.names(ListQuery(sort_keys=('project_id', 'name'),
                                          sort_dirs=('desc', 'asc')))
        self.assertEqual(['delta', 'gamma', 'alpha', 'beta', 'epsilon'], by_project)
        missing_directions = self.names(ListQuery(sort_keys=('project_id', 'name'),
                                                  sort_dirs=('desc',)))
        self.assertEqual(['gamma', 'delta', 'epsilon', 'beta', 'alpha'],
                         missing_directions)

    def test_unknown_sort_key_or_direction(self):
        with testtools.ExpectedException(exceptions.InvalidInput,
                                         '.*sort key "colour".*'):
            self.names(ListQuery(sort_keys=('colour',)))
        with testtools.ExpectedException(exceptions.InvalidInput,
                                         '.*direction "up".*'):
            self.names(ListQuery(sort_keys=('name',), sort_dirs=('up',)))

    def test_marker_pagination_walks_every_row_once(self):
        for sort_keys, sort_dirs in ((('created_at',), ('asc',)),
                                     (('name',), ('desc',)),
                                     (('project_id', 'scope'), ('asc', 'desc')),
                                     (('tags',), ('asc',))):
            seen, marker = [], None
            while True:
                with self.database.transaction(read_only=True) as session:
                    page = workflow_definitions.list(session, ListQuery(
                        marker=marker, limit=2, sort_keys=sort_keys,
                        sort_dirs=sort_dirs))
                if not page:
                    break
                self.assertLessEqual(len(page), 2)
                seen += [row['name'] for row in page]
                marker = page[-1]['id']
            self.assertEqual(self.names(ListQuery(sort_keys=sort_keys,
                                                  sort_dirs=sort_dirs)), seen)
            self.assertEqual(5, len(set(seen)), sort_keys)

    def test_marker_respects_visibility_and_filters(self):
        query = ListQuery(project_id=base.PROJECT, include_public=False,
                          marker=self.rows['alpha']['id'], limit=1)
        self.assertEqual(['beta'], self.names(query))

    def test_unknown_marker(self):
        with testtools.ExpectedException(exceptions.InvalidInput,
                                         '.*marker nope was not found.*'):
            self.names(ListQuery(marker='nope'))

    def test_fields_load_only_those_columns_plus_id(self):
        with self.database.transaction(read_only=True) as session:
            rows = workflow_definitions.list(
                session, ListQuery(fields=('name', 'tags'), limit=1))
        self.assertEqual([{'id': self.rows['alpha']['id'], 'name': 'alpha',
                           'tags': ['a', 'x']}], rows)

    def test_unknown_field(self):
        with testtools.ExpectedException(exceptions.InvalidInput,
                                         '.*field "colour".*'):
            self.names(ListQuery(fields=('name', 'colour')))

    def test_one_statement_without_marker_two_with(self):
        recorder = self.useFixture(
            db_fixtures.StatementRecorder(self.database.engine))
        self.names(ListQuery(limit=2))
        self.assertEqual(1, len(recorder.statements))
        self.names(ListQuery(limit=2, marker=self.rows['alpha']['id']))
        self.assertEqual(3, len(recorder.statements))

    def test_id_breaks_ties(self):
        created_at = datetime.datetime(2020, 1, 1)
        ids = sorted(self.make_workflow(created_at=created_at)['id']
                     for _ in range(4))
        with self.database.transaction(read_only=True) as session:
            rows = common.list_rows(session, models.WorkflowDefinition, ListQuery(
                filters=(Filter('created_at', 'eq', created_at),)))
        self.assertEqual(ids, [row['id'] for row in rows])
