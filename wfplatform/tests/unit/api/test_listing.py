"""List parameters: limit, marker, next, sort, fields, filters, projects."""

import datetime
import urllib.parse

from oslo_utils import uuidutils

from wfplatform.api import listing
from wfplatform.api.types import executions as execution_types
from wfplatform import context as wf_context
from wfplatform import exceptions
from wfplatform.tests.unit.api import base


class ListingApiTestCase(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.executions = [
            self.insert_execution(
                name=name, state=state,
                created_at=base.CREATED + datetime.timedelta(minutes=index))
            for index, (name, state) in enumerate(
                [('alpha', 'SUCCESS'), ('beta', 'ERROR'), ('gamma', 'RUNNING')])]

    def ids(self, url):
        return [e['id'] for e in self.app.get(url).json['executions']]

    def names(self, url):
        return [e['workflow_name'] for e in self.app.get(url).json['executions']]


class TestPaging(ListingApiTestCase):

    def test_full_page_has_next_in_mistral_format(self):
        body = self.app.get('/v2/executions?limit=2').json
        self.assertEqual(['alpha', 'beta'],
                         [e['workflow_name'] for e in body['executions']])
        self.assertEqual(
            'http://localhost/v2/executions?sort_keys=created_at&sort_dirs=asc&'
            f'limit=2&marker={self.executions[1]["id"]}', body['next'])

    def test_following_next_gives_the_rest_without_next(self):
        next_url = self.app.get('/v2/executions?limit=2').json['next']
        body = self.app.get(next_url.replace('http://localhost', '')).json
        self.assertEqual(['gamma'], [e['workflow_name'] for e in body['executions']])
        self.assertNotIn('next', body)

    def test_partial_page_has_no_next(self):
        self.assertNotIn('next', self.app.get('/v2/executions?limit=5').json)

    def test_next_repeats_sort_filters_and_fields(self):
        body = self.app.get('/v2/executions?state=in:SUCCESS,ERROR&limit=1&'
                            'sort_keys=workflow_name&sort_dirs=DESC&'
                            'fields=workflow_name').json
        self.assertEqual([{'id': self.executions[1]['id'],
                           'workflow_name': 'beta'}], body['executions'])
        url = urllib.parse.urlsplit(body['next'])
        self.assertEqual('/v2/executions', url.path)
        self.assertEqual(
            [('sort_keys', 'workflow_name'), ('sort_dirs', 'desc'),
             ('state', 'in:SUCCESS,ERROR'), ('limit', '1'),
             ('marker', self.executions[1]['id']), ('fields', 'id,workflow_name')],
            urllib.parse.parse_qsl(url.query))
        second = self.app.get(f'{url.path}?{url.query}').json
        self.assertEqual(['alpha'], [e['workflow_name'] for e in second['executions']])

    def test_default_limit_is_max_limit(self):
        app = self.make_app({('api', 'max_limit'): 2})
        body = app.get('/v2/executions').json
        self.assertEqual(2, len(body['executions']))
        self.assertIn('limit=2', body['next'])

    def test_limit_is_capped_at_max_limit(self):
        app = self.make_app({('api', 'max_limit'): 2})
        self.assertEqual(2, len(app.get('/v2/executions?limit=50').json['executions']))

    def test_bad_limit_is_400_naming_limit(self):
        response = self.app.get('/v2/executions?limit=ten', expect_errors=True)
        self.assertFault(response, 400, 'limit', 'ten')

    def test_limit_must_be_positive(self):
        response = self.app.get('/v2/executions?limit=0', expect_errors=True)
        self.assertFault(response, 400, 'Limit must be positive.')

    def test_marker_must_be_a_uuid(self):
        response = self.app.get('/v2/executions?marker=abc', expect_errors=True)
        self.assertFault(response, 400, 'Expected a uuid but received abc.')

    def test_unknown_marker_is_400(self):
        missing = uuidutils.generate_uuid()
        response = self.app.get(f'/v2/executions?marker={missing}',
                                expect_errors=True)
        self.assertFault(response, 400, missing)


class TestSorting(ListingApiTestCase):

    def test_sort_by_wire_name_descending(self):
        self.assertEqual(['gamma', 'beta', 'alpha'],
                         self.names('/v2/executions?sort_keys=workflow_name&'
                                    'sort_dirs=desc'))

    def test_missing_directions_are_asc(self):
        self.assertEqual(['beta', 'gamma', 'alpha'],
                         self.names('/v2/executions?sort_keys=state,created_at'))

    def test_more_directions_than_keys_is_400(self):
        response = self.app.get('/v2/executions?sort_keys=state&sort_dirs=asc,desc',
                                expect_errors=True)
        self.assertFault(response, 400, 'Length of sort_keys')

    def test_unknown_direction_is_400(self):
        response = self.app.get('/v2/executions?sort_dirs=up', expect_errors=True)
        self.assertFault(response, 400, "'up'", "must be 'desc' or 'asc'")

    def test_unknown_sort_key_is_400(self):
        response = self.app.get('/v2/executions?sort_keys=colour',
                                expect_errors=True)
        self.assertFault(response, 400, 'colour')


class TestFieldsAndFilters(ListingApiTestCase):

    def test_fields_always_include_id(self):
        body = self.app.get('/v2/executions?fields=State,workflow_name').json
        self.assertEqual({'id': self.executions[0]['id'], 'state': 'SUCCESS',
                          'workflow_name': 'alpha'}, body['executions'][0])

    def test_fields_as_the_mistral_cli_sends_them(self):
        fields = ('id,workflow_id,workflow_name,workflow_namespace,description,'
                  'task_execution_id,root_execution_id,state,state_info,'
                  'created_at,updated_at')
        [first, *_] = self.app.get(f'/v2/executions?fields={fields}&'
                                   'sort_dirs=desc&limit=100').json['executions']
        self.assertEqual(fields.split(','), list(first))
        self.assertIsNone(first['root_execution_id'])

    def test_unknown_field_is_400(self):
        response = self.app.get('/v2/executions?fields=name,colour',
                                expect_errors=True)
        self.assertFault(response, 400, 'Some fields do not exist', 'colour')

    def test_plain_value_means_eq(self):
        self.assertEqual(['beta'], self.names('/v2/executions?state=ERROR'))

    def test_operators(self):
        self.assertEqual(['alpha', 'gamma'],
                         self.names('/v2/executions?state=neq:ERROR'))
        self.assertEqual(['alpha', 'beta'],
                         self.names('/v2/executions?state=in:SUCCESS,ERROR'))
        self.assertEqual(['gamma'],
                         self.names('/v2/executions?state=nin:SUCCESS,ERROR'))
        self.assertEqual(['gamma'],
                         self.names('/v2/executions?workflow_name=has:mm'))
        self.assertEqual(['beta', 'gamma'], self.names(
            '/v2/executions?created_at=gt:2024-05-01 12:30:46'))
        self.assertEqual(['alpha'], self.names(
            '/v2/executions?created_at=lte:2024-05-01 12:30:46'))

    def test_value_with_a_colon_but_no_operator_is_eq(self):
        self.insert_execution(description='note: hi')
        body = self.app.get('/v2/executions?description=note: hi').json
        self.assertEqual(1, len(body['executions']))

    def test_bad_filter_value_is_400(self):
        response = self.app.get('/v2/executions?created_at=gt:yesterday',
                                expect_errors=True)
        self.assertFault(response, 400, 'created_at')

    def test_unknown_query_parameter_is_400(self):
        response = self.app.get('/v2/executions?colour=red', expect_errors=True)
        self.assertFault(response, 400, 'colour')

    def test_include_output_must_be_boolean(self):
        response = self.app.get('/v2/executions?include_output=maybe',
                                expect_errors=True)
        self.assertFault(response, 400, 'include_output')


class TestParse(base.testtools.TestCase):
    """listing.parse on its own, for the cases the anonymous admin cannot reach."""

    collection = listing.Collection(
        name='executions', fields=execution_types.FIELDS,
        list_fields=execution_types.LIST_FIELDS, filters=execution_types.FILTERS)

    def member(self):
        return wf_context.RequestContext(project_id='p1', user_id='u1',
                                         roles=['member'])

    def test_member_lists_own_project(self):
        request = listing.parse(self.collection, {}, self.member(), 10)
        self.assertEqual('p1', request.query.project_id)
        self.assertEqual(10, request.query.limit)
        self.assertEqual(('created_at',), request.query.sort_keys)
        self.assertEqual(('asc',), request.query.sort_dirs)

    def test_member_may_not_list_all_projects(self):
        self.assertRaises(exceptions.Forbidden, listing.parse, self.collection,
                          {'all_projects': 'true'}, self.member(), 10)

    def test_member_project_filter_stays_within_what_they_see(self):
        request = listing.parse(self.collection, {'project_id': 'p2'},
                                self.member(), 10)
        self.assertEqual('p1', request.query.project_id)
        self.assertIn(listing.repository.Filter('project_id', 'eq', 'p2'),
                      request.query.filters)

    def test_list_reads_only_the_columns_it_shows(self):
        request = listing.parse(self.collection, {}, self.member(), 10)
        self.assertNotIn('spec', request.query.fields)
        self.assertNotIn('output', request.query.fields)
        self.assertNotIn('context', request.query.fields)
        request = listing.parse(self.collection, {'fields': 'workflow_name'},
                                self.member(), 10)
        self.assertEqual(('id', 'name'), request.query.fields)

    def test_path_filters_override_the_query(self):
        request = listing.parse(self.collection, {'task_execution_id': 'a'},
                                self.member(), 10, fixed={'task_execution_id': 'b'})
        self.assertEqual(
            (listing.repository.Filter('task_execution_id', 'eq', 'b'),),
            request.query.filters)
